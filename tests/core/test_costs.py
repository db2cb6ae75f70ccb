"""The price table's arithmetic (issue 18): estimates and the answer's figure, against hand-computed values.

The expected numbers are worked out by hand from the sources named in providers/catalog/openai_prices.py
(OpenAI: $5 text input, $8 image input, $30 image output per 1M tokens; gpt-image-2 per image).
"""

from __future__ import annotations

import pytest

from core.costs import ANY, Price, PriceTable, TokenPrices, estimate, from_usage, money
from core.models import Usage
from providers.catalog.openai import INFO
from providers.registry import provider_catalog

TABLE = PriceTable.of(INFO.prices)
# What the OpenAI stand-in answers (tests/providers/openai_server.usage_payload).
STAND_IN = Usage(input_text_tokens=10, input_image_tokens=40, output_image_tokens=1000)


def test_every_built_in_price_has_its_date_and_source() -> None:
    for info in provider_catalog().values():
        for price in info.prices:
            assert price.provider == info.id
            assert len(price.date) == len("2026-12-01"), price
            assert price.source, price
            assert (price.per_image is None) != (price.tokens is None), "a row prices images or tokens"


def test_the_answers_usage_at_gpt_image_26_token_prices() -> None:
    # 10 x $5 + 40 x $8 + 1000 x $30 per million = $0.03037.
    cost = from_usage(TABLE, "openai", "gpt-image-2.6-flare", STAND_IN)
    assert cost is not None
    assert cost.amount == pytest.approx(0.03037)
    assert cost.label == "$0.03"


def test_gpt_image_2_prices_its_text_output_tokens_too() -> None:
    # 20 x $5 + 0 + 4160 x $30 + 100 x $10 per million = $0.1259.
    usage = Usage(input_text_tokens=20, output_image_tokens=4160, output_text_tokens=100)
    cost = from_usage(TABLE, "openai", "gpt-image-2-2026-04-21", usage)
    assert cost is not None
    assert cost.amount == pytest.approx(0.1259)


def test_text_output_without_a_published_price_gives_no_number() -> None:
    usage = Usage(input_text_tokens=20, output_image_tokens=4160, output_text_tokens=100)
    assert from_usage(TABLE, "openai", "gpt-image-2.6-sunburst", usage) is None


def test_the_estimate_is_the_per_image_price_times_n() -> None:
    one = estimate(TABLE, "openai", "gpt-image-2", "1024x1024", "medium")
    three = estimate(TABLE, "openai", "gpt-image-2", "1536x1024", "high", n=3)
    assert one is not None
    assert one.label == "about $0.05"
    assert three is not None
    assert three.amount == pytest.approx(0.495)
    assert three.label == "about $0.49"


@pytest.mark.parametrize(
    ("provider", "model", "size", "quality"),
    [
        ("openai", "gpt-image-2", "1536x864", "medium"),  # a size with no published price
        ("openai", "gpt-image-2", "1024x1024", None),  # quality auto: OpenAI picks, the price is unknown
        ("openai", "gpt-image-2.6-flare", "1024x1024", "low"),  # 2.6's tokens per image are not published
        ("openai", "gpt-image-2.5", "1024x1024", "low"),  # not a model of the table, nor a snapshot
        ("openai", "gpt-image-2-mini", "1024x1024", "low"),  # a model named like it is not a snapshot of it
        ("openai-compatible", "gpt-image-2", "1024x1024", "low"),  # a self-hosted server's price is its own
        ("ideogram", "ideogram-4-5", None, None),
    ],
)
def test_no_entry_means_no_number(provider: str, model: str, size: str | None, quality: str | None) -> None:
    assert estimate(TABLE, provider, model, size, quality) is None


def test_a_dated_snapshot_has_its_models_price() -> None:
    guess = estimate(TABLE, "openai", "gpt-image-2-2026-04-21", "1024x1024", "high")
    assert guess is not None
    assert guess.amount == 0.211


def test_no_usage_or_no_token_price_means_no_figure() -> None:
    assert from_usage(TABLE, "openai", "gpt-image-2.6-flare", None) is None
    assert from_usage(TABLE, "google", "gemini-nano-banana-2.1", STAND_IN) is None


def test_the_persons_entries_win_over_the_built_in_ones() -> None:
    mine = (
        Price("openai", "gpt-image-2.6-flare", ANY, ANY, per_image=0.04, date="2026-12-01", source="settings"),
        Price("openai", "gpt-image-2.6-flare", tokens=TokenPrices(1.0, 2.0, 3.0), source="settings"),
    )
    table = PriceTable.of(INFO.prices, mine)
    guess = estimate(table, "openai", "gpt-image-2.6-flare", "1536x864", None, n=2)
    assert guess is not None
    assert guess.label == "about $0.08"
    # 10 x $1 + 40 x $2 + 1000 x $3 per million = $0.00309.
    cost = from_usage(table, "openai", "gpt-image-2.6-flare", STAND_IN)
    assert cost is not None
    assert cost.amount == pytest.approx(0.00309)


def test_the_most_exact_entry_wins() -> None:
    rows = (
        Price("bfl", ANY, per_image=0.10, source="s"),
        Price("bfl", "flux-2-pro", per_image=0.03, source="s"),
        Price("bfl", "flux-2-pro", quality="high", per_image=0.05, source="s"),
    )
    table = PriceTable.of(rows)
    assert [estimate(table, "bfl", "flux-2-pro", None, q).amount for q in ("high", None)] == [0.05, 0.03]  # type: ignore[union-attr]
    assert estimate(table, "bfl", "flux-2-max", None, None).amount == 0.10  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("amount", "label"), [(0.04, "$0.04"), (0.006, "$0.006"), (1.254, "$1.25"), (0.0004, "less than $0.001"), (0, "$0")]
)
def test_money_says_small_amounts_without_rounding_them_to_nothing(amount: float, label: str) -> None:
    assert money(amount) == label
