"""The tray app's idle cost with each tray icon backend: RSS, idle CPU, and start to icon shown.

``python -m bench.tray_backends [--runs N] [--idle S]`` starts ``main.py`` on a private desktop
(Xvfb, D-Bus, keyring, trayer: tests/tray/tray_session.py) three times per run: pinned to pystray's
gtk backend (``AIIS_TRAY=gtk``, Gtk.StatusIcon docked into trayer by XEmbed), with no SNI watcher
(our own XEmbed icon, ``xembed``: what trayer gets by default, ADR 040), and with the test's
watcher+host on the bus (our StatusNotifierItem, ``sni``). Start to shown is launch to the icon's
window reparented into trayer and viewable (gtk, xembed) or to ``RegisterStatusNotifierItem``
reaching the watcher (sni). Issue 14.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from Xlib import display

from bench import procstat
from bench.traywatch import TrayWatch
from tests.tray.sni_host import SniHost, sni_host
from tests.tray.tray_session import PYTHON, REPO, tray_desktop, wait_for, write_config
from tests.virtual_desktop import VirtualDesktop


def _launch(desktop: VirtualDesktop, folder: Path, backend: str) -> tuple[subprocess.Popen[bytes], Path]:
    config = write_config(folder, "http://127.0.0.1:9/v1")
    (folder / "run").mkdir(mode=0o700, exist_ok=True)
    env = {
        **desktop.env,
        "HOME": str(folder),
        "XDG_RUNTIME_DIR": str(folder / "run"),
        "XDG_STATE_HOME": str(folder / "state"),
        "PYSTRAY_BACKEND": "gtk",
        "OPENAI_API_KEY": "sk-bench-not-a-real-key",
        # gtk must be pinned: with trayer on the screen our own XEmbed icon comes before it.
        **({"AIIS_TRAY": "gtk"} if backend == "gtk" else {}),
    }
    log = folder / "app.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(PYTHON), str(REPO / "main.py"), "-v", "--config", str(config)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
        )
    return process, log


def measure(desktop: VirtualDesktop, backend: str, idle: float, *, maps: bool = False) -> tuple[float, float, int]:
    """Seconds to the icon shown, RSS MiB after settling, CPU ticks over ``idle`` seconds."""
    folder = Path(tempfile.mkdtemp(prefix=f"aiis-bench-{backend}-"))
    conn = display.Display(desktop.display)
    watch = TrayWatch(conn)
    with contextlib.ExitStack() as stack:
        host = stack.enter_context(sni_host(desktop.env["DBUS_SESSION_BUS_ADDRESS"])) if backend == "sni" else None
        stack.callback(conn.close)
        return _measure(desktop, folder, watch, host, backend, idle, maps=maps)


def _measure(
    desktop: VirtualDesktop,
    folder: Path,
    watch: TrayWatch,
    host: SniHost | None,
    backend: str,
    idle: float,
    *,
    maps: bool,
) -> tuple[float, float, int]:
    start = time.perf_counter()
    process, log = _launch(desktop, folder, backend)
    try:
        if host is not None:
            host.registered(timeout=30)
            shown = time.perf_counter() - start
        else:
            ready = watch.watch(start, folder / "run" / "ai-image-studio" / "tray.sock", timeout=30)
            shown = ready.viewable if ready.viewable is not None else float("nan")
        wait_for(lambda: "tray app running" in log.read_text(errors="replace"), 30, "the tray to run")
        time.sleep(2.0)  # a bench, not a test: let start-up work (key status, model lists) settle
        rss = procstat.rss_mb(process.pid)
        before = procstat.cpu_ticks(process.pid)
        time.sleep(idle)
        ticks = procstat.cpu_ticks(process.pid) - before
        if f"tray icon through {backend}" not in log.read_text(errors="replace"):
            raise RuntimeError(f"the app did not use {backend}:\n{log.read_text()[-2000:]}")
        if maps:
            print_mappings(process.pid)
    finally:
        process.terminate()
        process.wait(15)
    return shown, rss, ticks


def print_mappings(pid: int, top: int = 14) -> None:
    """The largest resident mappings by file (anonymous memory as one row): where the MiB are."""
    sizes: dict[str, int] = {}
    name = "[anonymous]"
    for line in Path(f"/proc/{pid}/smaps").read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split()
        if fields and "-" in fields[0] and len(fields) >= 5:
            name = fields[5] if len(fields) > 5 else "[anonymous]"
        elif fields and fields[0] == "Rss:":
            sizes[name] = sizes.get(name, 0) + int(fields[1])
    for path, kib in sorted(sizes.items(), key=lambda item: -item[1])[:top]:
        print(f"    {kib / 1024:6.1f} MiB  {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--idle", type=float, default=5.0)
    parser.add_argument("--maps", action="store_true", help="list the largest resident mappings")
    args = parser.parse_args()
    with tray_desktop() as desktop:
        for run in range(args.runs):
            for backend in ("gtk", "xembed", "sni"):
                shown, rss, ticks = measure(desktop, backend, args.idle, maps=args.maps)
                print(
                    f"run {run + 1} {backend:6s}: shown {shown * 1000:6.0f} ms  RSS {rss:6.1f} MiB  "
                    f"idle {ticks} ticks in {args.idle:.0f} s"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
