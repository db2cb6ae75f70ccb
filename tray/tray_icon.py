"""pystray's icon in its own daemon thread (docs/adr/005-threading-model.md).

pystray wants the main thread for ``run`` and so does Tk; ``run_detached`` misbehaves beside Tk
(DESKTOP-TESTING.md), so ``icon.run`` gets a daemon thread of its own. Setting the picture or the
menu from the Tk thread is safe on the gtk and appindicator backends: pystray schedules both on
its GLib loop. Menu clicks arrive on pystray's thread and only post a ``MenuCommand``.
"""

from __future__ import annotations

import importlib
import itertools
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

from core.errors import TrayIconError
from tray.events import MenuCommand
from tray.icon import IconImages, State
from tray.menu import MenuItem, to_pystray

log = logging.getLogger(__name__)

NAME = "ai-image-studio"
TITLES = MappingProxyType(
    {"idle": "AI Image Studio", "busy": "AI Image Studio: working", "error": "AI Image Studio: last job failed"}
)
STOP_JOIN_SECONDS = 2.0


def load_pystray() -> ModuleType:
    """pystray, or a ``TrayIconError`` in plain words: it raises at import time without a desktop session."""
    # GDK_GL=disable is set where the process starts (main.set_process_switches).
    try:
        module = importlib.import_module("pystray")
    except Exception as error:  # pystray raises plain Exceptions when no backend fits
        raise TrayIconError(
            f"The tray icon cannot be shown here ({error}). Start the app inside a desktop session "
            "(DISPLAY or WAYLAND_DISPLAY set); on Linux the tray needs PyGObject (see the README)."
        ) from None
    return module


class PystrayIcon:
    """``icon_folder``: where the gtk backends' icon file goes instead of the shared temp folder."""

    def __init__(
        self,
        pystray: ModuleType,
        images: IconImages,
        post: Callable[[MenuCommand], None],
        icon_folder: Path | None = None,
    ) -> None:
        self._pystray = pystray
        self._images = images
        self._post = post
        self._icon = pystray.Icon(NAME, images["idle"], TITLES["idle"])
        self._thread: threading.Thread | None = None
        self._state: State = "idle"
        self._menu: tuple[MenuItem, ...] = ()
        if icon_folder is not None and hasattr(self._icon, "_update_fs_icon"):
            _keep_icon_file_in(self._icon, icon_folder)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="aiis-tray", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._icon.run()
        except Exception as error:
            if type(error).__module__.startswith("gi."):
                # Raised on the way out by pystray's gtk backends when no notification service runs.
                log.debug("tray icon ended: %s", error)
                return
            log.exception("the tray icon stopped with an error")

    def show_state(self, state: str) -> None:
        if state == self._state or state not in TITLES:
            return
        self._state = state  # type: ignore[assignment]
        self._icon.icon = self._images[self._state]
        self._icon.title = TITLES[state]

    def show_menu(self, items: tuple[MenuItem, ...]) -> None:
        if items == self._menu:
            return
        self._menu = items
        self._icon.menu = to_pystray(items, self._post, self._pystray)

    def stop(self) -> None:
        try:
            self._icon.stop()
        except Exception as error:
            # gtk/appindicator raise GLib.Error here when no notification service runs (DESKTOP-TESTING.md).
            log.debug("tray icon stop: %s", error)
        if self._thread is not None:
            self._thread.join(STOP_JOIN_SECONDS)


def _keep_icon_file_in(icon: Any, folder: Path) -> None:  # noqa: ANN401 - a pystray gtk Icon
    """Write the icon file the gtk/appindicator backends need into our own runtime folder.

    pystray 0.19.5 writes it with ``tempfile.mktemp()`` into the shared temp folder and removes it
    only on a clean stop, so a killed tray left it behind (fault suite, issue 6). Our folder is
    per-user and only the one running tray uses it, so whatever is there at start is stale.
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for stale in folder.glob("tray-icon-*.png"):
        stale.unlink(missing_ok=True)
    counter = itertools.count()

    def update_fs_icon() -> None:
        # A new name each time: a tray host may cache the picture by its path.
        path = folder / f"tray-icon-{os.getpid()}-{next(counter)}.png"
        icon.icon.save(path, "PNG")
        icon._icon_path = str(path)
        icon._icon_valid = True

    icon._update_fs_icon = update_fs_icon
