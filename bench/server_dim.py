"""``python -m bench.server_dim``: how fast a frozen, dimmed overlay can be when the X server draws it.

A measured prototype for the overlay (docs/benchmarks.md, "Profiling", item 4), not app code: copy
the root window into a pixmap (CopyArea with IncludeInferiors), dim it with one RENDER fill of
translucent black, make it the background of an override-redirect window and map that. No pixel
crosses the socket, so the cost barely grows with the screen. Xlib and Xrender through ctypes,
because python-xlib has no RENDER. The bench's outside detector checks that the markers really
show dimmed on screen.
"""

from __future__ import annotations

import ctypes
import statistics
import time

from bench import pattern, xprobe
from bench.xserver import bench_desktop
from desktop.capture.xlib_calls import GCValues, RenderColor

_INCLUDE_INFERIORS = 1
_GC_SUBWINDOW_MODE = 1 << 15
_PICT_OP_OVER = 3
_CW_BACK_PIXMAP = 1 << 0
_CW_OVERRIDE_REDIRECT = 1 << 9
_INPUT_OUTPUT = 1
SHADE = 0.55  # 1 - overlay.window.DIM: the same look as the Tk overlay

_VP, _UL, _UI, _I = ctypes.c_void_p, ctypes.c_ulong, ctypes.c_uint, ctypes.c_int


class _WindowAttributes(ctypes.Structure):
    _fields_ = [
        ("background_pixmap", _UL), ("background_pixel", _UL), ("border_pixmap", _UL), ("border_pixel", _UL),
        ("bit_gravity", _I), ("win_gravity", _I), ("backing_store", _I), ("backing_planes", _UL),
        ("backing_pixel", _UL), ("save_under", _I), ("event_mask", ctypes.c_long),
        ("do_not_propagate_mask", ctypes.c_long), ("override_redirect", _I), ("colormap", _UL), ("cursor", _UL),
    ]  # fmt: skip


def _libraries() -> tuple[ctypes.CDLL, ctypes.CDLL]:
    x11, render = ctypes.CDLL("libX11.so.6"), ctypes.CDLL("libXrender.so.1")
    signatures: dict[str, tuple[object, list[object]]] = {
        "XOpenDisplay": (_VP, [ctypes.c_char_p]),
        "XDefaultScreen": (_I, [_VP]),
        "XRootWindow": (_UL, [_VP, _I]),
        "XDisplayWidth": (_I, [_VP, _I]),
        "XDisplayHeight": (_I, [_VP, _I]),
        "XDefaultDepth": (_I, [_VP, _I]),
        "XDefaultVisual": (_VP, [_VP, _I]),
        "XCreatePixmap": (_UL, [_VP, _UL, _UI, _UI, _UI]),
        "XCreateGC": (_VP, [_VP, _UL, _UL, ctypes.POINTER(GCValues)]),
        "XCopyArea": (_I, [_VP, _UL, _UL, _VP, _I, _I, _UI, _UI, _I, _I]),
        "XCreateWindow": (_UL, [_VP, _UL, _I, _I, _UI, _UI, _UI, _I, _UI, _VP, _UL, ctypes.POINTER(_WindowAttributes)]),
        "XMapRaised": (_I, [_VP, _UL]),
        "XDestroyWindow": (_I, [_VP, _UL]),
        "XFreePixmap": (_I, [_VP, _UL]),
        "XFreeGC": (_I, [_VP, _VP]),
        "XSync": (_I, [_VP, _I]),
        "XCloseDisplay": (_I, [_VP]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(x11, name)
        function.restype, function.argtypes = restype, argtypes
    render.XRenderFindVisualFormat.restype, render.XRenderFindVisualFormat.argtypes = _VP, [_VP, _VP]
    render.XRenderCreatePicture.restype, render.XRenderCreatePicture.argtypes = _UL, [_VP, _UL, _VP, _UL, _VP]
    render.XRenderFillRectangle.argtypes = [_VP, _I, _UL, ctypes.POINTER(RenderColor), _I, _I, _UI, _UI]
    render.XRenderFreePicture.argtypes = [_VP, _UL]
    return x11, render


def measure(display_name: str, runs: int, watch: xprobe.OverlayWatch) -> tuple[list[float], list[float | None]]:
    """Per run: ms to XSync (in this client), and ms until the outside detector saw it painted."""
    x11, render = _libraries()
    dpy = x11.XOpenDisplay(display_name.encode())
    screen = x11.XDefaultScreen(dpy)
    root, visual = x11.XRootWindow(dpy, screen), x11.XDefaultVisual(dpy, screen)
    width, height = x11.XDisplayWidth(dpy, screen), x11.XDisplayHeight(dpy, screen)
    depth = x11.XDefaultDepth(dpy, screen)
    picture_format = render.XRenderFindVisualFormat(dpy, visual)
    values = GCValues(subwindow_mode=_INCLUDE_INFERIORS)
    shade = RenderColor(0, 0, 0, int(SHADE * 0xFFFF))
    synced: list[float] = []
    seen: list[float | None] = []
    for _ in range(runs):
        watch.drain()
        start = time.perf_counter()
        pixmap = x11.XCreatePixmap(dpy, root, width, height, depth)
        gc = x11.XCreateGC(dpy, pixmap, _GC_SUBWINDOW_MODE, ctypes.byref(values))
        x11.XCopyArea(dpy, root, pixmap, gc, 0, 0, width, height, 0, 0)
        picture = render.XRenderCreatePicture(dpy, pixmap, picture_format, 0, None)
        render.XRenderFillRectangle(dpy, _PICT_OP_OVER, picture, ctypes.byref(shade), 0, 0, width, height)
        attributes = _WindowAttributes(background_pixmap=pixmap, override_redirect=1)
        mask = _CW_BACK_PIXMAP | _CW_OVERRIDE_REDIRECT
        window = x11.XCreateWindow(
            dpy, root, 0, 0, width, height, 0, depth, _INPUT_OUTPUT, visual, mask, ctypes.byref(attributes)
        )
        x11.XMapRaised(dpy, window)
        x11.XSync(dpy, 0)
        synced.append((time.perf_counter() - start) * 1000)
        painted = watch.watch(start, 5).painted
        seen.append(None if painted is None else painted * 1000)
        x11.XDestroyWindow(dpy, window)
        render.XRenderFreePicture(dpy, picture)
        x11.XFreePixmap(dpy, pixmap)
        x11.XFreeGC(dpy, gc)
        x11.XSync(dpy, 0)
        watch.wait_clear()
        time.sleep(0.1)
    x11.XCloseDisplay(dpy)
    return synced, seen


def main() -> int:
    for width, height in ((1920, 1080), (3840, 2160)):
        with bench_desktop(width, height, keyring=False) as desktop:
            conn = xprobe.connect(desktop.display)
            xprobe.set_root_picture(conn, pattern.desktop_picture(width, height))
            watch = xprobe.OverlayWatch(conn, pattern.probe_points(width, height))
            synced, seen = measure(desktop.display, 10, watch)
            conn.close()
        painted = [value for value in seen if value is not None]
        print(
            f"{width}x{height}: server-side frozen + dimmed overlay mapped, "
            f"to XSync {statistics.median(synced):.1f} ms "
            f"(min {min(synced):.1f}); seen painted from outside {statistics.median(painted):.1f} ms "
            f"({len(seen) - len(painted)} not seen)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
