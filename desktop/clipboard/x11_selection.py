"""The pieces of an ICCCM selection owner that hold no connection: what is on offer, who waits, the replies.

Used by ``x11_owner``, whose thread alone touches them (ADR 039).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TypeVar

from Xlib import error
from Xlib.protocol import event, rq

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Offer:
    time: int
    png: Future[bytes]


@dataclass
class Waiting:
    request: rq.Event
    deadline: float


@dataclass
class Transfer:
    """An INCR answer in progress: the requestor deletes the property, we write the next chunk."""

    window: rq.Window
    prop: int
    data: bytes
    deadline: float
    offset: int = 0


@dataclass
class State:
    offer: Offer | None = None
    waiting: list[Waiting] = field(default_factory=list)
    transfers: dict[tuple[int, int], Transfer] = field(default_factory=dict)
    held: list[rq.Event] = field(default_factory=list)


def ignore_error(err: error.XError, request: object) -> None:
    # A requestor window may vanish while we answer it; that is its business, not a failure of ours.
    log.debug("X error while answering a paster: %s", err.__class__.__name__)


def notify(request: rq.Event, prop: int) -> None:
    """Tell the requestor its answer is in ``prop`` (or, with ``X.NONE``, that it was refused)."""
    answer = event.SelectionNotify(
        time=request.time,
        requestor=request.requestor,
        selection=request.selection,
        target=request.target,
        property=prop,
    )
    request.requestor.send_event(answer, onerror=ignore_error)


def run_into(work: Callable[[], T], result: Future[T]) -> None:
    """``work()``'s result or exception into ``result``, for whoever waits on it."""
    try:
        result.set_result(work())
    except BaseException as problem:
        result.set_exception(problem)
