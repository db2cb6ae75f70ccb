"""Our app under test: its settings for the run, the tray process, and a cold ``main.py capture``.

The tray is started exactly as a person starts it (``python main.py``), with ``AIIS_CONFIG``
pointing at a bench settings file: the ``copy`` preset active on the capture hotkey, and a
``bench`` preset on its own hotkey that sends the region to the loopback OpenAI server.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from bench.xserver import BenchDesktop

REPO = Path(__file__).resolve().parents[1]
CAPTURE_HOTKEY = "ctrl+shift+e"
JOB_HOTKEY = "ctrl+shift+b"
FAKE_KEY = "sk-bench-not-a-real-key"

_SETTINGS = """\
default_provider: openai
providers:
  openai: {{model: gpt-image-2.6-flare, base_url: "{base_url}", timeout: 30}}
hotkeys: {{capture: "<ctrl>+<shift>+e", clipboard: null}}
presets:
  - {{name: copy, provider: none}}
  - {{name: bench, provider: openai, mode: edit, prompt: "bench", hotkey: "<ctrl>+<shift>+b",
     options: {{size: 1024x1024}}}}
active_preset: copy
output: {{mode: clipboard, folder: "{folder}", format: png}}
privacy: {{history: false}}
jobs: {{max_concurrent: 2, remove_background_after: false}}
"""


@dataclass(frozen=True)
class AppLaunch:
    argv: tuple[str, ...]
    env: dict[str, str]
    cwd: Path


def write_settings(desktop: BenchDesktop, provider_url: str) -> Path:
    path = desktop.home / "bench-config.yaml"
    folder = desktop.home / "results"
    path.write_text(_SETTINGS.format(base_url=provider_url + "/v1", folder=folder), encoding="utf-8")
    return path


def app_env(desktop: BenchDesktop, settings: Path, runtime_dir: Path | None = None) -> dict[str, str]:
    env = {**desktop.env, "AIIS_CONFIG": str(settings), "OPENAI_API_KEY": FAKE_KEY}
    if runtime_dir is not None:
        # A runtime folder of its own: a cold `capture` must not find the tray and hand over to it.
        runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        env["XDG_RUNTIME_DIR"] = str(runtime_dir)
    return env


def tray_launch(desktop: BenchDesktop, settings: Path, app: Path = REPO) -> AppLaunch:
    """``app``: the checkout whose ``main.py`` runs (another one to measure a change before committing it)."""
    return AppLaunch((sys.executable, str(app / "main.py")), app_env(desktop, settings), app)


def capture_launch(desktop: BenchDesktop, settings: Path, app: Path = REPO) -> AppLaunch:
    env = app_env(desktop, settings, desktop.home / "cold-run")
    argv = (sys.executable, str(app / "main.py"), "capture", "--preset", "copy", "--copy")
    return AppLaunch(argv, env, app)


def socket_path(env: dict[str, str]) -> Path:
    """Where the tray listens (``core.paths.runtime_dir`` under the XDG runtime folder)."""
    return Path(env["XDG_RUNTIME_DIR"]) / "ai-image-studio" / "tray.sock"
