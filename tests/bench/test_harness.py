"""The benchmark's own measuring instruments work: they see what they claim to see.

No timing is asserted here (the machine is shared); only that each detector fires on the real
thing and stays quiet without it.
"""

from __future__ import annotations

import base64
import io
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from bench import pattern, procstat, report, xprobe
from bench.appsource import app_source
from bench.clipwatch import ClipboardWatch, png_size
from bench.keywatch import KeyWatch
from bench.loopback import InstantServer
from bench.session import Results
from bench.stats import Series, ratio
from bench.traywatch import TrayWatch
from bench.xserver import BenchDesktop, bench_desktop

WIDTH, HEIGHT = 640, 480


@pytest.fixture(scope="module")
def screen() -> Iterator[BenchDesktop]:
    with bench_desktop(WIDTH, HEIGHT, keyring=False) as desktop:
        yield desktop


def _shade_window(display_name: str) -> tuple[object, object]:
    """What a selector does, minimally: a full-screen override-redirect window in dark red, crosshair cursor."""
    conn = xprobe.connect(display_name)
    screen = conn.screen()
    font = conn.open_font("cursor")
    crosshair = font.create_glyph_cursor(font, 34, 35, (0, 0, 0), (65535, 65535, 65535))
    window = screen.root.create_window(
        0, 0, WIDTH, HEIGHT, 0, screen.root_depth,
        background_pixel=0x681212, override_redirect=True, cursor=crosshair,
    )  # fmt: skip
    return conn, window


