"""The crop lives only as long as it is needed: kept for Retry, never kept by the runner itself."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from PIL import Image

from core.errors import ServerError
from core.job_events import JobEvent, JobFailed, JobSpec, JobSucceeded
from core.jobs import JobHandle, JobRunner
from core.models import EditRequest
from tests.core.job_fakes import FakeProvider, pattern_image


@pytest.fixture
def runner() -> Iterator[JobRunner]:
    running = JobRunner(max_concurrent=2)
    running.start()
    yield running
    running.stop()


def submit_with_crop(
    runner: JobRunner, provider: FakeProvider, events: list[JobEvent]
) -> tuple[JobHandle, weakref.ref[Image.Image]]:
    """Submit a job whose crop is referenced only by the spec; return (handle, weakref to the crop)."""
    crop = pattern_image(320, 240)
    crop_ref = weakref.ref(crop)
    spec = JobSpec(provider=provider, request=EditRequest(mode="edit", image=crop), key="k")
    del crop
    handle = runner.submit(spec, events.append)
    del spec
    return handle, crop_ref


def test_the_crop_is_dropped_as_soon_as_a_job_succeeds(runner: JobRunner) -> None:
    events: list[JobEvent] = []
    handle, crop_ref = submit_with_crop(runner, FakeProvider(), events)
    assert isinstance(handle.wait(5), JobSucceeded)

    gc.collect()

    # The handle and the result event are still held, as the tray would hold them: the crop is not.
    assert crop_ref() is None
    assert handle.retry_spec() is None


def test_a_failed_job_keeps_the_crop_for_retry_until_the_handle_is_discarded(runner: JobRunner) -> None:
    events: list[JobEvent] = []
    handle, crop_ref = submit_with_crop(runner, FakeProvider(error=ServerError("Fake", "down", status=503)), events)
    assert isinstance(handle.wait(5), JobFailed)
    gc.collect()
    assert crop_ref() is not None

    del handle
    gc.collect()

    # The failure event (with its error) is still held by the sink; it must not pin the crop.
    assert any(isinstance(event, JobFailed) for event in events)
    assert crop_ref() is None


def test_forget_drops_the_crop_of_a_failed_job_while_the_handle_lives(runner: JobRunner) -> None:
    events: list[JobEvent] = []
    handle, crop_ref = submit_with_crop(runner, FakeProvider(error=ServerError("Fake", "down", status=503)), events)
    handle.wait(5)

    handle.forget()
    gc.collect()

    assert crop_ref() is None
    assert handle.retry_spec() is None


def test_a_cancelled_job_does_not_keep_the_crop(runner: JobRunner) -> None:
    import asyncio

    events: list[JobEvent] = []
    provider = FakeProvider(gate=asyncio.Event())
    handle, crop_ref = submit_with_crop(runner, provider, events)
    assert provider.started.wait(5)
    handle.cancel()
    handle.wait(5)

    gc.collect()

    assert crop_ref() is None
