"""The result viewer: the result pinned over the region it came from, to compare and pick (issue 18).

A borderless window exactly over the selection, at its on-screen size (uniformly fitted in the
screen's middle for clipboard and file sources). Keys, shown in a one-line help: hold Space for the
original, 1-9 or Left/Right pick a variant, Enter hands the shown variant to ``on_deliver`` and
closes, Esc closes without changing anything. Like the selector it owns the keyboard while open
(Tk never focuses an override-redirect window on X11: docs/adr/013-overlay-keyboard-grab.md) and
lets it go on every way out, once the closing key is up. Only the Tk thread touches it.
"""

from __future__ import annotations

import logging
import time
import tkinter as tk
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageTk

from core.errors import CaptureError
from core.models import Rect
from desktop.keyboard.base import KeyboardMethod

log = logging.getLogger(__name__)

HELP = "Space: original   1-9 / \N{LEFTWARDS ARROW}\N{RIGHTWARDS ARROW}: variant   Enter: use this   Esc: close"
BACKGROUND = "#202124"
FOREGROUND = "#f1f3f4"
# Tk sees a held key's autorepeat as release+press pairs; a release followed this soon by a press is one.
REPEAT_GAP_MS = 40
KEY_UP_WAIT_MS = 1000
KEY_UP_POLL_MS = 10
FIT_SHARE = 0.8


@dataclass(frozen=True)
class ViewerSpec:
    """What to show: the crop, the variants (at least one), and where the crop was on the screen."""

    original: Image.Image
    variants: tuple[Image.Image, ...]
    region: Rect | None
    screen: Rect
    cost_text: str = ""  # one line at the top: what the job cost (issue 18)


def viewer_box(size: tuple[int, int], region: Rect | None, screen: Rect) -> Rect:
    """The region itself, or ``size`` fitted uniformly into the middle of ``screen`` (never enlarged)."""
    if region is not None:
        return region
    width, height = size
    scale = min(1.0, FIT_SHARE * screen.width / max(width, 1), FIT_SHARE * screen.height / max(height, 1))
    fitted = (max(1, round(width * scale)), max(1, round(height * scale)))
    return Rect(
        screen.x + (screen.width - fitted[0]) // 2, screen.y + (screen.height - fitted[1]) // 2, fitted[0], fitted[1]
    )


class ResultViewer:
    """One open viewer; ``on_deliver(image)`` on Enter, ``on_close()`` on every way out."""

    def __init__(
        self,
        root: tk.Misc,
        spec: ViewerSpec,
        keyboard: KeyboardMethod,
        on_deliver: Callable[[Image.Image], None],
        on_close: Callable[[], None] = lambda: None,
    ) -> None:
        self._root = root
        self._spec = spec
        self._keyboard = keyboard
        self._on_deliver = on_deliver
        self._on_close = on_close
        self.index = 0
        self.showing_original = False
        self.closed = False
        self._release_id: str | None = None
        self.box = viewer_box(spec.original.size, spec.region, spec.screen)
        size = (self.box.width, self.box.height)
        self._photos = [_photo(image, size, root) for image in spec.variants]
        self._original_photo = _photo(spec.original, size, root)
        self.window = tk.Toplevel(root, background=BACKGROUND)
        self.window.withdraw()
        self.window.overrideredirect(True)
        self.window.attributes("-topmost", True)
        self.window.title("AI Image Studio result viewer")
        self.picture = tk.Label(self.window, borderwidth=0, highlightthickness=0, background=BACKGROUND)
        self.picture.place(x=0, y=0, width=size[0], height=size[1])
        self.help = tk.Label(self.window, background=BACKGROUND, foreground=FOREGROUND, anchor="w", padx=6)
        self.help.place(x=0, rely=1.0, anchor="sw", relwidth=1.0)
        self.cost = tk.Label(self.window, text=spec.cost_text, background=BACKGROUND, foreground=FOREGROUND, padx=6)
        if spec.cost_text:
            self.cost.place(x=0, y=0, anchor="nw")
        self.window.geometry(f"{size[0]}x{size[1]}+{self.box.x}+{self.box.y}")
        self._render()
        self.window.bind("<KeyPress>", self._key_press)
        self.window.bind("<KeyRelease>", self._key_release)
        self.window.deiconify()
        self.window.lift()
        self._take_keyboard()

    @property
    def shown(self) -> Image.Image:
        return self._spec.original if self.showing_original else self._spec.variants[self.index]

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

    def _render(self) -> None:
        photo = self._original_photo if self.showing_original else self._photos[self.index]
        self.picture.configure(image=photo)
        count = len(self._photos)
        which = "original" if self.showing_original else f"variant {self.index + 1} of {count}"
        self.help.configure(text=f"{which}   {HELP}" if count > 1 or self.showing_original else HELP)

    def _key_press(self, event: tk.Event[tk.Misc]) -> None:
        key = event.keysym
        if key == "space":
            if self._release_id is not None:
                self.window.after_cancel(self._release_id)  # autorepeat: still held
                self._release_id = None
            self.show_original(True)
        elif key.isdigit() and key != "0":
            self.pick(int(key) - 1)
        elif key in {"Right", "Down"}:
            self.pick((self.index + 1) % len(self._photos))
        elif key in {"Left", "Up"}:
            self.pick((self.index - 1) % len(self._photos))
        elif key in {"Return", "KP_Enter"}:
            self.deliver()
        elif key == "Escape":
            self.close()

    def _key_release(self, event: tk.Event[tk.Misc]) -> None:
        if event.keysym == "space" and not self.closed:
            self._release_id = self.window.after(REPEAT_GAP_MS, self._space_up)

    def _space_up(self) -> None:
        self._release_id = None
        self.show_original(False)

    def show_original(self, original: bool) -> None:
        if original != self.showing_original and not self.closed:
            self.showing_original = original
            self._render()

    def pick(self, index: int) -> None:
        if 0 <= index < len(self._photos) and not self.closed:
            self.index = index
            self._render()

    def deliver(self) -> None:
        """The shown variant (the original is only for looking), then close."""
        chosen = self._spec.variants[self.index]
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
            self._release_keyboard(time.monotonic() + KEY_UP_WAIT_MS / 1000)
        self._on_close()

    def _release_keyboard(self, deadline: float) -> None:
        """Once the closing key is up: its release must not reach the window below either."""
        if self._keyboard.keys_down() and time.monotonic() < deadline:
            self._root.after(KEY_UP_POLL_MS, lambda: self._release_keyboard(deadline))
            return
        self._keyboard.release()


def _photo(image: Image.Image, size: tuple[int, int], root: tk.Misc) -> ImageTk.PhotoImage:
    shown = image if image.size == size else image.resize(size, Image.Resampling.LANCZOS)
    if shown.mode not in {"RGB", "RGBA"}:
        shown = shown.convert("RGBA")
    return ImageTk.PhotoImage(shown, master=root)


def variants_of(images: Sequence[Image.Image]) -> tuple[Image.Image, ...]:
    """At most nine: the keys 1-9 name them."""
    return tuple(images[:9])
