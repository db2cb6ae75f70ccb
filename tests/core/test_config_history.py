"""``privacy.history`` and ``privacy.history_max_mb`` (issue 18): off and 500 MB by default, checked by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import default_config, parse_config
from core.config_defaults import DEFAULT_CONFIG_TEXT
from core.errors import ConfigError
from providers.registry import provider_catalog
from tests.cli.test_cli import run_main

CATALOG = provider_catalog()


def test_off_with_a_500_mb_cap_by_default_and_in_the_written_defaults() -> None:
    for config in (default_config(CATALOG), parse_config("{}\n", CATALOG, source="config.yaml")):
        assert config.privacy.history is False
        assert config.privacy.history_max_mb == 500
        assert config.privacy.history_max_bytes == 500 * 1024 * 1024
    assert "privacy: {history: false, history_max_mb: 500}" in DEFAULT_CONFIG_TEXT


def test_turned_on_with_a_cap_in_megabytes() -> None:
    config = parse_config("privacy: {history: true, history_max_mb: 1.5}\n", CATALOG, source="config.yaml")
    assert config.privacy.history is True
    assert config.privacy.history_max_bytes == 1536 * 1024


@pytest.mark.parametrize("value", ["0", "-5", ".nan", ".inf", "true", "lots", "2000000"])
def test_a_cap_that_is_not_a_positive_number_of_megabytes_names_its_line(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(f"output: {{mode: clipboard}}\nprivacy: {{history_max_mb: {value}}}\n", CATALOG, source="c.yaml")
    message = str(caught.value)
    assert message.startswith("c.yaml:2: privacy.history_max_mb: ")
    assert "must be a number of megabytes above 0" in message


def test_config_check_says_the_bad_cap_in_plain_words(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("privacy:\n  history: true\n  history_max_mb: none\n", encoding="utf-8")
    result = run_main("--config", str(config), "config", "check")
    assert result.returncode == 2
    assert f"{config}:3: privacy.history_max_mb: 'none' must be a number of megabytes" in result.stderr
    assert "Traceback" not in result.stderr
