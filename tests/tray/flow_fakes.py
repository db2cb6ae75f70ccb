"""A JobFlow on the session's Xvfb with a real job runner and a stand-in provider (no HTTP).

The provider answers with a picture the test chose and records the request it got; the clipboard
records what it was given. What the flow does in between (compositing, delivery, the thumbnail) is real.
"""

from __future__ import annotations

import queue
import time
import tkinter as tk
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image

from core.config import Config, default_config
from core.jobs import JobRunner
from core.keys import KeyStore
from core.models import EditRequest, EditResult, ProgressSink
from core.planning import Plan, plan_capture
from core.prompt_history import PromptHistory
from providers.registry import provider_catalog
from tests.core.test_keys import MemoryBackend
from tests.overlay.tk_helpers import pump
from tests.tray.test_app import Recorder
from tray.events import Event, JobUpdate
from tray.flow import JobFlow
from tray.parts import AppParts

CATALOG = provider_catalog()


class PaintingProvider:
    """Answers every request with ``answer``; keeps the requests it got."""

    def __init__(self, answer: list[Image.Image]) -> None:
        self.info = CATALOG["openai"]
        self.answer = answer
        self.requests: list[EditRequest] = []
        self.answered: list[float] = []  # perf_counter when each answer left the "provider"
        self.encoded: tuple[bytes | None, ...] = ()  # the "provider's" own PNGs of ``answer``

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        del key, progress
        self.requests.append(request)
        self.answered.append(time.perf_counter())
        return EditResult("openai", tuple(self.answer), encoded=self.encoded)


@dataclass
class Board:
    written: list[bytes] = field(default_factory=list)

    def write_png(self, data: bytes) -> None:
        self.written.append(data)


@dataclass
class FlowRig:
    root: tk.Tk
    flow: JobFlow
    provider: PaintingProvider
    board: Board
    recorder: Recorder
    events: queue.Queue[Event]

    flow_catalog = CATALOG

    def config(self) -> Config:
        return default_config(CATALOG)

    def plan(self) -> Plan:
        return plan_capture(self.config(), CATALOG)

    def finish_one(self, timeout: float = 10) -> None:
        """Pump Tk until the job's last event was handled, as the app's queue would hand it over, and
        what the flow does once Tk is idle after a delivery (the thumbnail, the trim: ADR 037)."""
        pump(self.root, self.finish_one_step, timeout=timeout)
        self.root.update()

    def finish_one_step(self) -> bool:
        """Hand the job's waiting events to the flow; True once no job is running."""
        handled = False
        while not self.events.empty():
            event = self.events.get_nowait()
            assert isinstance(event, JobUpdate)
            self.flow.on_job_event(event.event, self.config())
            handled = True
        return handled and self.flow.running == 0


@pytest.fixture(name="rig")
def rig_fixture(root: tk.Tk, tmp_path: Path) -> Iterator[FlowRig]:
    jobs = JobRunner()
    jobs.start()
    provider = PaintingProvider([])
    board = Board()
    recorder = Recorder()
    events: queue.Queue[Event] = queue.Queue()
    parts = AppParts(
        env={"OPENAI_API_KEY": "sk-test-flow-1234567890"},
        config_path=tmp_path / "config.yaml",
        catalog=CATALOG,
        keys=KeyStore(CATALOG, {"OPENAI_API_KEY": "sk-test-flow-1234567890"}, MemoryBackend()),
        jobs=jobs,
        make_provider=lambda provider_id, settings: provider,
        capture=lambda: None,  # type: ignore[arg-type,return-value]
        clipboard=lambda: board,  # type: ignore[arg-type,return-value]
        notifier=recorder,
        events=None,  # type: ignore[arg-type]
        tray_icon=recorder,
        hotkeys=None,  # type: ignore[arg-type]
        make_selector=None,  # type: ignore[arg-type]
        start_at_login=None,
        open_path=recorder.opened.append,
        save_setting=lambda path, keys, value: None,
        history_dir=tmp_path / "state" / "history",
    )
    flow = JobFlow(root, parts, PromptHistory(tmp_path / "history.json"), events.put, lambda: None)
    try:
        yield FlowRig(root, flow, provider, board, recorder, events)
    finally:
        flow.close_all()
        jobs.stop()
