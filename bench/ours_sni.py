"""Our tray as most desktops get it: a StatusNotifierItem shown by a host, beside the GTK/trayer rows.

KDE, GNOME with the AppIndicator extension, xfce4-panel, waybar and most Wayland bars host SNI items,
and the app picks SNI whenever a watcher runs (ADR 035). The bench's desktop has trayer, so without a
watcher the app docks its GTK icon there; this part puts the tests' watcher+host (tests/tray/sni_host.py)
on the bench's bus for a while, so the same ``main.py`` chooses SNI, and measures: cold start to the
icon shown (the host got ``RegisterStatusNotifierItem`` and read the item's ``IconPixmap``, as a panel
does before it draws), RSS idle, RSS 2 s after a 4K capture, and RSS over the jobs (issue 14).
The watcher leaves the bus before the GTK tray's figures are taken.
"""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from queue import Empty

from bench import ourapp, ours_warm, procstat
from bench.loopback import InstantServer
from bench.ours_cold import READY_SETTLE_SECONDS
from bench.session import Session, say, settle
from bench.stats import ms
from bench.xserver import stop
from tests.tray.sni_host import SniHost, sni_host

SHOWN_TIMEOUT = 20.0


def _launch(session: Session, settings: Path) -> subprocess.Popen[bytes]:
    launch = ourapp.tray_launch(session.desktop, settings, session.app)
    with (session.desktop.home / "tray-sni.log").open("ab") as sink:
        return subprocess.Popen(launch.argv, env=launch.env, cwd=launch.cwd, stdout=sink, stderr=sink)


def _shown(host: SniHost, start: float) -> float | None:
    """Seconds from ``start`` until the host has the item and its pixmap, or None."""
    try:
        service = host.registered(timeout=SHOWN_TIMEOUT)
        pixmaps = host.item_property(service, "IconPixmap")
    except (Empty, TimeoutError):
        return None
    return time.perf_counter() - start if pixmaps else None


def _forget_items(host: SniHost) -> None:
    with contextlib.suppress(Empty):
        while True:
            host.items.get_nowait()


@contextlib.contextmanager
def _tray(session: Session, settings: Path, host: SniHost) -> Iterator[tuple[subprocess.Popen[bytes], float | None]]:
    _forget_items(host)
    start = time.perf_counter()
    process = _launch(session, settings)
    try:
        yield process, _shown(host, start)
    finally:
        stop(process, timeout=10)


def cold_start(session: Session, settings: Path, host: SniHost) -> None:
    shown = session.series("start_sni", "ours")
    rss = session.series("rss_idle_sni", "ours", "MB")
    for run in range(session.runs):
        with _tray(session, settings, host) as (process, seconds):
            shown.add(ms(seconds))
            if run == 0 and seconds is not None:
                time.sleep(READY_SETTLE_SECONDS)
                rss.add(procstat.rss_mb(process.pid))
        settle(0.5)
    say(f"  cold start to SNI icon shown: {shown.cell()} ms, idle {rss.cell()} MB")


def after_4k_capture(session: Session, settings: Path, host: SniHost) -> None:
    """One capture at 4K on a fresh SNI tray, then RSS 2 s after it closed (the GTK row's protocol)."""
    with _tray(session, settings, host) as (process, seconds):
        if seconds is None:
            raise RuntimeError(f"our SNI tray was not shown (see {session.desktop.home / 'tray-sni.log'})")
        time.sleep(READY_SETTLE_SECONDS)
        reap: list[subprocess.Popen[bytes]] = []
        seen = session.overlay_run(lambda: reap.append(session.xdotool("key", ourapp.CAPTURE_HOTKEY)))
        if seen.painted is None:
            say("  SNI tray: no overlay painted at 4K")
        session.cancel()
        for xdotool in reap:
            xdotool.wait(timeout=10)
        time.sleep(2)
        value = ours_warm.memory(session, process.pid, "rss_4k_sni")
    say(f"  ours (SNI) 2 s after a 4K capture: {value:.1f} MB")


def jobs(session: Session, settings: Path, host: SniHost, server: InstantServer, count: int) -> None:
    with _tray(session, settings, host) as (process, seconds):
        if seconds is None:
            raise RuntimeError(f"our SNI tray was not shown (see {session.desktop.home / 'tray-sni.log'})")
        time.sleep(READY_SETTLE_SECONDS)
        ours_warm.jobs(session, server, process.pid, count, tag="_sni")


def run(session: Session, settings: Path, server: InstantServer, parts: set[str], job_count: int) -> None:
    """The SNI figures of this desktop's size, with the watcher on the bus only meanwhile."""
    with sni_host(session.desktop.env["DBUS_SESSION_BUS_ADDRESS"]) as host:
        if session.size_tag == "1080":
            if "start" in parts:
                cold_start(session, settings, host)
            if "job" in parts:
                jobs(session, settings, host, server, job_count)
        elif "overlay" in parts:
            after_4k_capture(session, settings, host)
