"""The tools people would otherwise use, on the same display in the same run.

- Flameshot: the daemon runs (as it does on a desktop), ``flameshot gui`` is timed from launch to
  its overlay painted; ``flameshot gui -c -s`` copies on release (accept-on-select). Its settings
  turn off the help overlay, the tray icon and notifications, none of which our run shows either.
- maim: ``maim -s`` runs slop, which draws no overlay at all: it grabs the pointer with a crosshair
  cursor, so its row is "selection ready" (the cursor change). Its copy path is what people bind:
  ``maim -s | xclip -selection clipboard -t image/png``.
"""

from __future__ import annotations

import subprocess
import time

from bench import procstat
from bench.session import Session, say, settle
from bench.stats import ms
from bench.xserver import BenchDesktop, stop

_FLAMESHOT_SETTINGS = """\
[General]
showHelp=false
showStartupLaunchMessage=false
disabledTrayIcon=true
showDesktopNotification=false
startupLaunch=false
checkForUpdates=false
"""

# slop polls the pointer and keyboard: give it time to see each step.
MAIM_PAUSE = 0.015


def start_flameshot(desktop: BenchDesktop) -> subprocess.Popen[bytes]:
    folder = desktop.home / "config" / "flameshot"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "flameshot.ini").write_text(_FLAMESHOT_SETTINGS, encoding="utf-8")
    daemon = desktop.spawn("flameshot")
    time.sleep(2)  # its D-Bus name is taken well within this; the first `gui` would otherwise start one
    if daemon.poll() is not None:
        raise RuntimeError(f"flameshot's daemon exited at once (code {daemon.returncode}): is another one in charge?")
    return daemon


def _gui(desktop: BenchDesktop, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["flameshot", "gui", *args], env=desktop.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _finish(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            stop(process)
    processes.clear()


def flameshot_overlay(session: Session) -> None:
    tag = session.size_tag
    started: list[subprocess.Popen[bytes]] = []
    for _ in range(session.runs):
        seen = session.overlay_run(lambda: started.append(_gui(session.desktop)))
        session.series(f"overlay_{tag}", "flameshot").add(ms(seen.painted))
        session.series(f"overlay_{tag}_mapped", "flameshot").add(ms(seen.mapped))
        session.series(f"overlay_{tag}_cursor", "flameshot").add(ms(seen.cursor))
        session.cancel()
        _finish(started)
        settle()
    say(f"  flameshot overlay {tag}: {session.series(f'overlay_{tag}', 'flameshot').cell()} ms")


def _region(session: Session, region: tuple[int, int] | None) -> tuple[str, tuple[int, int], tuple[int, int]]:
    """Row name and drag ends; peers include the pixel under the release, so the end is one less."""
    if region is None:
        width, height = session.desktop.width, session.desktop.height
        return f"copy_{session.size_tag}", (0, 0), (width - 1, height - 1)
    return "copy_800", (200, 150), (200 + region[0] - 1, 150 + region[1] - 1)


def flameshot_copy(session: Session, region: tuple[int, int] | None) -> None:
    row, start, end = _region(session, region)
    offered, read = session.series(row, "flameshot"), session.series(f"{row}_png", "flameshot")
    started: list[subprocess.Popen[bytes]] = []
    for _ in range(session.runs):
        seen = session.overlay_run(lambda: started.append(_gui(session.desktop, "-c", "-s")))
        if seen.painted is None:
            offered.add(None)
            session.cancel()
            _finish(started)
            continue
        settle(0.15)
        session.pointer.drag(start, end, release=False)
        try:
            _, sighting = session.accept_timed(lambda: session.pointer.button(press=False))
            offered.add(ms(sighting.targets))
            read.add(ms(sighting.png))
            _check_size(sighting.size, start, end)
        except TimeoutError as error:
            say(f"  flameshot copy: {error}")
            offered.add(None)
        session.watch.wait_clear()
        _finish(started)
        settle()
    say(f"  flameshot {row}: {offered.cell()} ms offered, {read.cell()} ms read")


def maim_ready(session: Session) -> None:
    tag = session.size_tag
    ready = session.series(f"overlay_{tag}_cursor", "maim")
    for _ in range(session.runs):
        started: list[subprocess.Popen[bytes]] = []
        launch = ["maim", "-s", str(session.desktop.home / "maim.png")]
        session.park()
        session.watch.drain()
        start = time.perf_counter()
        started.append(subprocess.Popen(launch, env=session.desktop.env, stderr=subprocess.DEVNULL))
        seen = session.watch.watch(start, 10, need_paint=False)
        ready.add(ms(seen.cursor))
        settle(0.1)
        session.pointer.key("Escape", hold=0.1)
        _finish(started)
        settle()
    say(f"  maim -s ready {tag}: {ready.cell()} ms")


def maim_copy(session: Session, region: tuple[int, int] | None) -> None:
    row, start, end = _region(session, region)
    offered, read = session.series(row, "maim"), session.series(f"{row}_png", "maim")
    env = session.desktop.env
    for _ in range(session.runs):
        session.park()
        session.watch.drain()
        begin = time.perf_counter()
        maim = subprocess.Popen(["maim", "-s"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        xclip = subprocess.Popen(
            ["xclip", "-selection", "clipboard", "-t", "image/png", "-i"],
            env=env, stdin=maim.stdout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        if maim.stdout is not None:
            maim.stdout.close()  # xclip holds the pipe now; maim gets SIGPIPE if xclip dies
        session.watch.watch(begin, 10, need_paint=False)
        settle(0.2)
        session.pointer.drag(start, end, release=False, steps=12, pause=MAIM_PAUSE)
        settle(MAIM_PAUSE * 2)
        try:
            _, sighting = session.accept_timed(lambda: session.pointer.button(press=False))
            offered.add(ms(sighting.targets))
            read.add(ms(sighting.png))
            _check_size(sighting.size, start, end)
        except TimeoutError as error:
            say(f"  maim copy: {error}")
            offered.add(None)
            session.pointer.key("Escape", hold=0.1)
        _finish([maim, xclip])
        settle()
    say(f"  maim {row}: {offered.cell()} ms offered, {read.cell()} ms read")


def _check_size(size: tuple[int, int], start: tuple[int, int], end: tuple[int, int]) -> None:
    expected = (end[0] - start[0] + 1, end[1] - start[1] + 1)
    if size != expected:
        say(f"  the clipboard held {size[0]}x{size[1]}, not {expected[0]}x{expected[1]}")


def flameshot_memory(session: Session, pid: int, row: str) -> None:
    session.series(row, "flameshot", "MB").add(procstat.rss_mb(pid))
