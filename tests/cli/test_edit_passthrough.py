"""A result delivered as the provider made it is the provider's PNG, byte for byte (issue 14, ADR 036).

``main.py edit`` against the OpenAI stand-in: the answer is a PNG at zlib level 9 with a text chunk,
which our own encoder (level 1, no text) could never reproduce. Unchanged, the saved file is those
bytes; scaled by ``match_size`` or composited under a mask, it is our encoding of the new pixels.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, PngImagePlugin

from tests.cli.test_edit_cmd import KEY, run_edit
from tests.providers.loopback import LoopbackServer
from tests.providers.openai_server import OpenAISpec, images_answer

# gpt-image-2.6-flare takes 1024x1024 as it is: no frame to pad, nothing cut back out (ADR 020).
SIZE = (1024, 1024)


def provider_png(size: tuple[int, int]) -> bytes:
    image = Image.new("RGB", size, (30, 90, 160))
    image.paste((220, 200, 40), (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2))
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "stand-in")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=9, pnginfo=info)
    return buffer.getvalue()


def photo(path: Path) -> Image.Image:
    image = Image.new("RGB", SIZE, (240, 240, 240))
    image.paste((10, 10, 10), (100, 100, 300, 200))
    image.save(path)
    return image


def edit(tmp_path: Path, answer: bytes, *extra: str) -> Path:
    source, out = tmp_path / "photo.png", tmp_path / "out.png"
    photo(source)
    with LoopbackServer([images_answer(answer)], validator=OpenAISpec(KEY)) as server:
        result = run_edit(tmp_path, server, str(source), "--provider", "openai", "--prompt", "p",
                          "--output", str(out), *extra, timeout=30)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert server.invalid == []
    return out


def test_an_unchanged_result_is_saved_as_the_providers_own_bytes(tmp_path: Path) -> None:
    answer = provider_png(SIZE)
    assert edit(tmp_path, answer).read_bytes() == answer


def test_a_result_scaled_to_the_crop_is_encoded_again(tmp_path: Path) -> None:
    answer = provider_png((512, 512))
    out = edit(tmp_path, answer)
    data = out.read_bytes()
    assert data != answer
    with Image.open(out) as written:
        assert written.size == SIZE
        assert "Software" not in written.info
        assert written.convert("RGB").getpixel((384, 384)) == (220, 200, 40)


def test_a_result_composited_under_a_mask_is_encoded_again(tmp_path: Path) -> None:
    mask = tmp_path / "mask.png"
    drawn = Image.new("RGB", SIZE, (255, 255, 255))
    drawn.paste((0, 0, 0), (0, 0, 512, 1024))  # black = edit: the left half
    drawn.save(mask)
    answer = provider_png(SIZE)
    out = edit(tmp_path, answer, "--mask", str(mask))
    assert out.read_bytes() != answer
    with Image.open(out) as written:
        pixels = written.convert("RGB")
        assert pixels.getpixel((384, 384)) == (220, 200, 40)  # the provider's, inside the mask
        assert pixels.getpixel((900, 900)) == (240, 240, 240)  # the photo's own, outside it
