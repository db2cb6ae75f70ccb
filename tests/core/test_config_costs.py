"""``costs:`` in the settings file (issue 18): the person's prices win; a broken entry names its line
and never stops the tray from starting (the defaults are used and the problem said)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import load_or_defaults, parse_config
from core.config_defaults import DEFAULT_CONFIG_TEXT
from core.costs import ANY, PriceTable, TokenPrices, estimate, from_usage
from core.errors import ConfigError
from core.models import Usage
from providers.registry import provider_catalog
from tests.cli.test_cli import run_main

CATALOG = provider_catalog()
GOOD = """\
costs:
  - {provider: openai, model: gpt-image-2.6-flare, size: 1024x1024, quality: low, per_image: 0.02, date: 2026-12-01}
  - provider: openai
    model: gpt-image-2.6-flare
    per_million_tokens: {text_input: 4, image_input: 6, image_output: 20, text_output: 8}
  - {provider: ideogram, model: "*", per_image: 0.08, source: my invoice}
"""


def test_the_persons_prices_are_read_and_win() -> None:
    config = parse_config(GOOD, CATALOG, source="config.yaml")
    flare, tokens, ideogram = config.costs
    assert (flare.size, flare.quality, flare.per_image, flare.date) == ("1024x1024", "low", 0.02, "2026-12-01")
    assert flare.source == "your settings file"
    assert tokens.tokens == TokenPrices(4, 6, 20, 8)
    assert (ideogram.model, ideogram.size, ideogram.source) == (ANY, ANY, "my invoice")
    table = PriceTable.of(CATALOG["openai"].prices, config.costs)
    guess = estimate(table, "openai", "gpt-image-2.6-flare", "1024x1024", "low")
    assert guess is not None
    assert guess.label == "about $0.02"
    # 10 x $4 + 40 x $6 + 1000 x $20 per million = $0.02028, not the built-in $0.03037.
    cost = from_usage(table, "openai", "gpt-image-2.6-flare", Usage(10, 40, 1000))
    assert cost is not None
    assert cost.amount == pytest.approx(0.02028)
    assert estimate(table, "ideogram", "ideogram-4-5", None, None) is not None


def test_no_costs_section_means_the_built_in_table_only() -> None:
    assert parse_config(DEFAULT_CONFIG_TEXT, CATALOG, source="config.yaml").costs == ()
    assert "# costs:" in DEFAULT_CONFIG_TEXT


@pytest.mark.parametrize(
    ("text", "line", "said"),
    [
        ("costs: {openai: 0.04}\n", 1, "costs: must be a list of prices"),
        ("costs:\n  - {provider: opneai, model: x, per_image: 0.04}\n", 2, "'opneai' is not a provider"),
        ("costs:\n  - {provider: openai, per_image: 0.04}\n", 2, "needs a model"),
        ("costs:\n  - {provider: openai, model: m}\n", 2, "needs exactly one of per_image"),
        ("costs:\n  - {provider: openai, model: m, per_image: cheap}\n", 2, "'cheap' is not an amount of US dollars"),
        ("costs:\n  - {provider: openai, model: m, per_image: -1}\n", 2, "-1 is not an amount"),
        ("costs:\n  - {provider: openai, model: m, per_million_tokens: {text_input: 1}}\n", 2, "needs image_input"),
        ("costs:\n  - {provider: openai, model: m, per_image: 1, colour: red}\n", 2, "is not a known setting"),
        ("costs:\n  - {provider: openai, model: m, per_image: 1, date: soon}\n", 2, "is not a date"),
    ],
)
def test_a_broken_entry_names_its_line_in_plain_words(text: str, line: int, said: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, CATALOG, source="config.yaml")
    message = str(caught.value)
    assert message.startswith(f"config.yaml:{line}: "), message
    assert said in message


def test_a_broken_entry_does_not_stop_the_tray(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("costs:\n  - {provider: openai, model: m, per_image: lots}\n", encoding="utf-8")
    config, problem = load_or_defaults(path, CATALOG)
    assert problem is not None
    assert "'lots' is not an amount of US dollars" in str(problem)
    assert config.costs == ()
    assert config.presets, "the tray runs on the defaults"


def test_config_check_names_the_broken_price_and_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("default_provider: openai\ncosts:\n  - {provider: openai, model: m, per_image: cheap}\n")
    result = run_main("--config", str(config), "config", "check")
    assert result.returncode == 2
    assert f"{config}:3: costs[0].per_image: 'cheap' is not an amount of US dollars" in result.stderr
