"""The benchmark's own desktop: Xvfb at a chosen size, a window manager, a private D-Bus bus, a keyring, a tray host.

People's desktops all run a window manager, and it changes who gets the keyboard (issue 17), so
``python -m bench`` runs under openbox by default (``--wm``) and says which in its table.

This is the bench's copy of what ``tests/virtual_desktop.py`` does for tests, kept apart so the
benchmark never imports test code. Every process is started here and ended here, by its PID.
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

# A bus with no service directories: nothing is auto-started behind our back, so nothing outlives
# the run (flameshot would otherwise activate a notification daemon, the app a keyring).
_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


WINDOW_MANAGERS = ("openbox", "icewm", "none")
WM_DEADLINE = 15.0


@dataclass
class BenchDesktop:
    """A running Xvfb of ``width`` x ``height`` and the environment that reaches it."""

    display: str
    width: int
    height: int
    home: Path
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    wm: str = "none"

    def spawn(self, *argv: str, extra_env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        """A process of the run, ended with the desktop unless ended before."""
        process = subprocess.Popen(
            list(argv),
            env={**self.env, **(extra_env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def run(self, *argv: str, timeout: float = 20) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(list(argv), env=self.env, capture_output=True, timeout=timeout, check=False)


def stop(process: subprocess.Popen[bytes], timeout: float = 5) -> None:
    """SIGTERM, then SIGKILL if it does not go within ``timeout``."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def _start_xvfb(width: int, height: int) -> tuple[subprocess.Popen[bytes], str]:
    # -displayfd: Xvfb picks a free display and says which; -noreset keeps it stable when the last
    # client leaves (../shared/DESKTOP-TESTING.md, pitfalls).
    read_fd, write_fd = os.pipe()
    argv = ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"]
    process = subprocess.Popen(
        [*argv, "-noreset"], pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as reader:
        number = reader.readline().strip()
    if not number:
        process.kill()
        raise RuntimeError("Xvfb did not start: is the 'xvfb' package installed?")
    return process, f":{number}"


def _start_wm(desktop: BenchDesktop, wm: str) -> None:
    """``wm``, waited for by its EWMH sign: _NET_SUPPORTING_WM_CHECK on the root window."""
    extra: dict[str, str] = {}
    if wm == "icewm":
        # No taskbar: the probes read screen pixels where it would sit.
        settings = desktop.home / "icewm"
        settings.mkdir(exist_ok=True)
        (settings / "preferences").write_text("ShowTaskBar=0\n", encoding="utf-8")
        extra["ICEWM_PRIVCFG"] = str(settings)
    process = desktop.spawn(wm, extra_env=extra)
    deadline = time.monotonic() + WM_DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{wm} exited with {process.returncode}: is it installed?")
        if b"window id #" in desktop.run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK", timeout=5).stdout:
            return
        time.sleep(0.05)
    raise RuntimeError(f"{wm} did not take the screen within {WM_DEADLINE} s")


def _start_bus(desktop: BenchDesktop) -> None:
    config = desktop.home / "bus.conf"
    config.write_text(_BUS_CONFIG.format(dir=desktop.home / "run"), encoding="utf-8")
    bus = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=desktop.env,
    )
    desktop.processes.append(bus)
    if bus.stdout is None:
        raise RuntimeError("dbus-daemon gave no address pipe")
    desktop.env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()


def _start_keyring(desktop: BenchDesktop) -> None:
    # --foreground keeps the daemon our child, ended by PID; unlocked so no password dialog appears.
    daemon = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=desktop.env,
    )
    desktop.processes.append(daemon)
    if daemon.stdin is None:
        raise RuntimeError("gnome-keyring-daemon gave no stdin pipe")
    daemon.stdin.write(b"bench-pass")
    daemon.stdin.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        probe = desktop.run("secret-tool", "search", "service", "aiis-bench-probe", timeout=5)
        if probe.returncode in {0, 1} and b"not provided" not in probe.stderr:
            return
        time.sleep(0.05)
    raise RuntimeError("gnome-keyring did not come up on the bench's private bus")


def start_trayer(desktop: BenchDesktop) -> subprocess.Popen[bytes]:
    """An XEmbed tray host, so "tray ready" means what a person sees: our icon docked in a panel.

    Returned once trayer owns _NET_SYSTEM_TRAY_S0: an app started before that finds no XEmbed tray
    and picks another method (pystray's GTK), and the bench would measure the wrong icon.
    """
    process = desktop.spawn(
        "trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel", "--width", "200",
        "--heighttype", "pixel", "--height", "40", "--SetDockType", "true", "--transparent", "false",
    )  # fmt: skip
    from Xlib import X, display

    conn = display.Display(desktop.display)
    try:
        atom = conn.intern_atom("_NET_SYSTEM_TRAY_S0")
        deadline = time.monotonic() + 15
        while conn.get_selection_owner(atom) == X.NONE:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("trayer did not take the system tray selection within 15 s")
            time.sleep(0.01)
    finally:
        conn.close()
    return process


@contextlib.contextmanager
def bench_desktop(width: int, height: int, *, keyring: bool = True, wm: str = "none") -> Iterator[BenchDesktop]:
    """Xvfb, ``wm`` unless "none", a private bus and (with ``keyring``) an unlocked gnome-keyring; all ended on exit."""
    xvfb, display = _start_xvfb(width, height)
    home = Path(tempfile.mkdtemp(prefix="aiis-bench-"))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "DISPLAY": display,
        "XDG_RUNTIME_DIR": str(home / "run"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        # Flameshot is single-instance per user through a lock in the temp folder: a private one lets
        # its daemon start here while another Flameshot runs elsewhere on the machine.
        "TMPDIR": str(home / "tmp"),
        "NO_AT_BRIDGE": "1",
        "LANG": "C.UTF-8",
    }
    (home / "run").mkdir(mode=0o700)
    (home / "config").mkdir()
    (home / "tmp").mkdir(mode=0o700)
    desktop = BenchDesktop(display, width, height, home, env, [xvfb], wm)
    try:
        if wm != "none":
            _start_wm(desktop, wm)
        _start_bus(desktop)
        if keyring:
            _start_keyring(desktop)
        yield desktop
    finally:
        for process in reversed(desktop.processes):
            stop(process)
        shutil.rmtree(home, ignore_errors=True)
