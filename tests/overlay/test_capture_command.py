"""``main.py capture`` on Xvfb driven by real xdotool input: the region written is exactly the pixels chosen.

GIVEN a noise pattern (every pixel unlike its neighbours, so an offset of one shows) as the root
window, with no window manager, openbox or icewm, WHEN the selector is driven with xdotool like a
person's mouse and keyboard, THEN the
saved file or the clipboard's PNG holds exactly the pattern's pixels of the region, and a
cancel writes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.desktop.capture.screens import noise, paint_root
from tests.overlay.capture_run import CaptureProcess, capture
from tests.virtual_desktop import WINDOW_MANAGERS, VirtualDesktop, virtual_desktop, wm_id

pytestmark = pytest.mark.desktop

WIDTH, HEIGHT = 1280, 800
PROBE = (5, 5)


@pytest.fixture(scope="module", params=WINDOW_MANAGERS, ids=wm_id)
def screen(request: pytest.FixtureRequest) -> Iterator[tuple[VirtualDesktop, Image.Image]]:
    # Under no WM, openbox and icewm: a WM changes who gets the keys (issue 17).
    with virtual_desktop(WIDTH, HEIGHT, wm=request.param) as desktop:
        pattern = noise(WIDTH, HEIGHT, seed=4)
        paint_root(desktop.display, pattern)
        yield desktop, pattern


def started(run: CaptureProcess, pattern: Image.Image) -> CaptureProcess:
    run.wait_painted(PROBE, pattern.getpixel(PROBE))  # type: ignore[arg-type]
    return run


def saved(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("RGB")


def test_a_drag_and_enter_save_exactly_the_dragged_pixels(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, pattern = screen
    output = tmp_path / "out.png"
    desktop.xdotool("mousemove", "600", "600")
    with capture(desktop, tmp_path, ["--preset", "copy", "--output", str(output)]) as run:
        started(run, pattern).drag((101, 123), (404, 337))
        run.xdotool("key", "Return")
        result = run.finish()
    assert result.returncode == 0, result.stderr
    assert "Saved 303x214" in result.stderr
    assert saved(output).tobytes() == pattern.crop((101, 123, 404, 337)).tobytes()


def test_a_drag_up_and_left_selects_the_same_pixels_as_down_and_right(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, pattern = screen
    output = tmp_path / "out.png"
    with capture(desktop, tmp_path, ["--output", str(output)]) as run:
        started(run, pattern).drag((404, 337), (101, 123))
        run.xdotool("key", "KP_Enter")
        result = run.finish()
    assert result.returncode == 0, result.stderr
    assert saved(output).tobytes() == pattern.crop((101, 123, 404, 337)).tobytes()


@pytest.mark.parametrize(
    "cancel",
    [["key", "Escape"], ["mousemove", "700", "500", "click", "3"]],
    ids=["escape", "right-click"],
)
def test_escape_and_right_click_cancel_with_exit_1_and_write_nothing(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path, cancel: list[str]
) -> None:
    desktop, pattern = screen
    output = tmp_path / "out.png"
    with capture(desktop, tmp_path, ["--preset", "copy", "--output", str(output)]) as run:
        started(run, pattern).drag((50, 60), (250, 260))
        run.xdotool(*cancel)
        result = run.finish()
    assert result.returncode == 1
    assert result.stderr.strip() == "Cancelled."
    assert not output.exists()


def test_arrows_nudge_and_alt_arrows_resize_by_exact_pixels(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, pattern = screen
    output = tmp_path / "out.png"
    with capture(desktop, tmp_path, ["--output", str(output)]) as run:
        started(run, pattern).drag((200, 200), (300, 260))  # 100x60 at 200,200
        # The sign the drag is drawn (its inside shows the frozen screen undimmed) before the keys.
        run.wait_pixel((250, 230), pattern.getpixel((250, 230)))  # type: ignore[arg-type]
        # Right x3: x+3; Shift+Down: y+10; Alt+Right x2: w+2; Alt+Shift+Down: h+10; Alt+Up: h-1; Left: x-1.
        run.xdotool("key", "Right", "Right", "Right", "shift+Down", "alt+Right", "alt+Right")
        run.xdotool("key", "alt+shift+Down", "alt+Up", "Left", "Return")
        result = run.finish()
    assert result.returncode == 0, result.stderr
    assert saved(output).tobytes() == pattern.crop((202, 210, 202 + 102, 210 + 69)).tobytes()


def test_dragging_inside_moves_and_dragging_a_corner_handle_resizes(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, pattern = screen
    output = tmp_path / "out.png"
    with capture(desktop, tmp_path, ["--output", str(output)]) as run:
        started(run, pattern).drag((100, 100), (300, 200))  # 200x100 at 100,100
        run.wait_pixel((200, 150), pattern.getpixel((200, 150)))  # type: ignore[arg-type]
        run.drag((200, 150), (250, 180))  # inside: moved by (50, 30) to 150,130
        run.wait_pixel((310, 140), pattern.getpixel((310, 140)))  # type: ignore[arg-type]
        run.drag((350, 230), (360, 250))  # the bottom-right handle: 10 wider, 20 taller
        run.xdotool("key", "Return")
        result = run.finish()
    assert result.returncode == 0, result.stderr
    assert saved(output).tobytes() == pattern.crop((150, 130, 360, 250)).tobytes()


def test_space_takes_the_monitor_under_the_pointer(screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path) -> None:
    desktop, pattern = screen
    output = tmp_path / "out.png"
    with capture(desktop, tmp_path, ["--output", str(output)]) as run:
        started(run, pattern).drag((10, 10), (20, 20))
        run.xdotool("mousemove", "640", "400", "key", "space", "Return")
        result = run.finish()
    assert result.returncode == 0, result.stderr
    assert saved(output).tobytes() == pattern.tobytes()


def test_a_double_click_accepts_the_selection(screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path) -> None:
    desktop, pattern = screen
    output = tmp_path / "out.png"
    with capture(desktop, tmp_path, ["--output", str(output)]) as run:
        started(run, pattern).drag((30, 40), (130, 90))
        run.xdotool("mousemove", "80", "60", "click", "--repeat", "2", "--delay", "50", "1")
        result = run.finish()
    assert result.returncode == 0, result.stderr
    assert saved(output).tobytes() == pattern.crop((30, 40, 130, 90)).tobytes()


def test_copy_puts_exactly_the_region_on_the_clipboard_as_png(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, pattern = screen
    with capture(desktop, tmp_path, ["--copy"]) as run:
        started(run, pattern).drag((640, 480), (840, 612))
        run.xdotool("key", "Return")
        result = run.finish()
    assert result.returncode == 0, result.stderr
    assert "Copied 200x132 to the clipboard." in result.stderr
    data = desktop.read_clipboard("image/png")
    assert data is not None
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as pasted:
        assert pasted.convert("RGB").tobytes() == pattern.crop((640, 480, 840, 612)).tobytes()
    assert list(tmp_path.rglob("*.png")) == []


def test_every_overlay_window_carries_the_apps_wm_class(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, pattern = screen
    with capture(desktop, tmp_path, ["--output", str(tmp_path / "out.png")]) as run:
        started(run, pattern)
        ids = desktop.xdotool("search", "--onlyvisible", "--class", "^ai-image-studio$").split()
        classes = [desktop.run("xprop", "-id", window, "WM_CLASS").stdout.decode() for window in ids]
        run.xdotool("key", "Escape")
        run.finish()
    assert len(ids) == 1
    assert all('"ai-image-studio"' in text for text in classes)
