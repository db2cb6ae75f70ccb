"""The tray icon as an XEmbed tray icon of our own (System Tray Protocol 0.3): no GTK in the process.

trayer, stalonetray, i3bar, polybar and older xfce panels host only XEmbed icons: an X window of
the client that the tray reparents into its panel. The protocol (freedesktop.org systemtray-spec
0.3): the tray owns the selection ``_NET_SYSTEM_TRAY_S<screen>``; we send its owner window a
``_NET_SYSTEM_TRAY_OPCODE`` client message ``SYSTEM_TRAY_REQUEST_DOCK`` naming our window, which
carries ``_XEMBED_INFO`` (version 0, mapped). A tray that starts later broadcasts ``MANAGER`` on
the root window, and we dock again. The tray sizes our window (ConfigureNotify); we draw the
state's picture into it, over the tray's own background (ParentRelative) or, when the tray offers
an ARGB visual (``_NET_SYSTEM_TRAY_VISUAL``), with real alpha.

The requests themselves are in ``tray.xembed_window``, the pixels in ``tray.xembed_pixels``.
One python-xlib connection of our own, read by one thread that waits in ``select`` on it and a
wake-up pipe (as ``desktop.hotkeys.x11_grab`` does): 0 CPU ticks idle. python-xlib raises errors
per request on its own connection, where libX11's error handler is per process and Tk's ends it
(docs/adr/040-xembed-tray-icon.md). Clicks only post: a left click the menu's default item (what
pystray's default action does), a right click a ``TrayMenuRequested`` the Tk thread answers with
its popup menu (``tray.tk_menu``). When the tray goes and none comes back within
``REDOCK_GRACE_SECONDS``, ``on_lost`` is told once, as the SNI item does when its watcher leaves.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core.errors import TrayIconError
from tray import xembed_window
from tray.events import Event, MenuCommand, TrayMenuRequested
from tray.icon import IconImages, State
from tray.menu import MenuItem
from tray.tray_icon import TITLES
from tray.xembed_pixels import pixel_format_problem

if TYPE_CHECKING:
    from Xlib.display import Display
    from Xlib.xobject.drawable import Window

log = logging.getLogger(__name__)

REDOCK_GRACE_SECONDS = 10.0
STOP_JOIN_SECONDS = 2.0
LEFT, RIGHT = 1, 3


def default_command(items: tuple[MenuItem, ...]) -> MenuCommand | None:
    """What a left click does: the default item's command, as pystray's default action is."""
    for item in items:
        if item.default and item.enabled and item.action and not item.children:
            return MenuCommand(item.action, item.value)
    return None


class XEmbedIcon:
    """``start`` raises ``TrayIconError`` when the display cannot be reached or no tray is there."""

    def __init__(
        self,
        display_name: str,
        images: IconImages,
        post: Callable[[Event], None],
        on_lost: Callable[[], None] | None = None,
        redock_grace: float = REDOCK_GRACE_SECONDS,
    ) -> None:
        self._display_name = display_name
        self._grace = redock_grace
        self._images = images
        self._post = post
        self._on_lost = on_lost
        self._state: State = "idle"
        self._menu: tuple[MenuItem, ...] = ()
        self._conn: Display | None = None
        self._window: Window | None = None
        self._manager: Any = None
        self._size = (0, 0)
        self._argb = False
        self._root_id = 0
        self._asked = 0
        self._drawn = False
        self._wake_r, self._wake_w = -1, -1
        self._stopping = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Dock and start reading; a second call does nothing (``XEmbedMethod.build`` starts it early)."""
        from Xlib import X, display, error

        if self._thread is not None:
            return
        try:
            conn = display.Display(self._display_name)
        except (error.DisplayError, error.ConnectionClosedError, OSError) as failure:
            raise TrayIconError(f"The X display cannot be reached for the tray icon ({failure}).") from None
        self._conn = conn
        self._selection = xembed_window.selection_atom(conn)
        self._atoms = {name: conn.intern_atom(name) for name in xembed_window.ATOM_NAMES}
        root = conn.screen().root
        self._root_id = root.id
        problem = pixel_format_problem(conn.display.info, conn.screen().root_depth)
        manager = conn.get_selection_owner(self._selection)
        if problem or manager == X.NONE:
            conn.close()
            self._conn = None
            raise TrayIconError(problem or "No XEmbed system tray is running on this screen.")
        # MANAGER is sent to the root with StructureNotifyMask (the spec, "Locating the system tray").
        root.change_attributes(event_mask=X.StructureNotifyMask)
        self._window, self._argb = xembed_window.create_icon_window(conn, manager, self._atoms)
        self._asked = xembed_window.ICON_SIDE
        self._dock(manager)
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._read, name="aiis-xembed", daemon=True)
        self._thread.start()

    def _dock(self, manager: Any) -> None:  # noqa: ANN401 - a python-xlib Window
        conn, window = self._conn, self._window
        assert conn is not None  # noqa: S101 - start opened it
        assert window is not None  # noqa: S101 - and created it
        self._manager = manager
        xembed_window.send_dock(conn, manager, window, self._atoms["_NET_SYSTEM_TRAY_OPCODE"])

    def _read(self) -> None:
        """Events until ``stop``; blocks in ``select`` between them (no polling)."""
        from Xlib import error

        conn = self._conn
        assert conn is not None  # noqa: S101
        lost_at: float | None = None
        try:
            while not self._stopping:
                timeout = None if lost_at is None else max(0.0, lost_at + self._grace - time.monotonic())
                if not conn.pending_events():
                    ready, _, _ = select.select([conn.fileno(), self._wake_r], [], [], timeout)
                    if self._wake_r in ready:
                        os.read(self._wake_r, 64)
                        self._draw()
                if lost_at is not None and time.monotonic() >= lost_at + self._grace:
                    self._give_up()
                    return
                while conn.pending_events() and not self._stopping:
                    lost_at = self._handle(conn.next_event(), lost_at)
        except (error.ConnectionClosedError, OSError) as failure:
            if not self._stopping:
                log.warning("tray icon: the X connection ended: %s", failure)
        except Exception:
            log.exception("tray icon: the XEmbed reader stopped with an error")

    def _handle(self, xevent: Any, lost_at: float | None) -> float | None:  # noqa: ANN401 - an X event
        from Xlib import X

        kind = xevent.type
        window = self._window
        assert window is not None  # noqa: S101
        if kind == X.ClientMessage and xevent.client_type == self._atoms["MANAGER"]:
            _format, data = xevent.data
            if data[1] == self._selection:
                log.info("tray icon: an XEmbed tray started (window 0x%x); docking again", data[2])
                assert self._conn is not None  # noqa: S101
                self._dock(self._conn.create_resource_object("window", data[2]))
                return None
        elif kind == X.DestroyNotify and self._manager is not None and xevent.window.id == self._manager.id:
            log.warning("the XEmbed tray went away; waiting %.0f s for one to start again", self._grace)
            self._manager = None
            return time.monotonic() if lost_at is None else lost_at
        elif kind == X.ReparentNotify and xevent.window.id == window.id and xevent.parent.id == self._root_id:
            # The dying tray's save-set hands our window back to the root, mapped: keep it off the desktop.
            window.unmap()
        elif kind == X.ConfigureNotify and xevent.window.id == window.id:
            self._configured(window, xevent.width, xevent.height)
        elif kind == X.Expose and xevent.window.id == window.id and xevent.count == 0:
            self._draw()
        elif kind == X.ButtonRelease and xevent.window.id == window.id:
            self._clicked(xevent.detail, xevent.root_x, xevent.root_y)
        return lost_at

    def _configured(self, window: Window, width: int, height: int) -> None:
        if (width, height) == self._size:
            return
        self._size = (width, height)
        # A square as long as the tray's cross side fills the slot (trayer gave 1x38 without hints).
        side = max(width, height)
        if side != self._asked:
            self._asked = side
            xembed_window.ask_side(window, side)
        self._draw()

    def _clicked(self, button: int, x: int, y: int) -> None:
        # On the release: the press's implicit pointer grab is ours until then, and Tk's menu must grab.
        if button == LEFT:
            command = default_command(self._menu)
            if command is not None:
                self._post(command)
        elif button == RIGHT:
            self._post(TrayMenuRequested(x, y))

    def _draw(self) -> None:
        conn, window = self._conn, self._window
        if conn is None or window is None or self._manager is None or min(self._size) <= 0:
            return
        drawn = xembed_window.draw(conn, window, self._images[self._state], self._size, self._argb)
        if drawn and not self._drawn:
            self._drawn = True
            log.info("tray icon drawn in the XEmbed tray at %dx%d", *self._size)

    def _give_up(self) -> None:
        log.warning("no XEmbed tray came back; the tray icon is no longer shown through it")
        if self._on_lost is not None:
            self._on_lost()

    def show_state(self, state: str) -> None:
        if state == self._state or state not in TITLES:
            return
        self._state = state  # type: ignore[assignment]
        self._wake()

    def show_menu(self, items: tuple[MenuItem, ...]) -> None:
        self._menu = items  # read by the reader thread at a left click: a whole tuple swapped

    def _wake(self) -> None:
        if self._wake_w >= 0:
            with contextlib.suppress(OSError):
                os.write(self._wake_w, b"x")

    def stop(self) -> None:
        self._stopping = True
        self._wake()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(STOP_JOIN_SECONDS)
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                if self._window is not None:
                    self._window.destroy()
                conn.close()
        for fd in (self._wake_r, self._wake_w):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._wake_r = self._wake_w = -1
