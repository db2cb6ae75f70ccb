"""What a painting becomes in the request: markup only where the model takes it, never with a mask (issue 13)."""

from __future__ import annotations

from PIL import Image

from core import marks
from tray.painted import NOTHING, to_send


def brush(box: tuple[int, int, int, int] = (10, 10, 30, 30)) -> Image.Image:
    mask = Image.new("L", (100, 50), 0)
    mask.paste(255, box)
    return mask


def strokes() -> Image.Image:
    markup = Image.new("RGBA", (100, 50), (0, 0, 0, 0))
    markup.paste((255, 32, 96, 255), (60, 20, 70, 22))
    return markup


def test_nothing_painted_sends_nothing_and_says_nothing() -> None:
    assert to_send(None, None, 0, takes_markup=True) == NOTHING
    assert to_send(Image.new("L", (100, 50), 0), Image.new("RGBA", (100, 50)), 0, takes_markup=False) == NOTHING


def test_a_brush_mask_goes_as_it_is_and_the_bar_gives_its_share_of_the_selection() -> None:
    sent = to_send(brush(), None, 0, takes_markup=True)
    assert sent.markup is None
    assert sent.mask is not None
    assert marks.coverage(sent.mask) == 0.08
    assert sent.summary == "mask: 8% of the selection"


def test_strokes_go_as_markup_to_a_model_that_takes_it() -> None:
    markup = strokes()
    sent = to_send(None, markup, 3, takes_markup=True)
    assert sent.mask is None
    assert sent.markup is markup
    assert sent.summary == "markup: 3 strokes"
    assert to_send(None, markup, 1, takes_markup=True).summary == "markup: 1 stroke"


def test_strokes_become_a_widened_mask_for_any_other_model() -> None:
    sent = to_send(None, strokes(), 3, takes_markup=False)
    assert sent.markup is None
    assert sent.mask is not None
    assert sent.mask.getpixel((65, 21)) == 255
    assert sent.mask.getpixel((65 + marks.STROKE_REACH, 21)) == 255, "widened by the reach"
    assert sent.mask.getpixel((5, 5)) == 0
    assert sent.summary == "3 strokes, sent as a mask"


def test_with_a_brush_mask_too_the_strokes_join_the_mask_even_where_markup_is_native() -> None:
    sent = to_send(brush(), strokes(), 2, takes_markup=True)
    assert sent.markup is None, "OpenAI refuses markup together with a mask"
    assert sent.mask is not None
    assert sent.mask.getpixel((15, 15)) == 255
    assert sent.mask.getpixel((65, 21)) == 255
    assert sent.summary.startswith("mask: ")
    assert sent.summary.endswith("of the selection, with 2 strokes")
