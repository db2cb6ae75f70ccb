"""The job runner: one loop thread, events through the caller's sink, limits, cancel, stop."""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from PIL import ImageChops, ImageOps

from core.errors import AuthError, BusyError, CancelledError
from core.job_events import FollowUp, JobEvent, JobFailed, JobProgress, JobSpec, JobSucceeded
from core.jobs import JobRunner
from core.models import EditRequest
from tests.core.job_fakes import FakeProvider, pattern_image

KEY = "sk-test-key-never-shown-0123456789"


@pytest.fixture
def runner() -> Iterator[JobRunner]:
    running = JobRunner(max_concurrent=2)
    running.start()
    yield running
    running.stop()


class Inbox:
    """The tray's side of the sink: a queue, as the Tk thread would drain it."""

    def __init__(self) -> None:
        self.events: queue.Queue[JobEvent] = queue.Queue()
        self.threads: list[str] = []
        self.seen: list[JobEvent] = []

    def __call__(self, event: JobEvent) -> None:
        self.threads.append(threading.current_thread().name)
        self.seen.append(event)
        self.events.put(event)

    def final(self, timeout: float = 5.0) -> JobSucceeded | JobFailed:
        deadline = time.monotonic() + timeout
        while True:
            event = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            if not isinstance(event, JobProgress):
                return event

    def progress(self) -> list[JobProgress]:
        return [event for event in self.seen if isinstance(event, JobProgress)]


def open_gate(runner: JobRunner, gate: asyncio.Event) -> None:
    async def set_it() -> None:
        gate.set()

    runner.call(set_it(), timeout=2)


def spec_for(provider: FakeProvider, **changes: object) -> JobSpec:
    request = EditRequest(mode="edit", prompt="a secret prompt", image=pattern_image())
    spec = JobSpec(provider=provider, request=request, key=KEY)
    return replace(spec, **changes)  # type: ignore[arg-type]


def test_result_and_progress_arrive_through_the_sink_on_the_job_thread(runner: JobRunner) -> None:
    provider = FakeProvider()
    inbox = Inbox()
    spec = spec_for(provider)
    expected = ImageOps.invert(spec.request.image.convert("RGB"))  # type: ignore[union-attr]

    handle = runner.submit(spec, inbox)
    final = inbox.final()

    assert isinstance(final, JobSucceeded)
    assert ImageChops.difference(final.result.image, expected).getbbox() is None
    assert final.provider == "Fake"
    stages = [event.event.stage for event in inbox.progress()]
    assert stages == ["preparing", "uploading", "downloading"]
    assert provider.calls == [("edit", KEY, (64, 48))]
    assert set(inbox.threads) == {"aiis-jobs"}
    assert provider.threads == ["aiis-jobs"]
    assert handle.wait(1) is final
    assert handle.done


def test_follow_up_step_runs_on_the_first_result(runner: JobRunner) -> None:
    first, second = FakeProvider(), FakeProvider()
    inbox = Inbox()
    spec = spec_for(first, follow_up=FollowUp(second, key="second-key"))

    runner.submit(spec, inbox)
    final = inbox.final()

    # Inverted twice is the original: the second step got exactly the first step's output.
    assert isinstance(final, JobSucceeded)
    assert ImageChops.difference(final.result.image, spec.request.image.convert("RGB")).getbbox() is None  # type: ignore[union-attr]
    assert second.calls == [("remove-background", "second-key", (64, 48))]
    assert {(event.step, event.steps) for event in inbox.progress()} == {(1, 2), (2, 2)}


def test_submitting_beyond_the_limit_is_refused_in_plain_words(runner: JobRunner) -> None:
    gate = asyncio.Event()
    held = [runner.submit(spec_for(FakeProvider(gate=gate)), Inbox()) for _ in range(2)]

    with pytest.raises(BusyError, match=r"jobs.max_concurrent: 2"):
        runner.submit(spec_for(FakeProvider()), Inbox())

    open_gate(runner, gate)
    for handle in held:
        assert isinstance(handle.wait(5), JobSucceeded)
    assert runner.active == 0
    assert isinstance(runner.submit(spec_for(FakeProvider()), Inbox()).wait(5), JobSucceeded)


def test_raising_the_limit_lets_a_third_job_start(runner: JobRunner) -> None:
    gate = asyncio.Event()
    for _ in range(2):
        runner.submit(spec_for(FakeProvider(gate=gate)), Inbox())
    runner.set_max_concurrent(3)

    third = runner.submit(spec_for(FakeProvider()), Inbox())

    assert isinstance(third.wait(5), JobSucceeded)
    open_gate(runner, gate)


def test_cancel_stops_the_running_provider_call_promptly(runner: JobRunner) -> None:
    provider = FakeProvider(gate=asyncio.Event())
    inbox = Inbox()
    handle = runner.submit(spec_for(provider), inbox)
    assert provider.started.wait(5)

    began = time.monotonic()
    handle.cancel()
    final = inbox.final()

    assert time.monotonic() - began < 1.0
    assert isinstance(final, JobFailed)
    assert final.cancelled
    assert isinstance(final.error, CancelledError)
    assert provider.cancelled.is_set()
    assert handle.retry_spec() is None
    assert runner.active == 0


