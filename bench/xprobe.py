"""Watching the screen from outside the process under test: python-xlib on the bench's display.

- ``set_root_picture`` makes a Pillow image the root window's background (our known pattern).
- ``OverlayWatch`` times one trigger: the first override-redirect window mapped (MapNotify on the
  root), the first change of the displayed cursor (XFixes CursorNotify: a selector grabbing the
  pointer with a crosshair), and "painted" (every probe pixel shows the dimmed marker), polled with
  GetImage (a round trip of ~0.07 ms to Xvfb) with a 0.5 ms pause between rounds: under 1 ms of
  resolution, while leaving most of a core to the app and Xvfb on a 2-core machine.
- ``Pointer`` drives the pointer and keys through XTEST, the mechanism xdotool uses, without a
  process start between the timer and the event.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PIL import Image
from Xlib import XK, X, display
from Xlib.ext import xfixes, xtest

from bench.pattern import RGB, is_dimmed_marker

POLL_PAUSE = 0.0005
# The cursor may change a moment after the first paint; wait this long for it before giving up.
CURSOR_GRACE = 0.2
# The largest PutImage python-xlib can send without BIG-REQUESTS is 256 KiB.
_MAX_PUT_BYTES = 200_000


def connect(display_name: str) -> display.Display:
    conn = display.Display(display_name)
    conn.xfixes_query_version()  # XFixes needs the version handshake before its other requests
    return conn


def set_root_picture(conn: display.Display, image: Image.Image) -> None:
    screen = conn.screen()
    root = screen.root
    width, height = image.size
    pixmap = root.create_pixmap(width, height, screen.root_depth)
    gc = pixmap.create_gc()
    rows = max(1, _MAX_PUT_BYTES // (width * 4))
    bgrx = image.convert("RGBX").tobytes("raw", "BGRX")
    for top in range(0, height, rows):
        count = min(rows, height - top)
        data = bgrx[top * width * 4 : (top + count) * width * 4]
        pixmap.put_image(gc, 0, top, width, count, X.ZPixmap, screen.root_depth, 0, data)
    root.change_attributes(background_pixmap=pixmap)
    root.clear_area(0, 0, width, height)
    conn.sync()
    pixmap.free()


def pixel(conn: display.Display, x: int, y: int) -> RGB:
    raw = conn.screen().root.get_image(x, y, 1, 1, X.ZPixmap, 0xFFFFFFFF).data
    return raw[2], raw[1], raw[0]


@dataclass
class Sighting:
    """Seconds from the trigger to each sign of the selector (None: not seen)."""

    mapped: float | None = None
    cursor: float | None = None
    painted: float | None = None
    start: float = 0.0
    """``perf_counter`` at the trigger, to relate other watchers' moments (the key press) to it."""


class OverlayWatch:
    """Times a selector's arrival at the ``probes``; one instance per display connection."""

    def __init__(self, conn: display.Display, probes: tuple[tuple[int, int], ...], pause: float = POLL_PAUSE) -> None:
        self.conn = conn
        self.probes = probes
        self.pause = pause
        root = conn.screen().root
        root.change_attributes(event_mask=X.SubstructureNotifyMask)
        conn.xfixes_select_cursor_input(root, xfixes.XFixesDisplayCursorNotifyMask)
        conn.sync()
        self.drain()

    def drain(self) -> list[object]:
        events = []
        while self.conn.pending_events():
            events.append(self.conn.next_event())
        return events

    def painted(self) -> bool:
        return all(is_dimmed_marker(pixel(self.conn, x, y)) for x, y in self.probes)

    def clear(self) -> bool:
        """No probe shows the dimmed marker: the selector is gone."""
        return not any(is_dimmed_marker(pixel(self.conn, x, y)) for x, y in self.probes)

    def watch(self, start: float, timeout: float, *, need_paint: bool = True) -> Sighting:
        """Poll until painted (or, without ``need_paint``, until the cursor changed)."""
        seen = Sighting()
        deadline = start + timeout
        # python-xlib clones extension event classes per display: match by code, not by class.
        cursor_code = tuple(self.conn.extension_event.DisplayCursorNotify)
        while (now := time.perf_counter()) < deadline:
            for event in self.drain():
                kind = getattr(event, "type", None)
                if kind == X.MapNotify and seen.mapped is None and getattr(event, "override", False):
                    seen.mapped = now - start
                elif (kind, getattr(event, "sub_code", None)) == cursor_code and seen.cursor is None:
                    seen.cursor = now - start
            if need_paint and seen.painted is None and self.painted():
                seen.painted = time.perf_counter() - start
            if seen.painted is not None and (seen.cursor is not None or now - start > seen.painted + CURSOR_GRACE):
                return seen
            if not need_paint and seen.cursor is not None:
                return seen
            if self.pause:
                time.sleep(self.pause)
        return seen

    def wait_map(self, timeout: float = 5) -> bool:
        """Wait for any window to be mapped (the prompt bar after a selection is accepted)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if any(getattr(event, "type", None) == X.MapNotify for event in self.drain()):
                return True
            time.sleep(0.001)
        return False

    def wait_clear(self, timeout: float = 5) -> bool:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.drain()
            if self.clear():
                return True
            time.sleep(0.005)
        return False


class Pointer:
    """XTEST input on the bench display, as a person's mouse and keyboard would give it."""

    def __init__(self, conn: display.Display) -> None:
        self.conn = conn

    def move(self, x: int, y: int) -> None:
        xtest.fake_input(self.conn, X.MotionNotify, x=x, y=y)
        self.conn.sync()

    def button(self, press: bool, number: int = 1) -> None:
        xtest.fake_input(self.conn, X.ButtonPress if press else X.ButtonRelease, number)
        self.conn.sync()

    def drag(
        self,
        start: tuple[int, int],
        end: tuple[int, int],
        *,
        release: bool = True,
        steps: int = 8,
        pause: float = 0.002,
    ) -> None:
        """Press at ``start``, move in ``steps`` to ``end``; release unless told not to (timed by the caller).

        ``pause`` between steps: slop polls the pointer, so maim needs a slower hand than Tk or Qt.
        """
        self.move(*start)
        self.button(press=True)
        time.sleep(pause)
        for step in range(1, steps + 1):
            x = start[0] + (end[0] - start[0]) * step // steps
            y = start[1] + (end[1] - start[1]) * step // steps
            self.move(x, y)
            time.sleep(pause)
        if release:
            self.button(press=False)

    def key(self, name: str, *, hold: float = 0.0) -> None:
        """Press and release one key by its keysym name, e.g. 'Return', 'Escape'.

        ``hold``: slop (maim) polls the keyboard state rather than reading key events, so a
        press and release in the same instant can pass unseen by it.
        """
        code = self.conn.keysym_to_keycode(XK.string_to_keysym(name))
        xtest.fake_input(self.conn, X.KeyPress, code)
        self.conn.sync()
        if hold:
            time.sleep(hold)
        xtest.fake_input(self.conn, X.KeyRelease, code)
        self.conn.sync()
