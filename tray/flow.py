"""From a selected region to a delivered result, on the Tk thread: prompt bar, job, toast, delivery.

The job itself runs on the job runner's loop thread; its events come back through the app's queue
and end up in ``on_job_event`` here. A failed job keeps its crop (inside its ``JobHandle``) for a
Retry from the notification, and drops it when retried or after ``KEEP_FOR_RETRY_MS``.
"""

from __future__ import annotations

import functools
import logging
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from core.config import Config
from core.delivery import Delivery, Naming
from core.errors import AppError
from core.job_events import JobEvent, JobFailed, JobProgress, JobSucceeded
from core.jobs import JobHandle
from core.models import Rect
from core.planning import Plan
from core.prompt_history import PromptHistory
from desktop.keyboard.base import KeyboardMethod
from overlay.memory import release_memory, trim_heap
from overlay.prompt_bar import PromptBar, PromptBarSpec
from overlay.toast import ProgressToast
from tray.events import Event, JobUpdate, NotificationClicked
from tray.history_recorder import HistoryRecorder
from tray.job_spec import job_spec
from tray.notices import Notices
from tray.painted import NOTHING, Painted
from tray.parts import AppParts
from tray.refine import Refiner
from tray.result_delivery import ResultDelivery
from tray.results import JobContext, ResultViews
from tray.spending import Spending

log = logging.getLogger(__name__)

KEEP_FOR_RETRY_MS = 10 * 60 * 1000
TRIM_AGAIN_MS = 500


@dataclass
class Running:
    handle: JobHandle
    plan: Plan
    crop_size: tuple[int, int]
    anchor: Rect
    # The crop, for the viewer's "original" and, with a mask, for what was not to change (issue 18).
    original: Image.Image
    toast: ProgressToast | None = None
    mask: Image.Image | None = None
    # False for a clipboard or file source: its anchor is no place on the screen, so the corner is.
    on_screen: bool = True
    # For the viewer's E and R (tray.refine) and the opt-in history (tray.history_recorder).
    prompt: str = ""


