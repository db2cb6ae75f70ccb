"""The few Xlib and Xrender calls the server-side frozen screen needs, through ctypes.

python-xlib has no RENDER, and its GetImage is pure Python; libX11 and libXrender are the same
libraries Tk itself links, so loading them adds almost nothing. The signatures are declared on
the loaded library objects (built per ``ServerFreeze``, no module state).

Xlib's default error handler ends the process, and Tk owns that handler for the whole process:
the callers never send a request that can fail (every rectangle is clamped to its pixmap first).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

INCLUDE_INFERIORS = 1
GC_SUBWINDOW_MODE = 1 << 15
PICT_OP_OVER = 3
Z_PIXMAP = 2
ALL_PLANES = 0xFFFFFFFF
LSB_FIRST = 0

_VP, _UL, _UI, _I = ctypes.c_void_p, ctypes.c_ulong, ctypes.c_uint, ctypes.c_int


class GCValues(ctypes.Structure):
    _fields_ = [
        ("function", _I), ("plane_mask", _UL), ("foreground", _UL), ("background", _UL), ("line_width", _I),
        ("line_style", _I), ("cap_style", _I), ("join_style", _I), ("fill_style", _I), ("fill_rule", _I),
        ("arc_mode", _I),
        ("tile", _UL), ("stipple", _UL), ("ts_x_origin", _I), ("ts_y_origin", _I), ("font", _UL),
        ("subwindow_mode", _I), ("graphics_exposures", _I), ("clip_x_origin", _I), ("clip_y_origin", _I),
        ("clip_mask", _UL), ("dash_offset", _I), ("dashes", ctypes.c_char),
    ]  # fmt: skip


class RenderColor(ctypes.Structure):
    _fields_ = [(name, ctypes.c_ushort) for name in ("red", "green", "blue", "alpha")]


class XImage(ctypes.Structure):
    """The head of Xlib's XImage: enough to read the pixels out (the function table follows)."""

    _fields_ = [
        ("width", _I), ("height", _I), ("xoffset", _I), ("format", _I), ("data", ctypes.POINTER(ctypes.c_char)),
        ("byte_order", _I), ("bitmap_unit", _I), ("bitmap_bit_order", _I), ("bitmap_pad", _I), ("depth", _I),
        ("bytes_per_line", _I), ("bits_per_pixel", _I), ("red_mask", _UL), ("green_mask", _UL), ("blue_mask", _UL),
    ]  # fmt: skip


_X11_SIGNATURES: tuple[tuple[str, object, tuple[object, ...]], ...] = (
    ("XOpenDisplay", _VP, (ctypes.c_char_p,)),
    ("XCloseDisplay", _I, (_VP,)),
    ("XDefaultScreen", _I, (_VP,)),
    ("XRootWindow", _UL, (_VP, _I)),
    ("XDefaultDepth", _I, (_VP, _I)),
    ("XDefaultVisual", _VP, (_VP, _I)),
    ("XCreatePixmap", _UL, (_VP, _UL, _UI, _UI, _UI)),
    ("XFreePixmap", _I, (_VP, _UL)),
    ("XCreateGC", _VP, (_VP, _UL, _UL, ctypes.POINTER(GCValues))),
    ("XFreeGC", _I, (_VP, _VP)),
    ("XCopyArea", _I, (_VP, _UL, _UL, _VP, _I, _I, _UI, _UI, _I, _I)),
    ("XGetImage", ctypes.POINTER(XImage), (_VP, _UL, _I, _I, _UI, _UI, _UL, _I)),
    ("XDestroyImage", _I, (ctypes.POINTER(XImage),)),
    ("XSetWindowBackgroundPixmap", _I, (_VP, _UL, _UL)),
    ("XSetWindowBackground", _I, (_VP, _UL, _UL)),
    ("XClearWindow", _I, (_VP, _UL)),
    ("XSync", _I, (_VP, _I)),
    ("XFlush", _I, (_VP,)),
)
_RENDER_SIGNATURES: tuple[tuple[str, object, tuple[object, ...]], ...] = (
    ("XRenderQueryExtension", _I, (_VP, ctypes.POINTER(_I), ctypes.POINTER(_I))),
    ("XRenderFindVisualFormat", _VP, (_VP, _VP)),
    ("XRenderCreatePicture", _UL, (_VP, _UL, _VP, _UL, _VP)),
    ("XRenderFillRectangle", None, (_VP, _I, _UL, ctypes.POINTER(RenderColor), _I, _I, _UI, _UI)),
    ("XRenderFreePicture", None, (_VP, _UL)),
)


@dataclass(frozen=True)
class Libraries:
    x11: ctypes.CDLL
    render: ctypes.CDLL


def load() -> Libraries:
    """libX11 and libXrender with their signatures; ``OSError`` when either is missing."""
    x11, render = ctypes.CDLL("libX11.so.6"), ctypes.CDLL("libXrender.so.1")
    for library, signatures in ((x11, _X11_SIGNATURES), (render, _RENDER_SIGNATURES)):
        for name, restype, argtypes in signatures:
            function = getattr(library, name)
            function.restype, function.argtypes = restype, list(argtypes)
    return Libraries(x11, render)
