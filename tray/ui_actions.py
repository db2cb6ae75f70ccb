"""What each tray menu item does, on the Tk thread. Choices are saved to the settings file at once."""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from core.config import Config, write_defaults_if_missing
from core.errors import AppError
from core.planning import REMOVE_BACKGROUND_PROVIDER, plan_capture
from desktop.autostart.base import launch_command
from overlay.about import AboutWindow
from overlay.key_dialog import KeyDialog
from tray import menu, model_menu
from tray.events import CaptureRequested, MenuCommand
from tray.flow import JobFlow
from tray.history_view import HistoryView
from tray.key_status import KeyStatusBoard
from tray.parts import AppParts

log = logging.getLogger(__name__)


class MenuHost(Protocol):
    """What the menu's actions may ask of the tray app (issue 12: a narrow interface, not the whole app)."""

    root: tk.Tk
    parts: AppParts
    config: Config
    key_status: KeyStatusBoard
    flow: JobFlow

    def has_key(self, provider_id: str) -> bool | None: ...
    def capture(self, request: CaptureRequested) -> None: ...
    def open_image(self) -> None: ...
    def open_path(self, path: Path) -> None: ...
    def save_setting(self, path: tuple[str | int, ...], value: str | bool | None) -> None: ...
    def tell(self, message: str) -> None: ...
    def refresh(self) -> None: ...
    def quit(self) -> None: ...


class MenuActions:
    def __init__(self, app: MenuHost) -> None:
        self.app = app
        self.key_dialog: KeyDialog | None = None
        self.history: HistoryView | None = None

    def run(self, command: MenuCommand) -> None:
        handlers: dict[str, Callable[[str], None]] = {
            menu.CAPTURE: lambda _v: self.app.capture(CaptureRequested("screen")),
            menu.CLIPBOARD: lambda _v: self.app.capture(CaptureRequested("clipboard")),
            menu.OPEN_IMAGE: lambda _v: self.app.open_image(),
            menu.PROVIDER: self.choose_provider,
            menu.PRESET: lambda name: self.app.save_setting(("active_preset",), name),
            menu.OUTPUT: lambda mode: self.app.save_setting(("output", "mode"), mode),
            menu.REMOVE_BACKGROUND: lambda _v: self.toggle_remove_background(),
            menu.SET_KEY: lambda _v: self.ask_key(self.current_provider(), then=lambda: None),
            menu.OPEN_FOLDER: lambda _v: self.open_folder(),
            menu.EDIT_SETTINGS: lambda _v: self.edit_settings(),
            menu.AUTOSTART: lambda _v: self.toggle_autostart(),
            menu.ABOUT: lambda _v: self.about(),
            menu.HISTORY: lambda _v: self.show_history(),
            menu.QUIT: lambda _v: self.app.quit(),
            model_menu.CHOOSE: self.choose_model,
            model_menu.REFRESHED: lambda _v: self.app.refresh(),
        }
        handler = handlers.get(command.action)
        if handler is None:
            log.warning("unknown menu action %r", command.action)
            return
        handler(command.value)

    def about(self) -> None:
        AboutWindow(self.app.root, config_path=self.app.parts.config_path, log_path=self.app.parts.log_file)

    def show_history(self) -> None:
        if self.history is None:
            parts = self.app.parts
            self.history = HistoryView(self.app.root, self.app.flow, parts.history_dir, parts.clipboard, parts.catalog)
        self.history.show(self.app.config)

    def current_provider(self) -> str:
        """The provider a capture would use now: the active preset's, else the one chosen in the menu."""
        config = self.app.config
        try:
            plan = plan_capture(config, self.app.parts.catalog)
        except AppError:
            return config.default_provider
        return plan.provider_id or config.default_provider

    def choose_provider(self, provider_id: str) -> None:
        def save() -> None:
            # A provider picked in the menu should be the one that runs: leave the preset that named another.
            self.app.save_setting(("default_provider",), provider_id)
            if self.app.config.active_preset is not None:
                self.app.save_setting(("active_preset",), None)

        self.ask_key(provider_id, then=save, only_if_missing=True)

    def choose_model(self, value: str) -> None:
        provider_id, model_id = model_menu.parse_choice(value)
        self.app.save_setting(("providers", provider_id, "model"), model_id)

    def toggle_remove_background(self) -> None:
        turn_on = not self.app.config.jobs.remove_background_after

        def save() -> None:
            self.app.save_setting(("jobs", "remove_background_after"), turn_on)

        if turn_on:
            self.ask_key(REMOVE_BACKGROUND_PROVIDER, then=save, only_if_missing=True)
        else:
            save()

    def ask_key(self, provider_id: str, *, then: Callable[[], None], only_if_missing: bool = False) -> None:
        """Ask for ``provider_id``'s key (unless it has one and ``only_if_missing``), then call ``then``."""
        info = self.app.parts.catalog[provider_id]
        # From the menu's key status, not the keyring itself: this is the Tk thread (issue 17). An
        # unknown key (keyring locked) is not asked for: the job says what to do if it is missing.
        if only_if_missing and self.app.has_key(provider_id) is not False:
            then()
            return
        if self.key_dialog is not None:
            self.key_dialog.cancel()

        def done(stored: bool) -> None:
            self.key_dialog = None
            if stored:
                self.app.key_status.stored(provider_id)
                self.app.tell(f"The key for {info.display_name} is stored in your system keyring.")
                then()
            self.app.refresh()

        self.key_dialog = KeyDialog(
            self.app.root,
            provider_id=provider_id,
            provider_name=info.display_name,
            env_var=info.key_env_vars[0] if info.key_env_vars else "",
            keys=self.app.parts.keys,
            on_done=done,
        )

    def open_folder(self) -> None:
        folder = self.app.config.output.folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self.app.tell(f"The output folder {folder} cannot be created ({error.strerror or error}).")
            return
        self.app.open_path(folder)

    def edit_settings(self) -> None:
        path = self.app.parts.config_path
        try:
            write_defaults_if_missing(path)
        except OSError as error:
            self.app.tell(f"The settings file {path} cannot be written ({error.strerror or error}).")
            return
        self.app.open_path(path)

    def toggle_autostart(self) -> None:
        login = self.app.parts.start_at_login
        if login is None:
            return
        try:
            if login.is_enabled():
                login.disable()
            else:
                login.enable(launch_command())
        except AppError as error:
            self.app.tell(str(error))
        self.app.refresh()