class JobFlow:
    """Owns the prompt bars, toasts and running jobs; ``post`` is the app's thread-safe queue."""

    def __init__(
        self,
        root: tk.Misc,
        parts: AppParts,
        history: PromptHistory,
        post: Callable[[Event], None],
        on_change: Callable[[], None],
        keyboard: KeyboardMethod | None = None,
    ) -> None:
        self._root = root
        self._parts = parts
        self.history = history
        self._post = post
        self._on_change = on_change
        self._running: dict[int, Running] = {}
        self._failed: dict[int, Running] = {}
        self.prompt_bar: PromptBar | None = None
        self.notices = Notices(parts.notifier, post)
        self.recorder = HistoryRecorder(parts.history_dir)
        self.spending = Spending(parts.catalog)
        self.delivery = ResultDelivery(
            root, parts, self.notices, lambda: self.results, self.recorder, self.spending, self.tell_failure
        )
        self.results = ResultViews(root, self._deliver_chosen, keyboard)
        self._spec = functools.partial(job_spec, parts)
        self.refiner = Refiner(
            root,
            parts,
            self.results,
            self._spec,
            post,
            lambda: self.history,
            self.tell_failure,
            settle=self.spending.settle,
        )
        self.results.actions = self.refiner
        self.last_failed = False

    @property
    def running(self) -> int:
        return len(self._running) + self.refiner.running

    def ask_prompt(
        self,
        config: Config,
        plan: Plan,
        crop: Image.Image,
        anchor: Rect,
        screen: Rect,
        *,
        on_screen: bool = True,
        painted: Painted = NOTHING,
    ) -> None:
        if not plan.shows_prompt_bar:
            self.start(
                config, plan, crop, anchor, plan.prompt, painted.mask, on_screen=on_screen, markup=painted.markup
            )
            return
        spec = PromptBarSpec(
            anchor=anchor,
            screen=screen,
            provider=plan.provider_name,
            mode=plan.mode_label,
            preset=plan.preset,
            prompt=plan.prompt,
            history=self.history.items,
            needs_prompt=plan.needs_prompt,
            cost=self.spending.estimate_text(config, plan, crop.size),
            painted=painted.summary,
        )

        def send(prompt: str) -> None:
            self.prompt_bar = None
            self.start(config, plan, crop, anchor, prompt, painted.mask, on_screen=on_screen, markup=painted.markup)
            # After the job is on its way: the history file is written with an fsync (issue 14).
            self.history.add(prompt)

        def cancel() -> None:
            self.prompt_bar = None
            log.info("prompt cancelled")

        self.prompt_bar = PromptBar(self._root, spec, send, cancel)

    def start(
        self,
        config: Config,
        plan: Plan,
        crop: Image.Image,
        anchor: Rect,
        prompt: str,
        mask: Image.Image | None = None,
        *,
        on_screen: bool = True,
        markup: Image.Image | None = None,
    ) -> None:
        """Submit the job; errors before it starts (no key, too many jobs) are told to the person.

        ``mask`` (ours: 255 = edit) limits the edit to an area; ``markup`` marks it for a model that
        takes marks (``tray.painted`` decides which of the two a painting becomes, issue 13).
        """
        try:
            spec = self._spec(config, plan, crop, prompt, mask, markup)
            handle = self._parts.jobs.submit(spec, lambda event: self._post(JobUpdate(event)))
        except AppError as error:
            self.tell_failure(str(error))
            return
        masked = mask is not None and spec.request.image is not None
        mask = mask if masked else None
        self._track(Running(handle, plan, crop.size, anchor, crop, mask=mask, on_screen=on_screen, prompt=prompt))

    def _track(self, running: Running) -> None:
        """A submitted job's toast, and the tray's busy state."""
        running.toast = ProgressToast(
            self._root,
            anchor=running.anchor,
            screen=_screen_of(self._root),
            provider=running.plan.provider_name,
            on_cancel=running.handle.cancel,
        )
        self._running[running.handle.id] = running
        self._on_change()

    def on_job_event(self, event: JobEvent, config: Config) -> None:
        running = self._running.get(event.job_id)
        if running is None:
            if self.refiner.on_job_event(event) and not isinstance(event, JobProgress):
                self._on_change()
                release_memory()
            return
        if isinstance(event, JobProgress):
            if running.toast is not None:
                running.toast.show(event.event, event.step, event.steps)
            return
        del self._running[event.job_id]
        if running.toast is not None:
            running.toast.close()
        if isinstance(event, JobSucceeded):
            job = JobContext(config, running.plan, running.prompt, running.mask)
            region = running.anchor if running.on_screen else None
            if self.delivery.succeeded(event, job, running.original, region):
                self.last_failed = False
        else:
            self._job_failed(running, event)
        # Busy -> idle and the trim follow the delivery (ADR 037); collected on the Tk thread (a Tk object freed
        # on the job thread makes Tcl abort), trimmed as glibc would keep 55-70 MB of buffers (docs/faults.md).
        self.delivery.after_delivery(self._on_change)
        self.delivery.after_delivery(release_memory)
        # Once more later: the job thread may drop the answer's last buffers only after this event.
        self.delivery.after_delivery(self._trim_again)

    def _trim_again(self) -> None:
        self._root.after(TRIM_AGAIN_MS, trim_heap)

    def choose_delivery(self, config: Config, naming: Naming) -> None:
        """How the viewer's Enter delivers from now on (a job's own settings, or a history entry's)."""
        self.delivery.choose(config, naming)

    def _deliver_chosen(self, image: Image.Image) -> None:
        self.delivery.deliver_chosen(image)

    def deliver(self, image: Image.Image, config: Config, naming: Naming, png: bytes | None = None) -> Delivery:
        return self.delivery.deliver(image, config, naming, png)

    def _job_failed(self, running: Running, event: JobFailed) -> None:
        if event.cancelled:
            log.info("job %d cancelled", event.job_id)
            return
        self.last_failed = True
        if not event.can_retry:
            self.tell_failure(str(event.error))
            return
        self._failed[event.job_id] = running
        self._root.after(KEEP_FOR_RETRY_MS, lambda: self.forget(event.job_id))
        self.notify(
            "AI Image Studio: the job failed",
            f"{event.error} Your clipboard and files were not changed.",
            ("retry", "Retry"),
            lambda action: self._post(NotificationClicked(event.job_id, action)),
        )

    def retry(self, job_id: int, config: Config) -> None:
        failed = self._failed.pop(job_id, None)
        if failed is None:
            return
        spec = failed.handle.retry_spec()
        failed.handle.forget()
        if spec is None:
            return
        try:
            # The spec's keys are lookups, so the job looks them up again: the person may have fixed one since.
            handle = self._parts.jobs.submit(spec, lambda event: self._post(JobUpdate(event)))
        except AppError as error:
            self.tell_failure(str(error))
            return
        self._track(replace(failed, handle=handle, toast=None))

    def forget(self, job_id: int) -> None:
        failed = self._failed.pop(job_id, None)
        if failed is not None:
            failed.handle.forget()

    def tell_success(self, delivery: Delivery, provider: str, seconds: float, folder: Path) -> None:
        self.notices.tell_success(delivery, provider, seconds, folder)

    def open_target(self, notice: int) -> Path | None:
        return self.notices.open_target(notice)

    def tell_failure(self, message: str) -> None:
        self.last_failed = True
        self.notify("AI Image Studio", message)
        self._on_change()

    def notify(
        self,
        title: str,
        body: str,
        action: tuple[str, str] | None = None,
        on_action: Callable[[str], None] | None = None,
    ) -> None:
        self.notices.notify(title, body, action, on_action)

    def close_all(self) -> None:
        if self.prompt_bar is not None:
            self.prompt_bar.cancel()
        self.refiner.close_all()
        self.delivery.close()
        self.results.close()
        self.recorder.close()
        for running in self._running.values():
            running.handle.cancel()
            if running.toast is not None:
                running.toast.close()
        self._running.clear()
        for job_id in list(self._failed):
            self.forget(job_id)


def _screen_of(root: tk.Misc) -> Rect:
    return Rect(0, 0, root.winfo_screenwidth(), root.winfo_screenheight())
