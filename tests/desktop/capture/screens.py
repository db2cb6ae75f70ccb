"""Screens for capture tests: a known pattern as the root window's background, and two monitors.

The pattern becomes the root window's background pixmap (as xsetroot does), kept alive with
RetainPermanent, so it is exact, synchronous (no window to wait for) and repainted by the X server
itself whenever a window over it goes away.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator

from PIL import Image

from tests.virtual_desktop import VirtualDesktop, _start_xvfb, _stop


def noise(width: int, height: int, seed: int = 0) -> Image.Image:
    """A pattern in which every pixel differs from its neighbours, so any offset shows."""
    import random

    generator = random.Random(seed)
    return Image.frombytes("RGB", (width, height), generator.randbytes(width * height * 3))


def paint_root(display_name: str, image: Image.Image) -> None:
    """Make ``image`` (RGB, at most the screen's size) the root window's background at 0,0."""
    from Xlib import X, display

    connection = display.Display(display_name)
    try:
        screen = connection.screen()
        root = screen.root
        pixmap = root.create_pixmap(image.width, image.height, screen.root_depth)
        gc = pixmap.create_gc()
        pixmap.put_pil_image(gc, 0, 0, image)
        root.change_attributes(background_pixmap=pixmap)
        root.clear_area(0, 0, 0, 0)
        connection.set_close_down_mode(X.RetainPermanent)
        connection.sync()
    finally:
        connection.close()


@contextlib.contextmanager
def two_monitor_desktop() -> Iterator[VirtualDesktop]:
    """Xephyr with two Xinerama heads, 1920x1080 at 0,0 and 1280x1024 at 1920,0, nested in Xvfb.

    The recipe of ../shared/DESKTOP-TESTING.md ("Two monitors"): Xvfb's own +xinerama does not
    give side-by-side heads, Xephyr does. Xephyr's -displayfd tells us it is ready to connect.
    """
    host, host_display = _start_xvfb(3300, 1200)
    read_fd, write_fd = os.pipe()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DISPLAY": host_display, "LANG": "C.UTF-8"}
    nested = subprocess.Popen(
        [
            "Xephyr",
            "-displayfd",
            str(write_fd),
            "+xinerama",
            "-screen",
            "1920x1080+0+0",
            "-screen",
            "1280x1024+1920+0",
            "-ac",
            "-noreset",
            "-nolisten",
            "tcp",
        ],
        pass_fds=(write_fd,),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as reader:
            number = reader.readline().strip()
        if not number:
            raise RuntimeError("Xephyr did not start")
        nested_env = {**env, "DISPLAY": f":{number}"}
        yield VirtualDesktop(f":{number}", 3200, 1080, nested_env, [host, nested])
    finally:
        _stop(nested)
        _stop(host)
