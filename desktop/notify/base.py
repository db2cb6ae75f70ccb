"""The notification method protocol and the choice of the first one that works here.

A notification carries plain words only: never a key, a prompt's image or a file's bytes. Clicks
on an action come back through ``on_action`` on some other thread; the tray's handler only posts
them to its Tk queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

MAX_TITLE_CHARS = 120
MAX_BODY_CHARS = 1000
Urgency = Literal["low", "normal", "critical"]
ActionSink = Callable[[str], None]


@dataclass(frozen=True)
class NotificationAction:
    """A button on the notification; ``id`` is what ``on_action`` receives."""

    id: str
    label: str


@dataclass(frozen=True)
class Notification:
    """What to show. The first action is also what a click on the notification itself does."""

    title: str
    body: str = ""
    actions: tuple[NotificationAction, ...] = ()
    urgency: Urgency = "normal"
    timeout_ms: int = -1

    def clipped(self) -> Notification:
        """Title and body cut to lengths every notification server shows whole."""
        return Notification(
            self.title[:MAX_TITLE_CHARS], self.body[:MAX_BODY_CHARS], self.actions, self.urgency, self.timeout_ms
        )


class NotifyMethod(Protocol):
    name: str
    install_hint: str
    supports_actions: bool

    def fits_this_system(self) -> bool:
        """Is this the right method for this OS and session?"""
        ...

    def is_installed(self) -> bool:
        """Are the service, tools or libraries it needs present?"""
        ...

    def show(self, note: Notification, on_action: ActionSink | None = None) -> None:
        """Show ``note``; raise ``AppError`` if it could not be shown."""
        ...

    def close(self) -> None:
        """Release connections and forget pending action callbacks."""
        ...
