"""The tray app as a person meets it, for end-to-end tests: a real ``main.py`` on a private desktop.

``tray_desktop`` is an Xvfb with a private bus, an unlocked keyring, a system tray host (trayer),
optionally a window manager, and a known pattern as the root window's background. ``TrayProcess``
is ``main.py`` started on it with a test settings file; it is driven with plain xdotool input
(what a global hotkey listener sees) and read back through its log (``-v``), the clipboard (xclip)
and the files it writes.
"""

from __future__ import annotations

import contextlib
import io
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageChops

from tests.desktop.capture.screens import noise, paint_root
from tests.virtual_desktop import VirtualDesktop, _stop, virtual_desktop

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"
WIDTH, HEIGHT = 1280, 800
TRAY_WIDTH, TRAY_HEIGHT = 200, 40
PATTERN = noise(WIDTH, HEIGHT, seed=5)
START, END = (300, 200), (500, 350)
CROP_BOX = (300, 200, 500, 350)
KEY = "sk-test-not-a-real-key-0000"
PHOTOROOM_KEY = "sandbox_test-photoroom-key"


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    if not predicate():
        raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@contextlib.contextmanager
def tray_desktop(wm: str | None = None) -> Iterator[VirtualDesktop]:
    """The desktop, under the window manager ``wm`` if given (``tests.virtual_desktop.WINDOW_MANAGERS``)."""
    with virtual_desktop(WIDTH, HEIGHT, keyring=True, wm=wm) as desktop:
        tray_host = start_trayer(desktop)
        try:
            paint_root(desktop.display, PATTERN)
            yield desktop
        finally:
            _stop(tray_host)


def start_trayer(desktop: VirtualDesktop) -> subprocess.Popen[bytes]:
    """trayer at the top right, returned once it owns the system tray selection (it takes a moment)."""
    tray_host = subprocess.Popen(
        [
            "trayer",
            "--edge",
            "top",
            "--align",
            "right",
            "--widthtype",
            "pixel",
            "--width",
            str(TRAY_WIDTH),
            "--heighttype",
            "pixel",
            "--height",
            str(TRAY_HEIGHT),
            "--SetDockType",
            "true",
            "--transparent",
            "false",
        ],
        env=desktop.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: tray_manager(desktop.display) != 0, 15, "trayer to own _NET_SYSTEM_TRAY_S0")
    except AssertionError:
        _stop(tray_host)
        raise
    return tray_host


def tray_manager(display_name: str) -> int:
    """The window owning the XEmbed system tray selection of screen 0, or 0 when no tray runs."""
    from Xlib import X, display

    conn = display.Display(display_name)
    try:
        owner = conn.get_selection_owner(conn.intern_atom("_NET_SYSTEM_TRAY_S0"))
        return 0 if owner == X.NONE else int(owner.id)
    finally:
        conn.close()


@dataclass
class TrayProcess:
    desktop: VirtualDesktop
    folder: Path
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log_file: Path
    config: Path
    extra: list[str] = field(default_factory=list)

    @property
    def log(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")

    def wait_log(self, text: str, timeout: float = 15) -> None:
        wait_for(lambda: text in self.log or self.process.poll() is not None, timeout, repr(text))
        assert text in self.log, f"{text!r} not in the log:\n{self.log[-3000:]}"

    def xdotool(self, *args: str) -> str:
        return self.desktop.xdotool(*args)

    def window(self, name: str, timeout: float = 10) -> str:
        """The id of the first visible window whose name is ``name``."""
        found: list[str] = []

        def visible() -> bool:
            result = self.desktop.run("xdotool", "search", "--onlyvisible", "--name", f"^{name}$", check=False)
            found[:] = result.stdout.decode().split()
            return bool(found)

        wait_for(visible, timeout, f"the window {name!r}")
        return found[0]

    def gone(self, name: str, timeout: float = 10) -> None:
        def absent() -> bool:
            result = self.desktop.run("xdotool", "search", "--onlyvisible", "--name", f"^{name}$", check=False)
            return not result.stdout.strip()

        wait_for(absent, timeout, f"the window {name!r} to close")

    def geometry(self, window: str) -> tuple[int, int, int, int]:
        out = self.xdotool("getwindowgeometry", "--shell", window)
        values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])

    def drag(self, start: tuple[int, int], end: tuple[int, int]) -> None:
        self.xdotool("mousemove", str(start[0]), str(start[1]))
        self.xdotool("mousedown", "1")
        for step in (0.25, 0.5, 0.75, 1.0):
            x = round(start[0] + (end[0] - start[0]) * step)
            y = round(start[1] + (end[1] - start[1]) * step)
            self.xdotool("mousemove", str(x), str(y))
        self.xdotool("mouseup", "1")

    def clipboard(self, target: str) -> bytes:
        result = self.desktop.run("xclip", "-selection", "clipboard", "-t", target, "-o", check=False, timeout=10)
        return result.stdout if result.returncode == 0 else b""

    def set_clipboard_text(self, text: str) -> None:
        # xclip's forked owner keeps inherited pipes open: no captured output (DESKTOP-TESTING.md).
        subprocess.run(
            ["xclip", "-selection", "clipboard", "-i"],
            input=text.encode(),
            env=self.desktop.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=10,
            check=True,
        )

    def set_clipboard_png(self, data: bytes) -> None:
        subprocess.run(
            ["xclip", "-selection", "clipboard", "-t", "image/png", "-i"],
            input=data,
            env=self.desktop.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=10,
            check=True,
        )

    def screenshot(self, path: Path) -> None:
        self.desktop.run("import", "-window", "root", str(path))

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM (the app quits as from the menu) and wait; kill only if it would not end."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
            raise


