"""Our running tray app: hotkey to overlay, copy preset to clipboard, provider jobs, memory."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

from bench import ourapp, procstat
from bench.loopback import InstantServer
from bench.session import Session, say, settle
from bench.stats import ms

JOB_SIZE = 1024


def _hotkey(session: Session, combo: str, reap: list[subprocess.Popen[bytes]]) -> None:
    # Plain `xdotool key`, not --window: XSendEvent never reaches a global hotkey listener.
    reap.append(session.xdotool("key", combo))


def _reap(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.wait(timeout=10)
    processes.clear()


def overlay(session: Session, after: Callable[[int], None] | None = None) -> int:
    """Hotkey to overlay mapped, crosshair shown and painted; the first press after start apart.

    ``after(n)`` is called once the n-th capture has closed; returns how many were made.
    """
    tag = session.size_tag
    reap: list[subprocess.Popen[bytes]] = []
    first = session.overlay_run(lambda: _hotkey(session, ourapp.CAPTURE_HOTKEY, reap))
    session.series(f"overlay_first_{tag}", "ours").add(ms(first.painted))
    session.cancel()
    settle()
    if after is not None:
        after(1)
    for run in range(session.runs):
        seen = session.overlay_run(lambda: _hotkey(session, ourapp.CAPTURE_HOTKEY, reap))
        session.series(f"overlay_{tag}", "ours").add(ms(seen.painted))
        # ctrl+shift+e: the third press completes the hotkey; xdotool sends it ~16 ms after it starts.
        key = session.keys.press_after(seen.start, nth=3)
        from_key = None if key is None or seen.painted is None else seen.painted - key
        session.series(f"overlay_{tag}_from_key", "ours").add(ms(from_key))
        session.series(f"overlay_{tag}_mapped", "ours").add(ms(seen.mapped))
        session.series(f"overlay_{tag}_cursor", "ours").add(ms(seen.cursor))
        session.cancel()
        _reap(reap)
        settle()
        if after is not None:
            after(run + 2)
    say(f"  overlay {tag}: first {ms(first.painted)} ms, then {session.series(f'overlay_{tag}', 'ours').cell()} ms")
    return session.runs + 1


def capture_marks(session: Session, pid: int, total: int) -> Callable[[int], None]:
    """RSS after the 1st, the 10th (or, for a short run, the next to last) and the ``total``-th capture."""
    some = 10 if total > 10 else total - 1
    rows = {1: "rss_captures_first", some: "rss_captures_some", total: "rss_captures_all"}

    def after(count: int) -> None:
        row = rows.get(count)
        if row is not None:
            memory(session, pid, row)
            session.series(row, "ours", "MB").note = f"after {count}"

    return after


def more_captures(session: Session, done: int, total: int, after: Callable[[int], None]) -> None:
    """Hotkey, painted, Esc, untimed, until ``total`` captures were made: what memory does over many."""
    reap: list[subprocess.Popen[bytes]] = []
    for count in range(done + 1, total + 1):
        seen = session.overlay_run(lambda: _hotkey(session, ourapp.CAPTURE_HOTKEY, reap))
        if seen.painted is None:
            say(f"  capture {count}: no overlay painted")
        session.cancel()
        _reap(reap)
        settle(0.1)
        after(count)
    say(f"  {total} captures at 4K: {session.series('rss_captures_all', 'ours', 'MB').cell()} MB after the last")


def copy(session: Session, region: tuple[int, int] | None) -> None:
    """Copy preset: select ``region`` (None: the whole screen, by Enter with nothing selected), Enter timed."""
    width, height = region or (session.desktop.width, session.desktop.height)
    row = "copy_800" if region else f"copy_{session.size_tag}"
    offered, read = session.series(row, "ours"), session.series(f"{row}_png", "ours")
    reap: list[subprocess.Popen[bytes]] = []
    for _ in range(session.runs):
        seen = session.overlay_run(lambda: _hotkey(session, ourapp.CAPTURE_HOTKEY, reap))
        if seen.painted is None:
            offered.add(None)
            session.cancel()
            continue
        settle(0.1)
        if region:
            session.pointer.drag((200, 150), (200 + width, 150 + height))
            settle(0.05)
        try:
            _, sighting = session.accept_timed(lambda: session.pointer.key("Return"))
        except TimeoutError as error:
            say(f"  copy {width}x{height}: {error}")
            offered.add(None)
            session.cancel()
            continue
        if sighting.size != (width, height):
            say(f"  copy {width}x{height}: the clipboard held {sighting.size}")
        offered.add(ms(sighting.targets))
        read.add(ms(sighting.png))
        session.watch.wait_clear()
        _reap(reap)
        settle()
    say(f"  copy {width}x{height}: {offered.cell()} ms to image/png offered, {read.cell()} ms to PNG read")


def _one_job(session: Session, server: InstantServer, reap: list[subprocess.Popen[bytes]], tag: str = "") -> bool:
    seen = session.overlay_run(lambda: _hotkey(session, ourapp.JOB_HOTKEY, reap))
    if seen.painted is None:
        session.cancel()
        return False
    settle(0.1)
    left, top = (session.desktop.width - JOB_SIZE) // 2, (session.desktop.height - JOB_SIZE) // 2
    session.pointer.drag((left, top), (left + JOB_SIZE, top + JOB_SIZE))
    settle(0.05)
    session.watch.drain()
    session.pointer.key("Return")
    if not session.watch.wait_map():
        say("  job: no prompt bar appeared")
        session.cancel()
        return False
    settle(0.15)
    before = len(server.served)
    try:
        start, sighting = session.accept_timed(lambda: session.pointer.key("Return"), timeout=30)
    except TimeoutError as error:
        say(f"  job: {error}")
        session.cancel()
        return False
    total = session.series(f"job_1024{tag}", "ours")
    total.add(ms(sighting.targets))
    session.series(f"job_1024_png{tag}", "ours").add(ms(sighting.png))
    if len(server.served) > before:
        served = server.served[before]
        session.series(f"job_before_upload{tag}", "ours").add(ms(served.arrived - start))
        session.series(f"job_upload{tag}", "ours").add(ms(served.body_read - served.arrived))
        session.series(f"job_server{tag}", "ours").add(ms(served.answered - served.body_read))
        session.series(f"job_after_answer{tag}", "ours").add(ms(start + sighting.targets - served.answered))
    if sighting.size != (JOB_SIZE, JOB_SIZE):
        say(f"  job: the clipboard held {sighting.size}")
    return True


def jobs(session: Session, server: InstantServer, pid: int, count: int, tag: str = "") -> None:
    """``count`` jobs through the loopback provider, each timed; RSS after them all.

    ``tag`` ends every row's name: ``_sni`` for the tray with a StatusNotifierItem (bench/ours_sni.py).
    """
    reap: list[subprocess.Popen[bytes]] = []
    done = 0
    session.series(f"rss_before_jobs{tag}", "ours", "MB").add(procstat.rss_mb(pid))
    for number in range(count):
        done += _one_job(session, server, reap, tag)
        _reap(reap)
        settle(0.25)
        if number == 0:
            # The first job pays once for what later jobs reuse (provider code, its client, the first
            # prompt bar, toast and thumbnail): read apart, so growth over the jobs can be told from it.
            session.series(f"rss_first_job{tag}", "ours", "MB").add(procstat.rss_mb(pid))
    time.sleep(2)
    session.series(f"rss_jobs{tag}", "ours", "MB").add(procstat.rss_mb(pid))
    session.series(f"rss_jobs{tag}", "ours", "MB").note = f"after {done} jobs"
    say(f"  {done} jobs{tag}: {session.series(f'job_1024{tag}', 'ours').cell()} ms Enter to result offered")


def memory(session: Session, pid: int, row: str) -> float:
    value = procstat.rss_mb(pid)
    session.series(row, "ours", "MB").add(value)
    return value
