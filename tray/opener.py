"""Open a file or folder in the person's default program (the result, the output folder, the settings)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from core.errors import OpenError

log = logging.getLogger(__name__)


class SystemOpener:
    def __init__(self, env: Mapping[str, str], platform: str = sys.platform) -> None:
        self._env = dict(env)
        self._platform = platform

    def __call__(self, path: Path) -> None:
        """Raises ``OpenError`` when no program could be started for ``path``."""
        if self._platform == "win32":
            os.startfile(path)  # type: ignore[attr-defined,unused-ignore]  # noqa: S606 - Windows' own "open with default"
            return
        program = "open" if self._platform == "darwin" else "xdg-open"
        try:
            # A new session: the viewer must outlive us and never get our signals.
            subprocess.Popen(  # noqa: S603
                [program, str(path)],
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as error:
            raise OpenError(f"Could not open {path} ({program}: {error.strerror or error}).") from None
        log.info("opened %s with %s", path, program)
