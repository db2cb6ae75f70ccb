"""The tray application: the Tk thread's side of everything (docs/adr/005-threading-model.md).

``TrayApp`` takes its parts from ``main.py`` and builds nothing global. It handles the events the
other threads post (menu clicks, hotkeys, hand-offs, job progress), keeps the settings (reloaded
when the file changes, the last good ones kept when it breaks) and shows the tray's state.
"""

from __future__ import annotations

import gc
import logging
import signal
import tkinter as tk
from pathlib import Path
from tkinter import filedialog

from core import paint_rules
from core.config import load_config, load_or_defaults
from core.delivery import Naming
from core.errors import AppError, BusyError, ConfigError
from core.hotkeys import parse_hotkey
from core.models import Rect, Selection
from core.planning import plan_capture
from core.prompt_history import PromptHistory
from overlay.runner import pointer_monitor
from overlay.sources import clipboard_image, file_image
from tray import menu
from tray.events import (
    CaptureRequested,
    Event,
    JobUpdate,
    KeyStatusesFetched,
    MenuCommand,
    NotificationClicked,
    Problem,
    QuitRequested,
    SettingsChanged,
    TrayMenuRequested,
    ViewerRequested,
)
from tray.flow import JobFlow
from tray.hotkeys import bindings_from_config
from tray.key_status import KeyStatusBoard
from tray.model_menu import ModelLists
from tray.painted import for_selection
from tray.parts import AppParts
from tray.settings_watch import SettingsWatch
from tray.tk_menu import TrayPopup
from tray.ui_actions import MenuActions

log = logging.getLogger(__name__)


