"""The tray's own X11 clipboard owner on a real Xvfb, read back by xclip as a pasting program would (ADR 039)."""

from __future__ import annotations

import io
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from core.delivery import Destination, Naming, deliver
from core.errors import AppError
from desktop.clipboard.system import system_clipboard
from desktop.clipboard.x11_owner import X11SelectionOwner
from desktop.clipboard.x11_served import ServedClipboard
from tests.desktop import VirtualDesktop

pytestmark = pytest.mark.desktop


def noise(size: tuple[int, int]) -> Image.Image:
    """Pixels that do not compress: a wrong or partial read shows as a different picture."""
    grey = Image.effect_noise(size, 90)
    return Image.merge("RGB", (grey, grey.rotate(90, expand=False), grey.transpose(Image.Transpose.FLIP_TOP_BOTTOM)))


def png_of(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def wait_until(sign: Callable[[], bool], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sign():
            return True
        time.sleep(0.01)
    return sign()


@pytest.fixture
def served(desktop: VirtualDesktop) -> Iterator[ServedClipboard]:
    clipboard = ServedClipboard(desktop.env)
    yield clipboard
    clipboard.close()


def test_a_paster_reads_back_exactly_the_crops_pixels(desktop: VirtualDesktop, served: ServedClipboard) -> None:
    crop = noise((800, 600))
    served.offer_png(lambda: png_of(crop))
    data = desktop.read_clipboard("image/png")
    assert data is not None
    with Image.open(io.BytesIO(data)) as pasted:
        assert pasted.size == (800, 600)
        assert pasted.convert("RGB").tobytes() == crop.tobytes()


def test_targets_offer_image_png_and_the_time_we_took_it(desktop: VirtualDesktop, served: ServedClipboard) -> None:
    served.write_png(png_of(noise((16, 16))))
    assert desktop.clipboard_targets() == ["TARGETS", "TIMESTAMP", "image/png"]
    stamp = desktop.read_clipboard("TIMESTAMP")
    assert stamp is not None
    assert int(stamp.split()[0]) > 0


def test_a_4k_crop_goes_in_incr_chunks_and_reads_back_whole(desktop: VirtualDesktop, served: ServedClipboard) -> None:
    crop = noise((3840, 2160))
    data = png_of(crop)
    # GIVEN a PNG several times larger than one X request can carry (so INCR must be used)
    assert len(data) > 4 * (1 << 18)
    served.write_png(data)
    assert desktop.read_clipboard("image/png") == data


def test_a_paster_asking_during_the_encode_waits_for_it(desktop: VirtualDesktop) -> None:
    owner = X11SelectionOwner(desktop.env["DISPLAY"])
    release = threading.Event()
    data = png_of(noise((64, 48)))
    # The encode runs on the thread that offers (the Tk thread in the tray): here a thread of its own.
    offering = threading.Thread(target=owner.offer, args=(lambda: data if release.wait(10) else b"",))
    try:
        offering.start()
        assert wait_until(owner.owns)
        argv = ["xclip", "-selection", "clipboard", "-t", "image/png", "-o"]
        with subprocess.Popen(argv, env=desktop.env, stdout=subprocess.PIPE) as paster:
            # The sign: the paster's request is parked on the owner thread, waiting for the encode.
            assert wait_until(lambda: owner._call(lambda: len(owner._state.waiting)) == 1)
            release.set()
            out, _ = paster.communicate(timeout=10)
        assert out == data
    finally:
        release.set()
        offering.join(10)
        owner.stop()


def test_an_encode_that_never_ends_is_refused_within_the_time_limit(desktop: VirtualDesktop) -> None:
    owner = X11SelectionOwner(desktop.env["DISPLAY"], timeout=0.5)
    release = threading.Event()
    offering = threading.Thread(target=owner.offer, args=(lambda: b"late" * release.wait(10),))
    try:
        offering.start()
        assert wait_until(owner.owns)
        start = time.monotonic()
        assert desktop.read_clipboard("image/png") in {None, b""}
        assert time.monotonic() - start < 5
    finally:
        release.set()
        offering.join(10)
        owner.stop()


def test_an_encode_that_fails_is_raised_and_lets_the_clipboard_go(desktop: VirtualDesktop) -> None:
    desktop.set_clipboard(b"before")
    assert wait_until(lambda: desktop.read_clipboard("UTF8_STRING") == b"before")
    owner = X11SelectionOwner(desktop.env["DISPLAY"])

    def failing() -> bytes:
        raise MemoryError

    try:
        with pytest.raises(MemoryError):
            owner.offer(failing)
        # The selection is let go at once: nobody owns the clipboard, a paster gets nothing.
        assert wait_until(lambda: not owner.owns())
        assert desktop.clipboard_targets() == []
        assert desktop.read_clipboard("image/png") is None
    finally:
        owner.stop()


def test_another_program_taking_the_clipboard_releases_ours(desktop: VirtualDesktop, served: ServedClipboard) -> None:
    served.write_png(png_of(noise((16, 16))))
    assert served.owns()
    desktop.set_clipboard(b"copied elsewhere")
    # xclip's parent exits before its forked child owns the selection: wait for the child.
    assert wait_until(lambda: desktop.read_clipboard("UTF8_STRING") == b"copied elsewhere")
    assert wait_until(lambda: not served.owns())


def test_after_the_tray_quits_the_clipboard_still_pastes(desktop: VirtualDesktop) -> None:
    served = ServedClipboard(desktop.env)
    data = png_of(noise((120, 90)))
    served.write_png(data)
    served.close()
    # xclip serves it now: no TIMESTAMP target (ours offers one), same bytes.
    assert desktop.clipboard_targets() == ["TARGETS", "image/png"]
    assert desktop.read_clipboard("image/png") == data


def test_a_failed_delivery_leaves_the_clipboard_as_it_was(desktop: VirtualDesktop, tmp_path: Path) -> None:
    desktop.set_clipboard(b"what the person had")
    assert wait_until(lambda: desktop.read_clipboard("UTF8_STRING") == b"what the person had")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the output folder should be")
    clipboard = system_clipboard(desktop.env, serve=True)
    try:
        with pytest.raises(AppError):
            deliver(
                [noise((32, 32))],
                Destination(copy=True, folder=blocked),
                Naming("copy", "none", "copy"),
                lambda: clipboard,
            )
        assert desktop.read_clipboard("UTF8_STRING") == b"what the person had"
    finally:
        clipboard.close()


def test_the_tray_chain_serves_first_and_the_command_line_keeps_xclip(desktop: VirtualDesktop) -> None:
    assert system_clipboard(desktop.env, serve=True).name == "x11-owner"
    assert system_clipboard(desktop.env).name == "xclip"
