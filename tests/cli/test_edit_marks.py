"""``main.py edit --markup FILE`` beside ``--mask FILE`` (issue 13): checked, then sent the way the model takes it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from cli.marks_input import Marks, read_marks, read_markup
from core.errors import InputError
from providers.catalog.openai import INFO
from tests.cli.test_edit_cmd import KEY, run_edit
from tests.providers.loopback import LoopbackServer
from tests.providers.openai_server import OpenAISpec, images_answer, png

EDIT = INFO.mode("edit")
SIZE = (300, 200)


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    Image.new("RGB", SIZE, (30, 90, 150)).save(path)
    return path


def markup_file(folder: Path, size: tuple[int, int] = SIZE, name: str = "marks.png") -> Path:
    """A circle's worth of strokes: a small red square at (40..60, 50..70) on transparency."""
    marks = Image.new("RGBA", size, (0, 0, 0, 0))
    marks.paste((255, 0, 0, 255), (40, 50, 60, 70))
    path = folder / name
    marks.save(path)
    return path


def test_markup_reaches_gpt_image_2_6_as_markup_and_no_mask(tmp_path: Path, photo: Path) -> None:
    marks = markup_file(tmp_path)
    with LoopbackServer([images_answer(png())], validator=OpenAISpec(KEY)) as server:
        result = run_edit(
            tmp_path, server, str(photo), "--provider", "openai", "--prompt", "p", "--markup", str(marks),
            "--output", str(tmp_path / "out.png"),
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert server.invalid == []
    form = server.requests[0].form()
    assert "mask" not in form
    sent = Image.open(io.BytesIO(form["image"].data))
    alpha = Image.open(io.BytesIO(form["markup"].data)).getchannel("A")
    # 300x200 goes up 4x in whole pixels to reach gpt-image-2.6's minimum (ADR 020): so do the marks.
    assert alpha.size == sent.size == (1200, 800)
    assert alpha.getbbox() == (160, 200, 240, 280)
    assert "widened" not in result.stderr.decode()


def test_markup_for_a_model_without_it_becomes_a_mask_and_says_so(tmp_path: Path, photo: Path) -> None:
    marks = markup_file(tmp_path)
    with LoopbackServer([images_answer(png())], validator=OpenAISpec(KEY)) as server:
        result = run_edit(
            tmp_path, server, str(photo), "--provider", "openai", "--prompt", "p", "--markup", str(marks),
            "--option", "model=gpt-image-2", "--output", str(tmp_path / "out.png"),
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert server.invalid == []
    assert "gpt-image-2 takes no markup: the marks were widened into a mask (24 px" in result.stderr.decode()
    form = server.requests[0].form()
    assert "markup" not in form
    edit = Image.open(io.BytesIO(form["mask"].data)).getchannel("A").point(lambda v: 255 if v == 0 else 0)
    # The square widened by 24 px each way, then 4x: (16..84, 26..94) -> (64..336, 104..376).
    assert edit.getbbox() == (64, 104, 336, 376)


def test_a_markup_of_another_size_exits_2_saying_how_it_differs(tmp_path: Path, photo: Path) -> None:
    marks = markup_file(tmp_path, (280, 240))
    with LoopbackServer() as server:
        result = run_edit(tmp_path, server, str(photo), "--provider", "openai", "--prompt", "p", "--markup", str(marks))
    assert result.returncode == 2
    said = result.stderr.decode()
    assert "--markup is 280x240 but INPUT is 300x200 (20 px narrower and 40 px taller)" in said
    assert "Traceback" not in said
    assert server.requests == []


def read(mask: Path | None, markup: Path | None, model: str = "gpt-image-2.6-flare") -> Marks:
    image = Image.new("RGB", SIZE)
    return read_marks(
        str(mask) if mask else None, str(markup) if markup else None, image, INFO, EDIT, model, Image.open
    )


def test_a_mask_of_another_size_is_refused_in_words(tmp_path: Path) -> None:
    mask = tmp_path / "mask.png"
    Image.new("L", (300, 199), 0).save(mask)
    with pytest.raises(InputError, match=r"--mask is 300x199 but INPUT is 300x200 \(1 px shorter\)"):
        read(mask, None)


@pytest.mark.parametrize(
    ("fmt", "mode", "words"),
    [
        ("JPEG", "RGB", "is not a PNG: --markup takes a PNG with marks on a transparent background"),
        ("PNG", "RGB", "has no transparency"),
    ],
)
def test_markup_must_be_a_png_with_transparency(tmp_path: Path, fmt: str, mode: str, words: str) -> None:
    path = tmp_path / "marks.img"
    Image.new(mode, SIZE, (255, 0, 0)).save(path, fmt)
    with pytest.raises(InputError, match=words):
        read_markup(str(path))


def test_markup_beside_a_mask_joins_the_mask_even_for_a_model_that_takes_markup(tmp_path: Path) -> None:
    # OpenAI refuses markup with a mask: the strokes are widened into the mask instead, and said.
    mask = tmp_path / "mask.png"
    Image.new("L", SIZE, 255).save(mask)  # no black: nothing to edit but the marks
    marks = read(mask, markup_file(tmp_path))
    assert marks.markup is None
    assert marks.mask is not None
    assert marks.mask.getbbox() == (16, 26, 84, 94)
    assert marks.said == (
        "OpenAI gpt-image-2.6-flare takes markup or a mask, not both: the marks were widened into a mask "
        "(24 px around each stroke, 8% of the image).",
    )


def test_for_other_models_the_mask_and_the_widened_marks_are_one_mask(tmp_path: Path) -> None:
    mask = tmp_path / "mask.png"
    drawn = Image.new("RGB", SIZE, (255, 255, 255))
    drawn.paste((0, 0, 0), (200, 0, 300, 50))  # black = edit
    drawn.save(mask)
    marks = read(mask, markup_file(tmp_path), model="gpt-image-2")
    assert marks.markup is None
    assert marks.mask is not None
    assert marks.mask.getbbox() == (16, 0, 300, 94)


def test_markup_with_no_visible_marks_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.png"
    Image.new("RGBA", SIZE, (0, 0, 0, 0)).save(empty)
    with pytest.raises(InputError, match="has no visible marks"):
        read(None, empty)
