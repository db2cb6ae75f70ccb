"""The tray icon's pictures: one per state, told apart by shape and colour, transparent around."""

from __future__ import annotations

from PIL import ImageChops

from tray.icon import BUSY, ERROR, STATES, IconImages, draw_icon


def test_each_state_is_a_transparent_cornered_rgba_square() -> None:
    for state in STATES:
        image = draw_icon(state)
        assert image.mode == "RGBA"
        assert image.size == (64, 64)
        assert image.getpixel((0, 0)) == (0, 0, 0, 0)


def test_the_three_states_differ_and_only_in_the_badge_corner() -> None:
    idle, busy, error = (draw_icon(state) for state in STATES)
    for other in (busy, error):
        box = ImageChops.difference(idle, other).getbbox(alpha_only=False)
        assert box is not None
        left, top, _right, _bottom = box
        assert left >= 32, box
        assert top >= 32, box
    assert ImageChops.difference(busy, error).getbbox(alpha_only=False) is not None


def test_busy_and_error_badges_carry_their_colours() -> None:
    def has_colour(state: str, colour: tuple[int, int, int, int]) -> bool:
        image = draw_icon(state)  # type: ignore[arg-type]
        return any(
            all(abs(a - b) < 8 for a, b in zip(image.getpixel((x, y)), colour, strict=True))  # type: ignore[arg-type]
            for x in range(40, 64)
            for y in range(40, 64)
        )

    assert has_colour("busy", BUSY)
    assert has_colour("error", ERROR)
    assert not has_colour("idle", BUSY)


def test_images_are_drawn_once_at_the_asked_size() -> None:
    images = IconImages(32)
    assert images["busy"] is images["busy"]
    assert images["error"].size == (32, 32)
