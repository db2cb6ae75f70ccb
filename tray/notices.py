"""The tray's notifications: what a finished job says, and what clicking a success notice opens.

A success notice ("Copied 1024x1024 from OpenAI in 14.2 s") opens the saved file, or the output
folder; its id is negative so that the app's one ``NotificationClicked`` event tells it from a
failed job's Retry (positive ids). Only the last ``KEEP_OPEN_TARGETS`` notices keep their target.
All on the Tk thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from core.delivery import Delivery
from core.errors import AppError
from desktop.notify.base import Notification, NotificationAction, NotifyMethod
from tray.events import Event, NotificationClicked

log = logging.getLogger(__name__)

KEEP_OPEN_TARGETS = 20


class Notices:
    """Shows notifications through ``notifier``; ``post`` is the app's thread-safe queue."""

    def __init__(self, notifier: NotifyMethod, post: Callable[[Event], None]) -> None:
        self._notifier = notifier
        self._post = post
        self._notice_id = 0
        self._open_targets: dict[int, Path] = {}

    def tell_success(self, delivery: Delivery, provider: str, seconds: float, folder: Path) -> None:
        """Says e.g. 'Copied 1024x1024 from OpenAI in 14.2 s'; clicking it opens the file, or the folder."""
        verb = {(True, False): "Copied", (False, True): "Saved", (True, True): "Copied and saved"}
        what = verb.get((delivery.copied, delivery.saved is not None), "Delivered")
        source = f" from {provider} in {seconds:.1f} s" if provider else ""
        body = f"{what} {delivery.width}x{delivery.height}{source}"
        self._notice_id += 1
        notice = self._notice_id
        self._open_targets[notice] = delivery.saved or folder
        del_old = [key for key in self._open_targets if key <= notice - KEEP_OPEN_TARGETS]
        for key in del_old:
            del self._open_targets[key]
        self.notify(
            "AI Image Studio",
            body + (f": {delivery.saved.name}" if delivery.saved else "."),
            ("open", "Open" if delivery.saved else "Open folder"),
            lambda action: self._post(NotificationClicked(-notice, action)),
        )

    def open_target(self, notice: int) -> Path | None:
        """What a success notification opens; its ids are negative, a failed job's positive."""
        return self._open_targets.get(-notice)

    def notify(
        self,
        title: str,
        body: str,
        action: tuple[str, str] | None = None,
        on_action: Callable[[str], None] | None = None,
    ) -> None:
        """Show a notification; if none can be shown the log still has it (never a prompt or an image)."""
        log.info("notification: %s: %s", title, body)
        actions = (NotificationAction(*action),) if action else ()
        try:
            self._notifier.show(Notification(title, body, actions).clipped(), on_action)
        except AppError as error:
            log.warning("notification not shown: %s", error)
