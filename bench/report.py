"""The results table (ours vs Flameshot vs maim, ratios, each round's median and the targets) and where it goes."""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.session import Results
from bench.stats import Series, ratio
from bench.targets import Target, verdict

TOOLS = ("ours", "flameshot", "maim")
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    target: Target | None = None


def _peer(limit: float) -> Target:
    return Target("peer", limit)


# Targets from issue 14; the indented rows break a figure down or give its context.
ROWS = (
    Row("overlay_1080", "Hotkey -> overlay painted, 1920x1080 (peers: launch -> painted)", _peer(0.4)),
    Row("overlay_1080_from_key", "  ours from the hotkey's last key press at the X server (without xdotool)"),
    Row("overlay_1080_mapped", "  ... -> overlay window mapped"),
    Row("overlay_1080_cursor", "  ... -> crosshair shown (maim: slop ready; it paints no overlay)"),
    Row("overlay_first_1080", "  first hotkey after start -> painted", Target("of", 1.5, "overlay_1080")),
    Row("overlay_4k", "Hotkey -> overlay painted, 3840x2160", _peer(0.4)),
    Row("overlay_4k_from_key", "  ours from the hotkey's last key press at the X server (without xdotool)"),
    Row("overlay_4k_mapped", "  ... -> overlay window mapped"),
    Row("overlay_4k_cursor", "  ... -> crosshair shown (maim: slop ready)"),
    Row("overlay_first_4k", "  first hotkey after start -> painted", Target("of", 1.5, "overlay_4k")),
    Row("cold_1080", "Cold `main.py capture` -> painted, 1920x1080"),
    Row("cold_4k", "Cold `main.py capture` -> painted, 3840x2160"),
    Row("copy_800", "Copy 800x600: accept -> image/png offered", _peer(0.5)),
    Row("copy_800_png", "  ... -> PNG read back by a paster"),
    Row("copy_1080", "Copy 1920x1080: accept -> image/png offered"),
    Row("copy_1080_png", "  ... -> PNG read back by a paster"),
    Row("ref_png_800", "Reference: Pillow PNG level 1 of the 800x600 crop, in the bench process"),
    Row("ref_png_1080", "Reference: Pillow PNG level 1 of the 1920x1080 screen, in the bench process"),
    Row("job_1024", "Job 1024x1024 (instant loopback OpenAI): Enter -> result offered", Target("below", 60)),
    Row("job_1024_png", "  ... -> result PNG read back"),
    Row("job_before_upload", "  of which Enter -> request at server (fit, encode, connect)"),
    Row("job_upload", "  of which request body transfer"),
    Row("job_server", "  of which server answering"),
    Row("job_after_answer", "  of which answer sent -> result offered (decode, clipboard)"),
    Row(
        "start_sni",
        "Cold start -> SNI icon shown by the host (KDE, GNOME+extension, xfce, waybar)",
        Target("below", 400),
    ),
    Row("start_tray", "Cold start -> tray icon docked in trayer (GTK, XEmbed)", Target("below", 400)),
    Row("start_socket", "  cold start -> single-instance socket exists"),
    Row("rss_idle_sni", "RSS idle after start (SNI)", Target("below", 50)),
    Row("rss_idle", "RSS idle after start (GTK, trayer; flameshot: its daemon)", Target("below", 50)),
    Row("rss_captures_first", "RSS after 4K captures"),
    Row("rss_captures_some", "RSS after 4K captures"),
    Row("rss_captures_all", "RSS after 4K captures"),
    Row("rss_4k_sni", "RSS 2 s after a 4K capture closes (SNI, a fresh tray's first capture)", Target("below", 60)),
    Row("rss_4k", "RSS 2 s after a 4K capture closes (GTK, trayer)", Target("below", 60)),
    Row("rss_before_jobs", "RSS before the jobs"),
    Row("rss_first_job", "  RSS after the first job (what is paid once, apart from growth over the jobs)"),
    Row("rss_jobs", "RSS after the jobs (2 s after the last; GTK, trayer)", Target("over", 10, "rss_before_jobs")),
    Row("rss_before_jobs_sni", "RSS before the jobs (SNI)"),
    Row("rss_jobs_sni", "RSS after the jobs (SNI)", Target("over", 10, "rss_before_jobs_sni")),
    Row("cpu_idle", "CPU ticks while idle (utime+stime)", Target("at_most", 0)),
)


