"""One measured figure: its samples, and the median, min and max the table shows."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Series:
    """Samples of one figure, in its ``unit`` (``ms``, ``MB``, ``ticks``)."""

    unit: str = "ms"
    values: list[float] = field(default_factory=list)
    failures: int = 0
    note: str = ""

    def add(self, value: float | None) -> None:
        if value is None:
            self.failures += 1
        else:
            self.values.append(value)

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    def cell(self) -> str:
        """``median (min-max)``, or the one value, or a dash when nothing was measured."""
        if not self.values:
            return "failed" if self.failures else "-"
        digits = 0 if self.unit in {"ticks"} else 1
        low, median, high = (f"{value:.{digits}f}" for value in (min(self.values), self.median, max(self.values)))
        text = median if len(self.values) == 1 else f"{median} ({low}-{high})"
        return f"{text} [{self.failures} failed]" if self.failures else text


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000.0


def ratio(ours: Series, peer: Series) -> str:
    """How many times the peer's median ours is (<1: we are faster / smaller)."""
    if ours.median is None or peer.median is None or peer.median == 0:
        return "-"
    return f"{ours.median / peer.median:.2f}x"
