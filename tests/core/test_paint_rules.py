"""A preset's ``paint`` setting (issue 13): read from the settings, carried by the plan, checked on Enter."""

from __future__ import annotations

import pytest
from PIL import Image

from core.config import parse_config
from core.errors import ConfigError
from core.paint_rules import Prepared, check, prepare
from core.planning import Plan, plan_capture
from providers.registry import provider_catalog

CATALOG = provider_catalog()
SETTINGS = """
presets:
  - {name: fix, provider: openai, mode: edit, prompt: "Replace this", paint: required}
  - {name: sketch, provider: openai, mode: edit}
  - {name: flat, provider: openai, mode: edit, paint: "off"}
  - {name: cutout, provider: photoroom, mode: remove-background, paint: required}
  - {name: poster, provider: openai, mode: generate, paint: required}
"""


def plan(name: str | None) -> Plan:
    return plan_capture(parse_config(SETTINGS, CATALOG, source="test"), CATALOG, name)


def painted(size: tuple[int, int] = (40, 30)) -> Image.Image:
    mask = Image.new("L", size, 0)
    mask.paste(255, (5, 5, 15, 15))
    return mask


def marked(size: tuple[int, int] = (40, 30)) -> Image.Image:
    markup = Image.new("RGBA", size, (0, 0, 0, 0))
    markup.putpixel((3, 4), (255, 0, 0, 255))
    return markup


def test_the_plan_carries_the_presets_paint_setting() -> None:
    assert [plan(name).paint for name in ("fix", "sketch", "flat")] == ["required", "optional", "off"]


def test_a_mode_with_nothing_to_paint_for_plans_paint_off() -> None:
    # PhotoRoom's cutout takes no mask in any form; generate takes no image to paint on.
    assert plan("cutout").paint == "off"
    assert plan("poster").paint == "off"
    assert plan("copy").paint == "off"


def test_without_a_preset_painting_is_optional_where_the_mode_takes_a_mask() -> None:
    assert plan(None).paint == "optional"  # default_provider openai, mode edit


def test_required_and_nothing_painted_says_what_to_do_instead_of_sending() -> None:
    problem = check(plan("fix"), None, Image.new("RGBA", (40, 30), (0, 0, 0, 0)))
    assert problem is not None
    assert "needs you to paint the area to change first" in problem
    assert "(B" in problem
    assert "'fix'" in problem


def test_required_is_met_by_a_mask_or_by_markup() -> None:
    assert check(plan("fix"), painted(), None) is None
    assert check(plan("fix"), None, marked()) is None


def test_optional_takes_either() -> None:
    assert check(plan("sketch"), None, None) is None
    assert check(plan("sketch"), painted(), marked()) is None


def test_off_with_paint_says_it_would_be_lost() -> None:
    problem = check(plan("cutout"), painted(), None)
    assert problem is not None
    assert "PhotoRoom" in problem
    assert "takes no painted area" in problem
    assert check(plan("cutout"), None, None) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("presets:\n  - {name: a, provider: openai, mode: edit, paint: always}\n", "'always' is not one of required"),
        ("presets:\n  - {name: a, provider: none, paint: required}\n", "takes no mode, options or paint"),
    ],
)
def test_config_check_refuses_a_bad_paint_setting(text: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, CATALOG, source="config.yaml")
    assert words in str(caught.value)
    assert caught.value.line == 2


def test_prepare_keeps_markup_for_a_model_that_takes_it() -> None:
    prepared = prepare(None, marked(), takes_markup=True, model="gpt-image-2.6-flare")
    assert prepared.mask is None
    assert prepared.markup is not None
    assert prepared.note == ""


def test_prepare_widens_markup_into_a_mask_for_other_models_and_says_so() -> None:
    prepared = prepare(None, marked((200, 100)), takes_markup=False, model="gemini-3-pro-image")
    assert prepared.markup is None
    assert prepared.mask is not None
    assert prepared.mask.getbbox() == (0, 0, 28, 29)  # the dot at (3, 4) widened by 24 px, cut by the edges
    assert prepared.note.startswith("gemini-3-pro-image takes no markup: the marks were widened into a mask (24 px")


def test_prepare_joins_markup_to_a_painted_mask_as_markup_never_goes_with_one() -> None:
    prepared = prepare(painted(), marked(), takes_markup=True, model="gpt-image-2.6-flare")
    assert prepared.markup is None
    assert prepared.mask is not None
    assert prepared.mask.getpixel((10, 10)) == 255  # painted
    assert prepared.mask.getpixel((3, 28)) == 255  # within 24 px of the stroke
    assert "takes markup or a mask, not both" in prepared.note


def test_prepare_treats_strokeless_markup_as_none() -> None:
    empty = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
    assert prepare(None, empty, takes_markup=True, model="m") == Prepared(None, None)
