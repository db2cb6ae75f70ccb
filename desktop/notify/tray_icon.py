"""Windows (and any pystray backend with notifications): a balloon from the tray icon itself.

pystray's ``Icon.notify(message, title)`` shows a Windows toast/balloon through the icon's
Shell_NotifyIcon; its win32 backend reports no clicks, so there are no actions. The icon is
built by the tray and handed in.
"""

from __future__ import annotations

import logging
from typing import Protocol

from core.errors import NotificationError
from desktop.notify.base import ActionSink, Notification

log = logging.getLogger(__name__)


class NotifyingIcon(Protocol):
    """The part of ``pystray.Icon`` used here."""

    def notify(self, message: str, title: str | None = None) -> None: ...


class TrayIconNotifier:
    name = "tray-icon"
    install_hint = "Notifications come from the tray icon; they need the tray icon to be shown."
    supports_actions = False

    def __init__(self, icon: NotifyingIcon | None) -> None:
        self._icon = icon

    def fits_this_system(self) -> bool:
        return bool(getattr(self._icon, "HAS_NOTIFICATION", False))

    def is_installed(self) -> bool:
        return self._icon is not None

    def show(self, note: Notification, on_action: ActionSink | None = None) -> None:
        del on_action
        note = note.clipped()
        if self._icon is None:
            raise NotificationError(f"There is no tray icon to show the notification. {self.install_hint}")
        try:
            self._icon.notify(note.body or note.title, note.title)
        except Exception as error:  # pystray backends raise their own errors (GLib.Error, OSError)
            log.info("tray icon notification failed: %s", error)
            raise NotificationError(f"The notification could not be shown ({error}).") from None

    def close(self) -> None:
        return None
