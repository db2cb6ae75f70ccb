"""Tray > History (issue 18): the History window's actions, on the Tk thread.

Open shows a kept job in the result viewer (``tray.results``), as if it had just finished; Copy puts
its first result on the clipboard through the one delivery path (``core.delivery``), so a failed copy
leaves the clipboard as it was. The list is read from the folder each time: records written by the
recorder's thread or pruned meanwhile show up, or go, on the next reload. Records kept before history
was turned off are still listed, so they can be removed.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Mapping
from pathlib import Path

from PIL import Image

from core.config import Config
from core.delivery import ClipboardSource, Destination, Naming, deliver
from core.history import Entry, History
from core.planning import provider_plan
from overlay.history_window import HistoryWindow
from providers.base import ProviderInfo
from tray.flow import JobFlow
from tray.results import JobContext, LastResult

log = logging.getLogger(__name__)

OFF_NOTE = "History is off: new jobs are not kept. Turn it on with privacy.history: true in the settings."


class HistoryView:
    """The History window for ``folder``; one at a time (a second menu click brings it forward)."""

    def __init__(
        self,
        root: tk.Misc,
        flow: JobFlow,
        folder: Path | None,
        clipboard: ClipboardSource,
        catalog: Mapping[str, ProviderInfo] | None = None,
    ) -> None:
        self._root = root
        self._catalog = catalog or {}
        self._config: Config | None = None
        self._flow = flow
        self._folder = folder
        self._clipboard = clipboard
        self._history: History | None = None
        self.window: HistoryWindow | None = None

    def show(self, config: Config) -> None:
        if self._folder is None:
            self._flow.notify("AI Image Studio", "This app keeps no history here (it has no state folder).")
            return
        self._config = config
        self._history = History(self._folder, config.privacy.history_max_bytes)
        if self.window is not None and not self.window.closed:
            self.window.reload()
            self.window.lift()
            return
        note = "" if config.privacy.history else OFF_NOTE
        self.window = HistoryWindow(self._root, self, note=note)

    def _kept(self) -> History:
        assert self._history is not None  # noqa: S101 - set by show before the window exists
        return self._history

    def entries(self) -> list[Entry]:
        return self._kept().entries()

    def thumbnail(self, entry: Entry) -> Image.Image:
        return self._kept().thumbnail(entry)

    def open_entry(self, entry: Entry) -> None:
        history = self._kept()
        job = self._job_of(entry, history)
        if self._config is not None:
            # The viewer's Enter delivers as the output settings say now, named as from the history.
            self._flow.choose_delivery(self._config, Naming("history", entry.provider, "history"))
        # No region: the crop's place on the screen is long gone, so the viewer is fitted in the middle.
        self._flow.results.show(LastResult(history.crop(entry), history.results(entry), None, job, entry.cost_text))
        self._flow.results.open()

    def _job_of(self, entry: Entry, history: History) -> JobContext | None:
        """What E and R ask again: the entry's provider, model, options and prompt (None if it is gone)."""
        info = self._catalog.get(entry.provider)
        if info is None or self._config is None:
            return None
        options = {**entry.options, **({"model": entry.model} if entry.model else {})}
        plan = provider_plan(info, preset="history", prompt=entry.prompt, options=options)
        return JobContext(self._config, plan, entry.prompt, history.mask(entry))

    def copy(self, entry: Entry) -> None:
        image = self._kept().results(entry)[0]
        delivery = deliver(
            [image], Destination(copy=True), Naming("history", entry.provider, "history"), self._clipboard
        )
        log.info("history: copied %s (%dx%d)", entry.id, delivery.width, delivery.height)
        self._flow.notify("AI Image Studio", f"Copied {delivery.width}x{delivery.height} from the history.")

    def delete(self, entry: Entry) -> None:
        self._kept().delete(entry.id)
        log.info("history: removed %s", entry.id)

    def clear(self) -> int:
        removed = self._kept().clear()
        log.info("history: removed all %d kept job(s)", removed)
        return removed

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
            self.window = None
