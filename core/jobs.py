"""The job runner: every provider call runs on ONE asyncio loop in its own daemon thread.

Threading model (docs/adr, issue 5): the Tk thread owns every widget; this thread owns the
network. ``submit`` may be called from any thread; events are delivered by calling the caller's
sink on the job thread, and the tray's sink only puts them on its Tk queue. Nothing here touches
Tk. The input image is held by the ``JobHandle`` only: dropped on success, kept after a failure
for Retry until the handle is forgotten or discarded.

asyncio is imported, and the thread started, at the first job: importing asyncio imports ``ssl``,
which maps libssl and libcrypto, +9.1 MiB and 25-100 ms of every tray start for a loop that an idle
tray never runs (issue 14). The first job builds the HTTPS client anyway, which needs ``ssl`` too.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from core.errors import AppError, BusyError, CancelledError
from core.job_events import JobEvent, JobEventSink, JobFailed, JobProgress, JobSpec, JobSucceeded
from core.models import EditProvider, EditRequest, EditResult, ProgressEvent

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)

T = TypeVar("T")
STOP_GRACE_SECONDS = 2.0


class JobHandle:
    """One submitted job: cancel it, wait for it, or take its input back for a Retry."""

    def __init__(self, job_id: int, spec: JobSpec, started: float) -> None:
        self.id = job_id
        self.started = started
        self.provider = spec.provider.info.display_name
        self._spec: JobSpec | None = spec
        self._future: concurrent.futures.Future[None] | None = None
        self._outcome: JobSucceeded | JobFailed | None = None
        self._finished = threading.Event()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"JobHandle(id={self.id}, provider={self.provider!r}, done={self.done})"

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    @property
    def outcome(self) -> JobSucceeded | JobFailed | None:
        return self._outcome

    def cancel(self) -> None:
        """Abort the job from any thread; the running HTTP request is cancelled with it."""
        with self._lock:
            future = self._future
        if future is not None and not self._finished.is_set():
            # The cancel reaches the task by call_soon_threadsafe, queued after the task's first
            # step, so even a job cancelled at once enters JobRunner._run and reports its end.
            future.cancel()

    def wait(self, timeout: float | None = None) -> JobSucceeded | JobFailed:
        """Block until the job ends (for the command line and tests; never on the Tk thread)."""
        if not self._finished.wait(timeout):
            raise TimeoutError(f"job {self.id} still running after {timeout} s")
        outcome = self._outcome
        if outcome is None:
            raise RuntimeError(f"job {self.id} ended without an outcome")
        return outcome

    def retry_spec(self) -> JobSpec | None:
        """The failed job's input for a new ``submit``; None after success, cancel or ``forget``.

        The caller may ``dataclasses.replace`` the key first (the person may just have set it).
        """
        with self._lock:
            return self._spec if self._finished.is_set() else None

    def forget(self) -> None:
        """Drop the input image now (Retry declined or the notification dismissed)."""
        with self._lock:
            self._spec = None

    def _attach(self, future: concurrent.futures.Future[None]) -> None:
        with self._lock:
            self._future = future

    def _take_spec(self) -> JobSpec | None:
        with self._lock:
            return self._spec

    def _finish(self, outcome: JobSucceeded | JobFailed) -> None:
        with self._lock:
            if not (isinstance(outcome, JobFailed) and outcome.can_retry):
                self._spec = None
            self._future = None
            self._outcome = outcome
        self._finished.set()


class JobRunner:
    """Owns the job thread and its loop. Built in ``main.py``; started by ``start`` or the first ``submit``."""

    def __init__(self, *, max_concurrent: int = 2, clock: Callable[[], float] = time.monotonic) -> None:
        self._max = max(1, max_concurrent)
        self._clock = clock
        self._lock = threading.Lock()
        self._active: dict[int, JobHandle] = {}
        self._next_id = 1
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()
        self._stopped = False

    @property
    def max_concurrent(self) -> int:
        return self._max

    def set_max_concurrent(self, value: int) -> None:
        """Applies to new submissions; running jobs are never stopped by a lower limit."""
        with self._lock:
            self._max = max(1, value)

    @property
    def active(self) -> int:
        with self._lock:
            return len(self._active)

    def start(self) -> None:
        with self._starting:
            if self._thread is None:
                self._stopped = False
                self._start()

    def _start_once(self) -> None:
        """The first job's start; a stopped runner (the app is quitting) stays stopped."""
        with self._starting:
            if self._thread is None and not self._stopped:
                self._start()

    def _start(self) -> None:
        import asyncio

        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=serve, name="aiis-jobs", daemon=True)
        self._thread.start()
        ready.wait()
        log.debug("job thread started")

    def stop(self, timeout: float = STOP_GRACE_SECONDS) -> None:
        """Cancel every running job, wait for them to unwind, end the thread. Idempotent."""
        with self._starting:
            self._stopped = True
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        import asyncio

        try:
            asyncio.run_coroutine_threadsafe(_cancel_all(timeout), loop).result(timeout + 1)
        except (concurrent.futures.TimeoutError, RuntimeError):
            log.warning("jobs did not finish cancelling within %.1f s", timeout)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        if thread.is_alive():
            log.warning("job thread still running after stop; it is a daemon and ends with the app")
        else:
            loop.close()
        self._loop = None
        self._thread = None
        log.debug("job thread stopped")

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coroutine`` on the job loop and wait for it (e.g. closing the HTTP client)."""
        import asyncio

        loop = self._require_loop()
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout)

    def submit(self, spec: JobSpec, on_event: JobEventSink) -> JobHandle:
        """Start ``spec`` now, or raise ``BusyError`` if the limit of running jobs is reached."""
        import asyncio

        self._start_once()
        loop = self._require_loop()
        with self._lock:
            if len(self._active) >= self._max:
                raise BusyError(
                    f"{len(self._active)} job(s) are already running, the most allowed at once "
                    f"(jobs.max_concurrent: {self._max} in the settings). Wait for one to finish or cancel it."
                )
            handle = JobHandle(self._next_id, spec, self._clock())
            self._next_id += 1
            self._active[handle.id] = handle
        future = asyncio.run_coroutine_threadsafe(self._run(handle, on_event), loop)
        handle._attach(future)
        log.info("job %d started with %s (%d step(s))", handle.id, handle.provider, spec.steps)
        return handle

    def _require_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("the job runner is not started")
        return self._loop

    async def _run(self, handle: JobHandle, on_event: JobEventSink) -> None:
        import asyncio

        outcome: JobSucceeded | JobFailed
        current = [handle.provider]
        try:
            result = await self._steps(handle, on_event, current)
            outcome = JobSucceeded(handle.id, current[0], result, self._elapsed(handle))
        except (asyncio.CancelledError, CancelledError):
            outcome = JobFailed(handle.id, current[0], CancelledError(), self._elapsed(handle), can_retry=False)
        except AppError as error:
            log.info("job %d failed: %s", handle.id, error)
            outcome = JobFailed(handle.id, current[0], _detached(error), self._elapsed(handle), can_retry=True)
        except Exception:
            log.exception("job %d failed with an unexpected error (a bug)", handle.id)
            bug = AppError("Something went wrong inside the app; the log file has the details.")
            outcome = JobFailed(handle.id, current[0], bug, self._elapsed(handle), can_retry=True)
        with self._lock:
            self._active.pop(handle.id, None)
        handle._finish(outcome)
        log.info("job %d ended after %.1f s: %s", handle.id, outcome.elapsed, type(outcome).__name__)
        _deliver(on_event, outcome)

    async def _steps(self, handle: JobHandle, on_event: JobEventSink, current: list[str]) -> EditResult:
        """Both steps; ``current`` tracks which provider is running for the failure message."""
        spec = handle._take_spec()
        if spec is None:
            raise CancelledError()
        # Both keys before the first step: a missing second key must not fail a job already paid for.
        key = await _resolve_key(spec.key)
        follow = spec.follow_up
        follow_key = await _resolve_key(follow.key) if follow is not None else ""
        result = await self._step(handle, spec.provider, spec.request, key, 1, spec.steps, on_event)
        if follow is None:
            return result
        current[0] = follow.provider.info.display_name
        request = EditRequest(mode=follow.mode, prompt=follow.prompt, image=result.image, options=follow.options)
        return await self._step(handle, follow.provider, request, follow_key, 2, 2, on_event)

    async def _step(
        self,
        handle: JobHandle,
        provider: EditProvider,
        request: EditRequest,
        key: str,
        step: int,
        steps: int,
        on_event: JobEventSink,
    ) -> EditResult:
        name = provider.info.display_name

        def progress(event: ProgressEvent) -> None:
            _deliver(on_event, JobProgress(handle.id, name, step, steps, event, self._elapsed(handle)))

        progress(ProgressEvent("preparing"))
        return await provider.run(request, key=key, progress=progress)

    def _elapsed(self, handle: JobHandle) -> float:
        return max(0.0, self._clock() - handle.started)


async def _resolve_key(key: str | Callable[[], str]) -> str:
    """A lookup may wait for the OS keyring (up to its time limit): on a worker thread, not this loop."""
    import asyncio

    return key if isinstance(key, str) else await asyncio.to_thread(key)


async def _cancel_all(grace: float) -> None:
    import asyncio

    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=grace)


def _detached(error: AppError) -> AppError:
    """The error without its traceback chain, whose frames would keep the request image alive."""
    error.__traceback__ = None
    error.__cause__ = None
    error.__context__ = None
    error.__suppress_context__ = True
    return error


def _deliver(on_event: JobEventSink, event: JobEvent) -> None:
    try:
        on_event(event)
    except Exception:
        # A broken sink must not kill the job thread; it is a bug in the caller, so keep the traceback.
        log.exception("job event sink failed on %s", type(event).__name__)
