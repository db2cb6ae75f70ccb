"""What the tray does with a finished result besides delivering it: the thumbnail and the viewer (issue 18).

``finished`` turns a provider's images into what is delivered: matched to the crop's size and,
for a masked job, the crop's own pixels outside the mask. ``ResultViews`` keeps the last result,
shows its thumbnail at once and opens the viewer on a click or the ``hotkeys.last_result`` hotkey;
the viewer's Enter hands the chosen variant back to the flow, which delivers it as any result.
All on the Tk thread.
"""

from __future__ import annotations

import logging
import os
import tkinter as tk
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image

from core.composite import DEFAULT_FEATHER_PX, composite
from core.errors import AppError
from core.models import Rect
from desktop.keyboard.base import KeyboardMethod, system_keyboard
from overlay.thumbnail import ResultThumbnail
from overlay.viewer import ResultViewer, ViewerSpec, variants_of
from providers.fitting import match_size

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LastResult:
    """The crop, what was made of it, and where on the screen it was (None: a clipboard or file source)."""

    original: Image.Image
    variants: tuple[Image.Image, ...]
    region: Rect | None
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

    def show(self, last: LastResult) -> None:
        """Keep ``last`` for the viewer and show its first image small beside its region."""
        self.last = last
        if self.thumbnail is not None:
            self.thumbnail.close()
        try:
            self.thumbnail = ResultThumbnail(
                self._root, last.variants[0], anchor=last.region, screen=_screen_of(self._root), on_click=self._clicked
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
            self.viewer = ResultViewer(self._root, spec, self._keyboard_method(), self._deliver, self._closed)
        except AppError as error:
            log.warning("result viewer not opened: %s", error)
            self.viewer = None
            return False
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
