"""The seams of the tray app: what ``main.py`` builds and hands to ``TrayApp``.

Each part is a small protocol so the app never builds anything global itself and tests can hand in
real parts on a private X server, or a recording stand-in where the real one would reach the outside.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from PIL import Image

from core.config import ProviderSettings
from core.errors import AppError
from core.job_events import JobEventSink, JobSpec
from core.jobs import JobHandle
from core.keys import KeyStore
from core.models import Monitor, Screenshot, Selection
from desktop.autostart.base import Autostart
from desktop.capture.base import CaptureMethod
from desktop.clipboard.base import ClipboardMethod
from desktop.notify.base import Notification, NotifyMethod
from providers.base import Provider, ProviderInfo
from tray.events import EventQueue
from tray.hotkeys import HotkeyBinding
from tray.menu import MenuItem

log = logging.getLogger(__name__)
T = TypeVar("T")


class Jobs(Protocol):
    """``core.jobs.JobRunner``, as the tray uses it."""

    @property
    def active(self) -> int: ...
    def set_max_concurrent(self, value: int) -> None: ...
    def submit(self, spec: JobSpec, on_event: JobEventSink) -> JobHandle: ...


class Selector(Protocol):
    """``overlay.selector.SelectorHost``, living in the app's Tk root."""

    def prepare(self, monitors: Sequence[Monitor]) -> None: ...
    def select(self, screenshots: Sequence[Screenshot], on_done: Callable[[Selection | None], None]) -> None: ...
    def select_screen(self, capture: CaptureMethod, on_done: Callable[[Selection | None], None]) -> None: ...
    def select_image(
        self, image: Image.Image, monitor: Monitor, origin: str, on_done: Callable[[Selection | None], None]
    ) -> None: ...
    def lend_keyboard(self, window: tk.Toplevel) -> None: ...
    def cancel(self) -> None: ...


class TrayIcon(Protocol):
    """The icon in the system tray; safe to call from the Tk thread while it runs in its own."""

    def start(self) -> None: ...
    def show_state(self, state: str) -> None: ...
    def show_menu(self, items: tuple[MenuItem, ...]) -> None: ...
    def stop(self) -> None: ...


class Hotkeys(Protocol):
    """``tray.hotkeys.GlobalHotkeys``: its listener thread only posts to the app's queue."""

    def start(self, bindings: Sequence[HotkeyBinding]) -> list[str]: ...
    def stop(self) -> None: ...


@dataclass(frozen=True)
class AppParts:
    """Everything the tray app uses, built in ``main.py``."""

    env: Mapping[str, str]
    config_path: Path
    catalog: Mapping[str, ProviderInfo]
    keys: KeyStore
    jobs: Jobs
    make_provider: Callable[[str, ProviderSettings], Provider]
    capture: Callable[[], CaptureMethod]
    clipboard: Callable[[], ClipboardMethod]
    notifier: NotifyMethod
    events: EventQueue
    tray_icon: TrayIcon
    hotkeys: Hotkeys
    make_selector: Callable[[tk.Misc], Selector]
    start_at_login: Autostart | None
    open_path: Callable[[Path], None]
    save_setting: Callable[[Path, tuple[str | int, ...], str | bool | None], None]
    history_file: Path | None = None
    history_dir: Path | None = None  # the opt-in job history (core.history); None: never kept
    log_file: Path | None = None
    models_dir: Path | None = None  # where the model lists are kept (tray.model_menu); None: built-in only


class Lazy(Generic[T]):
    """A part built on first use and kept (the capture method holds an X connection; build it once)."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: T | None = None

    def get(self) -> T:
        if self._value is None:
            self._value = self._build()
        return self._value

    @property
    def built(self) -> bool:
        return self._value is not None

    def close(self) -> None:
        value, self._value = self._value, None
        closer = getattr(value, "close", None)
        if callable(closer):
            closer()


class LogOnlyNotifier:
    """Where no notification method fits (``desktop.notify`` said why): the log keeps the messages."""

    name = "log"
    install_hint = ""
    supports_actions = False

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def fits_this_system(self) -> bool:
        return True

    def is_installed(self) -> bool:
        return True

    def show(self, note: Notification, on_action: Callable[[str], None] | None = None) -> None:
        del note, on_action  # JobFlow.notify logged it already

    def close(self) -> None:
        return None


def choose_notifier(env: Mapping[str, str]) -> NotifyMethod:
    """The system's notifications, or the log where none can be shown (said once in the log)."""
    from desktop.notify.system import system_notifier

    try:
        return system_notifier(env)
    except AppError as error:
        log.warning("notifications cannot be shown here, they go to the log only: %s", error)
        return LogOnlyNotifier(str(error))
