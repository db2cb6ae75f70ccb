"""What a job is and what it reports: the values that cross from the job thread to the tray.

A job is one provider call and, optionally, a second step that takes the first result as its
input (PhotoRoom removing the background after another provider). Events carry no widget and no
key; the tray posts them onto its Tk queue as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.errors import AppError
    from core.models import EditProvider, EditRequest, EditResult, ProgressEvent


def _frozen(mapping: Mapping[str, object] | None = None) -> Mapping[str, object]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class FollowUp:
    """A second step run on the first step's result image, e.g. PhotoRoom ``remove-background``."""

    provider: EditProvider
    key: str | Callable[[], str] = field(repr=False)
    mode: str = "remove-background"
    prompt: str = field(default="", repr=False)
    options: Mapping[str, object] = field(default_factory=_frozen)


@dataclass(frozen=True)
class JobSpec:
    """Everything a job needs.

    ``key`` is the key, or a lookup that the job runs on a job thread: the OS keyring may take
    seconds to answer, or never, so the tray never asks it on the Tk thread (issue 17, ADR 017).

    ``repr`` shows neither the key nor the request: its prompt and image must never reach a log
    line (issue 5, privacy).
    """

    provider: EditProvider
    request: EditRequest = field(repr=False)
    key: str | Callable[[], str] = field(repr=False)
    follow_up: FollowUp | None = None
    label: str = ""

    @property
    def steps(self) -> int:
        return 2 if self.follow_up is not None else 1


@dataclass(frozen=True)
class JobProgress:
    """A step of a running job. ``step`` is 1 or 2; ``provider`` is the display name."""

    job_id: int
    provider: str
    step: int
    steps: int
    event: ProgressEvent
    elapsed: float


@dataclass(frozen=True)
class JobSucceeded:
    """The final result (of the last step) and how long the whole job took."""

    job_id: int
    provider: str
    result: EditResult
    elapsed: float


@dataclass(frozen=True)
class JobFailed:
    """The job ended without a result. ``error`` is a ``CancelledError`` when it was cancelled.

    ``can_retry`` says whether the handle still holds the input for ``JobHandle.retry_spec()``.
    """

    job_id: int
    provider: str
    error: AppError
    elapsed: float
    can_retry: bool

    @property
    def cancelled(self) -> bool:
        from core.errors import CancelledError

        return isinstance(self.error, CancelledError)


JobEvent = JobProgress | JobSucceeded | JobFailed
JobEventSink = Callable[[JobEvent], None]