@pytest.mark.desktop
def test_overlay_watch_sees_a_shading_window_mapped_with_crosshair_and_painted(screen: BenchDesktop) -> None:
    # GIVEN the bench picture on the root, a pointer parked mid-screen, no window yet
    conn = xprobe.connect(screen.display)
    xprobe.set_root_picture(conn, pattern.desktop_picture(WIDTH, HEIGHT))
    watch = xprobe.OverlayWatch(conn, pattern.probe_points(WIDTH, HEIGHT))
    xprobe.Pointer(conn).move(WIDTH // 2, HEIGHT // 2)
    assert watch.clear()
    assert not watch.painted()
    app, window = _shade_window(screen.display)
    # WHEN a dark red override-redirect window is mapped over everything
    watch.drain()
    start = time.perf_counter()
    window.map()  # type: ignore[attr-defined]
    app.sync()  # type: ignore[attr-defined]
    seen = watch.watch(start, 5)
    # THEN all three signs are seen, in a sane order, and clear again once it is gone
    assert seen.mapped is not None
    assert seen.painted is not None
    assert seen.cursor is not None
    assert seen.mapped <= seen.painted
    window.unmap()  # type: ignore[attr-defined]
    app.sync()  # type: ignore[attr-defined]
    assert watch.wait_clear(timeout=5)
    app.close()  # type: ignore[attr-defined]
    conn.close()


@pytest.mark.desktop
def test_overlay_watch_reports_nothing_when_nothing_appears(screen: BenchDesktop) -> None:
    conn = xprobe.connect(screen.display)
    xprobe.set_root_picture(conn, pattern.desktop_picture(WIDTH, HEIGHT))
    watch = xprobe.OverlayWatch(conn, pattern.probe_points(WIDTH, HEIGHT))
    seen = watch.watch(time.perf_counter(), 0.3)
    assert (seen.mapped, seen.cursor, seen.painted) == (None, None, None)
    conn.close()


@pytest.mark.desktop
def test_clipboard_watch_reads_the_png_an_xclip_owner_serves(screen: BenchDesktop, tmp_path: Path) -> None:
    conn = xprobe.connect(screen.display)
    watch = ClipboardWatch(conn)
    buffer = io.BytesIO()
    pattern.desktop_picture(300, 200).save(buffer, "PNG")
    watch.drain()
    start = time.perf_counter()
    subprocess.run(
        ["xclip", "-selection", "clipboard", "-t", "image/png", "-i"],
        input=buffer.getvalue(), env=screen.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
    )  # fmt: skip
    sighting = watch.wait_png(start, timeout=10)
    assert sighting.size == (300, 200)
    assert 0 < sighting.owner <= sighting.targets <= sighting.png
    conn.close()


@pytest.mark.desktop
def test_clipboard_watch_reads_a_large_png_sent_in_incr_chunks(screen: BenchDesktop) -> None:
    # Tk and Qt owners answer large selections with INCR; a 1 MB noise PNG makes xclip do the same.
    conn = xprobe.connect(screen.display)
    watch = ClipboardWatch(conn)
    buffer = io.BytesIO()
    Image.effect_noise((1200, 900), 80).convert("RGB").save(buffer, "PNG", compress_level=0)
    watch.drain()
    start = time.perf_counter()
    subprocess.run(
        ["xclip", "-selection", "clipboard", "-t", "image/png", "-i"],
        input=buffer.getvalue(), env=screen.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
    )  # fmt: skip
    assert watch.wait_png(start, timeout=20).size == (1200, 900)
    conn.close()


def test_root_picture_markers_are_seen_as_markers_only_when_dimmed() -> None:
    picture = pattern.desktop_picture(WIDTH, HEIGHT)
    for x, y in pattern.probe_points(WIDTH, HEIGHT):
        marker = picture.getpixel((x, y))
        assert marker == pattern.MARKER
        assert not pattern.is_dimmed_marker(pattern.MARKER)
        red, green, blue = pattern.MARKER
        assert pattern.is_dimmed_marker((int(red * 0.45), int(green * 0.45), int(blue * 0.45)))  # ours
        assert pattern.is_dimmed_marker((red * 65 // 255, green * 65 // 255, blue * 65 // 255))  # Flameshot's
        assert not pattern.is_dimmed_marker((16, 16, 16))  # a plain dark window background


def test_instant_server_answers_an_openai_edit_with_the_prepared_png() -> None:
    answer = pattern.desktop_picture(64, 48)
    with InstantServer(answer) as server:
        files = {"image[]": ("crop.png", b"\x89PNG fake", "image/png")}
        reply = httpx.post(f"{server.url}/v1/images/edits", data={"prompt": "x"}, files=files, timeout=10)
    assert reply.status_code == 200
    png = base64.b64decode(reply.json()["data"][0]["b64_json"])
    assert png_size(png) == (64, 48)
    served = server.served[0]
    assert served.path == "/v1/images/edits"
    assert served.arrived <= served.body_read <= served.answered


def test_procstat_reads_this_process_memory_and_cpu() -> None:
    before = procstat.cpu_ticks(os.getpid())
    deadline = time.process_time() + 0.1
    while time.process_time() < deadline:
        pass
    assert procstat.cpu_ticks(os.getpid()) > before
    assert procstat.rss_mb(os.getpid()) > 5
    assert procstat.threads(os.getpid()) >= 1


def test_report_replaces_only_its_block_and_keeps_the_hand_written_text(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# Benchmarks\n\nBy hand.\n\n{report.BEGIN}\nold\n{report.END}\n\nAnalysis.\n")
    results: Results = {
        ("copy_800", "ours"): Series(values=[10.0, 12.0, 30.0]),
        ("copy_800", "maim"): Series(values=[20.0]),
    }
    report.write(doc, f"{report.BEGIN}\n{report.table([results])}\n{report.END}")
    text = doc.read_text()
    assert text.startswith("# Benchmarks\n\nBy hand.\n\n")
    assert text.endswith("\n\nAnalysis.\n")
    assert "old" not in text
    assert "| 12.0 (10.0-30.0) | - | 20.0 |" in text


def test_series_cell_counts_failures_and_ratio_needs_both_sides() -> None:
    series = Series()
    series.add(None)
    assert series.cell() == "failed"
    series.add(4.0)
    assert series.cell() == "4.0 [1 failed]"
    assert ratio(series, Series()) == "-"
    assert ratio(series, Series(values=[8.0])) == "0.50x"


@pytest.mark.desktop
def test_tray_watch_sees_a_window_docked_into_another_and_shown(screen: BenchDesktop, tmp_path: Path) -> None:
    # GIVEN a stand-in tray host (a mapped window) and a stand-in icon window on the root
    conn = xprobe.connect(screen.display)
    watch = TrayWatch(conn)
    app = xprobe.connect(screen.display)
    root = app.screen().root
    host = root.create_window(0, 0, 200, 40, 0, app.screen().root_depth, background_pixel=0)
    host.map()
    icon = root.create_window(0, 0, 24, 24, 0, app.screen().root_depth, background_pixel=0xFFFFFF)
    app.sync()
    socket = tmp_path / "tray.sock"
    watch.arm()
    start = time.perf_counter()
    # WHEN the host takes the icon in (XEmbed's reparent) and shows it, and the socket file appears
    socket.touch()
    icon.reparent(host, 10, 8)
    icon.map()
    app.sync()
    ready = watch.watch(start, socket, timeout=5)
    # THEN all three moments are seen, in order
    assert ready.socket is not None
    assert ready.docked is not None
    assert ready.viewable is not None
    assert ready.docked <= ready.viewable
    app.close()
    conn.close()


@pytest.mark.desktop
def test_tray_watch_reports_no_dock_when_nothing_is_reparented(screen: BenchDesktop, tmp_path: Path) -> None:
    conn = xprobe.connect(screen.display)
    ready = TrayWatch(conn).watch(time.perf_counter(), tmp_path / "absent.sock", timeout=0.3)
    assert (ready.socket, ready.docked, ready.viewable) == (None, None, None)
    conn.close()


def test_app_source_exports_a_commit_clean_and_removes_it_afterwards() -> None:
    repo = Path(__file__).resolve().parents[2]
    if not (repo / ".git").exists():
        pytest.fail("the bench tests need the git checkout they live in")
    with app_source(repo, None, "HEAD") as source:
        assert (source.path / "main.py").is_file()
        assert source.description.startswith("commit ")
        exported = source.path
    assert not exported.exists()
    with app_source(repo, None, None) as tree:
        assert tree.path == repo
        assert tree.description.startswith("working tree at ")


@pytest.mark.desktop
def test_key_watch_sees_each_press_of_an_xdotool_combo_at_the_server(screen: BenchDesktop) -> None:
    watch = KeyWatch(screen.display)
    try:
        start = time.perf_counter()
        subprocess.run(["xdotool", "key", "ctrl+shift+e"], env=screen.env, check=True, timeout=10)
        first = watch.press_after(start, nth=1)
        third = watch.press_after(start, nth=3)
        assert first is not None
        assert third is not None
        assert 0 < first <= third
        assert watch.press_after(start, nth=4, timeout=0.3) is None
    finally:
        watch.close()
