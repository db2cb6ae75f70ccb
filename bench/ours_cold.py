"""Our app from a cold start: the tray process (start, readiness, stop) and a one-shot ``capture``."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from bench import ourapp, procstat, xprobe
from bench.session import Session, say, settle
from bench.stats import ms
from bench.traywatch import TrayReady, TrayWatch
from bench.xserver import stop

READY_SETTLE_SECONDS = 3.0
"""After the icon is docked, the app may still be preparing (fonts, withdrawn windows): idle is after that."""


def _launch(launch: ourapp.AppLaunch, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as sink:
        return subprocess.Popen(launch.argv, env=launch.env, cwd=launch.cwd, stdout=sink, stderr=sink)


def start_tray(session: Session, settings: Path, watch: TrayWatch) -> tuple[subprocess.Popen[bytes], TrayReady]:
    launch = ourapp.tray_launch(session.desktop, settings, session.app)
    watch.arm()
    start = time.perf_counter()
    process = _launch(launch, session.desktop.home / "tray.log")
    ready = watch.watch(start, ourapp.socket_path(launch.env), pid=process.pid)
    return process, ready


@contextlib.contextmanager
def running_tray(session: Session, settings: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The tray, started and docked, for the warm measurements; stopped by PID afterwards."""
    conn = xprobe.connect(session.desktop.display)
    try:
        process, ready = start_tray(session, settings, TrayWatch(conn))
        if ready.viewable is None:
            stop(process)
            raise RuntimeError(f"our tray did not dock (see {session.desktop.home / 'tray.log'})")
        time.sleep(READY_SETTLE_SECONDS)
        yield process
    finally:
        conn.close()
    stop(process, timeout=10)


def cold_start(session: Session, settings: Path) -> None:
    """Launch to icon docked in trayer (and to the single-instance socket), ``runs`` times."""
    conn = xprobe.connect(session.desktop.display)
    watch = TrayWatch(conn)
    docked = session.series("start_tray", "ours")
    sock = session.series("start_socket", "ours")
    rss = session.series("rss_idle", "ours", "MB")
    try:
        for run in range(session.runs):
            process, ready = start_tray(session, settings, watch)
            docked.add(ms(ready.viewable))
            sock.add(ms(ready.socket))
            if run == 0 and ready.viewable is not None:
                time.sleep(READY_SETTLE_SECONDS)
                rss.add(procstat.rss_mb(process.pid))
            stop(process, timeout=10)
            settle(0.5)
    finally:
        conn.close()
    say(f"  cold start to tray docked: {docked.cell()} ms")


def cold_capture(session: Session, settings: Path) -> None:
    """``main.py capture --preset copy --copy`` launched to overlay painted, then Esc."""
    launch = ourapp.capture_launch(session.desktop, settings, session.app)
    tag = session.size_tag
    painted = session.series(f"cold_{tag}", "ours")
    log = session.desktop.home / "capture.log"
    processes: list[subprocess.Popen[bytes]] = []
    for _ in range(session.runs):
        seen = session.overlay_run(lambda: processes.append(_launch(launch, log)))
        painted.add(ms(seen.painted))
        session.cancel()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                stop(process)
        processes.clear()
        settle(0.3)
    say(f"  cold capture {tag}: {painted.cell()} ms")
