"""The ``costs:`` section of the settings file: the person's own prices, which win over the built-in ones.

Each entry is one row of ``core.costs``' table, checked here so ``config check`` names the line of a
broken one. A broken entry is a settings problem like any other: the tray still starts, on the
defaults, and says which line (``core.config.load_or_defaults``).

    costs:
      - {provider: openai, model: gpt-image-2.6-flare, size: 1024x1024, quality: low, per_image: 0.02}
      - {provider: openai, model: gpt-image-2.6-flare,
         per_million_tokens: {text_input: 5, image_input: 8, image_output: 30}}
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Collection

from core.costs import ANY, Price, TokenPrices
from core.errors import ConfigError
from core.yamlnodes import Path_

ENTRY_KEYS = frozenset({"provider", "model", "size", "quality", "per_image", "per_million_tokens", "date", "source"})
TOKEN_KEYS = frozenset({"text_input", "image_input", "image_output", "text_output"})
REQUIRED_TOKENS = ("text_input", "image_input", "image_output")
SOURCE = "your settings file"

Fail = Callable[[Path_, str], ConfigError]
Mapping_ = Callable[[object, Path_, frozenset[str]], dict[str, object]]


def check_costs(value: object, fail: Fail, mapping: Mapping_, providers: Collection[str]) -> tuple[Price, ...]:
    """The entries as ``Price`` rows, or the first problem (with its line) raised through ``fail``."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise fail(("costs",), "must be a list of prices, each like {provider: openai, model: ..., per_image: 0.04}")
    return tuple(_entry(mapping(item, ("costs", index), ENTRY_KEYS), ("costs", index), fail, mapping, providers)
                 for index, item in enumerate(value))  # fmt: skip


def _entry(entry: dict[str, object], path: Path_, fail: Fail, mapping: Mapping_, providers: Collection[str]) -> Price:
    provider = entry.get("provider")
    if provider not in providers:
        raise fail((*path, "provider"), f"{provider!r} is not a provider (known: {', '.join(providers)})")
    texts = {name: _text(entry, name, (*path, name), fail) for name in ("model", "size", "quality", "date", "source")}
    if texts["model"] is None:
        raise fail(path, "needs a model: the model id, or '*' for every model of the provider")
    if texts["date"] is not None and not _is_date(texts["date"]):
        raise fail((*path, "date"), f"{texts['date']!r} is not a date like 2026-12-01")
    per_image, tokens = entry.get("per_image"), entry.get("per_million_tokens")
    if (per_image is None) == (tokens is None):
        raise fail(path, "needs exactly one of per_image (dollars per image) or per_million_tokens")
    return Price(
        provider=str(provider),
        model=texts["model"],
        size=texts["size"] or ANY,
        quality=texts["quality"] or ANY,
        per_image=_dollars(per_image, (*path, "per_image"), fail) if per_image is not None else None,
        tokens=_tokens(mapping(tokens, (*path, "per_million_tokens"), TOKEN_KEYS), (*path, "per_million_tokens"), fail)
        if tokens is not None
        else None,
        date=texts["date"] or "",
        source=texts["source"] or SOURCE,
    )


def _tokens(given: dict[str, object], path: Path_, fail: Fail) -> TokenPrices:
    missing = [name for name in REQUIRED_TOKENS if name not in given]
    if missing:
        raise fail(path, f"needs {', '.join(missing)} (dollars per million tokens)")
    rates = {name: _dollars(value, (*path, name), fail) for name, value in given.items()}
    return TokenPrices(rates["text_input"], rates["image_input"], rates["image_output"], rates.get("text_output"))


def _dollars(value: object, path: Path_, fail: Fail) -> float:
    number = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan
    if not math.isfinite(number) or number < 0:
        raise fail(path, f"{value!r} is not an amount of US dollars (a number like 0.04)")
    return number


def _text(entry: dict[str, object], name: str, path: Path_, fail: Fail) -> str | None:
    value = entry.get(name)
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()  # YAML reads an unquoted 2026-12-01 as a date
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise fail(path, f"{value!r} must be text")
    return str(value).strip()


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True
