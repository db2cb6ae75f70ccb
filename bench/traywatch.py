"""Cold start to "tray ready", seen from outside: our icon docked and shown in the tray host.

A tray icon (XEmbed) starts as a top-level window and is reparented by the tray host (trayer)
into its panel: the root window reports that ReparentNotify. The icon is ready when that window
is viewable. The single-instance socket's appearance is noted too, as a second, earlier sign.

Only a window of the launched process counts (its ``_NET_WM_PID``, which GDK sets on every top-level
it makes): the window manager reparents other windows too, and a first run once read a stray
ReparentNotify as our icon docked after 22 ms (issue 14's bench, 2026-12-01).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from Xlib import X, display
from Xlib.error import BadWindow


@dataclass(frozen=True)
class TrayReady:
    """Seconds from launch: socket file present, icon reparented into the tray, icon viewable."""

    socket: float | None
    docked: float | None
    viewable: float | None


class TrayWatch:
    def __init__(self, conn: display.Display) -> None:
        self.conn = conn
        self.root = conn.screen().root
        self.root.change_attributes(event_mask=X.SubstructureNotifyMask)
        conn.sync()
        self.arm()

    def arm(self) -> None:
        while self.conn.pending_events():
            self.conn.next_event()

    def _viewable(self, window: object) -> bool:
        try:
            return bool(window.get_attributes().map_state == X.IsViewable)  # type: ignore[attr-defined]
        except BadWindow:
            return False

    def _pid(self, window: object) -> int | None:
        try:
            prop = window.get_full_property(self.conn.intern_atom("_NET_WM_PID"), X.AnyPropertyType)  # type: ignore[attr-defined]
        except BadWindow:
            return None
        return int(prop.value[0]) if prop is not None and len(prop.value) else None

    def watch(self, start: float, socket: Path, timeout: float = 20, pid: int | None = None) -> TrayReady:
        """``pid``: the launched process, whose window alone counts as the icon (None: any window)."""
        socket_at = docked_at = None
        icon = None
        deadline = start + timeout
        while (now := time.perf_counter()) < deadline:
            while self.conn.pending_events():
                event = self.conn.next_event()
                if getattr(event, "type", None) != X.ReparentNotify or event.parent == self.root:
                    continue
                if pid is None or self._pid(event.window) == pid:
                    icon, docked_at = event.window, now
            if socket_at is None and socket.exists():
                socket_at = now - start
            if icon is not None and docked_at is not None and self._viewable(icon):
                return TrayReady(socket_at, docked_at - start, time.perf_counter() - start)
            time.sleep(0.0005)
        return TrayReady(socket_at, None if docked_at is None else docked_at - start, None)
