"""What a capture will do, decided from the settings (core.planning)."""

from __future__ import annotations

import pytest

from core.config import Config, parse_config
from core.errors import ConfigError
from core.planning import NO_PRESET, plan_capture
from providers.registry import provider_catalog

CATALOG = provider_catalog()

SETTINGS = """
default_provider: google
active_preset: restyle
presets:
  - {name: copy, provider: none}
  - {name: restyle, provider: openai, mode: edit, prompt: "Redraw this", options: {quality: high}}
  - {name: cutout, provider: photoroom, mode: remove-background}
  - {name: poster, provider: openai, mode: generate, prompt: "A poster"}
jobs: {remove_background_after: true}
"""


def config(text: str = SETTINGS) -> Config:
    return parse_config(text, CATALOG, source="test")


def test_the_active_preset_runs_with_its_prompt_options_and_the_background_step() -> None:
    plan = plan_capture(config(), CATALOG)
    assert (plan.preset, plan.provider_id, plan.mode, plan.prompt) == ("restyle", "openai", "edit", "Redraw this")
    assert dict(plan.options) == {"quality": "high"}
    assert plan.shows_prompt_bar
    assert plan.needs_image
    assert plan.remove_background_after


def test_a_named_preset_wins_over_the_active_one() -> None:
    plan = plan_capture(config(), CATALOG, "copy")
    assert plan.provider_id is None
    assert not plan.shows_prompt_bar


def test_a_mode_without_prompt_skips_the_bar_and_is_not_followed_by_itself() -> None:
    plan = plan_capture(config(), CATALOG, "cutout")
    assert plan.provider_id == "photoroom"
    assert not plan.shows_prompt_bar
    assert not plan.remove_background_after


def test_generate_sends_no_image() -> None:
    assert not plan_capture(config(), CATALOG, "poster").needs_image


def test_without_a_preset_the_menu_provider_runs_its_default_mode() -> None:
    plan = plan_capture(config(SETTINGS.replace("active_preset: restyle\n", "")), CATALOG)
    assert (plan.preset, plan.provider_id, plan.mode, plan.prompt) == (NO_PRESET, "google", "edit", "")
    assert plan.shows_prompt_bar


def test_an_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="restyle"):
        plan_capture(config(), CATALOG, "nope")
