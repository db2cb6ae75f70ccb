"""The Provider menu's Model submenu: the models the key can use, from the list kept in the state folder.

The list is the one ``main.py models`` keeps (``core.model_list``). It is asked again at most once
a day per provider, on a worker thread with its own short-lived HTTP client, never on the Tk
thread (docs/adr/005-threading-model.md); the worker only posts ``MenuCommand(REFRESHED)`` to the
app's queue, and the Tk thread then reads the new file and rebuilds the menu. Offline, the
built-in catalog is shown and the menu says so. See docs/adr/018-live-model-lists.md.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from core import model_list
from core.config import ProviderSettings
from core.errors import AppError
from core.model_list import ModelList
from providers.base import ProviderInfo
from providers.registry import can_list_models, catalog_models, fetch_models
from tray.events import MenuCommand
from tray.menu import MenuItem

log = logging.getLogger(__name__)

CHOOSE = "model"
# At quit, how long to wait for a running ask: building its HTTP client loads the CA bundle
# (~0.1 s inside OpenSSL), and a thread inside OpenSSL while the process exits crashes it.
QUIT_JOIN_SECONDS = 1.0
REFRESHED = "models_refreshed"
SEPARATOR = "\t"


def model_items(
    info: ProviderInfo, configured: str | None, listed: ModelList | None, today: str
) -> tuple[MenuItem, ...]:
    """Radio items for ``info``'s models; a retired configured model is said first, with its successor."""
    shown = listed if listed is not None and listed.models else catalog_models(info)
    items: list[MenuItem] = []
    retired = info.retirement(configured)
    if retired is not None:
        items.append(
            MenuItem(f"{configured} was shut down on {retired.shutdown}: choose {retired.successor}", enabled=False)
        )
    for model in shown.models:
        label = model.id
        if model.shutdown_date:
            label += f" ({'shut down' if model.shutdown_date <= today else 'shuts down'} {model.shutdown_date})"
        value = f"{info.id}{SEPARATOR}{model.id}"
        items.append(MenuItem(label, CHOOSE, value, checked=model.id == configured, radio=True))
    if shown.source != model_list.LIVE:
        items.append(MenuItem("(built-in list: the provider could not be asked yet)", enabled=False))
    return tuple(items)


def parse_choice(value: str) -> tuple[str, str]:
    provider_id, _, model_id = value.partition(SEPARATOR)
    return provider_id, model_id


class ModelLists:
    """The kept lists and their daily refresh; lives on the Tk thread, starts workers that only post."""

    def __init__(self, folder: Path | None, post: Callable[[MenuCommand], None]) -> None:
        self.folder = folder
        self.post = post
        self._asked: set[str] = set()
        self._workers: list[threading.Thread] = []

    def items(self, info: ProviderInfo, settings: ProviderSettings) -> tuple[MenuItem, ...]:
        folder = self.folder
        listed = model_list.load(folder, info.id, settings.base_url) if folder is not None else None
        configured = settings.model
        if not can_list_models(info.id) and not info.models:
            return ()
        return model_items(info, configured, listed, date.today().isoformat())

    def refresh_if_stale(self, info: ProviderInfo, settings: ProviderSettings, key_for: Callable[[str], str]) -> bool:
        """Start one background ask for ``info`` unless its list is fresh or was asked this session.

        Only the provider's own public endpoint is asked unprompted: a server of the person's own (a
        proxy, LocalAI) changes its list when its owner does, and gets no call the person did not
        make; ``main.py models`` asks it on request.
        """
        if self.folder is None or not can_list_models(info.id) or info.id in self._asked:
            return False
        if settings.base_url.rstrip("/") != info.default_base_url.rstrip("/"):
            return False
        self._asked.add(info.id)
        kept = model_list.load(self.folder, info.id, settings.base_url)
        if kept is not None and kept.is_fresh(model_list.now_utc()):
            return False
        try:
            key = key_for(info.id)  # read here, on the Tk thread: the keyring is not shared with the worker
        except AppError as error:
            log.info("models: %s not asked: %s", info.id, error)
            return False
        worker = threading.Thread(
            target=self._ask, args=(self.folder, info.id, settings, key), name=f"models-{info.id}", daemon=True
        )
        worker.start()
        self._workers.append(worker)
        return True

    def close(self, timeout: float = QUIT_JOIN_SECONDS) -> None:
        """Give running asks a moment before the process exits.

        Quitting right after start, while a worker built its HTTP client, ended in SIGSEGV: exit's
        OPENSSL_cleanup freed what the worker's ``load_verify_locations`` was reading (gdb, core).
        Workers stay daemons, so a slow provider still cannot hold the quit up for longer.
        """
        deadline = time.monotonic() + timeout
        for worker in self._workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        self._workers = [worker for worker in self._workers if worker.is_alive()]

    def _ask(self, folder: Path, provider_id: str, settings: ProviderSettings, key: str) -> None:
        """On the worker: ask, keep the answer, tell the Tk thread. Never touches a widget."""
        import asyncio  # here, not at start: it imports ssl, 9 MiB of an idle tray (core/jobs.py)

        from providers.http import build_http_client

        async def ask() -> ModelList:
            async with build_http_client() as client:
                return await fetch_models(provider_id, settings, client, key)

        try:
            listed = asyncio.run(ask())
        except AppError as error:
            log.info("models: %s could not be asked (%s); the menu keeps the list it has", provider_id, error)
            return
        model_list.save(folder, listed)
        log.info("models: %s lists %d models", provider_id, len(listed.models))
        self.post(MenuCommand(REFRESHED, provider_id))
