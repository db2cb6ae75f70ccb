"""Issue 16, local oddities (2 of 2): odd output paths, odd names, signals and closed pipes.

The real ``main.py edit`` runs against the OpenAI stand-in on loopback (which checks every request
against the published spec). Each case proves the message, the exit code, that nothing existing was
lost (out.png byte for byte, the folder listing, an empty TMPDIR), that no ``.part`` file is left, and
that refusals happen before anything is sent (the stand-in saw no request). The settings-file write
the tray's menu makes (``core.yaml_edit.set_value_in_file``, what ``main.py`` hands the tray) is
driven directly: it needs no window.
"""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import threading
import time
import tkinter as tk
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from core.output import NameFields, render_file_name, write_new_file
from core.yaml_edit import set_value_in_file
from tests.faults.harness import KEYS, MAIN, OLD_OUTPUT, Scene, config_text, listing, picture
from tests.overlay.tk_helpers import pump, root  # noqa: F401 (root is a fixture)
from tests.providers.loopback import LoopbackServer
from tests.providers.openai_server import OpenAISpec, images_answer, png
from tests.providers.provider_run import png_bytes
from tests.tray.tray_session import wait_for
from tests.virtual_desktop import VirtualDesktop
from tray.settings_watch import SettingsWatch

BOUND_S = 20.0
KEY = KEYS["OPENAI_API_KEY"]
BIDI = "\u202e\u2066\u200f\u061c"


def edit(scene: Scene, url: str, *args: str, extra: str = "") -> subprocess.CompletedProcess[str]:
    config = scene.config(config_text("openai", url + "/v1", extra=extra))
    return scene.main("--config", str(config), "edit", str(scene.input), "--provider", "openai", "--prompt", "p",
                      *args, timeout=BOUND_S)  # fmt: skip


def no_part_files(folder: Path) -> list[str]:
    return sorted(name for name in listing(folder) if name.endswith(".part"))


@pytest.mark.parametrize("kind", ["fifo", "dev-null", "unknown-extension", "no-extension"])
def test_edit_refuses_an_output_that_is_not_an_image_file_before_sending(tmp_path: Path, kind: str) -> None:
    scene = Scene(tmp_path)
    fifo = scene.work / "pipe.png"
    if kind == "fifo":
        os.mkfifo(fifo)
        scene.before = listing(scene.work)
    target = {"fifo": str(fifo), "dev-null": "/dev/null", "unknown-extension": str(scene.work / "out.txt"),
              "no-extension": str(scene.work / "out")}[kind]  # fmt: skip
    words = {"fifo": "is a named pipe (FIFO), not a file", "dev-null": "is a device, not a file",
             "unknown-extension": "does not end in .png, .jpg or .webp",
             "no-extension": "does not end in .png, .jpg or .webp"}[kind]  # fmt: skip
    with LoopbackServer([images_answer(png())], validator=OpenAISpec(KEY)) as server:
        done = edit(scene, server.url, "--output", target)
    assert done.returncode == 2, done.stderr
    assert words in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert server.requests == [], "the image was sent before the output was checked"
    assert kind != "fifo" or stat.S_ISFIFO(fifo.stat().st_mode)
    assert scene.unchanged() == []


@pytest.mark.parametrize("kind", ["fifo", "unknown-extension"])
def test_capture_refuses_the_same_outputs_before_the_screen_freezes(tmp_path: Path, kind: str) -> None:
    scene = Scene(tmp_path)
    target = scene.work / ("pipe.png" if kind == "fifo" else "out.gif")
    if kind == "fifo":
        os.mkfifo(target)
        scene.before = listing(scene.work)
    # No DISPLAY at all: a refusal after the overlay opened would fail differently.
    done = scene.main("capture", "--preset", "copy", "--file", str(scene.input), "--output", str(target))
    assert done.returncode == 2, done.stderr
    words = "is a named pipe (FIFO)" if kind == "fifo" else "does not end in .png, .jpg or .webp"
    assert words in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert scene.unchanged() == []


