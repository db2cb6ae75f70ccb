"""What a painting becomes in the request: markup only where the model takes it, never with a mask (issue 13)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from PIL import Image

from core import marks
from core.config import Config, load_config
from core.models import Rect, Selection
from core.planning import Plan, plan_capture
from providers.registry import provider_catalog
from tray.painted import NOTHING, for_selection, to_send


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


def selection_with_strokes() -> Selection:
    return Selection(Image.new("RGB", (100, 50)), Rect(0, 0, 100, 50), markup=strokes(), marks=1)


def plan_for(tmp_path: Path, model: str) -> tuple[Config, Plan]:
    path = tmp_path / "settings.yaml"
    path.write_text(
        f"default_provider: openai\nproviders:\n  openai: {{model: {model}}}\nactive_preset: null\n", encoding="utf-8"
    )
    config = load_config(path, provider_catalog())
    return config, plan_capture(config, provider_catalog())


def test_the_model_in_the_settings_decides_markup_or_a_mask(tmp_path: Path) -> None:
    config, plan = plan_for(tmp_path, "gpt-image-2.6-flare")
    assert for_selection(selection_with_strokes(), config, plan, provider_catalog()).summary == "markup: 1 stroke"
    config, plan = plan_for(tmp_path, "gpt-image-2")
    sent = for_selection(selection_with_strokes(), config, plan, provider_catalog())
    assert sent.summary == "1 stroke, sent as a mask"
    assert sent.markup is None


def test_a_presets_model_option_wins_over_the_settings(tmp_path: Path) -> None:
    config, plan = plan_for(tmp_path, "gpt-image-2")
    chosen = replace(plan, options=MappingProxyType({"model": "gpt-image-2.5-sunburst"}))
    assert for_selection(selection_with_strokes(), config, chosen, provider_catalog()).markup is not None


def test_an_unpainted_selection_or_a_mode_without_an_image_sends_no_paint(tmp_path: Path) -> None:
    config, plan = plan_for(tmp_path, "gpt-image-2.6-flare")
    bare = Selection(Image.new("RGB", (100, 50)), Rect(0, 0, 100, 50))
    assert for_selection(bare, config, plan, provider_catalog()) == NOTHING
    generate = replace(plan, needs_image=False)
    assert for_selection(selection_with_strokes(), config, generate, provider_catalog()) == NOTHING
