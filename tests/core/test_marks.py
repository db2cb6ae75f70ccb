"""core.marks: strokes widen into a mask by exactly their reach, and the helpers read masks right."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from core import marks


def _markup_with_dot(size: tuple[int, int], at: tuple[int, int]) -> Image.Image:
    markup = Image.new("RGBA", size, (0, 0, 0, 0))
    markup.putpixel(at, (255, 40, 40, 255))
    return markup


@settings(max_examples=40, deadline=None)
@given(
    x=st.integers(0, 119),
    y=st.integers(0, 89),
    reach=st.integers(0, 40),
)
def test_a_dot_widens_into_the_square_of_its_reach(x: int, y: int, reach: int) -> None:
    mask = marks.strokes_mask(_markup_with_dot((120, 90), (x, y)), reach)
    expected = (max(0, x - reach), max(0, y - reach), min(120, x + reach + 1), min(90, y + reach + 1))
    assert mask.mode == "L"
    assert mask.getbbox() == expected
    assert set(mask.getdata()) <= {marks.KEEP, marks.EDIT}
    assert mask.crop(expected).getextrema() == (marks.EDIT, marks.EDIT)


def test_an_empty_markup_widens_into_nothing() -> None:
    assert marks.strokes_mask(Image.new("RGBA", (40, 30), (255, 0, 0, 0))).getbbox() is None


def test_union_keeps_both_areas_and_passes_one_through() -> None:
    left = Image.new("L", (10, 4), 0)
    left.paste(255, (0, 0, 3, 4))
    right = Image.new("L", (10, 4), 0)
    right.paste(255, (7, 0, 10, 4))
    both = marks.union(left, right)
    assert both is not None
    assert [both.getpixel((x, 0)) for x in range(10)] == [255] * 3 + [0] * 4 + [255] * 3
    assert marks.union(left, None) is left
    assert marks.union(None, None) is None


def test_coverage_is_the_share_painted() -> None:
    mask = Image.new("L", (100, 50), 0)
    mask.paste(255, (0, 0, 25, 24))
    assert marks.coverage(mask) == 25 * 24 / 5000


def test_blank_means_nothing_visible() -> None:
    assert marks.is_blank(None)
    assert marks.is_blank(Image.new("L", (5, 5), 0))
    assert marks.is_blank(Image.new("RGBA", (5, 5), (9, 9, 9, 0)))
    assert not marks.is_blank(_markup_with_dot((5, 5), (2, 2)))