def test_overlong_and_bidi_names_from_a_preset_are_cut_to_255_bytes_and_cleaned(tmp_path: Path) -> None:
    preset = "r\u00e9sum\u00e9 " * 40 + BIDI + "gnp.exe\x07\n"
    fields = NameFields(preset, "openai", "edit", 64, 48, datetime.now())
    stem = render_file_name("{preset}_{mode}", fields)
    first = write_new_file(b"one", tmp_path, stem, ".png")
    second = write_new_file(b"two", tmp_path, stem, ".png")
    for saved in (first, second):
        assert len(os.fsencode(saved.name)) <= 255
        assert not any(char in saved.name for char in BIDI + "\x07\n")
        assert saved.name.endswith(".png")
    assert first.read_bytes() == b"one"
    assert second.read_bytes() == b"two"
    assert second.name == first.name[: -len(".png")] + "-2.png"


def test_an_overlong_input_name_still_saves_its_result_beside_it(tmp_path: Path) -> None:
    scene = Scene(tmp_path)
    long_input = scene.work / ("\u00e9" * 120 + ".png")  # 244 bytes: with "-openai-edit" it would not fit
    long_input.write_bytes(scene.input.read_bytes())
    scene.before = listing(scene.work)
    with LoopbackServer([images_answer(png((48, 32)))], validator=OpenAISpec(KEY)) as server:
        config = scene.config(config_text("openai", server.url + "/v1"))
        done = scene.main("--config", str(config), "edit", str(long_input), "--provider", "openai", "--prompt", "p")
    assert done.returncode == 0, done.stderr
    new = sorted(set(listing(scene.work)) - set(scene.before))
    assert len(new) == 1, new
    assert len(os.fsencode(new[0])) <= 255
    assert new[0].endswith(".png")
    assert scene.output.read_bytes() == OLD_OUTPUT


SLOW_DISK = '''\
"""A slow disk for one test: fsync waits, after saying so on stderr (the sign the test waits for)."""
import os, sys, time
_fsync = os.fsync
def _slow_fsync(fd):
    sys.stderr.write("slow-disk: fsync started\\n")
    sys.stderr.flush()
    time.sleep(60)
    _fsync(fd)
os.fsync = _slow_fsync
'''


def test_sigterm_during_a_slow_save_leaves_no_part_file_and_the_old_file(tmp_path: Path) -> None:
    scene = Scene(tmp_path)
    slow = tmp_path / "slow-disk"
    slow.mkdir()
    (slow / "sitecustomize.py").write_text(SLOW_DISK, encoding="utf-8")
    scene.env_extra["PYTHONPATH"] = str(slow)
    with LoopbackServer([images_answer(png((48, 32)))], validator=OpenAISpec(KEY)) as server:
        config = scene.config(config_text("openai", server.url + "/v1"))
        process = subprocess.Popen([sys.executable, str(MAIN), "--config", str(config), "edit", str(scene.input),
                                    "--provider", "openai", "--prompt", "p", "--output", str(scene.output)],
                                   cwd=scene.work, env=scene.env(), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)  # fmt: skip
        watchdog = threading.Timer(BOUND_S, process.kill)
        watchdog.start()
        try:
            assert process.stderr is not None
            seen: list[str] = []
            while not seen or "slow-disk: fsync started" not in seen[-1]:
                line = process.stderr.readline()
                assert line, "".join(seen)
                seen.append(line)
            parts = no_part_files(scene.work)
            assert len(parts) == 1, "the save was not in progress when the signal came"
            sent = time.monotonic()
            process.send_signal(signal.SIGTERM)
            rest = process.stderr.read()
            code = process.wait(BOUND_S)
            ended_in = time.monotonic() - sent
        finally:
            watchdog.cancel()
    assert code == 128 + signal.SIGTERM, "".join(seen) + rest
    assert "Traceback" not in rest
    assert ended_in < 5
    assert no_part_files(scene.work) == []
    assert scene.unchanged() == []


