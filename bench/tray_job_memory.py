"""``python -m bench.tray_job_memory``: where the tray's RSS goes over many jobs (issue 14).

The main bench's 200 jobs grow the tray by 15-24 MB; ``bench.job_memory`` showed the provider path
alone grows 1.4-3 MB. This runs the whole tray (``main.py`` as a person starts it, on the bench's
1920x1080 desktop under openbox, with trayer for pystray's GTK icon or the tests' SNI host on the
bus) and drives N jobs through its own flow on the Tk thread: the real prompt bar (Enter sent to it),
toast, job runner, OpenAI provider against the bench's instant loopback server, xclip delivery,
thumbnail and tray icon updates. Only the hotkey and the overlay drag are left out (200 captures
do not grow it: docs/benchmarks.md). It prints RSS 2 s after jobs 1, 10, 50, 100 and N, split by
glibc arena, with mallinfo2's in-use and free-but-kept bytes (``bench.malloc_stats``), Tk's own
counts (``image names``, the root's children, ``after info``) and the process's threads; with
``--trace`` the Python allocations that grew after job 1 (tracemalloc, by file:line; tracemalloc
costs memory itself, so its RSS figures are not the ones to quote); with ``--trim-at-marks`` RSS
again after a ``malloc_trim(0)``.

``--arena-max N`` sets ``MALLOC_ARENA_MAX`` for the tray and ``--env NAME=VALUE`` any other switch
(``MALLOC_MMAP_THRESHOLD_=262144``): growth that such switches remove is glibc keeping freed memory,
not objects kept alive. Run it from a checkout of the code to measure (a throwaway worktree of the
commit before a change, for its "before").
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import subprocess
import sys
import threading
import time
import tracemalloc
from typing import TYPE_CHECKING

from bench import malloc_stats, ourapp, procstat
from bench.loopback import InstantServer
from bench.pattern import desktop_picture
from bench.xserver import bench_desktop, start_trayer

if TYPE_CHECKING:
    from tray.app import TrayApp

MARKS = (1, 10, 50, 100)
SETTLE_MS = 250  # what the main bench waits between jobs
MARK_WAIT_MS = 2000  # RSS is read 2 s after a mark's job, as the bench reads it after the last
ENTER_AFTER_MS = 60
POLL_MS = 20
JOB_TIMEOUT_S = 60


def _parent(args: argparse.Namespace) -> int:
    answer = desktop_picture(1024, 1024, seed=11)
    with (
        InstantServer(answer) as server,
        bench_desktop(1920, 1080, wm=args.wm) as desktop,
        contextlib.ExitStack() as stack,
    ):
        extra = {"PYSTRAY_BACKEND": "gtk"}
        if args.tray == "sni":
            from tests.tray.sni_host import sni_host

            host = stack.enter_context(sni_host(desktop.env["DBUS_SESSION_BUS_ADDRESS"]))
            threading.Thread(target=_drain_host, args=(host,), daemon=True).start()
        else:
            start_trayer(desktop)
        settings = ourapp.write_settings(desktop, server.url)
        env = {**ourapp.app_env(desktop, settings), **extra}
        if args.arena_max:
            env["MALLOC_ARENA_MAX"] = str(args.arena_max)
        env.update(item.split("=", 1) for item in args.env)
        command = [sys.executable, "-m", "bench.tray_job_memory", "--child", "--jobs", str(args.jobs)]
        command += ["--trace"] if args.trace else []
        command += ["--trace-first"] if args.trace_first else []
        command += ["--trim-at-marks"] if args.trim_at_marks else []
        command += ["--config", str(settings), "--top", str(args.top)]
        log = desktop.home / "tray.log"
        timeout = 60 + args.jobs * 3
        with log.open("wb") as sink:
            done = subprocess.run(
                command, env=env, cwd=ourapp.REPO, stdout=None, stderr=sink, timeout=timeout, check=False
            )
        if done.returncode != 0:
            print(log.read_text(encoding="utf-8", errors="replace")[-3000:], file=sys.stderr)
        print(
            f"served {len(server.served)} requests; tray {args.tray}; "
            f"MALLOC_ARENA_MAX={args.arena_max or '-'} {' '.join(args.env)}"
        )
        return done.returncode


def _drain_host(host: object) -> None:
    # The SNI host keeps every signal it gets for the tests; a bench of many jobs would pile them up.
    while True:
        with contextlib.suppress(Exception):
            host.drain_signals()  # type: ignore[attr-defined]
        threading.Event().wait(1.0)


class Driver:
    """N jobs through the running app's flow, one after the other, on the Tk thread."""

    def __init__(self, app: TrayApp, args: argparse.Namespace) -> None:
        from core.models import Rect
        from core.planning import plan_capture

        self.app, self.root, self.args = app, app.root, args
        self.done = 0
        self.crop_source = desktop_picture(1024, 1024, seed=3).convert("RGB")
        self.anchor = Rect(448, 28, 1024, 1024)
        self.screen = Rect(0, 0, self.root.winfo_screenwidth(), self.root.winfo_screenheight())
        self.plan = plan_capture(app.config, app.parts.catalog, "bench")
        self.snapshot: tracemalloc.Snapshot | None = None
        self.before = 0.0
        self.sent = 0.0
        self.times: list[float] = []

    def begin(self) -> None:
        columns = ("images", "children", "afters", "threads", *malloc_stats.PARTS, *malloc_stats.MALLOC, "pyblk")
        print(f"{'after':>10s} {'RSS MiB':>8s} {'grown':>7s} " + " ".join(f"{c:>8s}" for c in columns))
        self.before = procstat.rss_mb(os.getpid())
        self.row("before")
        if self.args.trace_first:
            tracemalloc.start(8)
            self.snapshot = tracemalloc.take_snapshot()
        self.root.after(500, self.one)

    def one(self) -> None:
        # A fresh crop a job, as the selector hands one over.
        self.app.flow.ask_prompt(self.app.config, self.plan, self.crop_source.copy(), self.anchor, self.screen)
        self.root.after(ENTER_AFTER_MS, self.enter)

    def enter(self) -> None:
        bar = self.app.flow.prompt_bar
        if bar is None:
            raise RuntimeError("no prompt bar opened for the bench preset")
        self.sent = time.perf_counter()
        bar.entry.event_generate("<Return>")
        self.root.after(POLL_MS, self.wait)

    def wait(self) -> None:
        if self.app.flow.running > 0 and time.perf_counter() - self.sent < JOB_TIMEOUT_S:
            self.root.after(POLL_MS, self.wait)
            return
        self.times.append(time.perf_counter() - self.sent)
        self.done += 1
        if self.done in MARKS or self.done == self.args.jobs:
            self.root.after(MARK_WAIT_MS, self.mark)
        else:
            self.root.after(SETTLE_MS, self.one)

    def row(self, label: str) -> None:
        rss = procstat.rss_mb(os.getpid())
        tk_call, split = self.root.tk.call, self.root.tk.splitlist
        counts = (
            len(split(tk_call("image", "names"))),
            len(self.root.winfo_children()),
            len(split(tk_call("after", "info"))),
            threading.active_count(),
        )
        sizes = (*malloc_stats.rss_parts(os.getpid()).values(), *malloc_stats.malloc_state().values())
        print(
            f"{label:>10s} {rss:8.1f} {rss - self.before:+7.1f} "
            + " ".join(f"{count:8d}" for count in counts)
            + " "
            + " ".join(f"{size:8.1f}" for size in sizes)
            + f" {sys.getallocatedblocks():8d}",
            flush=True,
        )

    def mark(self) -> None:
        self.row(f"job {self.done}")
        if self.args.trim_at_marks:
            malloc_stats.trim()
            self.row("trimmed")
        if self.args.trace_first and self.done == 1:
            self.print_growth("job 1")
            tracemalloc.stop()
            self.snapshot = None
        if self.args.trace and self.done == 1:
            tracemalloc.start(8)
            self.snapshot = tracemalloc.take_snapshot()
        if self.done >= self.args.jobs:
            self.finish()
            return
        self.root.after(SETTLE_MS, self.one)

    def finish(self) -> None:
        ms = sorted(t * 1000 for t in self.times[1:]) or [0.0]
        print(f"Enter to job handled (the flow idle again), jobs 2-{self.done}: median {ms[len(ms) // 2]:.1f} ms")
        if self.snapshot is not None:
            self.print_growth(f"job 1 to job {self.done}")
        self.app.quit()

    def print_growth(self, span: str) -> None:
        if self.snapshot is None:
            return
        gc.collect()
        grown = tracemalloc.take_snapshot().compare_to(self.snapshot, "lineno")
        print(f"Python allocations grown, {span}: {sum(s.size_diff for s in grown) / 1e6:+.2f} MB")
        for stat in grown[: self.args.top]:
            print(f"  {stat.size_diff / 1024:+8.1f} KiB {stat.count_diff:+6d} blocks  {stat.traceback[0]}")


def _child(args: argparse.Namespace) -> int:
    import main as app_main
    import tray.app

    run = tray.app.TrayApp.run

    def run_with_jobs(app: tray.app.TrayApp) -> int:
        # Scheduled before run() starts Tk's loop; the driver's first job waits for the start-up work.
        app.root.after(1500, Driver(app, args).begin)
        return run(app)

    tray.app.TrayApp.run = run_with_jobs  # type: ignore[method-assign,assignment]
    sys.argv = ["main.py", "-v", "--config", args.config]
    return app_main.main()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tray_job_memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--tray", choices=("gtk", "sni"), default="gtk")
    parser.add_argument("--wm", default="openbox")
    parser.add_argument("--arena-max", type=int, default=0, help="MALLOC_ARENA_MAX for the tray (0: glibc's own)")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the tray (e.g. GLIBC_TUNABLES)")
    parser.add_argument("--trim-at-marks", action="store_true", help="malloc_trim at each mark, RSS again after it")
    parser.add_argument("--trace", action="store_true", help="tracemalloc's growth after job 1, by file:line")
    parser.add_argument("--trace-first", action="store_true", help="tracemalloc's growth over the first job")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return _child(args) if args.child else _parent(args)


if __name__ == "__main__":
    sys.exit(main())
