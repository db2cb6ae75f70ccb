"""What the tray says about money (issue 18): the prompt bar's estimate, the viewer's figure, the menu's total.

The total is kept in memory only; nothing is written.

Prices come from ``core.costs``: the built-in rows of each provider's declaration, after the
person's ``costs:`` entries. When the table has nothing for a job, nothing shows a number.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from core.config import Config
from core.costs import Cost, Estimate, PriceTable, estimate, from_usage, money
from core.models import EditResult
from core.planning import Plan
from providers import fitting, sizing
from providers.base import ProviderInfo

log = logging.getLogger(__name__)


def price_table(catalog: Mapping[str, ProviderInfo], config: Config) -> PriceTable:
    return PriceTable.of((price for info in catalog.values() for price in info.prices), config.costs)


def model_of(info: ProviderInfo, config: Config, plan: Plan) -> str:
    chosen = plan.options.get("model") or config.provider(info.id).model or info.default_model
    return str(chosen or "")


def request_size(info: ProviderInfo, model: str, options: Mapping[str, object], crop: tuple[int, int]) -> str | None:
    """The size the provider will ask for: the person's, else the crop's shape by the model's rule.

    As ``providers.openai`` picks it; else the nearest of the fixed sizes.
    """
    given = options.get("size")
    if isinstance(given, str):
        return given
    rule = info.size_rule_for(model)
    asked = sizing.plan(crop, rule).request if rule is not None else None
    if asked is None and info.limits.sizes:
        asked = fitting.nearest_size(*crop, info.limits.sizes)
    return asked


class Spending:
    """The session's running total of the figures shown, and the text for each."""

    def __init__(self, catalog: Mapping[str, ProviderInfo]) -> None:
        self._catalog = catalog
        self.total = 0.0
        self.priced_jobs = 0

    def estimate(self, config: Config, plan: Plan, crop: tuple[int, int]) -> Estimate | None:
        info = self._catalog.get(plan.provider_id or "")
        if info is None:
            return None
        model = model_of(info, config, plan)
        quality = plan.options.get("quality")
        n = plan.options.get("n")
        # Text to image sends no crop: the size is the person's, or the provider's own default.
        given = plan.options.get("size")
        size = request_size(info, model, plan.options, crop) if plan.needs_image else given
        return estimate(
            price_table(self._catalog, config),
            info.id,
            model,
            size if isinstance(size, str) else None,
            quality if isinstance(quality, str) else None,
            n if isinstance(n, int) and not isinstance(n, bool) else 1,
        )

    def estimate_text(self, config: Config, plan: Plan, crop: tuple[int, int]) -> str:
        """For the prompt bar: ``about $0.04, estimate``, or nothing when the table has no price."""
        guess = self.estimate(config, plan, crop)
        return f"{guess.label}, estimate" if guess is not None else ""

    def settle(self, config: Config, plan: Plan, crop: tuple[int, int], result: EditResult) -> str:
        """The job's figure, added to the total: the answer's own token count priced, else the estimate."""
        table = price_table(self._catalog, config)
        cost: Cost | Estimate | None = from_usage(table, result.provider_id, result.model, result.usage)
        text = f"Cost: {cost.label} (from the answer's token count)" if cost is not None else ""
        if cost is None:
            cost = self.estimate(config, plan, crop)
            text = f"Cost: {cost.label} (estimate)" if cost is not None else ""
        if cost is None:
            return ""
        self.total += cost.amount
        self.priced_jobs += 1
        log.info(
            "job cost %s; this session about %s over %d jobs", money(cost.amount), money(self.total), self.priced_jobs
        )
        return text

    @property
    def menu_text(self) -> str:
        """``Spent this session: about $0.31``; empty until a job had a price."""
        return f"Spent this session: about {money(self.total)}" if self.priced_jobs else ""
