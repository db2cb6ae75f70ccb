"""Which tray icon this session gets: ours (SNI or XEmbed) where the session hosts one, else pystray's.

The method rule of ``desktop.methods``, best first: ``sni`` (our jeepney item, no GTK: issue 14)
when org.kde.StatusNotifierWatcher has an owner on the session bus; ``xembed`` (our own XEmbed
icon, no GTK: ADR 040) when an XEmbed tray owns ``_NET_SYSTEM_TRAY_S<screen>``; ``gtk`` (pystray:
AppIndicator or Gtk.StatusIcon, whichever it finds, and the system's tray on Windows and macOS);
``gtk-statusicon`` (pystray's gtk backend forced to Gtk.StatusIcon: what ``xembed`` meant before
ADR 040). ``AIIS_TRAY=<name>`` pins one; the choice and its reason are in the log. ``ChosenTray``
starts the first that works and moves to the next when its host leaves (the SNI watcher, or the
XEmbed tray for good), showing the last state and menu again (docs/adr/035-sni-tray-icon.md).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from core.errors import TrayIconError
from desktop.methods import Capability, usable
from tray.events import Event
from tray.icon import IconImages
from tray.menu import MenuItem
from tray.parts import TrayIcon

log = logging.getLogger(__name__)

TRAY = Capability(
    what="tray icon",
    env_var="AIIS_TRAY",
    error=TrayIconError,
    no_fit="No tray icon can be shown here: start the app inside a desktop session (DISPLAY or WAYLAND_DISPLAY set).",
)
# A menu choice (MenuCommand), or our XEmbed icon's right click (TrayMenuRequested).
Post = Callable[[Event], None]


class TrayMethod(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def install_hint(self) -> str: ...
    def fits_this_system(self) -> bool: ...
    def is_installed(self) -> bool: ...
    def build(self, images: IconImages, post: Post, on_lost: Callable[[], None]) -> TrayIcon: ...


class SniMethod:
    name = "sni"
    install_hint = "A StatusNotifierItem host (KDE, GNOME's AppIndicator extension, xfce4-panel, waybar) shows it."

    def __init__(self, env: Mapping[str, str]) -> None:
        self._address = env.get("DBUS_SESSION_BUS_ADDRESS", "")

    def fits_this_system(self) -> bool:
        return sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")) and bool(self._address)

    def is_installed(self) -> bool:
        from tray.sni_icon import watcher_present

        if importlib.util.find_spec("jeepney") is None:
            return False
        present = watcher_present(self._address)
        log.info(
            "tray: %s",
            "a StatusNotifierWatcher is on the session bus, so the icon can be an SNI item (no GTK)"
            if present
            else "no StatusNotifierWatcher on the session bus (an XEmbed-only tray or none): not an SNI item",
        )
        return present

    def build(self, images: IconImages, post: Post, on_lost: Callable[[], None]) -> TrayIcon:
        from tray.sni_icon import SniIcon

        return SniIcon(self._address, images, post, on_lost)


class XEmbedMethod:
    name = "xembed"
    install_hint = "An XEmbed system tray (trayer, stalonetray, i3bar, polybar, xfce4-panel) shows it."

    def __init__(self, env: Mapping[str, str]) -> None:
        self._display = env.get("DISPLAY", "")

    def fits_this_system(self) -> bool:
        return sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")) and bool(self._display)

    def is_installed(self) -> bool:
        from tray.xembed_window import manager_present

        if importlib.util.find_spec("Xlib") is None:
            return False
        present = manager_present(self._display)
        log.info(
            "tray: %s",
            "an XEmbed system tray is on the screen, so the icon can be our own XEmbed icon (no GTK)"
            if present
            else "no XEmbed system tray on the screen: not our XEmbed icon",
        )
        return present

    def build(self, images: IconImages, post: Post, on_lost: Callable[[], None]) -> TrayIcon:
        from tray.xembed_icon import XEmbedIcon

        icon = XEmbedIcon(self._display, images, post, on_lost)
        # Docked now, while Tk and the hotkeys are still being built (~0.1 s): the icon is how a
        # person sees that the app started. A click meanwhile waits in the event queue.
        icon.start()
        return icon


class PystrayMethod:
    """pystray; ``backend`` pins its backend (``gtk`` is Gtk.StatusIcon, an XEmbed icon).

    Unpinned (``gtk``), pystray takes what it finds: AppIndicator or GTK on Linux, and the system's
    own tray on Windows and macOS, so that one fits everywhere.
    """

    install_hint = "On Linux the GTK tray icon needs PyGObject (see the README)."

    def __init__(self, name: str, icon_folder: Path | None, backend: str = "") -> None:
        self.name = name
        self._icon_folder = icon_folder
        self._backend = backend

    def fits_this_system(self) -> bool:
        return not self._backend or sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))

    def is_installed(self) -> bool:
        needs = ("pystray", "gi") if self._backend == "gtk" else ("pystray",)
        return all(importlib.util.find_spec(module) is not None for module in needs)

    def build(self, images: IconImages, post: Post, on_lost: Callable[[], None]) -> TrayIcon:
        from tray.tray_icon import PystrayIcon, load_pystray

        del on_lost  # pystray's backends keep their icon as long as the process runs
        if self._backend:
            # pystray picks its backend from this variable when it is first imported.
            os.environ["PYSTRAY_BACKEND"] = self._backend
        return PystrayIcon(load_pystray(), images, post, self._icon_folder)


def known_methods(env: Mapping[str, str], icon_folder: Path | None) -> list[TrayMethod]:
    return [
        SniMethod(env),
        XEmbedMethod(env),
        PystrayMethod("gtk", icon_folder),
        PystrayMethod("gtk-statusicon", icon_folder, backend="gtk"),
    ]


def choose_tray_icon(env: Mapping[str, str], images: IconImages, post: Post, icon_folder: Path | None) -> ChosenTray:
    """The usable tray methods, best first (``AIIS_TRAY`` ahead); raises ``TrayIconError`` when none is."""
    return ChosenTray(usable(known_methods(env, icon_folder), TRAY, env), images, post)


class ChosenTray:
    """The first method that starts; the next one takes over when it fails to start or its host leaves."""

    def __init__(self, methods: Sequence[TrayMethod], images: IconImages, post: Post) -> None:
        self._methods = list(methods)
        self._images = images
        self._post = post
        self._lock = threading.Lock()
        self._icon: TrayIcon | None = None
        self._state = "idle"
        self._menu: tuple[MenuItem, ...] = ()
        self.method = ""
        # Built now (pystray's import needs the display), started with the app: no icon at all stops the start.
        self._built = self._build_next()
        if self._built is None:
            raise TrayIconError(f"No tray icon can be shown here; tried {', '.join(m.name for m in methods)}.")

    def _build_next(self) -> tuple[str, TrayIcon] | None:
        while self._methods:
            method = self._methods.pop(0)
            try:
                return method.name, method.build(self._images, self._post, self._lost)
            except TrayIconError as error:
                log.warning("tray icon through %s cannot be built (%s); trying the next way", method.name, error)
        return None

    def start(self) -> None:
        with self._lock:
            self._start_next()

    def _start_next(self) -> None:
        while (built := self._built or self._build_next()) is not None:
            self._built = None
            name, icon = built
            try:
                icon.start()
            except TrayIconError as error:
                log.warning("tray icon through %s failed (%s); trying the next way", name, error)
                continue
            self._icon, self.method = icon, name
            log.info("tray icon shown through %s", name)
            icon.show_state(self._state)
            if self._menu:
                icon.show_menu(self._menu)
            return
        self._icon = None
        log.error("no tray icon can be shown any more; the hotkeys still work")

    def _lost(self) -> None:
        # On the SNI dispatch thread: the next icon is built there, under the lock the Tk thread shares.
        with self._lock:
            old, self._icon = self._icon, None
            if old is not None:
                old.stop()
            self._start_next()

    def show_state(self, state: str) -> None:
        with self._lock:
            self._state = state
            if self._icon is not None:
                self._icon.show_state(state)

    def show_menu(self, items: tuple[MenuItem, ...]) -> None:
        with self._lock:
            self._menu = items
            if self._icon is not None:
                self._icon.show_menu(items)

    def stop(self) -> None:
        with self._lock:
            icon, self._icon, self._methods, self._built = self._icon, None, [], None
        if icon is not None:
            icon.stop()
