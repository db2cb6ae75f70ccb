"""The region selector: one overlay window per monitor, the selection state, and its keys.

``SelectorHost`` lives as long as the Tk root it is given. The tray keeps one and calls
``prepare`` at start so the windows exist, withdrawn, before the first hotkey; each ``select``
then only converts the frozen image and maps the windows. On X11 with RENDER, ``select_screen``
freezes the screen inside the X server instead and converts nothing (ADR 034; the method rule of
``desktop.capture.overlay_method`` chooses, ``AIIS_OVERLAY`` pins). Every method runs on the Tk thread.

Keys: arrows nudge 1 px (Shift: 10), Alt+arrows resize, Space takes the monitor (or image)
under the pointer, M toggles the magnifier, Enter or a double click accepts (the whole monitor
or image when nothing is selected), Esc or a right click cancels. Once a region is selected, B, X
and A paint on it (``overlay.paint_tools``, issue 13).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
import tkinter as tk
from collections.abc import Callable, Sequence
from tkinter import font as tkfont
from typing import Literal, TypeVar

from PIL import Image

from core.errors import CaptureError
from core.models import Monitor, Rect, Screenshot, Selection
from desktop.capture.base import CaptureMethod
from desktop.capture.overlay_method import screen_freezer
from desktop.capture.x11_pixmap import FrozenDesktop, ServerFreeze
from desktop.keyboard.base import KeyboardMethod, system_keyboard
from overlay import interaction
from overlay.focus import KEY_UP_POLL_MS, KEY_UP_WAIT_MS, let_keyboard_go
from overlay.memory import release_memory
from overlay.paint_tools import PaintTools
from overlay.server_background import ServerScene, ServerWindow
from overlay.sources import Scene, image_scene, screen_scenes
from overlay.surface import SelectorWindow
from overlay.window import OverlayWindow

log = logging.getLogger(__name__)

OnDone = Callable[[Selection | None], None]
OnPainted = Callable[[float], None]
"""Called with ``time.perf_counter()`` once the first window is mapped and drawn."""

SHIFT = 0x0001
ALT = 0x0008
# Long enough for the copy preset to hand its PNG to the clipboard first.
RELEASE_DELAY_MS = 50
# Two presses this close in time (X server ms) and place make a double click. Counted here, not
# by Tk's <Double-Button-1>: under openbox Tk missed 4 double clicks in 10 (an event between the
# clicks breaks Tk's pattern).
DOUBLE_CLICK_MS = 400
DOUBLE_CLICK_PX = 4
HINT_SCREEN = "Drag to select   Enter: whole screen   Space: this monitor   M: magnifier   Esc: cancel"
W = TypeVar("W", OverlayWindow, ServerWindow)
HINT_IMAGE = "Drag to crop   Enter: the whole image   M: magnifier   Esc: cancel"


class SelectorHost:
    """Shows the selector on demand and reports one ``Selection`` (or None) per ``select``."""

    def __init__(
        self,
        root: tk.Misc,
        keyboard: KeyboardMethod | None = None,
        freezer: ServerFreeze | Literal["auto"] | None = "auto",
    ) -> None:
        self._root = root
        # None: the Tk path (ADR 012); "auto": the method rule on this process's environment.
        self._freezer = screen_freezer(os.environ) if freezer == "auto" else freezer
        # While the selector is up it owns the keyboard (issue 17, docs/adr/013-overlay-keyboard-grab.md).
        self._keyboard = keyboard if keyboard is not None else system_keyboard(os.environ, root.tk.interpaddr())
        self._fonts = (
            # Courier and Helvetica are Tk's portable names: each OS maps them to a font it has.
            tkfont.Font(root=root, family="Courier", size=11, weight="bold"),
            tkfont.Font(root=root, family="Helvetica", size=11),
        )
        self._windows: dict[Rect, OverlayWindow] = {}
        self._server_windows: dict[Rect, ServerWindow] = {}
        self._frozen: FrozenDesktop | None = None
        self._shown: list[SelectorWindow] = []
        self._on_done: OnDone | None = None
        self._on_painted: OnPainted | None = None
        self._owner: SelectorWindow | None = None
        self._rect: Rect | None = None
        self._press: interaction.Press | None = None
        self._before_press: Rect | None = None
        self._magnify = True
        self._grab_serial = 0
        # The window that takes the keyboard after the selector (the prompt bar): see ``lend_keyboard``.
        self._borrower: tk.Toplevel | None = None
        self._last_click: tuple[int, int, int] | None = None
        # Painting on the selection (issue 13): B, X, A and their keys; strokes in source pixels.
        self._paint = PaintTools(self._fonts[1])

    @property
    def active(self) -> bool:
        return self._on_done is not None

    @property
    def server_side(self) -> bool:
        """Whether screen captures are frozen and drawn by the X server (ADR 034)."""
        return self._freezer is not None

    def prepare(self, monitors: Sequence[Monitor]) -> None:
        """Build the withdrawn windows for these monitors now, so that a capture only maps them."""
        for monitor in monitors:
            if self._freezer is not None:
                self._server_window_for(monitor.rect, self._freezer).warm_up()
            else:
                self._window_for(monitor.rect).warm_up()
        try:
            self._keyboard.warm_up()
        except CaptureError as error:
            # The first capture will say so in plain words, from the same call in ``take``.
            log.info("keyboard not ready before the first capture: %s", error)
        if self._freezer is not None and monitors:
            # Two freezes, freed at once: the first two pay for RENDER's format query and the
            # server's first 4K copies (17-40 ms and 25-80 ms, then 5; issue 14: the first hotkey
            # within 1.5x of later ones).
            for _ in range(2):
                self._freezer.freeze(monitors).free()
        self._root.update_idletasks()

    def select_screen(self, capture: CaptureMethod, on_done: OnDone, on_painted: OnPainted | None = None) -> None:
        """Freeze the screen now and select on it: inside the X server where chosen, else through ``capture``."""
        if self._freezer is None:
            self.select(capture.grab(), on_done, on_painted)
            return
        if not self._begin(on_done, on_painted):
            return
        freezer = self._freezer
        try:
            self._frozen = frozen = freezer.freeze(capture.monitors())
        except CaptureError as error:
            # The method rule's hand-over (issue 12): the Tk path from now on, said in the log.
            self._on_done = self._on_painted = None
            log.warning("frozen screen through server failed (%s); using tk", error)
            freezer.close()
            self._freezer = None
            self.select(capture.grab(), on_done, on_painted)
            return
        for part in frozen.monitors:
            window = self._server_window_for(part.monitor.rect, freezer)
            window.magnifier.enabled = self._magnify
            window.show(ServerScene(part.monitor.rect, part), HINT_SCREEN)
            self._shown.append(window)
        self._opened()

    def select(self, screenshots: Sequence[Screenshot], on_done: OnDone, on_painted: OnPainted | None = None) -> None:
        """Freeze these monitors under the selector; ``on_done`` gets the region in screenshot pixels."""
        self.select_scenes(screen_scenes(screenshots), on_done, HINT_SCREEN, on_painted)

    def select_image(
        self, image: Image.Image, monitor: Monitor, origin: str, on_done: OnDone, on_painted: OnPainted | None = None
    ) -> None:
        """An image (clipboard, file) fitted on ``monitor``; ``on_done`` gets the region in its pixels."""
        self.select_scenes((image_scene(image, monitor, origin),), on_done, HINT_IMAGE, on_painted)

    def select_scenes(
        self, scenes: Sequence[Scene], on_done: OnDone, hint: str, on_painted: OnPainted | None = None
    ) -> None:
        if not scenes:
            if self._on_done is None:
                on_done(None)
            return
        if not self._begin(on_done, on_painted):
            return
        for scene in scenes:
            window = self._window_for(scene.screen)
            window.magnifier.enabled = self._magnify
            window.show(scene, hint)
            self._shown.append(window)
        self._opened()

    def _begin(self, on_done: OnDone, on_painted: OnPainted | None) -> bool:
        if self._on_done is not None:
            log.info("a selection is already open; the new request is ignored")
            return False
        self._on_done = on_done
        self._on_painted = on_painted
        self._rect = None
        self._owner = None
        self._press = None
        self._last_click = None
        self._paint.reset()
        return True

    def _opened(self) -> None:
        self._shown[0].surface.bind("<Expose>", self._on_first_expose)
        self._take_keyboard()

    def cancel(self) -> None:
        """Close the selector as if Esc was pressed (e.g. the tray quits)."""
        if self._on_done is not None:
            self._finish(None)

    def close(self) -> None:
        """Destroy every window; the host cannot be used afterwards."""
        self.cancel()
        deadline = time.monotonic() + KEY_UP_WAIT_MS / 1000
        while self._keyboard.keys_down() and time.monotonic() < deadline:
            time.sleep(KEY_UP_POLL_MS / 1000)
        self._keyboard.close()
        windows: list[SelectorWindow] = [*self._windows.values(), *self._server_windows.values()]
        for window in windows:
            window.destroy()
        self._windows.clear()
        self._server_windows.clear()
        if self._freezer is not None:
            self._freezer.close()

    # --- building ----------------------------------------------------------------------------

    def _window_for(self, screen: Rect) -> OverlayWindow:
        window = self._windows.get(screen)
        if window is None:
            window = self._windows[screen] = self._bound(OverlayWindow(self._root, screen, self._fonts))
        return window

    def _server_window_for(self, screen: Rect, freezer: ServerFreeze) -> ServerWindow:
        window = self._server_windows.get(screen)
        if window is None:
            window = ServerWindow(self._root, screen, self._fonts, freezer)
            window = self._server_windows[screen] = self._bound(window)
        return window

    def _bound(self, window: W) -> W:
        window.bind("<ButtonPress-1>", self._on_press)
        window.bind("<B1-Motion>", self._on_drag)
        window.bind("<ButtonRelease-1>", self._on_release)
        window.bind("<ButtonPress-3>", lambda _window, _event: self.cancel())
        window.bind("<Motion>", self._on_motion)
        window.bind("<Enter>", lambda window, _event: self._focus(window))
        window.bind_key(self._on_key)
        return window

    def _on_first_expose(self, _event: tk.Event[tk.Misc]) -> None:
        first = self._shown[0] if self._shown else None
        if first is None:
            return
        first.surface.unbind("<Expose>")
        # After the canvas's own redraw (queued before this binding ran), then load the bright photos.
        self._root.after_idle(self._painted)

    def _painted(self) -> None:
        if not self._shown:
            return
        log.debug("painted")
        # A round trip: the reply comes after the X server has executed every drawing request.
        self._shown[0].top.winfo_pointerxy()
        painted_at = time.perf_counter()
        # Tk's focus and the magnifier for where the pointer is now.
        self._focus_under_pointer()
        if self._on_painted is not None:
            self._on_painted(painted_at)
        for window in self._shown:
            self._root.after_idle(window.load_bright)

    def _take_keyboard(self) -> None:
        """Grab the keyboard on the mapped window under the pointer; on failure close, and say why."""
        # Tk maps the windows at idle time; the pointer query's round trip then makes sure the
        # server has mapped them before the grab (it refuses an unviewable window).
        self._root.update_idletasks()
        x, y = self._root.winfo_pointerxy()
        target = next((w for w in self._shown if w.screen.contains(x, y)), self._shown[0])
        self._grab_serial += 1
        try:
            self._keyboard.take(target.window_id)
        except CaptureError:
            self._close_windows()
            self._let_keyboard_go()
            raise
        for window in self._shown:
            window.reveal()
        self._focus_under_pointer()

    def _focus(self, window: SelectorWindow) -> None:
        """Tk's own idea of the focus, or it drops the keys the grab sends (DESKTOP-TESTING.md).

        The X focus itself is set once, in ``take``; every key comes to the grab window anyway.
        """
        if self._on_done is not None:
            window.top.focus_force()

    def _focus_under_pointer(self) -> None:
        x, y = self._root.winfo_pointerxy()
        target = next((w for w in self._shown if w.screen.contains(x, y)), self._shown[0])
        self._focus(target)
        if target.scene is not None:
            point = (x - target.screen.x, y - target.screen.y)
            if target.screen.contains(x, y):
                target.update_magnifier(point)

    # --- pointer -----------------------------------------------------------------------------

    def _on_press(self, window: SelectorWindow, event: tk.Event[tk.Misc]) -> None:
        if window.scene is None:
            return
        point = window.local(event)
        inside = window is self._owner and interaction.grab_kind(window.view, point) == "move"
        if self._paint.press(window, point, _state(event), inside):
            # Two quick dabs are painting, not a double click that sends the selection.
            self._last_click = None
            return
        if self._is_double_click(event):
            self._on_double(window, event)
            return
        if self._owner is not window:
            if self._owner is not None:
                self._owner.show_selection(None)
            self._owner, self._rect = window, None
        self._before_press = self._rect
        self._press = interaction.begin(self._rect, window.view, point, window.scene.boundary(*point))
        log.debug("press at %s: %s", point, self._press.kind)

    def _on_drag(self, window: SelectorWindow, event: tk.Event[tk.Misc]) -> None:
        if self._paint.drag(window, window.local(event)):
            return
        if self._press is None or window is not self._owner or window.scene is None:
            return
        point = window.local(event)
        self._set_rect(interaction.drag(self._press, window.scene.boundary(*point), window.scene.bounds))
        window.update_magnifier(point)

    def _on_release(self, window: SelectorWindow, event: tk.Event[tk.Misc]) -> None:
        if self._paint.release(window, window.local(event)):
            return
        if self._press is None or window is not self._owner or window.scene is None:
            return
        # The release point is the drag's last word, even if a Motion before it was never seen.
        point = window.local(event)
        self._set_rect(interaction.drag(self._press, window.scene.boundary(*point), window.scene.bounds))
        log.debug("release at %s: %s", point, self._rect)
        if self._press.kind == "new" and (self._rect is None or self._rect.is_empty):
            # A click without a drag keeps what was selected, so a double click can accept it.
            self._set_rect(self._before_press)
        self._press = None

    def _is_double_click(self, event: tk.Event[tk.Misc]) -> bool:
        when, x, y = int(event.time), event.x_root, event.y_root
        last, self._last_click = self._last_click, (when, x, y)
        if last is None or not 0 <= when - last[0] <= DOUBLE_CLICK_MS:
            return False
        if abs(x - last[1]) > DOUBLE_CLICK_PX or abs(y - last[2]) > DOUBLE_CLICK_PX:
            return False
        self._last_click = None
        return True

    def _on_double(self, window: SelectorWindow, event: tk.Event[tk.Misc]) -> None:
        self._press = None
        self._accept(window, window.local(event))

    def _on_motion(self, window: SelectorWindow, event: tk.Event[tk.Misc]) -> None:
        point = window.local(event)
        window.update_magnifier(point)
        grab = interaction.grab_kind(window.view, point) if window is self._owner else "new"
        window.set_cursor(interaction.CURSORS[grab])
        if window is self._owner:
            self._paint.ring(window, point)

    # --- keys --------------------------------------------------------------------------------

    def _on_key(self, window: SelectorWindow, event: tk.Event[tk.Misc]) -> None:
        keysym = event.keysym
        log.debug("key %s", keysym)
        state = _state(event)
        if keysym == "Escape":
            self.cancel()
        elif keysym in {"Return", "KP_Enter"}:
            self._accept(window, self._pointer_in(window))
        elif keysym == "space":
            self._take_whole(self._window_under_pointer() or window)
        elif keysym in {"m", "M"}:
            self._magnify = not self._magnify
            for shown in self._shown:
                shown.magnifier.toggle()
            # Keys all come to the window that took the keyboard; the pointer may be on another.
            under = self._window_under_pointer() or window
            if self._magnify:
                under.update_magnifier(self._pointer_in(under))
        elif self._rect is not None and self._paint.key(keysym, state, self._owner):
            log.debug("paint key %s", keysym)
        elif self._rect is not None and self._owner is not None and self._owner.scene is not None:
            step = interaction.key_step(
                self._rect, keysym, shift=bool(state & SHIFT), alt=bool(state & ALT), bounds=self._owner.scene.bounds
            )
            if step is not None:
                self._set_rect(step)

    def _pointer_in(self, window: SelectorWindow) -> tuple[int, int]:
        x, y = self._root.winfo_pointerxy()
        return (x - window.screen.x, y - window.screen.y)

    def _window_under_pointer(self) -> SelectorWindow | None:
        x, y = self._root.winfo_pointerxy()
        return next((w for w in self._shown if w.screen.contains(x, y)), None)

    # --- the selection -----------------------------------------------------------------------

    def _set_rect(self, rect: Rect | None) -> None:
        owner = self._owner
        self._rect = None if rect is None or rect.is_empty else rect
        if owner is None or owner.scene is None:
            return
        if self._rect is None:
            owner.show_selection(None)
            self._paint.follow(owner)
            return
        owner.show_selection(owner.scene.to_view(self._rect), interaction.readout(self._rect, owner.scene.offset))
        self._paint.follow(owner)

    def _take_whole(self, window: SelectorWindow) -> None:
        if window.scene is None:
            return
        if self._owner is not None and self._owner is not window:
            self._owner.show_selection(None)
        self._owner = window
        self._set_rect(window.scene.bounds)

    def lend_keyboard(self, window: tk.Toplevel) -> None:
        """Keep the keyboard after the selector closes until ``window`` (shown next) has the focus.

        Called from ``on_done``. Without it the grab ended once Enter was up and the focus went back
        to the window below, some 20-100 ms before the prompt bar took it: what a quick typist typed
        meanwhile ran in their terminal (the witness test). Held on the root, such keys are dropped.
        """
        self._borrower = window

    def _close_windows(self) -> None:
        # Always held on the root now, not only while the closing key is down: a window that
        # follows may be lent the keyboard (``lend_keyboard``) once it is on screen.
        self._keyboard.hold()
        try:
            for window in self._shown:
                window.hide()
            self._shown.clear()
            if self._frozen is not None:
                # After the windows dropped them: the server frees both pixmaps of each monitor now.
                self._frozen.free()
                self._frozen = None
            self._on_done = self._on_painted = None
            self._owner = self._rect = self._press = None
            self._root.update_idletasks()
        finally:
            self._borrower = None

    def _let_keyboard_go(self) -> None:
        """After ``on_done``, which may lend the keyboard to what it opens (``lend_keyboard``)."""
        serial, borrower, self._borrower = self._grab_serial, self._borrower, None
        let_keyboard_go(
            self._root,
            self._keyboard,
            borrower,
            # A new selection took the keyboard again since: it is that one's now.
            lambda: serial == self._grab_serial and self._on_done is None,
        )

    def _accept(self, window: SelectorWindow, _point: tuple[int, int]) -> None:
        if self._rect is None or self._owner is None:
            self._take_whole(self._window_under_pointer() or window)
        self._finish(self._rect)

    def _finish(self, rect: Rect | None) -> None:
        owner, on_done = self._owner, self._on_done
        result = None
        if rect is not None and owner is not None and owner.scene is not None:
            mask, markup, marks = self._paint.result(rect)
            result = dataclasses.replace(owner.selection(rect), mask=mask, markup=markup, marks=marks)
        self._paint.reset()
        self._close_windows()
        try:
            if on_done is not None:
                on_done(result)
        finally:
            self._let_keyboard_go()
        # After delivery, not before: the release is off the path from Enter to the clipboard, and
        # the frozen frames are no longer referenced (by on_done's closure), so the trim frees them.
        self._root.after(RELEASE_DELAY_MS, release_memory)


def _state(event: tk.Event[tk.Misc]) -> int:
    return int(event.state) if isinstance(event.state, int) else 0
