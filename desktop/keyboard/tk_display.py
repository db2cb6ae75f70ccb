"""The X connection of a running Tk, through ctypes: ``XGrabKeyboard`` must come from Tk's own client.

An X grab sends the keys to the client that made it. python-xlib is a second client, so keys it
grabs never reach Tk (measured: every key swallowed). Tk's only grab command (``grab -global``)
takes the pointer too, and then Tk drops the pointer events of every other toplevel, i.e. the
other monitors' overlay windows (measured the same day). So the keyboard-only grab is made on
Tk's own ``Display *``, found from the Tcl interpreter: ``Tk_MainWindow(interp)`` is a
``Tk_Window`` whose first field is its display (``Tk_Display`` in tk.h).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
from pathlib import Path

CURRENT_TIME = 0
GRAB_MODE_ASYNC = 1


def loaded_library(pattern: str, fallback: str) -> ctypes.CDLL | None:
    """The shared library already in this process whose file name matches ``pattern`` (Linux)."""
    maps = Path("/proc/self/maps")
    if maps.exists():
        for line in maps.read_text(encoding="utf-8", errors="replace").splitlines():
            path = line.rsplit(" ", 1)[-1]
            if path.startswith("/") and re.match(pattern, path.rsplit("/", 1)[-1]):
                return ctypes.CDLL(path)
    found = ctypes.util.find_library(fallback)
    return ctypes.CDLL(found) if found else None


class TkDisplay:
    """XGrabKeyboard/XUngrabKeyboard on the Tk interpreter's display; Tk thread only."""

    def __init__(self, interp_address: int) -> None:
        libtk = loaded_library(r"^libtk\d", "tk8.6")
        libx11 = loaded_library(r"^libX11\.so", "X11")
        if libtk is None or libx11 is None:
            raise OSError("Tk's or Xlib's shared library is not loaded in this process")
        libtk.Tk_MainWindow.restype = ctypes.c_void_p
        libtk.Tk_MainWindow.argtypes = [ctypes.c_void_p]
        main_window = libtk.Tk_MainWindow(interp_address)
        if not main_window:
            raise OSError("this Tcl interpreter has no Tk main window")
        display = ctypes.c_void_p.from_address(main_window).value
        if not display:
            raise OSError("Tk's main window has no X display")
        self._display = display
        self._grab = libx11.XGrabKeyboard
        self._grab.restype = ctypes.c_int
        self._grab.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_ulong,
        ]
        self._ungrab = libx11.XUngrabKeyboard
        self._ungrab.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self._flush = libx11.XFlush
        self._flush.argtypes = [ctypes.c_void_p]

    def grab_keyboard(self, window: int) -> int:
        """The X status (0: GrabSuccess); every key goes to ``window`` until ungrabbed.

        ``owner_events`` is false: with it true, keys follow the X focus, and a window manager
        that moves the focus elsewhere would leave Tk with keys for a window it does not know.
        """
        return int(self._grab(self._display, window, 0, GRAB_MODE_ASYNC, GRAB_MODE_ASYNC, CURRENT_TIME))

    def ungrab_keyboard(self) -> None:
        self._ungrab(self._display, CURRENT_TIME)
        self._flush(self._display)
