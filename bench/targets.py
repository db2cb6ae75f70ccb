"""Issue 14's targets as data, and whether one round's figures meet them. Pure: no display, no clock.

A target compares one figure of ours with a limit, in one of four ways: the figure itself (``at
most`` / ``below``), its ratio to Flameshot's figure in the same round (``peer``), its ratio to
another figure of ours (``of``: the first hotkey against the later ones), or its growth over another
figure of ours (``over``: RSS after the jobs against RSS before them). Each round is judged on its
own: a target holds when every round says so (issue 14: "two full bench runs agree").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bench.session import Results
from bench.stats import Series

Kind = Literal["at_most", "below", "peer", "of", "over"]
PEER = "flameshot"


@dataclass(frozen=True)
class Target:
    kind: Kind
    limit: float
    other: str = ""  # the figure ``of`` and ``over`` compare with

    def text(self, unit: str) -> str:
        if self.kind == "at_most":
            return f"<= {self.limit:g} {unit}"
        if self.kind == "below":
            return f"< {self.limit:g} {unit}"
        if self.kind == "peer":
            return f"<= {self.limit:g}x Flameshot"
        if self.kind == "of":
            return f"<= {self.limit:g}x the later ones"
        return f"grows < {self.limit:g} {unit}"

    def value(self, key: str, results: Results) -> float | None:
        """What is compared with the limit in one round: the figure, a ratio or a growth."""
        ours = _median(results, key, "ours")
        if ours is None:
            return None
        if self.kind in {"at_most", "below"}:
            return ours
        other = _median(results, key, PEER) if self.kind == "peer" else _median(results, self.other, "ours")
        if other is None:
            return None
        if self.kind == "over":
            return ours - other
        return ours / other if other else None

    def holds(self, value: float) -> bool:
        return value < self.limit if self.kind in {"below", "over"} else value <= self.limit

    def shown(self, value: float, unit: str) -> str:
        if self.kind in {"peer", "of"}:
            return f"{value:.2f}x"
        sign = "+" if self.kind == "over" and value >= 0 else ""
        return f"{sign}{value:.0f} {unit}" if unit == "ticks" else f"{sign}{value:.1f} {unit}"


def verdict(target: Target, key: str, rounds: list[Results], unit: str) -> str:
    """``met`` when every round meets it, ``MISSED`` when none does, ``split`` otherwise; each round's value."""
    values = [target.value(key, results) for results in rounds]
    known = [value for value in values if value is not None]
    if not known:
        return "not measured"
    held = [target.holds(value) for value in known]
    word = "met" if all(held) else "MISSED" if not any(held) else "split"
    shown = " / ".join("-" if value is None else target.shown(value, unit) for value in values)
    return f"{word} ({shown})"


def _median(results: Results, key: str, tool: str) -> float | None:
    return results.get((key, tool), Series()).median
