"""The X requests of our XEmbed tray icon (``tray.xembed_icon``), one python-xlib connection each.

System Tray Protocol 0.3 (freedesktop.org systemtray-spec): find the tray by its selection, make a
window with ``_XEMBED_INFO`` (in the tray's ARGB visual when it names one in
``_NET_SYSTEM_TRAY_VISUAL``), ask the tray to dock it, and put the picture into it. Requests that
the tray's going away can fail are sent with a ``CatchError``: python-xlib reports them on this
connection alone (docs/adr/040-xembed-tray-icon.md).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from PIL import Image

from tray.xembed_pixels import window_pixels

if TYPE_CHECKING:
    from Xlib.display import Display
    from Xlib.xobject.drawable import Window

log = logging.getLogger(__name__)

REQUEST_DOCK = 0  # the spec's SYSTEM_TRAY_REQUEST_DOCK opcode
XEMBED_MAPPED = 1
ARGB_DEPTH = 32
ICON_SIDE = 24  # asked for first; then a square as long as the side the tray gives (ask_side)
WM_NAME = "AI Image Studio tray icon"
# The app's name, as GTK's icon had it; a class of its own: "Ai-image-studio" names the Tk windows.
WM_CLASS = ("ai-image-studio", "AiisTrayIcon")
ATOM_NAMES = ("MANAGER", "_NET_SYSTEM_TRAY_OPCODE", "_NET_SYSTEM_TRAY_VISUAL", "_XEMBED_INFO", "_NET_WM_PID")


def selection_atom(conn: Display) -> int:
    return int(conn.intern_atom(f"_NET_SYSTEM_TRAY_S{conn.get_default_screen()}"))


def manager_present(display_name: str) -> bool:
    """Whether an XEmbed tray owns ``_NET_SYSTEM_TRAY_S<screen>`` on ``display_name`` now."""
    from Xlib import X, display, error

    try:
        conn = display.Display(display_name)
    except (error.DisplayError, error.ConnectionClosedError, OSError) as failure:
        log.info("the X display could not be asked for an XEmbed tray: %s", failure)
        return False
    try:
        return bool(conn.get_selection_owner(selection_atom(conn)) != X.NONE)
    finally:
        conn.close()


def tray_visual(conn: Display, manager: Any, atom: int) -> tuple[int, int]:  # noqa: ANN401 - a Window
    """The visual the tray asks for and its depth, or (0, 0) for the default one."""
    from Xlib import X, error

    try:
        reply = manager.get_full_property(atom, X.AnyPropertyType)
    except error.XError:
        return 0, 0
    if reply is None or not reply.value:
        return 0, 0
    wanted = int(reply.value[0])
    for depth in conn.screen().allowed_depths:
        if any(visual.visual_id == wanted for visual in depth.visuals):
            return wanted, int(depth.depth)
    return 0, 0


def create_icon_window(conn: Display, manager: Any, atoms: dict[str, int]) -> tuple[Window, bool]:  # noqa: ANN401
    """Our unmapped icon window, and whether it is ARGB (the tray composites it)."""
    from Xlib import X, Xatom

    screen = conn.screen()
    visual, depth = tray_visual(conn, manager, atoms["_NET_SYSTEM_TRAY_VISUAL"])
    argb = depth == ARGB_DEPTH
    # Not ARGB: the tray's own background shows through, and the picture is drawn over it.
    extra: dict[str, Any] = {"background_pixmap": X.ParentRelative}
    if argb:
        # Our own colormap, and a transparent background and border (an ARGB window needs all three).
        colormap = screen.root.create_colormap(visual, X.AllocNone)
        extra = {"background_pixel": 0, "border_pixel": 0, "colormap": colormap}
    window = screen.root.create_window(
        0,
        0,
        ICON_SIDE,
        ICON_SIDE,
        0,
        depth if argb else X.CopyFromParent,
        X.InputOutput,
        visual if argb else X.CopyFromParent,
        event_mask=X.ExposureMask | X.StructureNotifyMask | X.ButtonPressMask | X.ButtonReleaseMask,
        **extra,
    )
    ask_side(window, ICON_SIDE)
    window.set_wm_name(WM_NAME)
    window.set_wm_class(*WM_CLASS)
    window.change_property(atoms["_XEMBED_INFO"], atoms["_XEMBED_INFO"], 32, [0, XEMBED_MAPPED])
    window.change_property(Xatom.WM_NAME, Xatom.STRING, 8, WM_NAME.encode())
    # Which process the icon is (EWMH), as GDK sets it: task managers, xprop and the bench's dock watch read it.
    window.change_property(atoms["_NET_WM_PID"], Xatom.CARDINAL, 32, [os.getpid()])
    return window, argb


def ask_side(window: Window, side: int) -> None:
    """GTK-based trays (trayer's GtkSocket) size an icon from its WM_NORMAL_HINTS minimum, and watch it."""
    from Xlib import Xutil

    window.set_wm_normal_hints(
        flags=Xutil.PMinSize | Xutil.PBaseSize, min_width=side, min_height=side, base_width=side, base_height=side
    )


def send_dock(conn: Display, manager: Any, window: Window, opcode: int) -> bool:  # noqa: ANN401 - a Window
    """Ask ``manager`` to embed ``window``; False when the tray went away meanwhile."""
    from Xlib import X, error
    from Xlib.protocol import event

    catch = error.CatchError()
    # Its DestroyNotify says the tray is gone (it may already be: then the request fails, caught).
    manager.change_attributes(event_mask=X.StructureNotifyMask, onerror=catch)
    message = event.ClientMessage(
        window=manager, client_type=opcode, data=(32, [X.CurrentTime, REQUEST_DOCK, window.id, 0, 0])
    )
    manager.send_event(message, event_mask=X.NoEventMask, onerror=catch)
    conn.sync()
    if catch.get_error() is not None:
        log.info("tray icon: the XEmbed tray went away while we docked: %s", catch.get_error())
        return False
    log.info("tray icon: asked the XEmbed tray (window 0x%x) to dock it", manager.id)
    return True


def draw(conn: Display, window: Window, image: Image.Image, size: tuple[int, int], argb: bool) -> bool:
    """Put ``image`` into the window; False when its background cannot be read yet (not viewable)."""
    from Xlib import X, error

    width, height = size
    catch = error.CatchError()
    background = None
    if not argb:
        window.clear_area(0, 0, width, height, onerror=catch)
        try:
            background = window.get_image(0, 0, width, height, X.ZPixmap, 0xFFFFFFFF).data
        except error.XError as failure:  # unmapped or not yet viewable: the next Expose draws
            log.debug("tray icon: background not readable yet: %s", failure)
            return False
    data = window_pixels(image, size, background, conn.display.info)
    depth = ARGB_DEPTH if argb else conn.screen().root_depth
    gc = window.create_gc()
    window.put_image(gc, 0, 0, width, height, X.ZPixmap, depth, 0, data, onerror=catch)
    gc.free()
    conn.flush()
    return True