def _cell(results: Results, key: str, tool: str) -> Series:
    return results.get((key, tool), Series())


def merged(rounds: list[Results]) -> Results:
    """Every round's samples of a figure together, for the table's median (min-max)."""
    out: Results = {}
    for results in rounds:
        for key, series in results.items():
            into = out.setdefault(key, Series(series.unit))
            into.values += series.values
            into.failures += series.failures
            into.note = into.note or series.note
    return out


def spread(key: str, rounds: list[Results], unit: str = "ms") -> tuple[str, str]:
    """Our median in each round, and how far apart they are (range over their mean)."""
    medians = [results.get((key, "ours"), Series()).median for results in rounds]
    known = [value for value in medians if value is not None]
    digits = 0 if unit == "ticks" else 1
    text = " / ".join("-" if value is None else f"{value:.{digits}f}" for value in medians)
    if len(known) < 2:
        return text, "-"
    mean = sum(known) / len(known)
    return text, f"{(max(known) - min(known)) / mean * 100:.0f}%" if mean else "0%"


def table(rounds: list[Results]) -> str:
    head = (
        "| Figure | Ours | Flameshot | maim | Ours / Flameshot | Ours per round | Spread | Target | Result per round |"
    )
    lines = [head, "|---|---|---|---|---|---|---|---|---|"]
    together = merged(rounds)
    for row in ROWS:
        cells = {tool: _cell(together, row.key, tool) for tool in TOOLS}
        if not any(series.values or series.failures for series in cells.values()):
            continue
        ours = cells["ours"]
        unit = next((s.unit for s in cells.values() if s.values), "ms")
        label = row.label.replace("  ", "&nbsp;&nbsp;") + (f" ({ours.note})" if ours.note else "")
        per_round, apart = spread(row.key, rounds, unit)
        target = row.target.text(unit) if row.target else ""
        result = verdict(row.target, row.key, rounds, unit) if row.target else ""
        lines.append(
            f"| {label} | {ours.cell()} | {cells['flameshot'].cell()} | {cells['maim'].cell()} | "
            f"{ratio(ours, cells['flameshot'])} | {per_round} | {apart} | {target} | {result} |"
        )
    return "\n".join(lines)


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace").splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    versions = []
    for argv in (("flameshot", "--version"), ("maim", "--version")):
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
            versions.append(f"{argv[0]} {(out.stdout + out.stderr).strip().splitlines()[0]}")
        except (OSError, IndexError, subprocess.TimeoutExpired):
            versions.append(f"{argv[0]}: not found")
    return (
        f"{os.cpu_count()} CPUs (`nproc`), {model}, {mem_kb / 1024 / 1024:.1f} GiB RAM, "
        f"Python {platform.python_version()}, load average at the end {load}; peers: {'; '.join(versions)}"
    )


def block(rounds: list[Results], command: str, runs: int, seconds: float, app: str, wm: str = "none") -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    manager = "no window manager" if wm == "none" else f"window manager: {wm}"
    return (
        f"{BEGIN}\n"
        f"Run {now}, command `{command}`, {len(rounds)} round(s) of {runs} runs a figure (median (min-max) over "
        f"all rounds; a target is met when every round meets it), {seconds:.0f} s in all; our app: {app}; {manager}.\n"
        f"Machine: {machine()}.\n\n{table(rounds)}\n{END}"
    )


def samples_json(rounds: list[Results], command: str, app: str) -> str:
    """Every sample of every figure in every round, for looking at distributions rather than medians."""
    figures = [
        {
            "round": number,
            "figure": key,
            "tool": tool,
            "unit": series.unit,
            "samples": series.values,
            "failures": series.failures,
        }
        for number, results in enumerate(rounds, 1)
        for (key, tool), series in sorted(results.items())
    ]
    return json.dumps({"command": command, "app": app, "machine": machine(), "figures": figures}, indent=1)


def write(path: Path, text: str) -> None:
    """Replace the generated block in ``path``, keeping everything written by hand around it."""
    old = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in old or END not in old:
        old = f"{old.rstrip()}\n\n{BEGIN}\n{END}\n"
    head, rest = old.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(f"{head}{text}{tail}", encoding="utf-8")
