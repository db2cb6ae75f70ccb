"""What a saved result's file name says: the preset, or the provider id when no preset is active (issue 17)."""

from __future__ import annotations

from datetime import datetime

from core.config import parse_config
from core.delivery import Naming
from core.output import NameFields, render_file_name
from core.planning import plan_capture
from providers.registry import provider_catalog
from tray.result_delivery import naming_for

CATALOG = provider_catalog()
SETTINGS = """\
default_provider: google
presets:
  - {name: copy, provider: none}
  - {name: restyle, provider: openai, mode: edit, prompt: "x"}
"""


def name(naming: Naming) -> str:
    fields = NameFields(naming.preset, naming.provider, naming.mode, 10, 10, datetime(2026, 12, 1, 15, 0, 0))
    return render_file_name("{date}_{preset}_{mode}", fields)


def test_with_no_preset_active_the_file_name_says_the_provider_id() -> None:
    plan = plan_capture(parse_config(SETTINGS, CATALOG, source="test"), CATALOG)

    naming = naming_for(plan)

    assert naming == Naming("google", "google", "edit")
    assert name(naming) == "2026-12-01_google_edit"


def test_a_named_preset_keeps_its_name_in_the_file_name() -> None:
    plan = plan_capture(parse_config(SETTINGS, CATALOG, source="test"), CATALOG, "restyle")

    assert naming_for(plan) == Naming("restyle", "openai", "edit")
