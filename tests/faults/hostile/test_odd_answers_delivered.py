"""Issue 16, answers and inputs that are odd but not wrong: the paid-for result must arrive.

A result in a mode PNG cannot store (CMYK JPEG, 16-bit grey, a palette with missing entries), an
input in float, 16-bit, LAB, YCbCr or CMYK, a phone photo stored sideways, an answer holding 3,000
images when one was asked for, a ``Retry-After`` in the past: ``main.py edit`` delivers (exit 0),
writes the result to out.png (a real PNG) and the clipboard, and nothing else to the folder.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.faults.harness import OLD_OUTPUT, Scene
from tests.faults.hostile import stand_ins as hostile
from tests.faults.hostile.outcome import START_UP, Timed, leaked_keys, timed_edit
from tests.providers.loopback import LoopbackServer, Reply
from tests.providers.openai_server import error_answer
from tests.virtual_desktop import VirtualDesktop

pytestmark = pytest.mark.desktop


def delivered(scene: Scene, desktop: VirtualDesktop, run: Timed, *, within: float = 5) -> Image.Image:
    """Exit 0, out.png replaced by a PNG, the clipboard holding it, no other file, no key: the result."""
    assert run.done.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert scene.output.read_bytes() != OLD_OUTPUT
    assert sorted(path.name for path in scene.work.iterdir()) == ["in.png", "out.png"]
    assert list(scene.tmp.iterdir()) == []
    copied = desktop.read_clipboard("image/png")
    assert copied is not None
    assert copied.startswith(b"\x89PNG")
    assert leaked_keys(scene, run) == []
    assert run.seconds < within + START_UP
    with Image.open(scene.output, formats=["PNG"]) as saved:
        saved.load()
        return saved.copy()


ANSWERS = {
    "cmyk-jpeg": hostile.encoded(hostile.mode_image("CMYK"), "JPEG"),
    "i16-png": hostile.encoded(hostile.mode_image("I;16")),
    "odd-palette-png": hostile.odd_palette_png(),
    "one-bit-png": hostile.encoded(Image.new("1", (40, 30), 1)),
}


@pytest.mark.parametrize("name", list(ANSWERS))
def test_a_result_in_a_mode_png_cannot_store_is_saved_and_copied(
    name: str, tmp_path: Path, desktop: VirtualDesktop
) -> None:
    scene = Scene(tmp_path, desktop)
    with LoopbackServer([hostile.b64_answer(ANSWERS[name])]) as server:
        run = timed_edit(scene, "openai", server.url + "/v1")
    saved = delivered(scene, desktop, run)
    assert saved.mode in {"RGB", "RGBA", "L", "LA"}


def test_a_16_bit_result_keeps_its_contrast_instead_of_turning_white(tmp_path: Path, desktop: VirtualDesktop) -> None:
    scene = Scene(tmp_path, desktop)
    with LoopbackServer([hostile.b64_answer(ANSWERS["i16-png"])]) as server:
        run = timed_edit(scene, "openai", server.url + "/v1")
    saved = delivered(scene, desktop, run).convert("L")
    # The left half is the brighter one in the 16-bit original; clipping would make both 255.
    left, right = saved.getpixel((2, saved.height // 2)), saved.getpixel((saved.width - 3, saved.height // 2))
    assert left is not None
    assert right is not None
    assert float(str(left)) > float(str(right)) + 40, (left, right)


@pytest.mark.parametrize("mode", ["F", "I;16", "LAB", "YCbCr", "CMYK"])
def test_an_input_in_an_odd_mode_is_sent_as_a_valid_png(mode: str, tmp_path: Path, desktop: VirtualDesktop) -> None:
    scene = Scene(tmp_path, desktop)
    hostile.mode_image(mode).save(scene.input, "TIFF")
    scene.before = {**scene.before, "in.png": scene.input.stat().st_size}
    with LoopbackServer([hostile.b64_answer(hostile.tiny_png())]) as server:
        run = timed_edit(scene, "openai", server.url + "/v1")
    delivered(scene, desktop, run)
    sent = server.requests[0].form()["image"]
    with Image.open(io.BytesIO(sent.data), formats=["PNG"]) as image:
        assert image.mode in {"RGB", "RGBA"}
        assert image.size[0] / image.size[1] == pytest.approx(64 / 48, rel=0.05)


def test_an_exif_rotated_photo_is_sent_upright(tmp_path: Path, desktop: VirtualDesktop) -> None:
    scene = Scene(tmp_path, desktop)
    scene.input.write_bytes(hostile.exif_rotated_jpeg())
    scene.before = {**scene.before, "in.png": scene.input.stat().st_size}
    with LoopbackServer([hostile.b64_answer(hostile.tiny_png())]) as server:
        run = timed_edit(scene, "openai", server.url + "/v1")
    delivered(scene, desktop, run)
    with Image.open(io.BytesIO(server.requests[0].form()["image"].data), formats=["PNG"]) as sent:
        rgb = sent.convert("RGB")
    # Shown as 60x120 with red on top: portrait, and the top is red, the bottom blue.
    assert rgb.height > rgb.width
    top, bottom = rgb.getpixel((rgb.width // 2, 2)), rgb.getpixel((rgb.width // 2, rgb.height - 3))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert top[0] > 150 > top[2], top
    assert bottom[2] > 150 > bottom[0], bottom


def test_3000_tiny_images_without_n_save_one_file_and_say_so(tmp_path: Path, desktop: VirtualDesktop) -> None:
    scene = Scene(tmp_path, desktop)
    with LoopbackServer([hostile.b64_answer(*[hostile.tiny_png()] * 3000)]) as server:
        run = timed_edit(scene, "openai", server.url + "/v1")
    delivered(scene, desktop, run)
    assert "sent 3000 images where 1 was asked for" in run.stderr


def test_a_retry_after_in_the_past_or_negative_retries_at_once_and_delivers(
    tmp_path: Path, desktop: VirtualDesktop
) -> None:
    scene = Scene(tmp_path, desktop)
    past = error_answer(429, "rate_limit_exceeded", "Slow down.", "requests", **{"retry-after": "-5"})
    ancient = error_answer(
        429, "rate_limit_exceeded", "Slow down.", "requests", **{"retry-after": "Thu, 01 Jan 1970 00:00:00 GMT"}
    )
    with LoopbackServer([past, ancient, hostile.b64_answer(hostile.tiny_png())]) as server:
        run = timed_edit(scene, "openai", server.url + "/v1")
    delivered(scene, desktop, run, within=2)
    assert len(server.requests) == 3
    assert "Retrying in 0 s" in run.stderr


def test_a_compressed_answer_of_one_gzip_layer_is_still_read(tmp_path: Path, desktop: VirtualDesktop) -> None:
    import gzip

    scene = Scene(tmp_path, desktop)
    plain = hostile.b64_answer(hostile.tiny_png())
    packed = Reply(body=gzip.compress(plain.body), headers={**hostile.JSON, "content-encoding": "gzip"})
    with LoopbackServer([packed]) as server:
        run = timed_edit(scene, "openai", server.url + "/v1")
    delivered(scene, desktop, run)
    assert server.requests[0].headers["accept-encoding"] == "identity"
