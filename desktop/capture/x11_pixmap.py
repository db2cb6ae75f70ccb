"""X11: freeze the screen inside the X server, one bright and one dimmed pixmap per monitor.

At the hotkey each monitor's part of the root window is copied (CopyArea, IncludeInferiors) into
a pixmap; a copy of it is dimmed by one RENDER fill of translucent black. No pixel crosses the
socket until the person accepts: then ``FrozenMonitor.region`` reads exactly the selected part of
the *same* bright pixmap (GetImage), so what is sent is what was shown (docs/adr/034-server-side-frozen-screen.md).
``free`` releases the pixmaps; ``live_pixmaps`` counts the ones not yet freed (tests, leaks).
"""

from __future__ import annotations

import ctypes
import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from PIL import Image

from core.errors import CaptureError
from core.models import Monitor, Rect
from desktop.capture import xlib_calls
from desktop.methods import session_type

log = logging.getLogger(__name__)

SHADE_ALPHA = 140
"""RENDER's 8-bit alpha of the black laid over the dimmed copy: 255 - 140 = 115 of 255 (0.451) is left,
the look of the Tk path (``overlay.window.DIM``), which uses the same rounding."""
_WIDE = (24, 32)


@dataclass
class FrozenMonitor:
    """One monitor frozen on the X server: ``bright`` and ``dim`` pixmap ids, the monitor's size."""

    monitor: Monitor
    bright: int
    dim: int
    _owner: ServerFreeze = field(repr=False)

    def region(self, rect: Rect) -> Image.Image:
        """The bright pixmap's pixels in ``rect`` (monitor pixels), clamped to the monitor, as RGB."""
        bounds = Rect(0, 0, self.monitor.rect.width, self.monitor.rect.height)
        return self._owner.read(self.bright, rect.intersection(bounds))

    def patch(self, x: int, y: int, size: int) -> Image.Image:
        """``size`` x ``size`` pixels centred on (x, y), black outside the monitor (the magnifier)."""
        half = size // 2
        wanted = Rect(x - half, y - half, size, size)
        bounds = Rect(0, 0, self.monitor.rect.width, self.monitor.rect.height)
        inside = wanted.intersection(bounds)
        patch = Image.new("RGB", (size, size))
        if not inside.is_empty:
            patch.paste(self._owner.read(self.bright, inside), (inside.x - wanted.x, inside.y - wanted.y))
        return patch


@dataclass
class FrozenDesktop:
    monitors: tuple[FrozenMonitor, ...]
    _owner: ServerFreeze = field(repr=False)

    def free(self) -> None:
        """Free every pixmap (once); windows still showing one keep it alive until they drop it."""
        for frozen in self.monitors:
            self._owner.free_pixmaps(frozen.bright, frozen.dim)
        self.monitors = ()


