"""Where the app keeps its files, per the platform's conventions (platformdirs)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "ai-image-studio"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """Logs and the opt-in history live here, never in the config folder."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def runtime_dir() -> Path:
    """Per-user, private: the single-instance socket lives here."""
    return Path(platformdirs.user_runtime_dir(APP_NAME, appauthor=False))
