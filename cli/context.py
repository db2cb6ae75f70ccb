"""What every subcommand is handed: streams, environment, and the parts built once on demand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TextIO

from core.config import Config, load_config, resolve_config_path
from core.keys import KeyStore, system_backend
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

    @cached_property
    def config(self) -> Config:
        return load_config(self.config_path, self.catalog)

    @cached_property
    def keys(self) -> KeyStore:
        # The backend is opened on the key store's worker at first use: choosing it talks to D-Bus.
        return KeyStore(self.catalog, self.env, open_backend=system_backend)

    def say(self, message: str) -> None:
        """A line for the person on stderr (progress, confirmations); stdout stays for data."""
        print(message, file=self.stderr, flush=True)
