"""Issue 16, local oddities (1 of 2): settings files that are missing, hostile, or not files at all.

Each case runs the real ``main.py`` in its own process (``Scene``: fresh HOME, TMPDIR, config folder)
and proves three things: the plain-words message and exit code 2, nothing lost (the existing out.png
byte for byte, the folder listing, an empty TMPDIR, no file of defaults written anywhere), and a
bounded time (every run has a timeout far below what the unbounded code took). Where a request could
go out, an HTTP proxy on loopback stands in for the internet and must see no connection at all.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.harness import MAIN, RawServer, Scene, config_text, listing, peak_rss_kib, read_head
from tests.tray.tray_session import PYTHON, tray_desktop, wait_for
from tests.virtual_desktop import VirtualDesktop

# The classic "billion laughs": nine levels of nine aliases, 10^9 strings once expanded (342 bytes).
LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{level}: &{level} [{','.join(['*' + previous] * 9)}]\n"
    for previous, level in zip("abcdefgh", "bcdefghi", strict=False)
)
# Worst case seen before the fix: 1.7 GB and tens of seconds. After it, well under a second.
BOUND_S = 10.0


def config_check(scene: Scene, config: str, *, timeout: float = BOUND_S) -> subprocess.CompletedProcess[str]:
    return scene.main("--config", config, "config", "check", timeout=timeout)


def refused_in_words(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


def no_defaults_written(scene: Scene) -> None:
    assert listing(scene.folder / "config") == {}, "a file of defaults was written in the config folder"


@contextlib.contextmanager
def internet_stand_in(scene: Scene) -> Iterator[RawServer]:
    """An HTTP proxy for every https request: a default base_url (api.openai.com) would reach it."""

    def answer(connection: object) -> None:
        read_head(connection)  # type: ignore[arg-type]

    with RawServer(answer) as proxy:
        scene.env_extra.update({"HTTPS_PROXY": proxy.url, "HTTP_PROXY": proxy.url, "NO_PROXY": ""})
        yield proxy


@pytest.mark.parametrize("named_by", ["flag", "env"])
def test_a_named_settings_file_that_is_missing_is_exit_2_and_nothing_is_sent(tmp_path: Path, named_by: str) -> None:
    scene = Scene(tmp_path)
    missing = tmp_path / "settigns.yaml"
    by_flag = ["--config", str(missing)] if named_by == "flag" else []
    if named_by == "env":
        scene.env_extra["AIIS_CONFIG"] = str(missing)
    with internet_stand_in(scene) as proxy:
        start = time.monotonic()
        done = scene.main(*by_flag, "edit", str(scene.input), "--provider", "openai", "--prompt", "p",
                          "--output", str(scene.output), timeout=BOUND_S)  # fmt: skip
        checked = scene.main(*by_flag, "config", "check", timeout=BOUND_S)
    refused_in_words(done, str(missing), "does not exist")
    refused_in_words(checked, str(missing), "does not exist")
    assert time.monotonic() - start < BOUND_S
    assert proxy.connections == 0, "the image was sent with the default settings"
    assert not missing.exists()
    no_defaults_written(scene)
    assert scene.unchanged() == []


def test_billion_laughs_is_refused_in_words_with_bounded_time_and_memory(tmp_path: Path) -> None:
    scene = Scene(tmp_path)
    laughs = scene.config(LAUGHS)
    assert len(LAUGHS.encode()) < 500
    baseline = tmp_path / "valid.yaml"
    baseline.write_text(config_text("openai", "https://api.openai.com/v1"), encoding="utf-8")
    peaks = {}
    for name, path in (("baseline", baseline), ("laughs", laughs)):
        start = time.monotonic()
        process = subprocess.Popen([sys.executable, str(MAIN), "--config", str(path), "config", "check"],
                                   cwd=scene.work, env=scene.env(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)  # fmt: skip
        with peak_rss_kib(process) as readings:
            _out, err = process.communicate(timeout=BOUND_S)
        elapsed = time.monotonic() - start
        peaks[name] = max(readings) / 1024
        if name == "laughs":
            assert process.returncode == 2
            assert "more than 10000 values" in err, err
            assert "Traceback" not in err
            assert elapsed < BOUND_S
    print(f"billion laughs: peak RSS {peaks['laughs']:.1f} MiB (valid file {peaks['baseline']:.1f} MiB)")  # noqa: T201
    assert peaks["laughs"] < peaks["baseline"] + 20
    assert scene.unchanged() == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("presets: " + "[" * 50_000 + "]" * 50_000 + "\n", "nested more than 32 levels"),
        ("a: &a [*a]\n", "nested more than 32 levels deep (through YAML aliases)"),
    ],
    ids=["50000-brackets", "alias-to-itself"],
)
def test_deep_nesting_is_refused_in_words_not_a_recursion_error(tmp_path: Path, text: str, words: str) -> None:
    scene = Scene(tmp_path)
    done = config_check(scene, str(scene.config(text)))
    refused_in_words(done, words)
    assert "RecursionError" not in done.stderr
    assert scene.unchanged() == []


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder", "3-mb-file"])
def test_a_settings_path_that_is_not_a_small_regular_file_is_refused_before_reading(tmp_path: Path, kind: str) -> None:
    scene = Scene(tmp_path)
    path = tmp_path / "odd.yaml"
    if kind == "fifo":
        os.mkfifo(path)  # no writer ever opens it: a blocking open or read would hang until the timeout
    elif kind == "folder":
        path.mkdir()
    elif kind == "3-mb-file":
        path.write_text("# padding\n" * 300_000, encoding="utf-8")
    target = "/dev/zero" if kind == "dev-zero" else str(path)
    words = {"fifo": "is a named pipe (FIFO)", "dev-zero": "is a device", "folder": "is a folder", "3-mb-file": "MB"}
    with internet_stand_in(scene) as proxy:
        checked = config_check(scene, target)
        edited = scene.main("--config", target, "edit", str(scene.input), "--provider", "openai", "--prompt", "p",
                            "--output", str(scene.output), timeout=BOUND_S)  # fmt: skip
    refused_in_words(checked, target, words[kind])
    refused_in_words(edited, target, words[kind])
    assert proxy.connections == 0
    assert scene.unchanged() == []


@pytest.mark.parametrize(
    ("base_url", "words"),
    [
        ("https://api.example.com:99999/v1", "port that does not exist"),
        ("http://127.evil.example/v1", "plain http to another computer"),
        ("http://localhost.evil.example/v1", "plain http to another computer"),
        ("http://0x7f.1/v1", "plain http to another computer"),
    ],
    ids=["port-99999", "127.evil.example", "localhost.evil.example", "0x7f.1"],
)
def test_config_check_refuses_a_base_url_that_would_fail_or_leak_later(
    tmp_path: Path, base_url: str, words: str
) -> None:
    scene = Scene(tmp_path)
    done = config_check(scene, str(scene.config(config_text("openai", base_url))))
    # config_text puts the provider's settings on line 3
    refused_in_words(done, ":3: providers.openai.base_url:", words)


@pytest.mark.parametrize("pattern", ["{date:>999999}", "{preset.__class__}", "{0}", "{preset!r}"])
def test_config_check_refuses_format_parts_in_the_file_name_pattern(tmp_path: Path, pattern: str) -> None:
    scene = Scene(tmp_path)
    extra = f'output: {{pattern: "{pattern}"}}\n'
    done = config_check(scene, str(scene.config(config_text("openai", "https://api.openai.com/v1", extra=extra))))
    refused_in_words(done, ":4: output.pattern:", pattern)


@pytest.fixture(scope="module")
def tray_screen() -> Iterator[VirtualDesktop]:
    with tray_desktop() as running:
        yield running


@pytest.mark.desktop
def test_the_tray_named_a_missing_file_says_so_starts_on_defaults_and_writes_no_file(
    tmp_path: Path, tray_screen: VirtualDesktop
) -> None:
    missing = tmp_path / "named.yaml"
    (tmp_path / "run").mkdir(mode=0o700)
    env = {**tray_screen.env, "HOME": str(tmp_path), "TMPDIR": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path / "run"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "PYSTRAY_BACKEND": "gtk"}  # fmt: skip
    log = tmp_path / "app.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([str(PYTHON), str(MAIN), "-v", "--config", str(missing)], env=env,
                                   cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink)  # fmt: skip
    try:
        wait_for(lambda: "tray app running" in log.read_text() or process.poll() is not None, 20, "the tray")
        text = log.read_text()
        assert "tray app running" in text, text
        assert f"{missing}: does not exist" in text
        process.terminate()
        assert process.wait(15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
    assert not missing.exists()
    assert listing(tmp_path / "config") == {}
    assert "Traceback" not in log.read_text()
