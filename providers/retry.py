"""When to try a provider call again, and how long to wait first (PROVIDERS.md, "Retry and timeout policy").

Image calls are billed per attempt, so retries are few and only for answers that say "try again":
408/409/429/5xx and broken connections, at most twice. The server's own delay wins when it gives one
(``retry-after-ms``, ``Retry-After`` in seconds or as an HTTP date, Google's ``RetryInfo``).
"""

from __future__ import annotations

import asyncio
import math
import random
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({408, 409, 429})
NEVER_RETRY_STATUSES = frozenset({400, 401, 402, 403, 422})
SERVER_ERROR_FLOOR = 500
MAX_SERVER_DELAY = 120.0
# Longer than any deadline: a server's "wait a year" is a wait longer than the job may take.
FOREVER = 365 * 24 * 3600.0
_GOOGLE_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """The numbers of the policy; tests pass a recording ``sleep`` instead of waiting for real."""

    max_retries: int = 2
    base_delay: float = 0.5
    max_backoff: float = 8.0
    max_server_delay: float = MAX_SERVER_DELAY
    jitter: float = 0.25
    sleep: Sleep = field(default=asyncio.sleep, compare=False)

    def backoff(self, retry_number: int) -> float:
        """``min(0.5 * 2**n, 8)`` seconds less up to 25 % jitter, so many clients do not retry in step."""
        delay: float = min(self.base_delay * 2**retry_number, self.max_backoff)
        return delay * (1 - self.jitter * random.random())  # noqa: S311 - jitter, not a secret

    def delay(self, retry_number: int, server_delay: float | None) -> float:
        if server_delay is not None and server_delay >= 0:
            return min(server_delay, self.max_server_delay)
        return self.backoff(retry_number)


def status_may_retry(status: int) -> bool:
    if status in NEVER_RETRY_STATUSES:
        return False
    return status in RETRY_STATUSES or status >= SERVER_ERROR_FLOOR


def header_delay(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds asked for by ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date), if any.

    A server's value is never trusted to be sane (issue 16): ``nan``, ``1e999``, a date in year 99999
    or one that overflows the clock all end as a finite number or None, never an exception.
    """
    millis = _seconds(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _seconds(value)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return _finite((when - (now or datetime.now(UTC))).total_seconds())
    except (TypeError, ValueError, OverflowError, IndexError):
        return None


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return _finite(float(value))
    except (ValueError, OverflowError):
        return None


def _finite(seconds: float) -> float | None:
    """Seconds from now, at least 0; None for nan; infinity as a very long wait (capped later)."""
    if math.isnan(seconds):
        return None
    return min(max(0.0, seconds), FOREVER)


def retry_info_delay(body: object) -> float | None:
    """Google's ``google.rpc.RetryInfo`` delay (``"19s"``) from an error body, if there is one."""
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    details = error.get("details") if isinstance(error, dict) else None
    if not isinstance(details, list):
        return None
    for detail in details:
        if not isinstance(detail, dict) or not str(detail.get("@type", "")).endswith("google.rpc.RetryInfo"):
            continue
        match = _GOOGLE_DURATION.match(str(detail.get("retryDelay", "")))
        if match:
            return float(match.group(1))
    return None
