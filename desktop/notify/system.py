"""The notification method for this system, chosen among the ones this build knows."""

from __future__ import annotations

from collections.abc import Mapping

from desktop.notify.base import NotifyMethod, choose_notifier
from desktop.notify.freedesktop import FreedesktopNotifier
from desktop.notify.macos import MacNotifier
from desktop.notify.notify_send import NotifySendNotifier
from desktop.notify.tray_icon import NotifyingIcon, TrayIconNotifier


def known_methods(env: Mapping[str, str], tray_icon: NotifyingIcon | None = None) -> list[NotifyMethod]:
    """Every method, best first: the ones that can call back on a click come first."""
    methods: list[NotifyMethod] = [FreedesktopNotifier(env), NotifySendNotifier(env), MacNotifier(env)]
    if tray_icon is not None:
        methods.append(TrayIconNotifier(tray_icon))
    return methods


def system_notifier(env: Mapping[str, str], tray_icon: NotifyingIcon | None = None) -> NotifyMethod:
    """Raises ``AppError`` with install hints when nothing fits; the tray then shows its own toast."""
    return choose_notifier(known_methods(env, tray_icon))
