"""``python -m bench``: our app against Flameshot and maim on a private Xvfb; prints and writes the table.

Parts (``--only``): start (cold start to tray ready: docked in trayer, and as an SNI item shown by
a host), cold (cold ``main.py capture``), overlay (hotkey to overlay painted; at 4K also RSS after 1,
10 and 200 captures), copy (copy preset to clipboard), job (loopback provider jobs and RSS before and
after them), idle (CPU and RSS while idle), at 1920x1080 and (overlay, cold, memory) 3840x2160. The
SNI tray's start, idle, 4K and jobs memory come from bench/ours_sni.py. Under openbox unless ``--wm``
says otherwise: a window manager changes who gets the keyboard. Everything runs ``--rounds`` times
(2), each round on fresh desktops, so the table shows how far apart the rounds are (issue 14).
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
import time
from pathlib import Path
from types import MappingProxyType

from bench import ours_cold, ours_sni, ours_warm, pattern, peers, procstat, reference, report
from bench.appsource import app_source
from bench.idle import idle_cpu
from bench.loopback import InstantServer
from bench.ourapp import REPO, write_settings
from bench.session import Results, Session, say
from bench.xserver import WINDOW_MANAGERS, bench_desktop, start_trayer

PARTS = ("start", "cold", "overlay", "copy", "job", "idle")
SIZES = {"1080": (1920, 1080), "4k": (3840, 2160)}
DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
LATEST = Path(__file__).resolve().parent / "results" / "latest.md"
# --quick is a smoke run (tests/bench/test_quick.py): every row once, in as little time as it takes.
QUICK = MappingProxyType({"runs": 1, "rounds": 1, "jobs": 2, "captures": 3, "idle_seconds": 1.0})
FULL = MappingProxyType({"runs": 10, "rounds": 2, "jobs": 200, "captures": 200, "idle_seconds": 10.0})


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 round, 1 run a figure, 2 jobs: a smoke run")
    parser.add_argument("--runs", type=int, help="runs a figure (default 10, --quick 1)")
    parser.add_argument("--rounds", type=int, help="full rounds, each on fresh desktops (default 2, --quick 1)")
    parser.add_argument("--captures", type=int, help="4K captures before the last RSS reading (default 200, >= 3)")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts of: {','.join(PARTS)}")
    parser.add_argument("--tools", default="ours,flameshot,maim", help="comma-separated: ours,flameshot,maim")
    parser.add_argument("--sizes", default="1080,4k", help="comma-separated: 1080,4k")
    parser.add_argument(
        "--wm",
        choices=WINDOW_MANAGERS,
        default="openbox",
        help="window manager on the bench's desktop (default openbox)",
    )
    parser.add_argument("--jobs", type=int, help="provider jobs before the RSS reading (default 200, --quick 2)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--app", type=Path, help="checkout whose main.py is measured (default: this one)")
    source.add_argument("--commit", help="measure this commit, exported clean with git archive (e.g. HEAD)")
    parser.add_argument("--idle-seconds", type=float, help="idle stretch for CPU ticks (default 10, --quick 1)")
    parser.add_argument("--json", type=Path, help="also write every sample to this JSON file")
    parser.add_argument("--out", type=Path, default=LATEST, help=f"where the table goes (default {LATEST})")
    write = parser.add_mutually_exclusive_group()
    write.add_argument("--write", action="store_true", help="write docs/benchmarks.md even for a partial run")
    write.add_argument("--no-write", action="store_true", help="only print the table")
    args = parser.parse_args(argv)
    args.parts = set(args.only.split(","))
    args.tool_set = set(args.tools.split(","))
    args.size_list = args.sizes.split(",")
    unknown = args.parts - set(PARTS)
    unknown |= (args.tool_set - {"ours", "flameshot", "maim"}) | (set(args.size_list) - set(SIZES))
    if unknown:
        parser.error(f"unknown: {', '.join(sorted(unknown))}")
    defaults = QUICK if args.quick else FULL
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.captures < 3 or args.rounds < 1 or args.runs < 1:
        parser.error("--captures needs 3 or more, --rounds and --runs 1 or more")
    args.full = (
        not args.quick
        and args.only == ",".join(PARTS)
        and args.tools == "ours,flameshot,maim"
        and args.app is None
        and args.wm == "openbox"
    )
    return args


def run_size(args: argparse.Namespace, size: str, server: InstantServer, results: Results, app: Path) -> None:
    width, height = SIZES[size]
    parts, tools = args.parts, args.tool_set
    say(f"{width}x{height}:")
    with bench_desktop(width, height, wm=args.wm) as desktop, contextlib.ExitStack() as stack:
        session = Session(desktop, args.runs, results, app)
        stack.callback(session.close)
        start_trayer(desktop)
        settings = write_settings(desktop, server.url)
        pids: dict[str, int] = {}
        if "flameshot" in tools:
            daemon = peers.start_flameshot(desktop)
            pids["flameshot"] = daemon.pid
            if size == "1080":
                peers.flameshot_memory(session, daemon.pid, "rss_idle")
        if "ours" in tools:
            run_ours(args, session, settings, server, stack, pids)
        run_peers(args, session, pids.get("flameshot"))
        if "idle" in parts and size == "1080" and pids:
            idle_cpu(session, pids, args.idle_seconds)


def run_ours(
    args: argparse.Namespace,
    session: Session,
    settings: Path,
    server: InstantServer,
    stack: contextlib.ExitStack,
    pids: dict[str, int],
) -> None:
    """Cold figures first, then one tray kept running (in ``stack``) for the warm ones and the idle stretch."""
    parts, size = args.parts, session.size_tag
    if "start" in parts and size == "1080":
        ours_cold.cold_start(session, settings)
    if "cold" in parts:
        ours_cold.cold_capture(session, settings)
    if {"start", "job", "overlay"} & parts:
        # The tray most desktops get (a StatusNotifierItem), before the GTK/trayer one's warm figures.
        ours_sni.run(session, settings, server, parts, args.jobs)
    warm = {"overlay", "copy", "job", "idle"} & parts
    if not warm or (size == "4k" and "overlay" not in parts):
        return
    tray = stack.enter_context(ours_cold.running_tray(session, settings))
    pids["ours"] = tray.pid
    if not session.series("rss_idle", "ours", "MB").values:
        ours_warm.memory(session, tray.pid, "rss_idle")
    after = ours_warm.capture_marks(session, tray.pid, args.captures) if size == "4k" else None
    done = ours_warm.overlay(session, after) if "overlay" in parts else 0
    if size == "4k":
        time.sleep(2)
        say(f"  ours 2 s after a 4K capture: {ours_warm.memory(session, tray.pid, 'rss_4k'):.1f} MB")
        if "overlay" in parts and after is not None:
            ours_warm.more_captures(session, done, args.captures, after)
    if "copy" in parts and size == "1080":
        ours_warm.copy(session, (800, 600))
        ours_warm.copy(session, None)
        reference.png_floor(session)
    if "job" in parts and size == "1080":
        ours_warm.jobs(session, server, tray.pid, args.jobs)


def run_peers(args: argparse.Namespace, session: Session, flameshot: int | None) -> None:
    parts, tools = args.parts, args.tool_set
    if flameshot is not None:
        if "overlay" in parts:
            peers.flameshot_overlay(session)
            if session.size_tag == "4k":
                time.sleep(2)
                peers.flameshot_memory(session, flameshot, "rss_4k")
        if "copy" in parts and session.size_tag == "1080":
            peers.flameshot_copy(session, (800, 600))
            peers.flameshot_copy(session, None)
    if "maim" in tools:
        if "overlay" in parts:
            peers.maim_ready(session)
        if "copy" in parts and session.size_tag == "1080":
            peers.maim_copy(session, (800, 600))
            peers.maim_copy(session, None)


def main(argv: list[str]) -> int:
    args = parse(argv)
    command = shlex.join(["python", "-m", "bench", *argv])
    began = time.perf_counter()
    rounds: list[Results] = []
    say(f"clock ticks a second: {procstat.ticks_per_second()}; {args.rounds} rounds of {args.runs} runs a figure")
    answer = pattern.desktop_picture(1024, 1024, seed=11)
    with app_source(REPO, args.app, args.commit) as source, InstantServer(answer) as server:
        say(f"measuring our app from the {source.description}")
        for number in range(1, args.rounds + 1):
            say(f"round {number} of {args.rounds}")
            results: Results = {}
            rounds.append(results)
            for size in args.size_list:
                run_size(args, size, server, results, source.path)
    text = report.block(rounds, command, args.runs, time.perf_counter() - began, source.description, args.wm)
    print(text)
    if args.json:
        args.json.write_text(report.samples_json(rounds, command, source.description), encoding="utf-8")
    if not args.no_write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(f"# Latest bench run\n\n{text}\n", encoding="utf-8")
        say(f"written to {args.out}")
    if (args.full or args.write) and not args.no_write:
        report.write(DOC, text)
        say(f"written to {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
