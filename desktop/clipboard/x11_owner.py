"""The X11 CLIPBOARD served from our own process: its own X connection and thread (ADR 039).

The selection is taken the moment a copy is accepted, then the PNG is encoded right away on the
calling thread while this owner's thread already answers; a paster asking for ``image/png`` before the
encode is done waits for it (as Qt's QClipboard makes its pasters wait for its lazy conversion), with a
time limit. Not on a worker thread: beside the Tk thread's work after a copy it was slower to the paste
(1920x1080: 136/155 ms against 125/126 ms inline, ADR 039). TARGETS and TIMESTAMP are answered
at once; answers larger than one X request go by the INCR protocol (ICCCM 2.7.2). All X traffic is on
the owner thread: other threads hand it work through ``_call`` and a wake-up pipe.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import select
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from Xlib import X, Xatom, display, error
from Xlib.protocol import rq

from core.errors import ClipboardError
from desktop.clipboard.x11_selection import Offer, State, Transfer, Waiting, ignore_error, notify, run_into

log = logging.getLogger(__name__)
T = TypeVar("T")

TIMEOUT = 5.0
"""Seconds for our own thread to answer, for a paster's wait on the encode and for each INCR step."""
_CHUNK_CAP = 1 << 18
_REQUEST_HEADER = 64


