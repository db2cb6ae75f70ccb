"""Delivering a result (core.delivery, shared by the tray and the CLI): exact PNG on the real clipboard,
new files only, a named file replaced only when all else worked, and nothing changed on failure."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from core.config import OutputSettings
from core.delivery import Destination, Naming, deliver
from core.errors import ClipboardError, OutputError
from core.output import encode_image
from desktop.clipboard.xclip import XclipClipboard
from tests.virtual_desktop import VirtualDesktop

NAMING = Naming(preset="restyle", provider="openai", mode="edit")
WHEN = datetime(2026, 11, 25, 14, 3, 9)


def result_image() -> Image.Image:
    image = Image.new("RGBA", (40, 30), (10, 200, 30, 255))
    image.paste((0, 0, 0, 0), (0, 0, 40, 10))
    return image


def clipboard_png(desktop: VirtualDesktop) -> Image.Image:
    data = desktop.run("xclip", "-selection", "clipboard", "-t", "image/png", "-o").stdout
    return Image.open(io.BytesIO(data)).convert("RGBA")


def set_text(desktop: VirtualDesktop, text: str) -> None:
    subprocess.run(
        ["xclip", "-selection", "clipboard", "-i"],
        input=text.encode(),
        env=desktop.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        timeout=10,
    )


def clipboard_text(desktop: VirtualDesktop) -> bytes:
    return desktop.run("xclip", "-selection", "clipboard", "-o", check=False).stdout


class RefusingClipboard:
    def write_png(self, data: bytes) -> None:
        raise ClipboardError("xclip could not set the clipboard: test refusal")


@pytest.mark.desktop
def test_copy_and_save_puts_the_exact_pixels_with_alpha_on_the_clipboard_and_in_a_new_file(
    desktop: VirtualDesktop, tmp_path: Path
) -> None:
    output = OutputSettings(mode="both", folder=tmp_path, pattern="{preset}_{date}_{width}x{height}")
    existing = tmp_path / "restyle_2026-11-25_40x30.png"
    existing.write_bytes(b"the person's own file")
    delivery = deliver(
        [result_image()], Destination.from_output(output), NAMING, lambda: XclipClipboard(desktop.env), now=WHEN
    )
    assert delivery.copied
    assert delivery.saved == tmp_path / "restyle_2026-11-25_40x30-2.png"
    assert existing.read_bytes() == b"the person's own file"
    assert ImageChops.difference(clipboard_png(desktop), result_image()).getbbox(alpha_only=False) is None
    saved = Image.open(delivery.saved).convert("RGBA")
    assert ImageChops.difference(saved, result_image()).getbbox(alpha_only=False) is None
    assert {path.name for path in tmp_path.iterdir()} == {existing.name, delivery.saved.name}


def test_save_only_leaves_the_clipboard_alone_and_writes_the_chosen_format(tmp_path: Path) -> None:
    output = OutputSettings(mode="save", folder=tmp_path / "new folder", pattern="{time}_{provider}", format="jpeg")
    delivery = deliver([result_image()], Destination.from_output(output), NAMING, lambda: None, now=WHEN)
    assert not delivery.copied
    assert delivery.saved == tmp_path / "new folder" / "14-03-09_openai.jpg"
    assert Image.open(delivery.saved).format == "JPEG"


def test_a_clipboard_refusal_removes_the_file_just_saved(tmp_path: Path) -> None:
    output = OutputSettings(mode="both", folder=tmp_path, pattern="{preset}")
    with pytest.raises(ClipboardError):
        deliver([result_image()], Destination.from_output(output), NAMING, RefusingClipboard, now=WHEN)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.desktop
def test_a_save_failure_leaves_the_clipboard_as_it_was(desktop: VirtualDesktop, tmp_path: Path) -> None:
    blocker = tmp_path / "not a folder"
    blocker.write_text("a file where the output folder should be")
    set_text(desktop, "the person's clipboard")
    output = OutputSettings(mode="both", folder=blocker, pattern="{preset}")
    with pytest.raises(OutputError):
        deliver(
            [result_image()], Destination.from_output(output), NAMING, lambda: XclipClipboard(desktop.env), now=WHEN
        )
    assert clipboard_text(desktop) == b"the person's clipboard"
    assert list(tmp_path.iterdir()) == [blocker]


def test_copy_without_any_clipboard_tool_says_so_and_saves_nothing(tmp_path: Path) -> None:
    output = OutputSettings(mode="both", folder=tmp_path, pattern="{preset}")
    with pytest.raises(ClipboardError, match="clipboard"):
        deliver([result_image()], Destination.from_output(output), NAMING, lambda: None, now=WHEN)
    assert list(tmp_path.iterdir()) == []


class RecordingClipboard:
    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write_png(self, data: bytes) -> None:
        self.written.append(data)


def test_a_named_file_is_replaced_and_its_variants_go_beside_it_as_new_files(tmp_path: Path) -> None:
    target = tmp_path / "out.png"
    target.write_bytes(b"old")
    (tmp_path / "out-2.png").write_bytes(b"someone else's")
    second = Image.new("RGB", (40, 30), (200, 0, 0))
    delivery = deliver([result_image(), second], Destination(file=target), NAMING, lambda: None)
    assert delivery.saved == target
    assert delivery.extras == (tmp_path / "out-2-2.png",)  # out-2.png is taken: never replaced
    assert Image.open(target).size == (40, 30)
    assert (tmp_path / "out-2.png").read_bytes() == b"someone else's"
    assert Image.open(tmp_path / "out-2-2.png").convert("RGB").getpixel((0, 0)) == (200, 0, 0)


def test_a_clipboard_refusal_leaves_a_named_file_as_it_was_and_removes_the_variants(tmp_path: Path) -> None:
    # GIVEN a file the person named, which already holds something, and a clipboard that refuses
    target = tmp_path / "out.png"
    target.write_bytes(b"the person's earlier result")
    images = [result_image(), result_image()]
    # WHEN both are asked for
    with pytest.raises(ClipboardError):
        deliver(images, Destination(file=target, copy=True), NAMING, RefusingClipboard)
    # THEN the named file is untouched and nothing else is left: no variant, no temporary file
    assert target.read_bytes() == b"the person's earlier result"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.png"]


def test_with_a_named_file_the_clipboard_gets_the_first_image_before_the_file_takes_its_place(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.webp"
    board = RecordingClipboard()
    seen_when_copied: list[bool] = []
    original = board.write_png

    def write_png(data: bytes) -> None:
        seen_when_copied.append(target.exists())
        original(data)

    board.write_png = write_png  # type: ignore[method-assign]
    delivery = deliver([result_image()], Destination(file=target, file_format="webp", copy=True), NAMING, lambda: board)
    assert delivery.copied
    assert seen_when_copied == [False]
    assert Image.open(io.BytesIO(board.written[0])).format == "PNG"
    assert Image.open(target).format == "WEBP"


def test_a_folder_save_with_a_fixed_stem_numbers_the_variants(tmp_path: Path) -> None:
    destination = Destination(folder=tmp_path, stem="photo-openai-edit")
    delivery = deliver([result_image()] * 3, destination, NAMING, lambda: None)
    assert [path.name for path in delivery.files] == [
        "photo-openai-edit.png",
        "photo-openai-edit-2.png",
        "photo-openai-edit-3.png",
    ]


def test_copied_and_named_the_variants_beside_the_file_are_their_own_pictures(tmp_path: Path) -> None:
    # GIVEN three different variants, copied and saved under a named .png (the clipboard's PNG is the first's)
    colours = [(200, 0, 0), (0, 200, 0), (0, 0, 200)]
    images = [Image.new("RGB", (20, 10), colour) for colour in colours]
    board = RecordingClipboard()
    delivery = deliver(images, Destination(file=tmp_path / "out.png", copy=True), NAMING, lambda: board)
    # THEN each file holds its own variant, and the clipboard the first
    assert [Image.open(path).convert("RGB").getpixel((0, 0)) for path in delivery.files] == colours
    assert Image.open(io.BytesIO(board.written[0])).convert("RGB").getpixel((0, 0)) == colours[0]


@pytest.mark.desktop
def test_a_png_in_hand_is_delivered_as_it_is_to_the_clipboard_the_folder_and_the_named_file(
    desktop: VirtualDesktop, tmp_path: Path
) -> None:
    # GIVEN a result and its provider's PNG (level 9: not what our level-1 encoder writes)
    image = result_image()
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=9)
    provider_png = buffer.getvalue()
    assert provider_png != encode_image(image, "png")
    target = tmp_path / "named.png"
    destination = Destination(copy=True, folder=tmp_path / "out", stem="result", file=target)
    # WHEN it is delivered with those bytes, beside a variant without any
    second = Image.new("RGB", (4, 4), (9, 9, 9))
    board = XclipClipboard(desktop.env)
    delivery = deliver([image, second], destination, NAMING, lambda: board, encoded=(provider_png,))
    # THEN every PNG of the first image is the provider's bytes (a paster reads them back); the variant is ours
    assert desktop.run("xclip", "-selection", "clipboard", "-t", "image/png", "-o").stdout == provider_png
    assert target.read_bytes() == provider_png
    assert (tmp_path / "out" / "result.png").read_bytes() == provider_png
    assert (tmp_path / "out" / "result-2.png").read_bytes() == encode_image(second, "png")
    assert len(delivery.files) == 4


def test_a_png_in_hand_is_not_used_for_another_format(tmp_path: Path) -> None:
    image = result_image()
    provider_png = encode_image(image, "png")
    target = tmp_path / "named.webp"
    deliver([image], Destination(file=target, file_format="webp"), NAMING, lambda: None, encoded=(provider_png,))
    assert target.read_bytes()[8:12] == b"WEBP"
