"""The notification method for this system, chosen among the ones this build knows (``AIIS_NOTIFY`` pins one)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from core.errors import NotificationError
from desktop.methods import Capability, usable
from desktop.notify.base import ActionSink, Notification, NotifyMethod
from desktop.notify.freedesktop import FreedesktopNotifier
from desktop.notify.macos import MacNotifier
from desktop.notify.notify_send import NotifySendNotifier
from desktop.notify.tray_icon import NotifyingIcon, TrayIconNotifier

log = logging.getLogger(__name__)

NOTIFY = Capability(
    "notification", "AIIS_NOTIFY", NotificationError, "No notification method fits this desktop session."
)


def known_methods(env: Mapping[str, str], tray_icon: NotifyingIcon | None = None) -> list[NotifyMethod]:
    """Every method, best first: the ones that can call back on a click come first."""
    methods: list[NotifyMethod] = [FreedesktopNotifier(env), NotifySendNotifier(env), MacNotifier(env)]
    if tray_icon is not None:
        methods.append(TrayIconNotifier(tray_icon))
    return methods


class FallbackNotifier:
    """The first usable method; when it fails to show one, the next usable one, said in the log (issue 12)."""

    def __init__(self, methods: list[NotifyMethod]) -> None:
        self._methods = methods
        self._take(methods[0])

    def _take(self, method: NotifyMethod) -> None:
        self.name = method.name
        self.install_hint = method.install_hint
        self.supports_actions = method.supports_actions

    def fits_this_system(self) -> bool:
        return True

    def is_installed(self) -> bool:
        return True

    def show(self, note: Notification, on_action: ActionSink | None = None) -> None:
        while True:
            method = self._methods[0]
            try:
                method.show(note, on_action)
            except NotificationError as error:
                if len(self._methods) == 1:
                    raise
                method.close()
                self._methods.pop(0)
                self._take(self._methods[0])
                log.warning("notifications through %s failed (%s); using %s", method.name, error, self.name)
            else:
                return

    def close(self) -> None:
        for method in self._methods:
            method.close()


def system_notifier(env: Mapping[str, str], tray_icon: NotifyingIcon | None = None) -> NotifyMethod:
    """Raises ``NotificationError`` with install hints when nothing fits; the tray then logs instead."""
    return FallbackNotifier(usable(known_methods(env, tray_icon), NOTIFY, env))
