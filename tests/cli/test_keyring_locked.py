"""The command line with a keyring that never answers, and keys with characters no key has (issues 17, 16).

GIVEN a private session bus whose ``org.freedesktop.secrets`` owns its name and never replies (what
a locked keyring waiting on its password prompt looks like to us; tests/locked_keyring.py), WHEN a
person runs ``keys list|set|delete`` or ``edit`` that needs a key from it, THEN each answers within
a few seconds, with the plain message and exit code 2, instead of waiting (measured before: more
than 10 minutes). A key with a control, space or non-ASCII character is refused in words before a
request is sent, and never echoed, not even at ``-vv``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.locked_keyring import locked_gnome_keyring, silent_secret_service
from tests.providers.loopback import LoopbackServer
from tests.virtual_desktop import VirtualDesktop

pytestmark = pytest.mark.desktop

ROOT = Path(__file__).resolve().parents[2]
# The key store's limit is 5 s; the rest is Python starting and the message being printed.
ANSWER_WITHIN = 7.0
LOCKED = "The system keyring did not answer in 5 s; it may be locked: unlock it (or log in again), or set "


@pytest.fixture(scope="module")
def locked() -> Iterator[VirtualDesktop]:
    with silent_secret_service() as desktop:
        yield desktop


def run_main(
    env: dict[str, str], *args: str, stdin: bytes = b"", cwd: Path = ROOT
) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        env=env,
        input=stdin.decode(),
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
    )
    return result, time.monotonic() - started


def test_keys_list_with_a_locked_keyring_lists_environment_keys_and_marks_the_others_unknown(
    locked: VirtualDesktop,
) -> None:
    result, seconds = run_main({**locked.env, "GOOGLE_API_KEY": "AIzaSyFAKEFAKEFAKEFAKE1234"}, "keys", "list")
    assert seconds < ANSWER_WITHIN, f"keys list took {seconds:.1f} s"
    assert result.returncode == 2, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "environment (GOOGLE_API_KEY)" in rows["google"]
    assert "AIz...1234" in rows["google"]
    for provider_id in ("openai", "ideogram", "photoroom"):
        assert "unknown (keyring locked?)" in rows[provider_id]
    assert f"Error: {LOCKED}the provider's environment variable (for example OPENAI_API_KEY)." in result.stderr
    assert "Traceback" not in result.stderr


def test_keys_list_with_a_real_locked_gnome_keyring_activated_by_the_bus_answers_in_seconds() -> None:
    # The real case: the bus activates gnome-keyring, whose login keyring is locked, and its
    # password prompt (gcr-prompter, on the test's X server) is never answered.
    with locked_gnome_keyring() as desktop:
        result, seconds = run_main(desktop.env, "keys", "list")
        prompt = desktop.run("xdotool", "search", "--onlyvisible", "--class", "gcr-prompter", check=False)
    assert seconds < ANSWER_WITHIN, f"keys list took {seconds:.1f} s"
    assert result.returncode == 2
    assert "unknown (keyring locked?)" in next(r for r in result.stdout.splitlines() if r.startswith("ideogram "))
    assert LOCKED in result.stderr
    assert prompt.stdout.strip(), "the keyring really was waiting on its password prompt"


def test_keys_set_from_stdin_with_a_locked_keyring_says_so_and_exits_2(locked: VirtualDesktop) -> None:
    key = "sk-test-locked-keyring-0123456789"
    result, seconds = run_main(locked.env, "keys", "set", "openai", stdin=(key + "\n").encode())
    assert seconds < ANSWER_WITHIN, f"keys set took {seconds:.1f} s"
    assert result.returncode == 2
    assert result.stderr.strip().endswith(f"Error: {LOCKED}OPENAI_API_KEY.")
    assert key not in result.stdout + result.stderr


def test_keys_delete_with_a_locked_keyring_says_so_and_exits_2(locked: VirtualDesktop) -> None:
    result, seconds = run_main(locked.env, "keys", "delete", "ideogram")
    assert seconds < ANSWER_WITHIN, f"keys delete took {seconds:.1f} s"
    assert result.returncode == 2
    assert f"Error: {LOCKED}IDEOGRAM_API_KEY." in result.stderr


def edit_setup(tmp_path: Path, server: LoopbackServer) -> tuple[Path, Path]:
    config = tmp_path / "config.yaml"
    config.write_text(f'providers:\n  openai: {{base_url: "{server.url}/v1", timeout: 10}}\n', encoding="utf-8")
    photo = tmp_path / "photo.png"
    Image.new("RGB", (64, 48), (30, 90, 150)).save(photo)
    return config, photo


def test_edit_needing_a_key_from_a_locked_keyring_answers_in_seconds_and_sends_nothing(
    locked: VirtualDesktop, tmp_path: Path
) -> None:
    out = tmp_path / "out.png"
    with LoopbackServer() as server:
        config, photo = edit_setup(tmp_path, server)
        args = ("--config", str(config), "edit", str(photo), "--provider", "openai", "--prompt", "sunset")
        result, seconds = run_main(locked.env, *args, "--output", str(out), cwd=tmp_path)
    assert seconds < ANSWER_WITHIN, f"edit took {seconds:.1f} s"
    assert result.returncode == 2
    assert f"Error: {LOCKED}OPENAI_API_KEY." in result.stderr
    assert server.requests == []
    assert not out.exists()


def test_capture_with_an_active_preset_and_a_locked_keyring_says_so_before_the_screen_freezes(
    locked: VirtualDesktop, tmp_path: Path
) -> None:
    # A locked keyring is not "no key": the active preset is not swapped for 'copy' behind the person's back.
    config = tmp_path / "config.yaml"
    config.write_text(
        "active_preset: restyle\n"
        "providers:\n  openai: {base_url: 'http://127.0.0.1:9/v1'}\n"
        "presets:\n  - {name: restyle, provider: openai, mode: edit, prompt: 'Redraw this'}\n",
        encoding="utf-8",
    )
    env = {**locked.env, "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path)}
    result, seconds = run_main(env, "--config", str(config), "capture", "--output", str(tmp_path / "o.png"))
    assert seconds < ANSWER_WITHIN, f"capture took {seconds:.1f} s"
    assert result.returncode == 2
    assert f"Error: {LOCKED}OPENAI_API_KEY." in result.stderr
    assert not (tmp_path / "o.png").exists()


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ("sk-proj-abc\x01def0123456789", "contains a control character"),
        ("sk-proj-abc\x1b[2Jdef0123456789", "contains a control character"),
        ("sk-proj-abc def0123456789", "contains a space inside"),
        ("sk-proj-abc\u200bdef0123456789", "contains a non-ASCII character"),
        ("sk-proj-\u0430bcdef0123456789", "contains a non-ASCII character"),  # a Cyrillic a
    ],
)
def test_an_environment_key_no_key_could_be_is_refused_before_any_request_and_never_echoed(
    tmp_path: Path, bad: str, problem: str
) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "OPENAI_API_KEY": bad,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    with LoopbackServer() as server:
        config, photo = edit_setup(tmp_path, server)
        args = ("-vv", "--config", str(config), "edit", str(photo), "--provider", "openai", "--prompt", "x")
        result, _ = run_main(env, *args, "--output", str(tmp_path / "out.png"), cwd=tmp_path)
    assert result.returncode == 2
    assert f"Error: The OPENAI_API_KEY value {problem}; set it again with only the key." in result.stderr
    assert server.requests == [], "nothing was sent with a key like that"
    for part in ("abc", "def0123456789"):
        assert part not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_keyring_libraries_log_no_key_at_debug_level(desktop: VirtualDesktop) -> None:
    # keyring, secretstorage and jeepney at -vv: the backends are named as they are tried, nothing more.
    key = "sk-test-debug-logging-abcdef0123456789"
    env = dict(desktop.env)
    stored, _ = run_main(env, "-vv", "keys", "set", "photoroom", stdin=(key + "\n").encode())
    assert stored.returncode == 0, stored.stderr
    listed, _ = run_main(env, "-vv", "keys", "list")
    deleted, _ = run_main(env, "-vv", "keys", "delete", "photoroom")
    assert deleted.returncode == 0
    output = "".join(r.stdout + r.stderr for r in (stored, listed, deleted))
    assert "DEBUG desktop.secrets.system: keyring backend SecretServiceKeyring (priority" in output, (
        "debug logging was on"
    )
    assert "photoroom" in listed.stdout
    for part in (key, key[3:15], key[-12:]):
        assert part not in output
