"""The result viewer: the result pinned over the region it came from, to compare and pick (issue 18).

Borderless, exactly over the selection at its on-screen size (fitted into the screen's middle for
clipboard and file sources). Keys (``overlay.viewer_keys``, named in its help row): Space held or a
drag (``overlay.wipe``) for the original, 1-9/arrows a variant, Enter delivers it, E/R ask ``actions``
to refine/retry (results join via ``add_variants``, drafts via ``show_draft``), S saves as
(``overlay.save_as``), Esc closes changing nothing. It owns the keyboard like the selector (ADR 013),
lends it to the prompt bar (``suspend``/``resume``) and lets it go once the closing key is up.
Tk thread only.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageTk

from core.errors import CaptureError
from core.models import Rect
from desktop.keyboard.base import KeyboardMethod
from overlay.focus import let_keyboard_go
from overlay.placement import viewer_box
from overlay.save_as import ask_and_save
from overlay.viewer_keys import HELP, MAX_VARIANTS, ViewerActions, action_for, variants_of
from overlay.wipe import WipePicture, divider_at, photo_of

log = logging.getLogger(__name__)

BACKGROUND = "#202124"
FOREGROUND = "#f1f3f4"
# Tk sees a held key's autorepeat as release+press pairs; a release followed this soon by a press is one.
REPEAT_GAP_MS = 40


@dataclass(frozen=True)
class ViewerSpec:
    """What to show: the crop, the variants (at least one), and where the crop was on the screen."""

    original: Image.Image
    variants: tuple[Image.Image, ...]
    region: Rect | None
    screen: Rect
    cost_text: str = ""  # one line at the top: what the job cost (issue 18)


class ResultViewer:
    """One open viewer; ``on_deliver(image)`` on Enter, ``on_close()`` on every way out."""

    def __init__(
        self,
        root: tk.Misc,
        spec: ViewerSpec,
        keyboard: KeyboardMethod,
        on_deliver: Callable[[Image.Image], None],
        on_close: Callable[[], None] = lambda: None,
        actions: ViewerActions | None = None,
    ) -> None:
        self._root = root
        self._spec = spec
        self._keyboard = keyboard
        self._on_deliver = on_deliver
        self._on_close = on_close
        self._actions = actions
        self.variants = list(variants_of(spec.variants))
        self.index = 0
        self.showing_original = False
        self.closed = False
        self.suspended = False
        self.status = ""
        self.draft: ImageTk.PhotoImage | None = None
        self._dragging = False
        self.divider: int | None = None  # the wipe's, in viewer pixels; None: no wipe
        self._release_id: str | None = None
        self.screen = spec.screen
        self.box = viewer_box(spec.original.size, spec.region, spec.screen)
        self.size = (self.box.width, self.box.height)
        self._photos = [photo_of(image, self.size, root) for image in self.variants]
        self._original_photo = photo_of(spec.original, self.size, root)
        self.window = tk.Toplevel(root, background=BACKGROUND)
        self.window.withdraw()
        self.window.overrideredirect(True)
        self.window.attributes("-topmost", True)
        self.window.title("AI Image Studio result viewer")
        self.picture = WipePicture(self.window, self.size)
        self.picture.bind_drag(self._drag_start, self._drag_to, self._drag_end)
        self.help = tk.Label(self.window, background=BACKGROUND, foreground=FOREGROUND, anchor="w", padx=6)
        self.help.place(x=0, rely=1.0, anchor="sw", relwidth=1.0)
        self.cost = tk.Label(self.window, text=spec.cost_text, background=BACKGROUND, foreground=FOREGROUND, padx=6)
        if spec.cost_text:
            self.cost.place(x=0, y=0, anchor="nw")
        self.window.geometry(f"{self.size[0]}x{self.size[1]}+{self.box.x}+{self.box.y}")
        self._render()
        self.window.bind("<KeyPress>", self._key_press)
        self.window.bind("<KeyRelease>", self._key_release)
        self.window.bind("<FocusOut>", self._focus_lost)
        self.window.deiconify()
        self.window.lift()
        self._take_keyboard()

    @property
    def shown(self) -> Image.Image:
        return self._spec.original if self.showing_original else self.variants[self.index]

    def _take_keyboard(self) -> None:
        # The pointer query's round trip makes sure the server mapped the window before the grab.
        self.window.update_idletasks()
        self.window.winfo_pointerxy()
        try:
            self._keyboard.take(int(self.window.wm_frame(), 16))
        except CaptureError:
            self.window.destroy()
            self.closed = True
            raise
        self.window.focus_force()

    def _focus_lost(self, event: tk.Event[tk.Misc]) -> None:
        # The grab still sends every key here, but a window manager moving the X focus (openbox's
        # fallback when another window goes) leaves Tk with no focus window, and Tk drops them.
        if event.widget is self.window and not (self.closed or self.suspended):
            self.window.after_idle(self._refocus)

    def _refocus(self) -> None:
        if not (self.closed or self.suspended) and not str(self.window.tk.call("focus")):
            log.info("viewer: the focus moved away; Tk's taken back")
            self.window.focus_force()

    def _render(self) -> None:
        wipe = self.divider is not None and (self._dragging or not self.showing_original)
        if self.draft is not None and not self.showing_original:
            main = self.draft
        elif self.showing_original and not wipe:
            main = self._original_photo
        else:
            main = self._photos[self.index]
        self.picture.show(main, self._original_photo, self.divider if wipe else None)
        count = len(self._photos)
        if self.draft is not None and not self.showing_original:
            which = self.status or "draft"
        elif self.showing_original and not wipe:
            which = "original"
        else:
            which = f"variant {self.index + 1} of {count}" if count > 1 else ""
        notice = self.status if self.status and self.draft is None else ""
        self.help.configure(text="   ".join(part for part in (which, notice, HELP) if part))

    def _key_press(self, event: tk.Event[tk.Misc]) -> None:
        if self.suspended:
            return
        key = event.keysym
        if key == "space":
            if self._release_id is not None:
                self.window.after_cancel(self._release_id)  # autorepeat: still held
                self._release_id = None
            self.show_original(True)
            return
        action = action_for(key)
        if action is None:
            return
        log.debug("viewer: %s", action)
        if action.startswith("pick:"):
            self.pick(int(action.removeprefix("pick:")))
        elif action in {"next", "previous"}:
            step = 1 if action == "next" else -1
            self.pick((self.index + step) % len(self._photos))
        elif action == "deliver":
            self.deliver()
        elif action == "close":
            self.close()
        elif action == "save":
            self.window.after_idle(self._save)
        elif self._actions is None:
            self.tell("nothing to refine or retry: this result's job is not known")
        else:
            (self._actions.refine if action == "refine" else self._actions.retry)()

    def _key_release(self, event: tk.Event[tk.Misc]) -> None:
        if event.keysym == "space" and not self.closed:
            self._release_id = self.window.after(REPEAT_GAP_MS, self._space_up)

    def _space_up(self) -> None:
        self._release_id = None
        self.show_original(False)

    def _drag_start(self, x_root: int) -> None:
        self._dragging = True
        self._drag_to(x_root)

    def _drag_to(self, x_root: int) -> None:
        if not self.closed:
            self.divider = divider_at(x_root, self.box.x, self.size[0])
            self._render()

    def _drag_end(self) -> None:
        self._dragging = False
        if not self.closed:
            self._render()

    def show_original(self, original: bool) -> None:
        if original != self.showing_original and not self.closed:
            self.showing_original = original
            self._render()

    def pick(self, index: int) -> None:
        if 0 <= index < len(self._photos) and not self.closed:
            self.index = index
            self.draft = None
            self._render()

    def add_variants(self, images: Sequence[Image.Image]) -> None:
        """Refined or retried results: numbered on after the others (at most nine), the first of them shown."""
        if self.closed:
            return
        room = MAX_VARIANTS - len(self.variants)
        added = list(images[: max(room, 0)])
        self.draft = None
        self.status = "" if added else "nine variants already: this one was not added"
        if added:
            self.variants += added
            self._photos += [photo_of(image, self.size, self._root) for image in added]
            self.index = len(self.variants) - len(added)
        self._render()

    def show_draft(self, image: Image.Image, caption: str) -> None:
        """A partial image of a refine or retry in progress, labelled as a draft until the result comes."""
        if self.closed:
            return
        self.draft = photo_of(image, self.size, self._root)
        self.status = f"{caption or 'draft'} (draft)" if "draft" not in caption else caption
        self._render()

    def tell(self, message: str) -> None:
        """A line for the person in the viewer's help row (a failed save, a refine that failed)."""
        if not self.closed:
            self.draft = None
            self.status = message
            self._render()

    def suspend(self, then: Callable[[], tk.Toplevel | None]) -> None:
        """Lend the keyboard out: ``then()`` opens the borrower (the refine bar) and returns its window.

        The grab stays until that window has the focus (Tk hands the grabbed keys to it meanwhile),
        and the pressed key is up; only then is it let go, with the focus already on the borrower.
        Released first, as before, the focus went back to the window below the viewer for the
        20-100 ms until the bar took it, and what a quick typist typed went there.
        """
        if self.closed or self.suspended:
            return
        self.suspended = True
        borrower = then()
        let_keyboard_go(self._root, self._keyboard, borrower)

    def resume(self) -> None:
        """Take the keyboard back after ``suspend``; the viewer closes if it cannot."""
        if self.closed or not self.suspended:
            return
        self.suspended = False
        self.window.lift()
        # Pending focus events first: a FocusOut handled after the take left Tk deaf (seen on Xvfb).
        self.window.update()
        try:
            self._take_keyboard()
        except CaptureError as error:
            log.warning("the viewer could not take the keyboard back: %s", error)
            self._on_close()

    def _save(self) -> None:
        # The grab stays (Tk hands its keys to the dialog, its focus): the closing Enter cannot leak (ADR 029).
        if self.closed or self.suspended:
            return
        self.suspended = True
        try:
            message = ask_and_save(self.window, self.variants[self.index])
        finally:
            self.suspended = False
            if not self.closed:
                self.window.focus_force()
        if message:
            self.tell(message)

    def deliver(self) -> None:
        """The shown variant (the original is only for looking), then close."""
        chosen = self.variants[self.index]
        self.close()
        self._on_deliver(chosen)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._keyboard.keys_down():
            self._keyboard.hold()
        try:
            self.window.destroy()
            self._root.update_idletasks()
        finally:
            let_keyboard_go(self._root, self._keyboard)
        self._on_close()
