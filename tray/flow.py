"""From a selected region to a delivered result, on the Tk thread: prompt bar, job, toast, delivery.

The job itself runs on the job runner's loop thread; its events come back through the app's queue
and end up in ``on_job_event`` here. A failed job keeps its crop (inside its ``JobHandle``) for a
Retry from the notification, and drops it when retried or after ``KEEP_FOR_RETRY_MS``.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from core.config import Config
from core.delivery import Delivery, Destination, Naming, deliver
from core.errors import AppError
from core.job_events import FollowUp, JobEvent, JobFailed, JobProgress, JobSpec, JobSucceeded
from core.jobs import JobHandle
from core.keys import KeyStore
from core.models import EditRequest, EditResult, Rect
from core.planning import NO_PRESET, REMOVE_BACKGROUND_MODE, REMOVE_BACKGROUND_PROVIDER, Plan
from core.prompt_history import PromptHistory
from desktop.keyboard.base import KeyboardMethod
from desktop.notify.base import Notification, NotificationAction
from overlay.memory import release_memory, trim_heap
from overlay.prompt_bar import PromptBar, PromptBarSpec
from overlay.toast import ProgressToast
from tray.events import Event, JobUpdate, NotificationClicked
from tray.history_recorder import HistoryRecorder
from tray.painted import NOTHING, Painted
from tray.parts import AppParts
from tray.refine import Refiner
from tray.results import JobContext, LastResult, ResultViews, finished
from tray.spending import Spending

log = logging.getLogger(__name__)

KEEP_FOR_RETRY_MS = 10 * 60 * 1000
KEEP_OPEN_TARGETS = 20
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
        self.results = ResultViews(root, self._deliver_chosen, keyboard)
        self.recorder = HistoryRecorder(parts.history_dir)
        self.spending = Spending(parts.catalog)
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
        # How the viewer's Enter delivers, and the job's answer (its own PNGs, ADR 036), if from a job.
        self._chosen: tuple[Config, Naming, EditResult | None] | None = None
        self.last_failed = False
        self._notice_id = 0
        self._open_targets: dict[int, Path] = {}

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
            self.history.add(prompt)
            self.start(config, plan, crop, anchor, prompt, painted.mask, on_screen=on_screen, markup=painted.markup)

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
        running = Running(
            handle,
            plan,
            crop.size,
            anchor,
            original=crop,
            mask=mask if masked else None,
            on_screen=on_screen,
            prompt=prompt,
        )
        running.toast = ProgressToast(
            self._root,
            anchor=anchor,
            screen=_screen_of(self._root),
            provider=plan.provider_name,
            on_cancel=handle.cancel,
        )
        self._running[handle.id] = running
        self._on_change()

    def _spec(
        self,
        config: Config,
        plan: Plan,
        crop: Image.Image,
        prompt: str,
        mask: Image.Image | None,
        markup: Image.Image | None = None,
    ) -> JobSpec:
        assert plan.provider_id is not None  # noqa: S101 - copy plans never reach here
        # Lookups, run by the job on its own thread: the keyring may wait seconds (issue 17).
        key = _key_lookup(self._parts.keys, plan.provider_id)
        provider = self._parts.make_provider(plan.provider_id, config.provider(plan.provider_id))
        request = EditRequest(
            mode=plan.mode,
            prompt=prompt,
            image=crop if plan.needs_image else None,
            mask=mask if plan.needs_image else None,
            markup=markup if plan.needs_image else None,
            options=plan.options,
        )
        follow_up = None
        if plan.remove_background_after:
            follow_up = FollowUp(
                provider=self._parts.make_provider(
                    REMOVE_BACKGROUND_PROVIDER, config.provider(REMOVE_BACKGROUND_PROVIDER)
                ),
                key=_key_lookup(self._parts.keys, REMOVE_BACKGROUND_PROVIDER),
                mode=REMOVE_BACKGROUND_MODE,
            )
        return JobSpec(provider=provider, request=request, key=key, follow_up=follow_up, label=plan.preset)

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
            self._succeeded(running, event, config)
        else:
            self._job_failed(running, event)
        self._on_change()
        # Collect the finished job's garbage here, on the Tk thread: a cycle holding a Tk object
        # collected later on the job thread would make Tcl abort the process. The trim hands the
        # job's image buffers back to the OS; glibc would keep 55-70 MB of them (docs/faults.md).
        release_memory()
        # Once more a moment later: the job thread may drop its last references to the answer's
        # buffers only after this event was handled, and they would wait for the next job's trim.
        self._root.after(TRIM_AGAIN_MS, trim_heap)

    def _succeeded(self, running: Running, event: JobSucceeded, config: Config) -> None:
        plan = running.plan
        images = finished(
            event.result.images,
            running.original if plan.needs_image else None,
            running.mask,
            match=config.output.match_size,
            # Not after a background removal: that step was asked to change the whole picture.
            keep_unmasked=config.jobs.keep_unmasked and not plan.remove_background_after,
        )
        try:
            # The provider's own PNG when the result is delivered as it came (ADR 036).
            delivery = self.deliver(images[0], config, naming_for(plan), event.result.png_for(images[0]))
        except AppError as error:
            self.tell_failure(str(error))
            return
        self.last_failed = False
        self.tell_success(delivery, event.provider, event.elapsed, config.output.folder)
        self._chosen = (config, naming_for(plan), event.result)
        cost = self.spending.settle(config, plan, running.crop_size, event.result)
        job = JobContext(config, plan, running.prompt, running.mask)
        region = running.anchor if running.on_screen else None
        self.results.show(LastResult(running.original, images, region, job, cost))
        self.recorder.record(
            config,
            plan,
            running.prompt,
            running.original,
            running.mask,
            images,
            model=event.result.model,
            cost_text=cost,
        )

    def choose_delivery(self, config: Config, naming: Naming) -> None:
        """How the viewer's Enter delivers from now on (a job's own settings, or a history entry's)."""
        self._chosen = (config, naming, None)

    def _deliver_chosen(self, image: Image.Image) -> None:
        """The viewer's Enter: the variant it showed, delivered as the job's result was."""
        if self._chosen is None:
            return
        config, naming, result = self._chosen
        try:
            delivery = self.deliver(image, config, naming, result.png_for(image) if result is not None else None)
        except AppError as error:
            self.tell_failure(str(error))
            return
        self.tell_success(delivery, "", 0.0, config.output.folder)

    def deliver(self, image: Image.Image, config: Config, naming: Naming, png: bytes | None = None) -> Delivery:
        """``png``: a PNG of exactly ``image`` already in hand, delivered as it is."""
        destination = Destination.from_output(config.output)
        return deliver([image], destination, naming, self._parts.clipboard, encoded=(png,))

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
        running = Running(
            handle,
            failed.plan,
            failed.crop_size,
            failed.anchor,
            original=failed.original,
            mask=failed.mask,
            on_screen=failed.on_screen,
            prompt=failed.prompt,
        )
        running.toast = ProgressToast(
            self._root,
            anchor=failed.anchor,
            screen=_screen_of(self._root),
            provider=failed.plan.provider_name,
            on_cancel=handle.cancel,
        )
        self._running[handle.id] = running
        self._on_change()

    def forget(self, job_id: int) -> None:
        failed = self._failed.pop(job_id, None)
        if failed is not None:
            failed.handle.forget()

    def tell_success(self, delivery: Delivery, provider: str, seconds: float, folder: Path) -> None:
        """Says e.g. 'Copied 1024x1024 from OpenAI in 14.2 s'; clicking it opens the file, or the folder."""
        verb = {(True, False): "Copied", (False, True): "Saved", (True, True): "Copied and saved"}
        what = verb.get((delivery.copied, delivery.saved is not None), "Delivered")
        source = f" from {provider} in {seconds:.1f} s" if provider else ""
        body = f"{what} {delivery.width}x{delivery.height}{source}"
        self._notice_id += 1
        notice = self._notice_id
        self._open_targets[notice] = delivery.saved or folder
        del_old = [key for key in self._open_targets if key <= notice - KEEP_OPEN_TARGETS]
        for key in del_old:
            del self._open_targets[key]
        self.notify(
            "AI Image Studio",
            body + (f": {delivery.saved.name}" if delivery.saved else "."),
            ("open", "Open" if delivery.saved else "Open folder"),
            lambda action: self._post(NotificationClicked(-notice, action)),
        )

    def open_target(self, notice: int) -> Path | None:
        """What a success notification opens; its ids are negative, a failed job's positive."""
        return self._open_targets.get(-notice)

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
        """Show a notification; if none can be shown the log still has it (never a prompt or an image)."""
        log.info("notification: %s: %s", title, body)
        actions = (NotificationAction(*action),) if action else ()
        try:
            self._parts.notifier.show(Notification(title, body, actions).clipped(), on_action)
        except AppError as error:
            log.warning("notification not shown: %s", error)

    def close_all(self) -> None:
        if self.prompt_bar is not None:
            self.prompt_bar.cancel()
        self.refiner.close_all()
        self.results.close()
        self.recorder.close()
        for running in self._running.values():
            running.handle.cancel()
            if running.toast is not None:
                running.toast.close()
        self._running.clear()
        for job_id in list(self._failed):
            self.forget(job_id)


def _key_lookup(keys: KeyStore, provider_id: str) -> Callable[[], str]:
    def lookup() -> str:
        return keys.get(provider_id)

    return lookup


def _screen_of(root: tk.Misc) -> Rect:
    return Rect(0, 0, root.winfo_screenwidth(), root.winfo_screenheight())


def naming_for(plan: Plan) -> Naming:
    """What {preset} {provider} {mode} say in a saved file's name."""
    provider = plan.provider_id or "none"
    # With no preset active, {preset} is the provider id, not "(provider's default)" (issue 17).
    preset = provider if plan.preset == NO_PRESET else plan.preset
    return Naming(preset, provider, plan.mode)