def tray_menu_open(tray: TrayProcess) -> bool:
    """The tray icon's Tk popup menu is up (our XEmbed icon's menu, tray/tk_menu.py)."""
    result = tray.desktop.run("xdotool", "search", "--onlyvisible", "--class", "^Menu$", check=False)
    return bool(result.stdout.strip())


def open_tray_menu(tray: TrayProcess) -> None:
    """Right click on the icon at the right end of trayer (top right), and wait for its menu."""
    tray.wait_log("tray icon shown through xembed")
    tray.xdotool("mousemove", str(tray.desktop.width - 12), "20", "click", "3")
    wait_for(lambda: tray_menu_open(tray), 10, "the tray menu")


# In the Tk menu the first Up marks the first row, the second wraps round to the last: Quit.
QUIT_KEYS = ("Up", "Up", "Return")


def overlay_shown(tray: TrayProcess) -> bool:
    result = tray.desktop.run("xdotool", "search", "--onlyvisible", "--class", "ai-image-studio", check=False)
    return bool(result.stdout.strip())


def selector_ready(tray: TrayProcess) -> bool:
    """Shown and holding the keyboard (issue 17): only then do keys reach it and nothing below."""
    from tests.witness import keyboard_held

    return overlay_shown(tray) and keyboard_held(tray.desktop.display)


def prompt_focused(tray: TrayProcess) -> bool:
    """The prompt bar took the focus (its log line) and has the X focus: typing now goes into it."""
    if "prompt bar has the focus" not in tray.log:
        return False
    bar = tray.window("AI Image Studio prompt")
    return tray.desktop.run("xdotool", "getwindowfocus", check=False).stdout.decode().strip() == bar


def png_pixels(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGBA")


def same_pixels(first: Image.Image, second: Image.Image) -> bool:
    return first.size == second.size and ImageChops.difference(first, second).getbbox() is None


def write_config(
    folder: Path, base_url: str, *, extra: str = "", photoroom_url: str = "", restyle_fields: str = ""
) -> Path:
    config = folder / "settings.yaml"
    config.write_text(
        "# test settings: comments must survive menu choices\n"
        "default_provider: openai\n"
        "active_preset: restyle\n"
        "providers:\n"
        f'  openai: {{model: gpt-image-2.6-flare, base_url: "{base_url}", timeout: 30}}\n'
        + (f'  photoroom: {{base_url: "{photoroom_url}", timeout: 30}}\n' if photoroom_url else "")
        + 'hotkeys: {capture: "<ctrl>+<shift>+e", clipboard: "<ctrl>+<shift>+v"}\n'
        "presets:\n"
        "  - {name: copy, provider: none}\n"
        '  - {name: restyle, provider: openai, mode: edit, prompt: "Redraw this as a watercolor"'
        + restyle_fields
        + "}\n"
        "output:\n"
        "  mode: both\n"
        f'  folder: "{folder / "out"}"\n'
        '  pattern: "{preset}_{width}x{height}"\n'
        "  match_size: false\n" + extra,
        encoding="utf-8",
    )
    return config


@contextlib.contextmanager
def running_tray(
    desktop: VirtualDesktop,
    base_url: str,
    *,
    extra_config: str = "",
    photoroom_url: str = "",
    restyle_fields: str = "",
    tray_method: str = "",
) -> Iterator[TrayProcess]:
    """``main.py`` with its own HOME, TMPDIR and runtime folder, so leftovers are visible.

    ``tray_method`` pins the tray icon (``AIIS_TRAY``); unpinned, trayer gets our XEmbed icon.
    """
    folder = Path(tempfile.mkdtemp(prefix="aiis-tray-"))
    (folder / "tmp").mkdir()
    (folder / "run").mkdir(mode=0o700)
    config = write_config(
        folder, base_url, extra=extra_config, photoroom_url=photoroom_url, restyle_fields=restyle_fields
    )
    env = {
        **desktop.env,
        "HOME": str(folder),
        "TMPDIR": str(folder / "tmp"),
        "XDG_RUNTIME_DIR": str(folder / "run"),
        "XDG_STATE_HOME": str(folder / "state"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "PYSTRAY_BACKEND": "gtk",
        "OPENAI_API_KEY": KEY,
        "PHOTOROOM_API_KEY": PHOTOROOM_KEY,
        **({"AIIS_TRAY": tray_method} if tray_method else {}),
    }
    log_file = folder / "app.log"
    with log_file.open("wb") as sink:
        process = subprocess.Popen(
            [str(PYTHON), str(REPO / "main.py"), "-v", "--config", str(config)],
            env=env,
            cwd=str(folder),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
        )
    tray = TrayProcess(desktop, folder, process, env, log_file, config)
    try:
        tray.wait_log("tray app running")
        yield tray
    finally:
        if process.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                tray.stop()
        # Shown by pytest only when the test fails.
        print(tray.log[-6000:])  # noqa: T201
        if process.poll() is None:
            process.kill()
            process.wait(5)


def descendants(pid: int) -> list[int]:
    """Processes whose parent chain leads to ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(stat[1])
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found += children
        frontier += children
    return found


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