def test_provider_error_is_delivered_and_the_input_is_kept_for_retry(runner: JobRunner) -> None:
    failing = FakeProvider(error=AuthError("Fake", "the key was rejected", status=401))
    inbox = Inbox()
    handle = runner.submit(spec_for(failing), inbox)
    final = inbox.final()

    assert isinstance(final, JobFailed)
    assert not final.cancelled
    assert final.can_retry
    assert str(final.error) == "Fake: the key was rejected"
    assert final.error.__traceback__ is None

    retry = handle.retry_spec()
    assert retry is not None
    fixed = replace(retry, provider=FakeProvider(), key="new-key")
    again = runner.submit(fixed, inbox).wait(5)
    assert isinstance(again, JobSucceeded)


def test_a_bug_in_a_provider_becomes_a_plain_error_and_the_runner_keeps_working(runner: JobRunner) -> None:
    inbox = Inbox()
    final = runner.submit(spec_for(FakeProvider(error=ZeroDivisionError("boom"))), inbox).wait(5)

    assert isinstance(final, JobFailed)
    assert "Something went wrong inside the app" in str(final.error)
    assert isinstance(runner.submit(spec_for(FakeProvider()), inbox).wait(5), JobSucceeded)


def test_a_failing_sink_does_not_stop_the_job_or_the_runner(runner: JobRunner) -> None:
    def broken(_event: JobEvent) -> None:
        raise RuntimeError("sink bug")

    handle = runner.submit(spec_for(FakeProvider()), broken)

    assert isinstance(handle.wait(5), JobSucceeded)
    assert isinstance(runner.submit(spec_for(FakeProvider()), Inbox()).wait(5), JobSucceeded)


def test_stop_cancels_running_jobs_and_ends_the_thread_promptly() -> None:
    runner = JobRunner(max_concurrent=3)
    runner.start()
    providers = [FakeProvider(gate=asyncio.Event()) for _ in range(3)]
    inbox = Inbox()
    handles = [runner.submit(spec_for(provider), inbox) for provider in providers]
    for provider in providers:
        assert provider.started.wait(5)

    began = time.monotonic()
    runner.stop()
    took = time.monotonic() - began

    assert took < 1.0
    assert all(provider.cancelled.is_set() for provider in providers)
    assert all(isinstance(handle.wait(0), JobFailed) for handle in handles)
    assert "aiis-jobs" not in {thread.name for thread in threading.enumerate()}
    with pytest.raises(RuntimeError, match="not started"):
        runner.submit(spec_for(FakeProvider()), inbox)


def test_the_key_and_the_prompt_are_never_in_a_repr_or_an_event(runner: JobRunner) -> None:
    inbox = Inbox()
    spec = spec_for(FakeProvider(error=AuthError("Fake", "rejected", status=401)))
    handle = runner.submit(spec, inbox)
    handle.wait(5)

    shown = [repr(spec), repr(handle), *(repr(event) for event in inbox.seen)]
    assert all(KEY not in text for text in shown)
    assert all("secret prompt" not in text for text in shown)


def test_cancel_right_after_submit_still_ends_the_job_and_frees_its_slot(runner: JobRunner) -> None:
    # A job cancelled before its task ran a single step must still report and free its slot.
    for _ in range(50):
        provider = FakeProvider(gate=asyncio.Event())
        inbox = Inbox()
        handle = runner.submit(spec_for(provider), inbox)
        handle.cancel()

        final = inbox.final()

        assert isinstance(final, JobFailed)
        assert final.cancelled
        assert handle.wait(1) is final
    assert runner.active == 0


def test_stop_right_after_submit_reports_every_job() -> None:
    runner = JobRunner(max_concurrent=4)
    runner.start()
    inbox = Inbox()
    handles = [runner.submit(spec_for(FakeProvider(gate=asyncio.Event())), inbox) for _ in range(4)]

    runner.stop()

    assert all(isinstance(handle.wait(1), JobFailed) for handle in handles)
    assert len([event for event in inbox.seen if isinstance(event, JobFailed)]) == 4


def test_twenty_submits_at_once_from_many_threads_start_exactly_the_limit(runner: JobRunner) -> None:
    gate = asyncio.Event()
    accepted: list[object] = []
    refused: list[BusyError] = []
    barrier = threading.Barrier(20)

    def press() -> None:
        barrier.wait()
        try:
            accepted.append(runner.submit(spec_for(FakeProvider(gate=gate)), Inbox()))
        except BusyError as error:
            refused.append(error)

    threads = [threading.Thread(target=press) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)

    assert len(accepted) == 2
    assert len(refused) == 18
    assert runner.active == 2
    open_gate(runner, gate)


def test_a_runner_never_started_starts_its_loop_at_the_first_job() -> None:
    # main.py no longer starts the runner: the idle tray has no job thread and no asyncio (issue 14).
    runner = JobRunner()
    assert "aiis-jobs" not in {thread.name for thread in threading.enumerate()}
    try:
        inbox = Inbox()
        runner.submit(spec_for(FakeProvider()), inbox)
        assert isinstance(inbox.final(), JobSucceeded)
        assert inbox.threads[-1] == "aiis-jobs"
    finally:
        runner.stop()
