"""The three things every hostile case proves: nothing is lost, nothing leaks, time is bounded.

``timed_edit`` runs ``main.py edit`` (through ``tests.faults.harness.Scene``) and returns the finished
process with its wall time; ``leaked_keys`` lists every fake key found in its output or in any file
the run left under the scene's folder (logs, results, TMPDIR); ``refused`` is the whole check for a
job that must fail in words.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.faults.harness import KEYS, Scene

NAMES = {"openai": "OpenAI", "google": "Google Gemini", "ideogram": "Ideogram", "photoroom": "PhotoRoom"}
# Generous for two busy cores: Python and Pillow start in 1-3 s there; each case's own wait is added.
START_UP = 12.0


@dataclass(frozen=True)
class Timed:
    done: subprocess.CompletedProcess[str]
    seconds: float

    @property
    def stderr(self) -> str:
        return self.done.stderr


def timed_edit(scene: Scene, provider: str, base_url: str, *args: str, timeout: float = 10) -> Timed:
    started = time.monotonic()
    done = scene.edit(provider, base_url, "--prompt", "p", *args, timeout=timeout)
    return Timed(done, time.monotonic() - started)


def leaked_keys(scene: Scene, run: Timed) -> list[str]:
    """Where a fake key shows up: stdout, stderr, or a file under the scene's folder."""
    found = []
    files = [path for path in scene.folder.rglob("*") if path.is_file()]
    for name, key in KEYS.items():
        if key in run.done.stdout or key in run.done.stderr:
            found.append(f"{name} in the output")
        found.extend(f"{name} in {path}" for path in files if key.encode() in _read(path))
    return found


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def refused(scene: Scene, run: Timed, provider: str, words: str, *, within: float) -> None:
    """Exit 1 with the reason in words, everything as it was, no key anywhere, in bounded time."""
    assert run.done.returncode == 1, run.stderr
    assert f"Error: {NAMES[provider]}: " in run.stderr, run.stderr
    assert words in run.stderr, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    assert scene.unchanged() == []
    assert leaked_keys(scene, run) == []
    assert run.seconds < within + START_UP, run.seconds
