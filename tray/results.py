"""What the tray does with a finished result besides delivering it: the thumbnail and the viewer (issue 18).

``finished`` turns a provider's images into what is delivered: matched to the crop's size and,
for a masked job, the crop's own pixels outside the mask. ``ResultViews`` keeps the last result,
shows its thumbnail at once and opens the viewer on a click or the ``hotkeys.last_result`` hotkey;
the viewer's Enter hands the chosen variant back to the flow, which delivers it as any result.
Refined and retried results (``tray.refine``, the viewer's E and R) join the last result through
``add``, and their drafts show through ``draft``: in the viewer when it is open, else as a thumbnail.
All on the Tk thread.
"""

from __future__ import annotations

import logging
import os
import tkinter as tk
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from PIL import Image

from core.composite import DEFAULT_FEATHER_PX, composite
from core.config import Config
from core.errors import AppError
from core.models import Rect
from core.planning import Plan
from desktop.keyboard.base import KeyboardMethod, system_keyboard
from overlay.thumbnail import ResultThumbnail
from overlay.viewer import ResultViewer, ViewerSpec
from overlay.viewer_keys import ViewerActions, variants_of
from providers.fitting import match_size

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobContext:
    """What the viewer's R and E ask again: the settings, the plan, the prompt last sent and the mask."""

    config: Config
    plan: Plan
    prompt: str
    mask: Image.Image | None = None


@dataclass(frozen=True)
class LastResult:
    """The crop, what was made of it, and where on the screen it was (None: a clipboard or file source).

    ``job`` None: nothing to refine or retry (E and R then do nothing).
    """

    original: Image.Image
    variants: tuple[Image.Image, ...]
    region: Rect | None
    job: JobContext | None = None
    # What the job cost, as the viewer says it ("Cost: $0.03 (from the answer's token count)"); "" unknown.
    cost_text: str = ""


def finished(
    images: Sequence[Image.Image],
    crop: Image.Image | None,
    mask: Image.Image | None,
    *,
    match: bool,
    keep_unmasked: bool,
) -> tuple[Image.Image, ...]:
    """The images as delivered: at the crop's size when asked, and the crop outside a mask."""
    out = list(images)
    if crop is not None and match:
        out = [match_size(image, crop.size) for image in out]
    if crop is not None and mask is not None and keep_unmasked:
        # Providers repaint outside the mask too; only the masked area was asked for.
        out = [composite(crop, match_size(image, crop.size), mask, DEFAULT_FEATHER_PX) for image in out]
    return tuple(out)


class ResultViews:
    """The last result's thumbnail and viewer; ``deliver(image)`` is the flow's own delivery."""

    def __init__(
        self, root: tk.Misc, deliver: Callable[[Image.Image], None], keyboard: KeyboardMethod | None = None
    ) -> None:
        self._root = root
        self._deliver = deliver
        self._keyboard = keyboard
        self.last: LastResult | None = None
        self.thumbnail: ResultThumbnail | None = None
        self.viewer: ResultViewer | None = None
        # The viewer's E and R (tray.refine.Refiner); set by the flow once both exist.
        self.actions: ViewerActions | None = None

    def show(self, last: LastResult) -> None:
        """Keep ``last`` for the viewer and show its first image small beside its region."""
        self.last = last
        self._thumbnail(last.variants[0], last.region)

    def _thumbnail(self, image: Image.Image, region: Rect | None, caption: str = "") -> None:
        if self.thumbnail is not None:
            self.thumbnail.close()
        try:
            self.thumbnail = ResultThumbnail(
                self._root, image, anchor=region, screen=_screen_of(self._root), on_click=self._clicked, caption=caption
            )
        except tk.TclError as error:
            # Delivery is done; a picture that cannot be shown must not turn it into a failure.
            log.warning("result thumbnail not shown: %s", error)
            self.thumbnail = None

    def open(self) -> bool:
        """The viewer over the last result's region; False when there is none (or one is open)."""
        last = self.last
        if last is None or (self.viewer is not None and not self.viewer.closed):
            return False
        if self.thumbnail is not None:
            self.thumbnail.close()
            self.thumbnail = None
        spec = ViewerSpec(
            last.original, variants_of(last.variants), last.region, _screen_of(self._root), cost_text=last.cost_text
        )
        try:
            actions = self.actions if last.job is not None else None
            self.viewer = ResultViewer(
                self._root, spec, self._keyboard_method(), self._deliver, self._closed, actions=actions
            )
        except AppError as error:
            log.warning("result viewer not opened: %s", error)
            self.viewer = None
            return False
        return True

    @property
    def viewer_open(self) -> bool:
        return self.viewer is not None and not self.viewer.closed

    def add(self, images: Sequence[Image.Image], job: JobContext | None = None) -> None:
        """A refine's or retry's results join the last result: in the open viewer, else shown small."""
        last = self.last
        if last is None or not images:
            return
        self.last = replace(last, variants=variants_of((*last.variants, *images)), job=job or last.job)
        if self.viewer is not None and not self.viewer.closed:
            self.viewer.add_variants(images)
            return
        self._thumbnail(images[0], self.last.region)

    def remember(self, job: JobContext) -> None:
        """The prompt just sent becomes the one E opens with next."""
        if self.last is not None:
            self.last = replace(self.last, job=job)

    def draft(self, image: Image.Image, caption: str) -> None:
        """A partial image of a refine or retry, labelled as a draft until its result replaces it."""
        if self.viewer is not None and not self.viewer.closed:
            self.viewer.show_draft(image, caption)
        elif self.thumbnail is not None and not self.thumbnail.closed and self.thumbnail.is_draft:
            self.thumbnail.show_draft(image, caption)
        elif self.last is not None:
            self._thumbnail(image, self.last.region, caption or "draft")

    def tell(self, message: str) -> bool:
        """Words in the open viewer's help row; False when no viewer is open to show them."""
        if self.viewer is None or self.viewer.closed:
            return False
        self.viewer.tell(message)
        return True

    def _clicked(self) -> None:
        self.open()

    def _closed(self) -> None:
        self.viewer = None

    def _keyboard_method(self) -> KeyboardMethod:
        if self._keyboard is None:
            self._keyboard = system_keyboard(os.environ, self._root.tk.interpaddr())
        return self._keyboard

    def close(self) -> None:
        if self.thumbnail is not None:
            self.thumbnail.close()
            self.thumbnail = None
        if self.viewer is not None:
            self.viewer.close()
        if self._keyboard is not None:
            self._keyboard.close()
            self._keyboard = None
        self.last = None


def _screen_of(root: tk.Misc) -> Rect:
    return Rect(0, 0, root.winfo_screenwidth(), root.winfo_screenheight())
