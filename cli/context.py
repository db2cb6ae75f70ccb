"""What every subcommand is handed: streams, environment, and the parts built once on demand."""

from __future__ import annotations

import signal
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import FrameType
from typing import TextIO

from core.config import Config, config_path_is_explicit, load_config, resolve_config_path
from core.keys import KeyStore
from desktop.secrets.system import system_backend
from providers.base import ProviderInfo
from providers.registry import provider_catalog


@dataclass
class CliContext:
    """Built in ``main.py`` per invocation; nothing here is global."""

    env: Mapping[str, str]
    stdin: TextIO
    stdout: TextIO
    stderr: TextIO
    config_arg: str | None = None
    catalog: dict[str, ProviderInfo] = field(default_factory=provider_catalog)

    @cached_property
    def config_path(self) -> Path:
        return resolve_config_path(self.config_arg, self.env)

    @property
    def config_explicit(self) -> bool:
        """Named with ``--config`` or ``AIIS_CONFIG``: then it must exist (issue 16)."""
        return config_path_is_explicit(self.config_arg, self.env)

    @cached_property
    def config(self) -> Config:
        return load_config(self.config_path, self.catalog, must_exist=self.config_explicit)

    @cached_property
    def keys(self) -> KeyStore:
        # The backend is opened on the key store's worker at first use: choosing it talks to D-Bus.
        return KeyStore(self.catalog, self.env, open_backend=lambda: system_backend(self.env))

    def say(self, message: str) -> None:
        """A line for the person on stderr (progress, confirmations); stdout stays for data."""
        print(message, file=self.stderr, flush=True)


def end_on_sigterm() -> None:
    """SIGTERM ends the command through ``SystemExit(143)`` on the main thread, not on the spot.

    The default action runs no ``finally``: a save in progress left its ``.part`` file (issue 16).
    Only for code that runs Python on the main thread; inside Tk's wait the handler would be late.
    """
    signal.signal(signal.SIGTERM, _exit_for_signal)


def _exit_for_signal(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