class X11SelectionOwner:
    """Owns CLIPBOARD with one PNG at a time, until another program takes it or ``stop``."""

    def __init__(self, display_name: str, timeout: float = TIMEOUT) -> None:
        self._timeout = timeout
        try:
            self._conn = display.Display(display_name)
        except (error.DisplayError, OSError) as problem:
            raise ClipboardError(f"Could not reach the X display for the clipboard ({problem}).") from None
        conn = self._conn
        self._window = conn.screen().root.create_window(
            -10, -10, 1, 1, 0, X.CopyFromParent, X.InputOnly, event_mask=X.PropertyChangeMask
        )
        names = ("CLIPBOARD", "TARGETS", "TIMESTAMP", "image/png", "INCR", "AIIS_CLIP_TIME")
        self._clipboard, self._targets, self._timestamp, self._png, self._incr, self._stamp = (
            conn.intern_atom(name) for name in names
        )
        self._chunk = min(conn.display.info.max_request_length * 4 - _REQUEST_HEADER, _CHUNK_CAP)
        self._state = State()
        self._calls: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._wake_read, self._wake_write = os.pipe()
        self._stopping = threading.Event()
        self._taken_away = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="clipboard-owner", daemon=True)
        self._thread.start()

    # ---- called from other threads
    def offer(self, encode: Callable[[], bytes]) -> None:
        """Take CLIPBOARD, then run ``encode()`` here; pasters of image/png wait for it meanwhile.

        An exception from ``encode`` is raised here too; pasters are then refused and the selection let go.
        """
        png: Future[bytes] = Future()
        self._call(lambda: self._take(png))
        png.add_done_callback(lambda _done: self._wake())
        run_into(encode, png)
        problem = png.exception()
        if problem is not None:
            raise problem

    def owns(self) -> bool:
        """Do we still own CLIPBOARD (nobody has copied anything since our offer)?"""
        return self._call(lambda: self._state.offer is not None)

    def wait_taken_away(self, timeout: float) -> bool:
        """Has another program taken CLIPBOARD from our last offer (within ``timeout`` seconds)?"""
        return self._taken_away.wait(timeout)

    def owned_png(self) -> bytes | None:
        """Our PNG while we still own CLIPBOARD (waiting for its encode), else None."""
        offer = self._call(lambda: self._state.offer)
        if offer is None:
            return None
        try:
            return offer.png.result(timeout=self._timeout)
        except Exception:
            return None

    def stop(self) -> None:
        """Answer no more and close the connection (another program keeps the clipboard, or nobody)."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._wake()
        self._thread.join(timeout=self._timeout)
        with contextlib.suppress(OSError):
            os.close(self._wake_read)
            os.close(self._wake_write)

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_write, b"w")

    def _call(self, work: Callable[[], T]) -> T:
        """``work()`` on the owner thread; its result or its exception here, within the time limit."""
        answer: Future[T] = Future()
        self._calls.put(lambda: run_into(work, answer))
        self._wake()
        try:
            return answer.result(timeout=self._timeout)
        except TimeoutError:
            raise ClipboardError(f"The clipboard owner thread did not answer within {self._timeout:.0f} s.") from None

    # ---- the owner thread
    def _loop(self) -> None:
        fd = self._conn.fileno()
        while not self._stopping.is_set():
            try:
                self._turn()
                if self._conn.pending_events():
                    # python-xlib's flush also reads what has arrived: queued events leave the socket quiet.
                    continue
                select.select([fd, self._wake_read], [], [], self._next_deadline())
                with contextlib.suppress(BlockingIOError):
                    if select.select([self._wake_read], [], [], 0)[0]:
                        os.read(self._wake_read, 4096)
            except (error.ConnectionClosedError, OSError) as problem:
                log.warning("the clipboard's X connection ended (%s)", problem)
                break
        with contextlib.suppress(error.ConnectionClosedError, OSError):
            self._conn.close()

    def _turn(self) -> None:
        held, self._state.held = self._state.held, []
        for item in held:
            self._on_event(item)
        while self._conn.pending_events():
            self._on_event(self._conn.next_event())
        while True:
            try:
                work = self._calls.get_nowait()
            except queue.Empty:
                break
            work()
        self._answer_waiting()
        self._expire(time.monotonic())
        self._conn.flush()

    def _next_deadline(self) -> float | None:
        deadlines = [item.deadline for item in self._state.waiting]
        deadlines += [item.deadline for item in self._state.transfers.values()]
        if self._state.held:
            return 0
        return max(0.0, min(deadlines) - time.monotonic()) if deadlines else None

    def _server_time(self) -> int:
        """A timestamp from the server: ICCCM asks owners not to take a selection at CurrentTime."""
        self._window.change_property(self._stamp, Xatom.STRING, 8, b"", X.PropModeAppend)
        self._conn.flush()
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            if not self._conn.pending_events():
                select.select([self._conn.fileno()], [], [], deadline - time.monotonic())
                continue
            seen = self._conn.next_event()
            if seen.type == X.PropertyNotify and seen.window == self._window and seen.atom == self._stamp:
                return int(seen.time)
            self._state.held.append(seen)
        raise ClipboardError("The X server gave no timestamp for taking the clipboard.")

    def _take(self, png: Future[bytes]) -> None:
        stamp = self._server_time()
        self._window.set_selection_owner(self._clipboard, stamp)
        if self._conn.get_selection_owner(self._clipboard) != self._window:
            raise ClipboardError("Another program kept the clipboard: try copying again.")
        self._drop_offer()
        self._taken_away.clear()
        self._state.offer = Offer(stamp, png)

    def _drop_offer(self) -> None:
        for waiting in self._state.waiting:
            self._notify(waiting.request, X.NONE)
        self._state.waiting.clear()
        self._state.offer = None

    def _on_event(self, seen: rq.Event) -> None:
        if seen.type == X.SelectionRequest:
            self._on_request(seen)
        elif seen.type == X.SelectionClear and seen.atom == self._clipboard:
            offer = self._state.offer
            if offer is not None and seen.time >= offer.time:
                log.info("another program took the clipboard; our copy is released")
                self._drop_offer()
                self._taken_away.set()
        elif seen.type == X.PropertyNotify and seen.state == X.PropertyDelete:
            transfer = self._state.transfers.get((seen.window.id, seen.atom))
            if transfer is not None:
                self._next_chunk(transfer)

    def _on_request(self, request: rq.Event) -> None:
        offer = self._state.offer
        late = offer is not None and request.time != X.CurrentTime and request.time < offer.time
        if offer is None or request.selection != self._clipboard or late:
            self._notify(request, X.NONE)
            return
        prop = request.property or request.target  # obsolete clients leave the property out
        if request.target == self._targets:
            targets = [self._targets, self._timestamp, self._png]
            request.requestor.change_property(prop, Xatom.ATOM, 32, targets, onerror=ignore_error)
            self._notify(request, prop)
        elif request.target == self._timestamp:
            request.requestor.change_property(prop, Xatom.INTEGER, 32, [offer.time], onerror=ignore_error)
            self._notify(request, prop)
        elif request.target == self._png:
            self._state.waiting.append(Waiting(request, time.monotonic() + self._timeout))
            self._answer_waiting()
        else:
            self._notify(request, X.NONE)

    def _answer_waiting(self) -> None:
        offer = self._state.offer
        if offer is None or not offer.png.done():
            return
        problem = offer.png.exception()
        if problem is not None:
            log.error("encoding the copied image failed (%s); the clipboard is released", problem.__class__.__name__)
            self._drop_offer()
            self._window.set_selection_owner(X.NONE, offer.time)
            return
        waiting, self._state.waiting = self._state.waiting, []
        for item in waiting:
            self._send(item.request, offer.png.result())

    def _send(self, request: rq.Event, data: bytes) -> None:
        prop = request.property or request.target
        requestor = request.requestor
        if len(data) <= self._chunk:
            requestor.change_property(prop, self._png, 8, data, onerror=ignore_error)
            self._notify(request, prop)
            return
        requestor.change_attributes(event_mask=X.PropertyChangeMask, onerror=ignore_error)
        requestor.change_property(prop, self._incr, 32, [len(data)], onerror=ignore_error)
        self._state.transfers[(requestor.id, prop)] = Transfer(requestor, prop, data, time.monotonic() + self._timeout)
        self._notify(request, prop)

    def _next_chunk(self, transfer: Transfer) -> None:
        chunk = transfer.data[transfer.offset : transfer.offset + self._chunk]
        transfer.window.change_property(transfer.prop, self._png, 8, chunk, onerror=ignore_error)
        transfer.offset += len(chunk)
        transfer.deadline = time.monotonic() + self._timeout
        if not chunk:  # the zero-length chunk ends the transfer
            self._end_transfer(transfer)

    def _end_transfer(self, transfer: Transfer) -> None:
        self._state.transfers.pop((transfer.window.id, transfer.prop), None)
        transfer.window.change_attributes(event_mask=X.NoEventMask, onerror=ignore_error)

    def _expire(self, now: float) -> None:
        for item in [item for item in self._state.waiting if item.deadline <= now]:
            log.warning("a paster waited %.0f s for the copied image; it was refused", self._timeout)
            self._state.waiting.remove(item)
            self._notify(item.request, X.NONE)
        for transfer in [item for item in self._state.transfers.values() if item.deadline <= now]:
            log.warning("a paster stopped reading the copied image part way")
            self._end_transfer(transfer)

    def _notify(self, request: rq.Event, prop: int) -> None:
        notify(request, prop)
