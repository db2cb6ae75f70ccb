"""The results table (ours vs Flameshot vs maim, with ratios and targets) and where it is written."""

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

TOOLS = ("ours", "flameshot", "maim")
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    target: float | None = None
    strict: bool = False  # "<" rather than "<="

    def target_text(self, unit: str) -> str:
        if self.target is None:
            return ""
        return f"{'<' if self.strict else '<='} {self.target:g} {unit}"

    def met(self, series: Series) -> str:
        if self.target is None or series.median is None:
            return ""
        ok = series.median < self.target if self.strict else series.median <= self.target
        return "met" if ok else "MISSED"


ROWS = (
    Row("overlay_1080", "Hotkey -> overlay painted, 1920x1080 (peers: launch -> painted)", 50),
    Row("overlay_1080_from_key", "  ours from the hotkey's last key press at the X server (without xdotool)"),
    Row("overlay_1080_mapped", "  ... -> overlay window mapped"),
    Row("overlay_1080_cursor", "  ... -> crosshair shown (maim: slop ready; it paints no overlay)"),
    Row("overlay_first_1080", "  first hotkey after start -> painted"),
    Row("overlay_4k", "Hotkey -> overlay painted, 3840x2160", 120),
    Row("overlay_4k_from_key", "  ours from the hotkey's last key press at the X server (without xdotool)"),
    Row("overlay_4k_mapped", "  ... -> overlay window mapped"),
    Row("overlay_4k_cursor", "  ... -> crosshair shown (maim: slop ready)"),
    Row("overlay_first_4k", "  first hotkey after start -> painted"),
    Row("cold_1080", "Cold `main.py capture` -> painted, 1920x1080"),
    Row("cold_4k", "Cold `main.py capture` -> painted, 3840x2160"),
    Row("copy_800", "Copy 800x600: accept -> image/png offered", 15),
    Row("copy_800_png", "  ... -> PNG read back by a paster"),
    Row("copy_1080", "Copy 1920x1080: accept -> image/png offered"),
    Row("copy_1080_png", "  ... -> PNG read back by a paster"),
    Row("ref_png_800", "Reference: Pillow PNG level 1 of the 800x600 crop, in the bench process"),
    Row("ref_png_1080", "Reference: Pillow PNG level 1 of the 1920x1080 screen, in the bench process"),
    Row("job_1024", "Job 1024x1024 (instant loopback OpenAI): Enter -> result offered", 100, strict=True),
    Row("job_1024_png", "  ... -> result PNG read back"),
    Row("job_before_upload", "  of which Enter -> request at server (fit, encode, connect)"),
    Row("job_upload", "  of which request body transfer"),
    Row("job_server", "  of which server answering"),
    Row("job_after_answer", "  of which answer sent -> result offered (decode, clipboard)"),
    Row("start_tray", "Cold start -> tray icon docked in trayer", 1000, strict=True),
    Row("start_socket", "  cold start -> single-instance socket exists"),
    Row("rss_idle", "RSS idle after start (flameshot: its daemon)", 50, strict=True),
    Row("rss_jobs", "RSS after the jobs above"),
    Row("rss_4k", "RSS after a 4K capture closes", 80, strict=True),
    Row("cpu_idle", "CPU ticks while idle (utime+stime)", 0),
)


def _cell(results: Results, key: str, tool: str) -> Series:
    return results.get((key, tool), Series())


def table(results: Results) -> str:
    head = "| Figure | Target | Ours | Flameshot | maim | Ours / Flameshot | Ours / maim | Target |"
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for row in ROWS:
        cells = {tool: _cell(results, row.key, tool) for tool in TOOLS}
        if not any(series.values or series.failures for series in cells.values()):
            continue
        ours = cells["ours"]
        unit = next((s.unit for s in cells.values() if s.values), "ms")
        label = row.label.replace("  ", "&nbsp;&nbsp;") + (f" ({ours.note})" if ours.note else "")
        lines.append(
            f"| {label} | {row.target_text(unit)} | {ours.cell()} | {cells['flameshot'].cell()} | "
            f"{cells['maim'].cell()} | {ratio(ours, cells['flameshot'])} | {ratio(ours, cells['maim'])} | "
            f"{row.met(ours)} |"
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


def block(results: Results, command: str, runs: int, seconds: float, app: str, wm: str = "none") -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    manager = "no window manager" if wm == "none" else f"window manager: {wm}"
    return (
        f"{BEGIN}\n"
        f"Run {now}, command `{command}`, {runs} runs a figure (median (min-max)), {seconds:.0f} s in all; "
        f"our app: {app}; {manager}.\n"
        f"Machine: {machine()}.\n\n{table(results)}\n{END}"
    )


def samples_json(results: Results, command: str, app: str) -> str:
    """Every sample of every figure, for looking at distributions rather than medians."""
    figures = [
        {"figure": key, "tool": tool, "unit": series.unit, "samples": series.values, "failures": series.failures}
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
