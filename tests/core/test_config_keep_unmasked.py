"""``jobs.keep_unmasked`` (issue 18): on by default, in the commented defaults, and checked."""

from __future__ import annotations

import pytest

from core.config import default_config, parse_config
from core.config_defaults import DEFAULT_CONFIG_TEXT
from core.errors import ConfigError
from providers.registry import provider_catalog

CATALOG = provider_catalog()


def test_on_by_default_and_in_the_written_defaults() -> None:
    assert default_config(CATALOG).jobs.keep_unmasked is True
    assert parse_config(DEFAULT_CONFIG_TEXT, CATALOG, source="config.yaml").jobs.keep_unmasked is True
    assert "keep_unmasked: true" in DEFAULT_CONFIG_TEXT


def test_false_turns_it_off() -> None:
    config = parse_config("jobs: {keep_unmasked: false}\n", CATALOG, source="config.yaml")
    assert config.jobs.keep_unmasked is False


def test_a_value_that_is_not_true_or_false_names_its_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("output: {mode: clipboard}\njobs: {keep_unmasked: maybe}\n", CATALOG, source="config.yaml")
    assert str(caught.value).startswith("config.yaml:2: ")
    assert "jobs.keep_unmasked" in str(caught.value)
    assert "'maybe' is not true or false" in str(caught.value)
