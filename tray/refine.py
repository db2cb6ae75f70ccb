"""The viewer's E (refine) and R (retry): ask again, and let the new results join the same viewer (issue 18).

E lends the viewer's keyboard to a prompt bar opened beside it with the last prompt; Enter sends it
with the same provider, model and options on the variant shown, Shift+Enter on the original. R sends
the last request again as it was (the same crop, prompt, plan and options). Either way the job runs
like any other, but its results are not delivered: they join the viewer as further variants
(numbered on) and the person picks one with Enter, so a refine that came out worse never replaces
what they have on the clipboard (docs/adr/029-refine-and-retry-in-the-viewer.md). Drafts of a
streaming provider show in the viewer, or as a thumbnail once the viewer is closed.
All on the Tk thread; the jobs' events arrive through the flow's ``on_job_event``.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass, replace

from PIL import Image

from core.config import Config
from core.errors import AppError
from core.job_events import JobEvent, JobProgress, JobSpec, JobSucceeded
from core.jobs import JobHandle
from core.models import EditResult
from core.planning import Plan
from core.prompt_history import PromptHistory
from overlay.prompt_bar import PromptBar, PromptBarSpec
from overlay.viewer import ResultViewer
from tray.events import Event, JobUpdate
from tray.parts import AppParts
from tray.results import JobContext, ResultViews, finished

log = logging.getLogger(__name__)

SpecMaker = Callable[[Config, Plan, Image.Image, str, "Image.Image | None"], JobSpec]
Settle = Callable[[Config, Plan, tuple[int, int], EditResult], str]


@dataclass
class Asked:
    """A refine or retry in flight: what it was sent on, and the context its results carry on."""

    handle: JobHandle
    base: Image.Image
    mask: Image.Image | None
    job: JobContext


class Refiner:
    """Implements ``overlay.viewer_keys.ViewerActions`` for the flow's ``ResultViews``."""

    def __init__(
        self,
        root: tk.Misc,
        parts: AppParts,
        views: ResultViews,
        make_spec: SpecMaker,
        post: Callable[[Event], None],
        history: Callable[[], PromptHistory],
        tell_failure: Callable[[str], None],
        settle: Settle | None = None,
    ) -> None:
        self._root = root
        # The session's running total counts refines and retries too: each was paid for (issue 18).
        self._settle = settle
        self._parts = parts
        self._views = views
        self._make_spec = make_spec
        self._post = post
        self._history = history
        self._tell_failure = tell_failure
        self._asked: dict[int, Asked] = {}
        self.prompt_bar: PromptBar | None = None

    @property
    def running(self) -> int:
        return len(self._asked)

    def refine(self) -> None:
        viewer, last = self._views.viewer, self._views.last
        if viewer is None or viewer.closed or last is None or last.job is None:
            return
        job = last.job
        viewer.suspend(lambda: self._ask(viewer, job))

    def _ask(self, viewer: ResultViewer, job: JobContext) -> tk.Toplevel | None:
        """Open the refine bar beside ``viewer``; its window, which the viewer lends the keyboard to."""
        if viewer.closed:
            return None
        log.debug("refine: the prompt bar opens beside the viewer")
        plan = job.plan
        spec = PromptBarSpec(
            anchor=viewer.box,
            screen=viewer.screen,
            provider=plan.provider_name,
            mode=plan.mode_label,
            preset=plan.preset,
            prompt=job.prompt,
            history=self._history().items,
            needs_prompt=plan.needs_prompt,
        )

        def send(prompt: str, *, on_original: bool = False) -> None:
            self.prompt_bar = None
            self._history().add(prompt)
            last = self._views.last
            if last is None:
                return
            base = last.original if on_original else viewer.variants[viewer.index]
            self._submit(replace(job, prompt=prompt), base, "refining on the original" if on_original else "refining")

        def cancel() -> None:
            self.prompt_bar = None

        # The viewer takes the keyboard back once the bar is gone: taken while the bar still had the
        # focus, the bar's going would leave Tk with no focus window and the viewer deaf (seen on Xvfb).
        self.prompt_bar = PromptBar(
            self._root,
            spec,
            send,
            cancel,
            on_send_original=lambda prompt: send(prompt, on_original=True),
            on_gone=viewer.resume,
        )
        return self.prompt_bar.window

    def retry(self) -> None:
        last = self._views.last
        if last is None or last.job is None:
            return
        self._submit(last.job, last.original, "retrying")

    def _submit(self, job: JobContext, base: Image.Image, doing: str) -> None:
        # The mask was painted on the crop; a result of another size (output.match_size off) has no place for it.
        mask = job.mask if job.mask is not None and job.mask.size == base.size else None
        try:
            spec = self._make_spec(job.config, job.plan, base, job.prompt, mask)
            handle = self._parts.jobs.submit(spec, lambda event: self._post(JobUpdate(event)))
        except AppError as error:
            self._say(str(error))
            return
        self._asked[handle.id] = Asked(handle, base, mask, job)
        self._views.remember(job)
        self._views.tell(f"{doing}\N{HORIZONTAL ELLIPSIS}")
        log.info("job %d: %s from the viewer", handle.id, doing)

    def on_job_event(self, event: JobEvent) -> bool:
        """True when the event was one of ours (the flow then leaves it alone)."""
        asked = self._asked.get(event.job_id)
        if asked is None:
            return False
        if isinstance(event, JobProgress):
            if event.event.preview is not None:
                self._views.draft(event.event.preview, event.event.detail)
            return True
        del self._asked[event.job_id]
        # The viewer's R is the retry here; the handle need not keep the image for a notification's.
        asked.handle.forget()
        if isinstance(event, JobSucceeded):
            config, plan = asked.job.config, asked.job.plan
            images = finished(
                event.result.images,
                asked.base if plan.needs_image else None,
                asked.mask,
                match=config.output.match_size,
                keep_unmasked=config.jobs.keep_unmasked and not plan.remove_background_after,
            )
            self._views.add(images, asked.job)
            log.info("job %d: %d variant(s) joined the viewer", event.job_id, len(images))
            cost = self._settle(config, plan, asked.base.size, event.result) if self._settle is not None else ""
            if cost:
                self._views.tell(cost)
        elif event.cancelled:
            self._views.tell("cancelled")
        else:
            self._say(f"{event.error} Your clipboard and files were not changed.")
        return True

    def _say(self, message: str) -> None:
        if not self._views.tell(message):
            self._tell_failure(message)

    def close_all(self) -> None:
        if self.prompt_bar is not None:
            self.prompt_bar.cancel()
        for asked in self._asked.values():
            asked.handle.cancel()
        self._asked.clear()