class TrayApp:
    """Runs on the thread that owns ``root``; every other thread only posts to ``parts.events``."""

    def __init__(self, root: tk.Tk, parts: AppParts) -> None:
        self.root = root
        self.parts = parts
        self.config, problem = load_or_defaults(parts.config_path, parts.catalog)
        self._config_problem = str(problem) if problem else ""
        self.history = PromptHistory(parts.history_file if self.config.privacy.history else None)
        self.key_status = KeyStatusBoard(parts.keys, tuple(parts.catalog), parts.events.post)
        self.flow = JobFlow(root, parts, self.history, parts.events.post, self.refresh)
        self.selector = parts.make_selector(root)
        self.actions = MenuActions(self)
        self.tray_popup = TrayPopup(root, parts.events.post)
        self.models = ModelLists(parts.models_dir, parts.events.post)
        self._selecting = False
        self._watch: SettingsWatch | None = None
        self._quitting = False

    def run(self) -> int:
        """Start everything, then Tk's loop until Quit."""
        self._install_signal_handlers()
        self.start()
        # Everything built so far lives as long as the app: freezing it keeps each later full
        # collection (after every capture and job) from walking ~51,000 objects, 47-100 ms each
        # (docs/benchmarks.md, profiling).
        gc.freeze()
        self.root.mainloop()
        return 0

    def start(self) -> None:
        """The listeners, the settings watch and the tray icon; the caller runs Tk's loop."""
        self.parts.events.attach(self.root, self.handle)
        self.parts.jobs.set_max_concurrent(self.config.jobs.max_concurrent)
        self._watch = SettingsWatch(self.root, self.parts.config_path, lambda: self.handle(SettingsChanged()))
        # Hotkeys and the icon first, and nothing here waits for the keyring: a locked one answers
        # late or never, and the menu's key status arrives on its own (tray/key_status.py, ADR 017).
        self._start_hotkeys()
        self.parts.tray_icon.start()
        self.refresh()
        try:
            # The overlay windows exist, withdrawn, before the first hotkey: the first capture is as fast as later ones.
            self.selector.prepare(self.parts.capture().monitors())
        except AppError as error:
            self.tell(f"Screen capture is not available: {error}")
        if self._config_problem:
            self.tell(f"Your settings file has a problem, so the defaults are used: {self._config_problem}")
        for notice in self.config.notices:
            self.tell(f"Your settings name a model that no longer works: {notice}")
        log.info("tray app running")

    def _install_signal_handlers(self) -> None:
        # Tk blocks in C, where Python signal handlers cannot run; the wake-up fd interrupts it.
        try:
            signal.set_wakeup_fd(self.parts.events.wake_fd, warn_on_full_buffer=False)
        except (ValueError, OSError) as error:  # Windows takes only a socket here
            log.debug("no signal wake-up fd: %s", error)
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda _n, _f: self.parts.events.post(QuitRequested()))

    def _start_hotkeys(self) -> None:
        for problem in self.parts.hotkeys.start(bindings_from_config(self.config)):
            self.tell(problem)

    def handle(self, event: Event) -> None:
        """Every event, on the Tk thread."""
        if isinstance(event, JobUpdate):
            self.flow.on_job_event(event.event, self.config)
        elif isinstance(event, CaptureRequested):
            self.capture(event)
        elif isinstance(event, MenuCommand):
            self.actions.run(event)
        elif isinstance(event, TrayMenuRequested):
            # Our XEmbed icon leaves the menu to us; it is the menu the icon was last given.
            self.tray_popup.popup(event.x, event.y, menu.build_menu(self.menu_state()))
        elif isinstance(event, NotificationClicked):
            self._notification_clicked(event)
        elif isinstance(event, Problem):
            self.tell(event.message)
        elif isinstance(event, SettingsChanged):
            self.reload()
        elif isinstance(event, KeyStatusesFetched):
            self.key_status.arrived(event)
            self.refresh()
        elif isinstance(event, QuitRequested):
            self.quit()
        elif isinstance(event, ViewerRequested):
            if self.flow.results.last is None:
                self.tell("There is no result to show yet: the viewer shows the last one.")
            else:
                self.flow.results.open()

    def tell(self, message: str) -> None:
        self.flow.notify("AI Image Studio", message)

    def refresh(self) -> None:
        """Show the current state in the tray: the icon's picture and the menu."""
        busy = self.flow.running > 0
        state = "busy" if busy else "error" if self.flow.last_failed else "idle"
        self.parts.tray_icon.show_state(state)
        self.parts.tray_icon.show_menu(menu.build_menu(self.menu_state()))
        self.key_status.fetch_if_stale()
        provider = self.actions.current_provider()
        if provider in self.parts.catalog:
            info, settings = self.parts.catalog[provider], self.config.provider(provider)
            self.models.refresh_if_stale(info, settings, self.parts.keys.get)

    def menu_state(self) -> menu.MenuState:
        config = self.config
        providers = tuple(
            menu.ProviderChoice(info.id, info.display_name, self.has_key(info.id), self.key_status.unknown_why(info.id))
            for info in self.parts.catalog.values()
        )
        login = self.parts.start_at_login
        return menu.MenuState(
            capture_hotkey=_label(config.hotkeys.capture),
            clipboard_hotkey=_label(config.hotkeys.clipboard),
            providers=providers,
            provider=self.actions.current_provider(),
            presets=tuple(preset.name for preset in config.presets),
            preset=config.active_preset,
            output_mode=config.output.mode,
            remove_background_after=config.jobs.remove_background_after,
            start_at_login=login.is_enabled() if login is not None else None,
            running_jobs=self.flow.running,
            models=self._model_items(),
            spent=self.flow.spending.menu_text,
        )

    def has_key(self, provider_id: str) -> bool | None:
        """From what the keyring last said (never asked here, on the Tk thread); None when unknown."""
        if not self.parts.catalog[provider_id].needs_key:
            return True
        return self.key_status.has_key(provider_id)

    def _model_items(self) -> tuple[menu.MenuItem, ...]:
        provider = self.actions.current_provider()
        info = self.parts.catalog.get(provider)
        return self.models.items(info, self.config.provider(provider)) if info is not None else ()

    # Capture: overlay -> prompt bar -> job (tray.flow).

    def capture(self, request: CaptureRequested) -> None:
        log.info("capture requested: %s, preset %s", request.source, request.preset or "(active)")
        if self._selecting or (self.flow.prompt_bar is not None and self.flow.prompt_bar.is_open):
            log.info("capture ignored: a selection or prompt is already open")
            return
        opened = False
        try:
            plan = plan_capture(self.config, self.parts.catalog, request.preset)
            if plan.provider_id is not None:
                self._refuse_if_busy()
            self.flow.last_failed = False
            self._selecting = True
            self._open_selector(request, plan.preset)
            opened = True
        except AppError as error:
            self.flow.tell_failure(str(error))
        finally:
            # Any failure (a bug included) must not leave every later capture "already open".
            if not opened:
                self._selecting = False

    def _refuse_if_busy(self) -> None:
        """Say why not before the overlay opens, rather than after the person has dragged and typed."""
        limit = self.config.jobs.max_concurrent
        if self.parts.jobs.active >= limit:
            raise BusyError(
                f"{limit} job(s) are already running, the most allowed at once (jobs.max_concurrent in the "
                "settings). Wait for one to finish or cancel it, then try again."
            )

    def _open_selector(self, request: CaptureRequested, preset: str | None) -> None:
        def done(selection: Selection | None) -> None:
            self._selecting = False
            log.info("selection %s", "cancelled" if selection is None else "made")
            if selection is not None:
                self.selected(selection, request.preset)

        capture = self.parts.capture()
        if request.source == "screen":
            self.selector.select_screen(capture, done)
            return
        if request.source == "clipboard":
            image = clipboard_image(self.parts.clipboard())
        else:
            assert request.file is not None  # noqa: S101 - file requests always carry the file
            image = file_image(request.file)
        monitor = pointer_monitor(self.root, capture.monitors())
        self.selector.select_image(image, monitor, request.source, done)

    def selected(self, selection: Selection, preset: str | None) -> None:
        """The selector's answer: the copy preset delivers at once, the others go to the prompt bar and a job."""
        anchor = _screen_anchor(selection, self.root)
        screen = Rect(0, 0, self.root.winfo_screenwidth(), self.root.winfo_screenheight())
        try:
            plan = plan_capture(self.config, self.parts.catalog, preset)
            crop = selection.crop()
            if plan.provider_id is None:
                delivery = self.flow.deliver(crop, self.config, Naming(plan.preset, "none", "copy"))
                self.flow.tell_success(delivery, "", 0.0, self.config.output.folder)
                return
            on_screen = selection.screen is not None
            painted = for_selection(selection, self.config, plan, self.parts.catalog)
            problem = paint_rules.check(plan, selection.mask, selection.markup)
            if problem is not None:
                # A preset's ``paint: required|off`` (issue 13): said instead of sending, nothing changed.
                self.flow.tell_failure(problem)
                return
            self.flow.ask_prompt(self.config, plan, crop, anchor, screen, on_screen=on_screen, painted=painted)
            if self.flow.prompt_bar is not None:
                # Typed keys go nowhere but the bar, even before it is up (overlay/selector.py).
                self.selector.lend_keyboard(self.flow.prompt_bar.window)
        except AppError as error:
            self.flow.tell_failure(str(error))

    def _notification_clicked(self, event: NotificationClicked) -> None:
        if event.action == "retry":
            self.flow.retry(event.job_id, self.config)
        elif event.action == "open":
            target = self.flow.open_target(event.job_id)
            if target is not None:
                self.open_path(target)

    def open_path(self, path: Path) -> None:
        try:
            self.parts.open_path(path)
        except AppError as error:
            self.tell(str(error))

    def open_image(self) -> None:
        name = filedialog.askopenfilename(
            parent=self.root,
            title="Open an image",
            filetypes=[("Images", "*.png *.jpg *.jpeg *.webp *.bmp *.gif *.tif *.tiff"), ("All files", "*")],
        )
        if name:
            self.capture(CaptureRequested(source="file", file=Path(name)))

    # Settings.

    def save_setting(self, path: tuple[str | int, ...], value: str | bool | None) -> None:
        """Write one menu choice to the file (comments kept), then use the settings it gives."""
        try:
            self.parts.save_setting(self.parts.config_path, path, value)
        except AppError as error:
            self.tell(f"The choice could not be saved: {error}")
            return
        self.reload()

    def reload(self) -> None:
        try:
            config = load_config(self.parts.config_path, self.parts.catalog)
        except ConfigError as error:
            if str(error) != self._config_problem:
                self._config_problem = str(error)
                self.tell(f"The settings file has a problem; the last good settings stay in use. {error}")
            return
        self._config_problem = ""
        old, self.config = self.config, config
        self.parts.jobs.set_max_concurrent(config.jobs.max_concurrent)
        if bindings_from_config(old) != bindings_from_config(config):
            self._start_hotkeys()
        if old.privacy.history != config.privacy.history:
            self.history = PromptHistory(self.parts.history_file if config.privacy.history else None)
            self.flow.history = self.history
        log.info("settings reloaded")
        self.refresh()

    def quit(self) -> None:
        if self._quitting:
            return
        self._quitting = True
        log.info("quitting")
        self.flow.close_all()
        self.parts.hotkeys.stop()
        if self._watch is not None:
            self._watch.close()
        self.parts.tray_icon.stop()
        self.models.close()
        self.root.quit()


def _label(hotkey: str | None) -> str | None:
    if not hotkey:
        return None
    try:
        return parse_hotkey(hotkey).label()
    except ValueError:
        return None


def _screen_anchor(selection: Selection, root: tk.Misc) -> Rect:
    """Where the selection is on the screen, for placing the prompt bar and the toast beside it."""
    if selection.screen is not None:
        return selection.screen
    width, height = root.winfo_screenwidth(), root.winfo_screenheight()
    return Rect(width // 2 - 200, height // 3, 400, 1)
