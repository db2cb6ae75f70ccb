"""A finished job's result delivered: to the clipboard or a file first, then what the tray keeps of it.

``succeeded`` is a job's success path on the Tk thread: the provider's images made into what is
delivered (``tray.results.finished``), delivered, the success notice. The bookkeeping (what the job
cost, the thumbnail and the viewer's last result, the opt-in history) waits for Tk's next idle
moment, so nothing but the delivery stands between the answer and the result on the clipboard or
in its file (issue 14, ADR 037); ``after_delivery`` queues more such work behind it, in order.
``deliver_chosen`` is the viewer's Enter: the variant it showed, delivered as the job's result was.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections import deque
from collections.abc import Callable

from PIL import Image

from core.config import Config
from core.delivery import Delivery, Destination, Naming, deliver
from core.errors import AppError
from core.job_events import JobSucceeded
from core.models import EditResult, Rect
from core.planning import NO_PRESET, Plan
from tray.history_recorder import HistoryRecorder
from tray.notices import Notices
from tray.parts import AppParts
from tray.results import JobContext, LastResult, ResultViews, finished
from tray.spending import Spending

log = logging.getLogger(__name__)


class ResultDelivery:
    """Delivers results; ``views`` gives the flow's current ``ResultViews`` (tests swap it)."""

    def __init__(
        self,
        root: tk.Misc,
        parts: AppParts,
        notices: Notices,
        views: Callable[[], ResultViews],
        recorder: HistoryRecorder,
        spending: Spending,
        tell_failure: Callable[[str], None],
    ) -> None:
        self._root = root
        self._parts = parts
        self._notices = notices
        self._views = views
        self._recorder = recorder
        self._spending = spending
        self._tell_failure = tell_failure
        # How the viewer's Enter delivers, and the job's answer (its own PNGs, ADR 036), if from a job.
        self._chosen: tuple[Config, Naming, EditResult | None] | None = None
        self._waiting: deque[Callable[[], None]] = deque()
        self._next_id: str | None = None

    def succeeded(self, event: JobSucceeded, job: JobContext, original: Image.Image, region: Rect | None) -> bool:
        """Deliver a job's result and keep it for the viewer; False (and told) when delivery failed."""
        plan, config = job.plan, job.config
        images = finished(
            event.result.images,
            original if plan.needs_image else None,
            job.mask,
            match=config.output.match_size,
            # Not after a background removal: that step was asked to change the whole picture.
            keep_unmasked=config.jobs.keep_unmasked and not plan.remove_background_after,
        )
        try:
            # The provider's own PNG when the result is delivered as it came (ADR 036).
            delivery = self.deliver(images[0], config, naming_for(plan), event.result.png_for(images[0]))
        except AppError as error:
            self._tell_failure(str(error))
            return False
        self._notices.tell_success(delivery, event.provider, event.elapsed, config.output.folder)
        self._chosen = (config, naming_for(plan), event.result)

        def keep() -> None:
            cost = self._spending.settle(config, plan, original.size, event.result)
            self._views().show(LastResult(original, images, region, job, cost))
            self._recorder.record(
                config, plan, job.prompt, original, job.mask, images, model=event.result.model, cost_text=cost
            )

        self.after_delivery(keep)
        return True

    def after_delivery(self, work: Callable[[], None]) -> None:
        """Run ``work`` on the Tk thread once it is idle: after the delivery, and after work queued before."""
        self._waiting.append(work)
        if self._next_id is None:
            self._next_id = self._root.after_idle(self._run_next)

    def _run_next(self) -> None:
        # One at a time: the next is scheduled only when this one is done, because the thumbnail's
        # update_idletasks would otherwise run the trim before the thumbnail is on the screen.
        self._next_id = None
        if not self._waiting:
            return
        work = self._waiting.popleft()
        try:
            work()
        finally:
            if self._waiting and self._next_id is None:
                self._next_id = self._root.after_idle(self._run_next)

    def close(self) -> None:
        """Drop work still waiting: nothing is shown or kept for a tray that is closing."""
        if self._next_id is not None:
            self._root.after_cancel(self._next_id)
            self._next_id = None
        self._waiting.clear()

    def choose(self, config: Config, naming: Naming) -> None:
        """How the viewer's Enter delivers from now on (a job's own settings, or a history entry's)."""
        self._chosen = (config, naming, None)

    def deliver_chosen(self, image: Image.Image) -> None:
        """The viewer's Enter: the variant it showed, delivered as the job's result was."""
        if self._chosen is None:
            return
        config, naming, result = self._chosen
        try:
            delivery = self.deliver(image, config, naming, result.png_for(image) if result is not None else None)
        except AppError as error:
            self._tell_failure(str(error))
            return
        self._notices.tell_success(delivery, "", 0.0, config.output.folder)

    def deliver(self, image: Image.Image, config: Config, naming: Naming, png: bytes | None = None) -> Delivery:
        """``png``: a PNG of exactly ``image`` already in hand, delivered as it is."""
        destination = Destination.from_output(config.output)
        return deliver([image], destination, naming, self._parts.clipboard, encoded=(png,))


def naming_for(plan: Plan) -> Naming:
    """What {preset} {provider} {mode} say in a saved file's name."""
    provider = plan.provider_id or "none"
    # With no preset active, {preset} is the provider id, not "(provider's default)" (issue 17).
    preset = provider if plan.preset == NO_PRESET else plan.preset
    return Naming(preset, provider, plan.mode)