@pytest.mark.desktop
def test_sigterm_while_captures_overlay_waits_ends_it_at_once_and_changes_nothing(
    tmp_path: Path, desktop: VirtualDesktop
) -> None:
    # Tk waits in C, where a Python SIGTERM handler would run only at the next X event: the overlay
    # keeps the default action, and the handler that lets a save clean up comes after it.
    scene = Scene(tmp_path, desktop)
    process = subprocess.Popen([sys.executable, str(MAIN), "capture", "--preset", "copy", "--file", str(scene.input),
                                "--output", str(scene.output)], cwd=scene.work, env=scene.env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:

        def overlay_open() -> bool:
            found = desktop.run("xdotool", "search", "--onlyvisible", "--class", "ai-image-studio", check=False)
            return bool(found.stdout.strip()) or process.poll() is not None

        wait_for(overlay_open, BOUND_S, "the capture overlay")
        assert process.poll() is None
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = process.wait(BOUND_S)
        ended_in = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
    assert code == -signal.SIGTERM
    assert ended_in < 2
    assert scene.unchanged() == []


def test_a_part_file_left_by_a_killed_save_is_removed_at_the_next_save_but_a_fresh_one_is_kept(
    tmp_path: Path,
) -> None:
    scene = Scene(tmp_path)
    old = scene.work / ".aiis-killedsave.part"
    old.write_bytes(b"half an image")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    fresh = scene.work / ".aiis-inprogress.part"  # another process's save, still running
    fresh.write_bytes(b"being written")
    with LoopbackServer([images_answer(png((48, 32)))], validator=OpenAISpec(KEY)) as server:
        done = edit(scene, server.url, "--output", str(scene.output))
    assert done.returncode == 0, done.stderr
    assert not old.exists()
    assert fresh.read_bytes() == b"being written"
    assert scene.output.read_bytes().startswith(b"\x89PNG")


def test_output_dash_into_a_closed_pipe_ends_quietly_with_141(tmp_path: Path) -> None:
    scene = Scene(tmp_path)
    # An input gpt-image-2.6 takes at its own size (16-aligned, over 655,360 pixels: ADR 020), so the
    # noise answer comes back whole, far bigger than the pipe's buffer.
    picture((1280, 1024)).save(scene.input)
    scene.before = listing(scene.work)
    answer = Image.frombytes("RGB", (1280, 1024), random.Random(16).randbytes(1280 * 1024 * 3))
    with LoopbackServer([images_answer(png_bytes(answer))], validator=OpenAISpec(KEY)) as server:
        config = scene.config(config_text("openai", server.url + "/v1", extra="output: {match_size: false}\n"))
        process = subprocess.Popen([sys.executable, str(MAIN), "--config", str(config), "edit", str(scene.input),
                                    "--provider", "openai", "--prompt", "p", "--output", "-"],
                                   cwd=scene.work, env=scene.env(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)  # fmt: skip
        assert process.stdout is not None
        assert process.stderr is not None
        first = process.stdout.read(1)  # as `| head -c1`: one byte, then the reader is gone
        process.stdout.close()
        err = process.stderr.read().decode()
        code = process.wait(BOUND_S)
    assert first == b"\x89"
    assert code == 141, err
    for noise in ("Traceback", "BrokenPipe", "Exception ignored"):
        assert noise not in err, err
    assert scene.unchanged() == []


def test_a_tray_style_edit_keeps_a_symlinked_settings_file_a_link_and_keeps_its_mode(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "aiis.yaml"
    real.write_text("# mine\noutput: {mode: clipboard}\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "config.yaml"
    link.symlink_to(real)
    start = time.monotonic()
    set_value_in_file(link, ("output", "mode"), "both")
    assert time.monotonic() - start < 2
    assert link.is_symlink()
    assert link.resolve() == real
    assert real.read_text(encoding="utf-8") == "# mine\noutput: {mode: both}\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert no_part_files(tmp_path) == []


@pytest.mark.desktop
def test_the_settings_watch_sees_an_editor_save_in_a_symlinked_files_target_folder(
    tmp_path: Path,
    root: tk.Tk,  # noqa: F811
) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "aiis.yaml"
    real.write_text("output: {mode: clipboard}\n", encoding="utf-8")
    (tmp_path / "config").mkdir()
    link = tmp_path / "config" / "config.yaml"
    link.symlink_to(real)
    changes: list[int] = []
    watch = SettingsWatch(root, link, lambda: changes.append(1))
    try:
        # As editors save: a new file in the target's folder, renamed over the target.
        fresh = dotfiles / ".aiis.yaml.swp"
        fresh.write_text("output: {mode: both}\n", encoding="utf-8")
        fresh.replace(real)
        pump(root, lambda: bool(changes), timeout=5)
    finally:
        watch.close()
    assert changes == [1]
    assert link.is_symlink()
