"""``python -m bench.profile overlay|copy|job``: where the tray's time goes, sampled by py-spy.

Starts the bench desktop and our tray as ``python -m bench`` does, warms it with one capture,
attaches ``py-spy record`` (raw collapsed stacks, all threads), runs one scenario, and prints the
frames that cost most: inclusive (a function and what it calls) and self (the function alone),
in samples and in milliseconds a run. py-spy is a dev tool, not a dependency of the app:
``.venv/bin/pip install py-spy==0.4.3``. ``--native`` adds C frames (Tk, Pillow, libc) but makes
py-spy pause the process at each sample, so the timings printed meanwhile are inflated.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench import ourapp, ours_cold, ours_warm
from bench.loopback import InstantServer
from bench.pattern import desktop_picture
from bench.session import Session, say
from bench.xserver import bench_desktop, start_trayer

RATE = 1000
SIZES = {"1080": (1920, 1080), "4k": (3840, 2160)}


def collapse(raw: Path, thread: str | None) -> tuple[collections.Counter[str], collections.Counter[str]]:
    """Inclusive and self sample counts per frame from py-spy's ``--format raw`` output."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if thread and thread not in frames[0]:
            continue
        for frame in set(frames[1:]):
            inclusive[frame] += int(count)
        own[frames[-1]] += int(count)
    return inclusive, own


def _scenario(name: str, session: Session, server: InstantServer, pid: int) -> None:
    if name == "overlay":
        ours_warm.overlay(session)
    elif name == "copy":
        ours_warm.copy(session, (800, 600))
    else:
        ours_warm.jobs(session, server, pid, session.runs)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=("overlay", "copy", "job"))
    parser.add_argument("--size", choices=tuple(SIZES), default="1080")
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--native", action="store_true", help="C frames too (pauses the process per sample)")
    parser.add_argument("--thread", default=None, help="only stacks of this thread, e.g. MainThread")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--output", type=Path, default=Path("py-spy-raw.txt"))
    parser.add_argument("--app", type=Path, default=ourapp.REPO, help="checkout whose main.py is profiled")
    args = parser.parse_args(argv)
    spy_path = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    width, height = SIZES[args.size]
    with InstantServer(desktop_picture(1024, 1024)) as server, bench_desktop(width, height) as desktop:
        session = Session(desktop, 1, {}, args.app.resolve())
        start_trayer(desktop)
        settings = ourapp.write_settings(desktop, server.url)
        with ours_cold.running_tray(session, settings) as tray:
            ours_warm.overlay(session)
            session.runs = args.runs
            mode = ["--native"] if args.native else ["--nonblocking"]
            argv_spy = [spy_path, "record", "--pid", str(tray.pid), "--rate", str(RATE), "--format", "raw"]
            spy = subprocess.Popen(
                [*argv_spy, "--threads", *mode, "--output", str(args.output)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1.5)  # py-spy attaches and starts sampling
            _scenario(args.scenario, session, server, tray.pid)
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=60)
        session.close()
    inclusive, own = collapse(args.output, args.thread)
    runs = max(args.runs, 1)
    for title, counter in (("inclusive", inclusive), ("self", own)):
        print(f"--- {title}: samples, ms a run ({RATE} samples a second), frame")
        for frame, count in counter.most_common(args.top):
            print(f"{count:7d} {count * 1000 / RATE / runs:8.1f}  {frame[:150]}")
    say(f"raw stacks: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
