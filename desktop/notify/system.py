"""The notification method for this system, chosen among the ones this build knows (``AIIS_NOTIFY`` pins one)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from core.errors import NotificationError
from desktop.methods import Capability, FallbackChain, usable
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


class FallbackNotifier(FallbackChain[NotifyMethod]):
    """The first usable method; when it fails to show one, the next usable one, said in the log (issue 12)."""

    def take(self, method: NotifyMethod) -> None:
        super().take(method)
        self.supports_actions = method.supports_actions

    def retire(self, method: NotifyMethod) -> None:
        method.close()

    def show(self, note: Notification, on_action: ActionSink | None = None) -> None:
        while True:
            try:
                self.current.show(note, on_action)
            except NotificationError as error:
                if not self.hand_over(error):
                    raise
            else:
                return

    def close(self) -> None:
        for method in self._methods:
            method.close()


def system_notifier(env: Mapping[str, str], tray_icon: NotifyingIcon | None = None) -> NotifyMethod:
    """Raises ``NotificationError`` with install hints when nothing fits; the tray then logs instead."""
    return FallbackNotifier(usable(known_methods(env, tray_icon), NOTIFY, env), NOTIFY)
