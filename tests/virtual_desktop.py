"""A private virtual desktop for tests: Xvfb, a window manager, a D-Bus session bus and an unlocked keyring.

Each part is a real process started on its own display or bus and ended by its PID; nothing is
shared with the person's own session (see ../shared/DESKTOP-TESTING.md). People's desktops all
run a window manager, and it changes who gets the keyboard (issue 17): desktop tests run under
none, openbox and icewm (``WINDOW_MANAGERS``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

WINDOW_MANAGERS: tuple[str | None, ...] = (None, "openbox", "icewm")
"""What the desktop tests are parametrized over: bare Xvfb, and two WMs Debian installs."""
WM_COMMANDS = {"openbox": ("openbox",), "icewm": ("icewm",)}
WM_DEADLINE = 15.0


@dataclass
class VirtualDesktop:
    """A running Xvfb and the environment that reaches it."""

    display: str
    width: int
    height: int
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    wm: str | None = None

    def run(
        self, *argv: str, check: bool = True, timeout: float = 20, input_bytes: bytes | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            list(argv), env=self.env, capture_output=True, timeout=timeout, check=check, input=input_bytes
        )

    def xdotool(self, *args: str) -> str:
        return self.run("xdotool", *args).stdout.decode().strip()

    def set_clipboard(self, data: bytes, target: str | None = None) -> None:
        """Make an xclip process own the clipboard with ``data`` (as ``target`` if given).

        Its output goes to DEVNULL: xclip's forked owner keeps pipes open for as long as it serves.
        """
        argv = ["xclip", "-selection", "clipboard", "-i"] + (["-t", target] if target else [])
        # xclip's parent exits before its forked child has sent SetSelectionOwner (it sits in the
        # shared Xlib buffer until the child's first flush): wait for the owner to change (ADR 039).
        from Xlib import display

        conn = display.Display(self.env["DISPLAY"])
        try:
            clipboard = conn.intern_atom("CLIPBOARD")
            before = conn.get_selection_owner(clipboard)
            subprocess.run(
                argv,
                input=data,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=10,
                check=True,
            )
            deadline = time.monotonic() + 10
            while conn.get_selection_owner(clipboard) == before and time.monotonic() < deadline:
                time.sleep(0.002)
        finally:
            conn.close()

    def read_clipboard(self, target: str = "image/png") -> bytes | None:
        """The clipboard as ``target``, read by xclip; None when nobody offers it."""
        result = self.run("xclip", "-selection", "clipboard", "-t", target, "-o", check=False)
        return result.stdout if result.returncode == 0 else None

    def clipboard_targets(self) -> list[str]:
        data = self.read_clipboard("TARGETS")
        return data.decode().split() if data else []


def _start_xvfb(width: int, height: int, extra: tuple[str, ...] = ()) -> tuple[subprocess.Popen[bytes], str]:
    # -displayfd lets Xvfb pick a free display and tell us which; -noreset keeps it stable when
    # the last client leaves (DESKTOP-TESTING.md, pitfalls).
    read_fd, write_fd = os.pipe()
    process = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            f"{width}x{height}x24",
            "-nolisten",
            "tcp",
            "-noreset",
            *extra,
        ],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as reader:
        number = reader.readline().strip()
    if not number:
        process.kill()
        raise RuntimeError("Xvfb did not start")
    return process, f":{number}"


def _stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def wm_id(wm: str | None) -> str:
    """A test id for a window manager choice."""
    return wm or "no-wm"


@contextlib.contextmanager
def virtual_desktop(
    width: int = 1920, height: int = 1080, *, keyring: bool = False, wm: str | None = None
) -> Iterator[VirtualDesktop]:
    """Xvfb (and, with ``keyring``, a private bus and an unlocked gnome-keyring; with ``wm``, that WM)."""
    xvfb, display = _start_xvfb(width, height)
    home = Path(tempfile.mkdtemp(prefix="aiis-desktop-"))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "DISPLAY": display,
        "XDG_RUNTIME_DIR": str(home / "run"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "NO_AT_BRIDGE": "1",
        "LANG": "C.UTF-8",
    }
    (home / "run").mkdir(mode=0o700)
    desktop = VirtualDesktop(display, width, height, env, [xvfb], wm)
    try:
        if wm is not None:
            _start_wm(desktop, wm)
        if keyring:
            _start_keyring(desktop)
        yield desktop
    finally:
        for process in reversed(desktop.processes):
            _stop(process)
        shutil.rmtree(home, ignore_errors=True)


def _start_keyring(desktop: VirtualDesktop) -> None:
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=desktop.env,
    )
    desktop.processes.append(bus)
    assert bus.stdout is not None
    desktop.env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()
    # --foreground keeps the daemon our child so that it is ended by PID, not left behind.
    daemon = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=desktop.env,
    )
    desktop.processes.append(daemon)
    assert daemon.stdin is not None
    daemon.stdin.write(b"test-pass")
    daemon.stdin.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        probe = desktop.run("secret-tool", "search", "service", "aiis-probe", check=False, timeout=5)
        if probe.returncode in {0, 1} and b"not provided" not in probe.stderr:
            return
        time.sleep(0.1)
    raise RuntimeError("gnome-keyring did not come up on the private bus")


def _start_wm(desktop: VirtualDesktop, wm: str) -> None:
    """Start ``wm`` and wait until it says it manages the screen (EWMH's supporting-WM check)."""
    env = dict(desktop.env)
    if wm == "icewm":
        # No taskbar: tests compare whole-screen captures with the painted pattern.
        settings = Path(desktop.env["HOME"]) / "icewm"
        settings.mkdir(exist_ok=True)
        (settings / "preferences").write_text("ShowTaskBar=0\n", encoding="utf-8")
        env["ICEWM_PRIVCFG"] = str(settings)
    process = subprocess.Popen(list(WM_COMMANDS[wm]), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    desktop.processes.append(process)
    deadline = time.monotonic() + WM_DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{wm} exited with {process.returncode} on {desktop.display}")
        probe = desktop.run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK", check=False, timeout=5)
        if b"window id #" in probe.stdout:
            return
        time.sleep(0.05)
    raise RuntimeError(f"{wm} did not take the screen within {WM_DEADLINE} s")
