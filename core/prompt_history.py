"""Recent prompts for Up/Down in the prompt bar: in memory only, unless the person turned history on.

With ``privacy.history: true`` the prompts are kept in a file in the state folder (never the logs),
one per line, newest last, at most ``limit``. With it off nothing is written, and an existing file
is left alone: turning history off must not silently destroy what the person chose to keep.
"""

from __future__ import annotations

import logging
from pathlib import Path

from core.output import write_file

log = logging.getLogger(__name__)

LIMIT = 50


class PromptHistory:
    def __init__(self, file: Path | None = None, limit: int = LIMIT) -> None:
        self._file = file
        self._limit = limit
        self._items: list[str] = self._load()

    def _load(self) -> list[str]:
        if self._file is None:
            return []
        try:
            lines = self._file.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as error:
            log.warning("prompt history not read: %s", error.__class__.__name__)
            return []
        return [line for line in lines if line.strip()][-self._limit :]

    @property
    def items(self) -> tuple[str, ...]:
        """Oldest first."""
        return tuple(self._items)

    def add(self, prompt: str) -> None:
        # One line per prompt in the file: newlines become spaces.
        prompt = " ".join(prompt.split())
        if not prompt:
            return
        if prompt in self._items:
            self._items.remove(prompt)
        self._items.append(prompt)
        del self._items[: -self._limit]
        if self._file is not None:
            try:
                write_file(("\n".join(self._items) + "\n").encode("utf-8"), self._file)
            except Exception as error:  # history is a convenience: a failure must not stop a job
                log.warning("prompt history not saved: %s", error.__class__.__name__)


class HistoryCursor:
    """Up/Down through the history while one prompt bar is open; the typed text is kept at the end."""

    def __init__(self, items: tuple[str, ...], current: str) -> None:
        self._items = [*items, current]
        self._index = len(self._items) - 1

    def older(self, current: str) -> str:
        self._items[self._index] = current
        self._index = max(0, self._index - 1)
        return self._items[self._index]

    def newer(self, current: str) -> str:
        self._items[self._index] = current
        self._index = min(len(self._items) - 1, self._index + 1)
        return self._items[self._index]
