"""``main.py edit`` with variants and masks (issue 18): ``--n 3 --output-dir`` writes every variant,
and a masked edit keeps INPUT's own pixels outside the mask unless ``--no-keep-unmasked``."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.cli.test_edit_cmd import KEY, run_edit
from tests.providers.loopback import LoopbackServer
from tests.providers.openai_server import OpenAISpec, images_answer, png

RED, GREEN, BLUE = (200, 40, 40), (40, 200, 40), (40, 40, 200)
SIZE = (300, 200)


def gradient(path: Path) -> Image.Image:
    """Every pixel different from its neighbours, so "the original's pixels" means something."""
    image = Image.new("RGB", SIZE)
    image.putdata([(x % 256, y % 256, (x * 7 + y * 3) % 256) for y in range(SIZE[1]) for x in range(SIZE[0])])
    image.save(path)
    return image


def left_third_mask(path: Path) -> None:
    drawn = Image.new("RGB", SIZE, (255, 255, 255))
    drawn.paste((0, 0, 0), (0, 0, 100, 200))  # black = edit
    drawn.save(path)


def test_n_3_with_output_dir_writes_every_variant_numbered(tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    gradient(photo)
    out = tmp_path / "variants"
    answer = images_answer(png(SIZE, RED), png(SIZE, GREEN), png(SIZE, BLUE))
    with LoopbackServer([answer], validator=OpenAISpec(KEY)) as server:
        result = run_edit(
            tmp_path, server, str(photo), "--provider", "openai", "--prompt", "p", "--n", "3",
            "--output-dir", str(out),
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert server.invalid == []
    assert server.requests[0].form()["n"].data == b"3"
    names = sorted(path.name for path in out.iterdir())
    assert names == ["photo-openai-edit-1.png", "photo-openai-edit-2.png", "photo-openai-edit-3.png"]
    colours = [Image.open(out / name).convert("RGB").getpixel((150, 100)) for name in names]
    assert colours == [RED, GREEN, BLUE]
    assert result.stderr.decode().count("Saved") == 3


def test_a_masked_edit_keeps_the_inputs_pixels_outside_the_mask_exactly(tmp_path: Path) -> None:
    photo, mask = tmp_path / "photo.png", tmp_path / "mask.png"
    original = gradient(photo)
    left_third_mask(mask)
    out = tmp_path / "out.png"
    with LoopbackServer([images_answer(png((1200, 800), RED))], validator=OpenAISpec(KEY)) as server:
        result = run_edit(
            tmp_path, server, str(photo), "--provider", "openai", "--prompt", "p", "--mask", str(mask),
            "--output", str(out),
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = Image.open(out).convert("RGB")
    assert written.size == SIZE
    for y in range(0, SIZE[1], 3):
        for x in range(100, SIZE[0]):
            assert written.getpixel((x, y)) == original.getpixel((x, y)), (x, y)
        for x in range(0, 95):
            assert written.getpixel((x, y)) == RED, (x, y)


def test_no_keep_unmasked_delivers_the_providers_pixels_everywhere(tmp_path: Path) -> None:
    photo, mask = tmp_path / "photo.png", tmp_path / "mask.png"
    gradient(photo)
    left_third_mask(mask)
    out = tmp_path / "out.png"
    with LoopbackServer([images_answer(png((1200, 800), RED))], validator=OpenAISpec(KEY)) as server:
        result = run_edit(
            tmp_path, server, str(photo), "--provider", "openai", "--prompt", "p", "--mask", str(mask),
            "--no-keep-unmasked", "--output", str(out),
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert Image.open(out).convert("RGB").getpixel((250, 100)) == RED


def test_n_for_a_provider_without_variants_is_a_usage_error(tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    gradient(photo)
    with LoopbackServer() as server:
        result = run_edit(tmp_path, server, str(photo), "--provider", "photoroom", "--n", "2")
    assert result.returncode == 2
    assert "leave out --n" in result.stderr.decode()
    assert server.requests == []
