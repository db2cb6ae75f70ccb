"""Keeping a finished job in the opt-in history (``privacy.history``, issue 18; ADR 031).

Called by the flow once a job's result is delivered. With history off nothing is written, not even
the folder. With it on, the record is written on one worker thread of its own: encoding and syncing
a 4K crop and its results takes a few hundred milliseconds, which the Tk thread must not spend while
the thumbnail paints. The images handed over are finished, so nothing changes them meanwhile.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from core.config import Config
from core.errors import AppError
from core.history import History, Record
from core.planning import Plan

log = logging.getLogger(__name__)

# Quitting waits this long for a record still being written, then leaves it (a hidden leftover).
CLOSE_WAIT_S = 10.0


def history_of(config: Config, folder: Path | None) -> History | None:
    """The history the settings ask for, or None when it is off (or the app has no state folder)."""
    if folder is None or not config.privacy.history:
        return None
    return History(folder, config.privacy.history_max_bytes)


class HistoryRecorder:
    """Writes each finished job to ``folder`` while the settings have history on."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._writer: concurrent.futures.ThreadPoolExecutor | None = None
        self._last: concurrent.futures.Future[None] | None = None

    def record(
        self,
        config: Config,
        plan: Plan,
        prompt: str,
        crop: Image.Image,
        mask: Image.Image | None,
        results: Sequence[Image.Image],
        *,
        model: str = "",
        cost_text: str = "",
    ) -> concurrent.futures.Future[None] | None:
        """Keep the job (on the writer thread); None, and nothing written, when history is off."""
        history = history_of(config, self.folder)
        if history is None:
            log.info("history is off: the job was not kept")
            return None
        provider_id = plan.provider_id or "none"
        settings = config.providers.get(provider_id)
        chosen_model = model or str(plan.options.get("model") or (settings.model if settings else "") or "")
        record = Record(
            crop=crop,
            results=tuple(results),
            prompt=prompt,
            provider=provider_id,
            model=chosen_model,
            options=plan.options,
            mask=mask,
            cost_text=cost_text,
        )
        if self._writer is None:
            self._writer = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="aiis-history")
        self._last = self._writer.submit(_write, history, record)
        return self._last

    def close(self) -> None:
        """Let the records being written finish (for at most ``CLOSE_WAIT_S``), then stop the writer."""
        writer, last, self._writer, self._last = self._writer, self._last, None, None
        if last is not None:
            # One writer thread, in order: the last record done means all are.
            concurrent.futures.wait([last], timeout=CLOSE_WAIT_S)
        if writer is not None:
            writer.shutdown(wait=False)


def _write(history: History, record: Record) -> None:
    try:
        entry = history.add(record)
    except AppError as error:
        # The result was delivered already; a history that cannot be written must not undo that.
        log.warning("history: the job was not kept: %s", error)
        return
    log.info("history: kept the job as %s (%d bytes)", entry.id, entry.size_bytes)
