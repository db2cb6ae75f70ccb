"""What a job costs, before (an estimate from the price table) and after (the answer's own token count).

Pure arithmetic over ``Price`` entries: no provider wire format. The built-in entries are declared
beside each provider (``providers.catalog.*``, each with its date and source); the person's
``costs:`` entries in the settings file come first and so win (ADR 030). When no entry fits, the
answer is None and nothing shows a number: a wrong price is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.models import Usage

ANY = "*"
SNAPSHOT = re.compile(r"\d{4}-\d{2}-\d{2}")
PER_MILLION = 1_000_000
# Below a cent a third decimal says more than "$0.01" would.
SMALL = 0.01
TINY = 0.001


@dataclass(frozen=True)
class TokenPrices:
    """US dollars per million tokens. ``text_output`` None: not published, so text output has no price."""

    text_input: float
    image_input: float
    image_output: float
    text_output: float | None = None


@dataclass(frozen=True)
class Price:
    """One row of the table: a provider's model, at a size and quality (``ANY`` for all of them).

    ``per_image`` (dollars) makes estimates; ``tokens`` prices an answer's ``usage``. ``model``
    names the model id and its dated snapshots (``gpt-image-2`` covers ``gpt-image-2-2026-04-21``).
    """

    provider: str
    model: str
    size: str = ANY
    quality: str = ANY
    per_image: float | None = None
    tokens: TokenPrices | None = None
    date: str = ""
    source: str = ""

    def names(self, provider: str, model: str) -> bool:
        if provider != self.provider:
            return False
        return self.model in {ANY, model} or _is_snapshot(model, self.model)

    def fits(self, size: str | None, quality: str | None) -> bool:
        return self.size in {ANY, size} and self.quality in {ANY, quality}

    @property
    def exactness(self) -> int:
        return (self.model != ANY) * 4 + (self.size != ANY) * 2 + (self.quality != ANY)


def _is_snapshot(model: str, base: str) -> bool:
    """``gpt-image-2-2026-04-21`` is a dated snapshot of ``gpt-image-2``; ``gpt-image-2.5-flare`` is not."""
    return model.startswith(base + "-") and SNAPSHOT.fullmatch(model[len(base) + 1 :]) is not None


@dataclass(frozen=True)
class Estimate:
    """What the table says a job will cost, before it is sent."""

    amount: float
    price: Price

    @property
    def label(self) -> str:
        return f"about {money(self.amount)}"


@dataclass(frozen=True)
class Cost:
    """What the answer's own count of tokens comes to at the table's token prices."""

    amount: float
    usage: Usage
    price: Price

    @property
    def label(self) -> str:
        return money(self.amount)


@dataclass(frozen=True)
class PriceTable:
    """The person's entries first (they win), then the built-in ones."""

    overrides: tuple[Price, ...] = ()
    built_in: tuple[Price, ...] = ()

    @classmethod
    def of(cls, built_in: Iterable[Price], overrides: Iterable[Price] = ()) -> PriceTable:
        return cls(tuple(overrides), tuple(built_in))

    def find(self, provider: str, model: str, size: str | None, quality: str | None, *, tokens: bool) -> Price | None:
        """The most exact fitting entry, the person's before the built-in ones."""
        for entries in (self.overrides, self.built_in):
            fitting = [
                price
                for price in entries
                if price.names(provider, model)
                and (price.tokens is not None if tokens else price.per_image is not None)
                and (tokens or price.fits(size, quality))
            ]
            if fitting:
                return max(fitting, key=lambda price: price.exactness)
        return None


def estimate(
    table: PriceTable, provider: str, model: str, size: str | None, quality: str | None, n: int = 1
) -> Estimate | None:
    """``n`` images at the table's per-image price, or None when it has none for them."""
    price = table.find(provider, model, size, quality, tokens=False)
    if price is None or price.per_image is None:
        return None
    return Estimate(price.per_image * max(1, n), price)


def from_usage(table: PriceTable, provider: str, model: str, usage: Usage | None) -> Cost | None:
    """The answer's tokens at the table's token prices, or None when either is missing."""
    if usage is None:
        return None
    price = table.find(provider, model, None, None, tokens=True)
    if price is None or price.tokens is None:
        return None
    rates = price.tokens
    if usage.output_text_tokens and rates.text_output is None:
        return None
    total = (
        usage.input_text_tokens * rates.text_input
        + usage.input_image_tokens * rates.image_input
        + usage.output_image_tokens * rates.image_output
        + usage.output_text_tokens * (rates.text_output or 0.0)
    ) / PER_MILLION
    return Cost(total, usage, price)


def money(amount: float) -> str:
    """``$0.04``, ``$0.006``, ``$1.25``; never ``$0.00`` for something that cost a little."""
    if amount <= 0:
        return "$0"
    if amount < TINY:
        return "less than $0.001"
    if amount < SMALL:
        return f"${amount:.3f}"
    return f"${amount:.2f}"