class ServerFreeze:
    """The ``server`` overlay method: its own Xlib connection, kept between captures, Tk thread only."""

    name = "server"
    install_hint = "The server-drawn overlay needs libX11, libXrender (apt install libxrender1) and RENDER."

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)
        self._libs: xlib_calls.Libraries | None = None
        self._display: int | None = None
        self.live_pixmaps = 0

    def fits_this_system(self) -> bool:
        # Under XWayland the root window holds only X clients' windows: the Tk path reads the portal.
        return sys.platform.startswith("linux") and session_type(self._env) == "x11"

    def is_installed(self) -> bool:
        try:
            self._connect()
        except CaptureError as error:
            log.info("the server-drawn overlay does not work here: %s", error)
            return False
        return True

    @property
    def display(self) -> int:
        """The Xlib ``Display*`` as an int, for ``ServerPainter`` (same connection, same pixmaps)."""
        return self._connect()[1]

    @property
    def libraries(self) -> xlib_calls.Libraries:
        return self._connect()[0]

    def _connect(self) -> tuple[xlib_calls.Libraries, int]:
        if self._libs is not None and self._display is not None:
            return self._libs, self._display
        try:
            libs = xlib_calls.load()
        except OSError as error:
            raise CaptureError(f"libX11 or libXrender is missing ({error})") from None
        name = self._env.get("DISPLAY", "")
        display = libs.x11.XOpenDisplay(name.encode())
        if not display:
            raise CaptureError(f"cannot open the X display {name!r}")
        event, error_base = ctypes.c_int(), ctypes.c_int()
        reason = ""
        screen = libs.x11.XDefaultScreen(display)
        if not libs.render.XRenderQueryExtension(display, ctypes.byref(event), ctypes.byref(error_base)):
            reason = "the X server has no RENDER extension"
        elif libs.x11.XDefaultDepth(display, screen) not in _WIDE:
            reason = f"the screen's depth is {libs.x11.XDefaultDepth(display, screen)} bits, not 24 or 32"
        if reason:
            libs.x11.XCloseDisplay(display)
            raise CaptureError(reason)
        self._libs, self._display = libs, int(display)
        return libs, int(display)

    def freeze(self, monitors: Sequence[Monitor]) -> FrozenDesktop:
        """Copy each monitor's part of the screen now, and a dimmed copy of each, all on the server."""
        libs, display = self._connect()
        x11, render = libs.x11, libs.render
        screen = x11.XDefaultScreen(display)
        root, depth = x11.XRootWindow(display, screen), x11.XDefaultDepth(display, screen)
        picture_format = render.XRenderFindVisualFormat(display, x11.XDefaultVisual(display, screen))
        values = xlib_calls.GCValues(subwindow_mode=xlib_calls.INCLUDE_INFERIORS)
        gc = x11.XCreateGC(display, root, xlib_calls.GC_SUBWINDOW_MODE, ctypes.byref(values))
        shade = xlib_calls.RenderColor(0, 0, 0, SHADE_ALPHA * 0x101)
        frozen = []
        try:
            brights = []
            for monitor in monitors:
                r = monitor.rect
                brights.append(bright := x11.XCreatePixmap(display, root, r.width, r.height, depth))
                self.live_pixmaps += 1
                x11.XCopyArea(display, root, bright, gc, r.x, r.y, r.width, r.height, 0, 0)
            # Before the caller maps its overlay (through Tk's connection, which the server may serve
            # first): the copy must not catch the overlay itself. The dimming may overlap the mapping.
            x11.XSync(display, 0)
            for monitor, bright in zip(monitors, brights, strict=True):
                r = monitor.rect
                dim = x11.XCreatePixmap(display, root, r.width, r.height, depth)
                self.live_pixmaps += 1
                x11.XCopyArea(display, bright, dim, gc, 0, 0, r.width, r.height, 0, 0)
                picture = render.XRenderCreatePicture(display, dim, picture_format, 0, None)
                render.XRenderFillRectangle(
                    display, xlib_calls.PICT_OP_OVER, picture, ctypes.byref(shade), 0, 0, r.width, r.height
                )
                render.XRenderFreePicture(display, picture)
                frozen.append(FrozenMonitor(monitor, bright, dim, self))
        finally:
            x11.XFreeGC(display, gc)
            x11.XFlush(display)
        return FrozenDesktop(tuple(frozen), self)

    def read(self, drawable: int, rect: Rect) -> Image.Image:
        """Pixels of a drawable of ours (``rect`` already inside it) as RGB, in one GetImage."""
        libs, display = self._connect()
        if rect.is_empty:
            return Image.new("RGB", (max(rect.width, 0), max(rect.height, 0)))
        pointer = libs.x11.XGetImage(
            display, drawable, rect.x, rect.y, rect.width, rect.height, xlib_calls.ALL_PLANES, xlib_calls.Z_PIXMAP
        )
        if not pointer:
            raise CaptureError("The X server did not hand back the frozen screen's pixels.")
        try:
            image = pointer.contents
            # A pixmap has no visual, so Xlib leaves the masks 0: the default visual's 24-bit RGB is assumed.
            layout = (image.bits_per_pixel, image.byte_order, image.red_mask)
            if layout not in {(32, xlib_calls.LSB_FIRST, 0), (32, xlib_calls.LSB_FIRST, 0xFF0000)}:
                raise CaptureError(f"The X server's pixel layout {layout} is not the 32-bit BGRX this app reads.")
            data = ctypes.string_at(image.data, image.bytes_per_line * image.height)
            stride = image.bytes_per_line
        finally:
            libs.x11.XDestroyImage(pointer)
        return Image.frombuffer("RGB", (rect.width, rect.height), data, "raw", "BGRX", stride, 1)

    def free_pixmaps(self, *pixmaps: int) -> None:
        libs, display = self._connect()
        for pixmap in pixmaps:
            libs.x11.XFreePixmap(display, pixmap)
            self.live_pixmaps -= 1
        libs.x11.XFlush(display)

    def show_on(self, window: int, pixmap: int) -> None:
        """Make ``pixmap`` the background of another client's window (Tk's) and repaint it now.

        The window must already exist on the server (its creator made a round trip since).
        """
        libs, display = self._connect()
        libs.x11.XSetWindowBackgroundPixmap(display, window, pixmap)
        libs.x11.XClearWindow(display, window)

    def plain(self, window: int, pixel: int, *, wait: bool = True) -> None:
        """A plain background again: the window drops its reference to a frozen pixmap.

        ``wait`` (at close): synchronous, as its creator may destroy the window next, and a request
        of ours naming a window that is gone would end the process (Xlib's error handler). Without
        it (at open) the server's copying of a new freeze goes on while Tk maps the window.
        """
        libs, display = self._connect()
        libs.x11.XSetWindowBackground(display, window, pixel)
        if wait:
            libs.x11.XSync(display, 0)
        else:
            libs.x11.XFlush(display)

    def sync(self) -> None:
        """Wait until the server has run every request sent on this connection."""
        libs, display = self._connect()
        libs.x11.XSync(display, 0)

    def close(self) -> None:
        if self._libs is not None and self._display is not None:
            self._libs.x11.XCloseDisplay(self._display)
        self._libs = self._display = None
