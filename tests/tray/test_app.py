"""The tray application in this process on a real X server: menu choices, settings reload, keys, job limit.

The parts are the real ones (config file, yaml_edit, inotify, keyring on the private bus, job runner,
selector, autostart folder); only the edges that reach the person's desktop outside X are recorded
stand-ins: the tray icon (its menu model is what is checked), notifications and "open with".
"""

from __future__ import annotations

import gc
import subprocess
import tkinter as tk
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
import pytest
from PIL import Image

from core.config import ProviderSettings
from core.jobs import JobRunner
from core.keys import KeyStore
from core.models import Rect, Selection
from core.planning import plan_capture
from core.yaml_edit import set_value_in_file
from desktop.autostart.xdg import XdgAutostart
from desktop.capture.system import system_capture
from desktop.clipboard.xclip import XclipClipboard
from desktop.notify.base import ActionSink, Notification
from overlay.selector import SelectorHost
from providers.base import Provider
from providers.registry import create_provider, provider_catalog
from tests.overlay.tk_helpers import pump
from tests.providers.loopback import LoopbackServer, Reply
from tests.tray.openai_stand_in import HangingServer
from tests.virtual_desktop import VirtualDesktop
from tray import menu
from tray.app import TrayApp
from tray.events import CaptureRequested, EventQueue, MenuCommand
from tray.hotkeys import HotkeyBinding
from tray.menu import MenuItem
from tray.parts import AppParts, Lazy

pytestmark = pytest.mark.desktop

SETTINGS = """\
# My settings. This comment must survive every menu choice.
default_provider: openai
active_preset: restyle   # the one I use most
providers:
  openai: {base_url: "http://127.0.0.1:9/v1"}
presets:
  - {name: copy, provider: none}
  - {name: restyle, provider: openai, mode: edit, prompt: "Redraw this", hotkey: "<ctrl>+<alt>+r"}
output:
  mode: clipboard   # I paste everything
  folder: "{folder}"
jobs: {max_concurrent: 1}
"""


@dataclass
class Recorder:
    """Notifications, tray states and menus, and opened paths, as the person would have seen them."""

    notes: list[Notification] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    menus: list[tuple[MenuItem, ...]] = field(default_factory=list)
    opened: list[Path] = field(default_factory=list)
    actions: list[ActionSink | None] = field(default_factory=list)
    name = "recorder"
    install_hint = ""
    supports_actions = True

    def fits_this_system(self) -> bool:
        return True

    def is_installed(self) -> bool:
        return True

    def show(self, note: Notification, on_action: ActionSink | None = None) -> None:
        self.notes.append(note)
        self.actions.append(on_action)

    def close(self) -> None:
        return None

    def start(self) -> None:
        return None

    def stop(self) -> None:
        return None

    def show_state(self, state: str) -> None:
        self.states.append(state)

    def show_menu(self, items: tuple[MenuItem, ...]) -> None:
        self.menus.append(items)

    def said(self, text: str) -> bool:
        return any(text in f"{note.title}: {note.body}" for note in self.notes)


class NoHotkeys:
    """Grabs nothing and reports the preset hotkey as taken, as pynput's wrapper would."""

    def start(self, bindings: Sequence[HotkeyBinding]) -> list[str]:
        return [f"The hotkey '{b.hotkey}' for preset '{b.preset}' is taken." for b in bindings if b.preset]

    def stop(self) -> None:
        return None


@dataclass
class Running:
    app: TrayApp
    recorder: Recorder
    config: Path
    env: dict[str, str]
    jobs: JobRunner

    def post_and_wait(self, command: MenuCommand, until: object = None) -> None:
        self.app.parts.events.post(command)
        count = len(self.recorder.menus)
        pump(self.app.root, lambda: len(self.recorder.menus) > count)

    def menu_item(self, label: str) -> MenuItem:
        return next(item for item in self.recorder.menus[-1] if item.label.startswith(label))


@pytest.fixture
def running(desktop: VirtualDesktop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Running]:
    env = {**desktop.env, "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"), "OPENAI_API_KEY": "sk-test-1234567890"}
    for name in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
        monkeypatch.setenv(name, env[name])
    from keyring.backends.SecretService import Keyring

    config = tmp_path / "settings.yaml"
    config.write_text(SETTINGS.replace("{folder}", str(tmp_path / "out")), encoding="utf-8")
    catalog = provider_catalog()
    recorder = Recorder()
    jobs = JobRunner()
    jobs.start()
    client = httpx.AsyncClient()

    def make_provider(provider_id: str, settings: ProviderSettings) -> Provider:
        return create_provider(provider_id, settings, client)

    capture = Lazy(lambda: system_capture(env))
    parts = AppParts(
        env=env,
        config_path=config,
        catalog=catalog,
        keys=KeyStore(catalog, env, Keyring()),  # type: ignore[no-untyped-call]
        jobs=jobs,
        make_provider=make_provider,
        capture=capture.get,
        clipboard=lambda: XclipClipboard(env),
        notifier=recorder,
        events=EventQueue(),
        tray_icon=recorder,
        hotkeys=NoHotkeys(),
        make_selector=SelectorHost,
        start_at_login=XdgAutostart(env),
        open_path=recorder.opened.append,
        save_setting=set_value_in_file,
    )
    root = tk.Tk()
    root.withdraw()
    app = TrayApp(root, parts)
    app.start()  # run() without the signal handlers and Tk's loop: the test pumps Tk itself
    # The menu's key status is asked off the Tk thread (issue 17); these tests start from its answer.
    board = app.key_status
    pump(root, lambda: board.answered)
    try:
        yield Running(app, recorder, config, env, jobs)
    finally:
        app.quit()
        app.selector.cancel()
        jobs.call(client.aclose(), timeout=5)
        jobs.stop()
        capture.close()
        root.destroy()
        parts.events.close()
        del app, parts
        # Tk objects must die on this thread, not in a later test's job thread (Tcl aborts there).
        gc.collect()


def test_menu_choices_are_saved_keeping_the_files_comments_and_show_in_the_menu(running: Running) -> None:
    running.post_and_wait(MenuCommand(menu.OUTPUT, "both"))
    running.post_and_wait(MenuCommand(menu.PRESET, "copy"))
    text = running.config.read_text(encoding="utf-8")
    assert "# My settings. This comment must survive every menu choice." in text
    assert "active_preset: copy   # the one I use most" in text
    assert "mode: both   # I paste everything" in text
    assert running.app.config.output.mode == "both"
    outputs = running.menu_item("Output").children
    assert [o.value for o in outputs if o.checked] == ["both"]
    assert [p.value for p in running.menu_item("Preset").children if p.checked] == ["copy"]


def test_a_broken_settings_file_keeps_the_last_good_settings_and_says_which_line(running: Running) -> None:
    good = running.app.config
    text = running.config.read_text(encoding="utf-8")
    running.config.write_text(text.replace("mode: clipboard", "mode: clipbaord"), encoding="utf-8")
    pump(running.app.root, lambda: running.recorder.said("last good settings"), timeout=5)
    assert running.app.config is good
    note = next(n.body for n in running.recorder.notes if "last good" in n.body)
    assert "settings.yaml:10" in note
    assert "clipbaord" in note
    running.config.write_text(text.replace("mode: clipboard", "mode: save"), encoding="utf-8")
    pump(running.app.root, lambda: running.app.config.output.mode == "save", timeout=5)


def test_choosing_a_provider_without_a_key_asks_for_it_stores_it_in_the_keyring_and_selects_it(
    running: Running, desktop: VirtualDesktop
) -> None:
    google = next(p for p in running.menu_item("Provider").children if p.value == "google")
    assert google.label.endswith("(no key set)")
    running.app.parts.events.post(MenuCommand(menu.PROVIDER, "google"))
    pump(running.app.root, lambda: running.app.actions.key_dialog is not None)
    dialog = running.app.actions.key_dialog
    assert dialog is not None
    assert running.app.config.default_provider == "openai", "nothing changes before the key is given"
    dialog.secret.set("AIza-test-key-0000000000")
    dialog.save()
    pump(running.app.root, lambda: running.app.config.default_provider == "google")
    stored = desktop.run("secret-tool", "lookup", "service", "ai-image-studio", "username", "google", check=False)
    desktop.run("secret-tool", "clear", "service", "ai-image-studio", "username", "google", check=False)
    assert stored.stdout == b"AIza-test-key-0000000000"
    assert running.app.config.active_preset is None, "the chosen provider must be the one that runs"
    assert "default_provider: google" in running.config.read_text(encoding="utf-8")
    google = next(p for p in running.menu_item("Provider").children if p.value == "google")
    assert (google.label, google.checked) == ("Google Gemini", True)
    assert not any("AIza" in note.body for note in running.recorder.notes)


def test_a_capture_beyond_the_job_limit_says_why_before_the_overlay_opens(running: Running) -> None:
    with HangingServer() as server:
        set_value_in_file(running.config, ("providers", "openai", "base_url"), server.url + "/v1")
        pump(running.app.root, lambda: running.app.config.provider("openai").base_url.startswith(server.url))
        config = running.app.config
        plan = plan_capture(config, running.app.parts.catalog)
        crop = Image.new("RGB", (64, 48), (1, 2, 3))
        running.app.flow.start(config, plan, crop, Rect(100, 100, 64, 48), "a prompt")
        assert server.received.wait(10)
        assert running.recorder.states[-1] == "busy"
        running.app.capture(CaptureRequested())
        pump(running.app.root, lambda: running.recorder.said("already running"))
        note = next(n.body for n in running.recorder.notes if "already running" in n.body)
        assert "jobs.max_concurrent" in note
        assert not running.app.selector.active  # type: ignore[attr-defined]
        running.app.flow.close_all()
        assert server.closed_by_client.wait(10)


def test_start_at_login_toggles_the_autostart_entry(running: Running) -> None:
    entry = Path(running.env["XDG_CONFIG_HOME"]) / "autostart" / "ai-image-studio.desktop"
    assert running.menu_item("Start at login").checked is False
    running.post_and_wait(MenuCommand(menu.AUTOSTART))
    assert entry.exists()
    assert "main.py" in entry.read_text(encoding="utf-8")
    assert running.menu_item("Start at login").checked is True
    running.post_and_wait(MenuCommand(menu.AUTOSTART))
    assert not entry.exists()


def test_open_output_folder_creates_it_and_edit_settings_opens_the_file(running: Running) -> None:
    running.app.actions.open_folder()
    running.app.actions.edit_settings()
    folder = running.app.config.output.folder
    assert running.recorder.opened == [folder, running.config]
    assert folder.is_dir()


def test_a_hotkey_that_cannot_be_grabbed_is_reported_and_the_app_runs_on(running: Running) -> None:
    assert running.recorder.said("The hotkey '<ctrl>+<alt>+r' for preset 'restyle' is taken.")
    assert running.recorder.menus[-1][0].label == "Capture region    Ctrl+Print Screen"


def test_two_jobs_run_at_once_up_to_the_limit_and_a_refusal_shows_the_error_icon(running: Running) -> None:
    refusal = Reply.json({"error": {"message": "Your key was revoked", "type": "invalid_request_error"}}, 401)
    with HangingServer() as hanging, LoopbackServer([refusal]) as refusing:
        set_value_in_file(running.config, ("jobs", "max_concurrent"), 2)
        set_value_in_file(running.config, ("providers", "openai", "base_url"), hanging.url + "/v1")
        pump(running.app.root, lambda: running.app.config.jobs.max_concurrent == 2)
        pump(running.app.root, lambda: running.app.config.provider("openai").base_url.startswith(hanging.url))
        crop = Image.new("RGB", (64, 48), (1, 2, 3))
        plan = plan_capture(running.app.config, running.app.parts.catalog)
        running.app.flow.start(running.app.config, plan, crop, Rect(10, 10, 64, 48), "first")
        second = replace(running.app.config, providers={"openai": ProviderSettings("openai", refusing.url + "/v1")})
        running.app.flow.start(second, plan, crop, Rect(10, 100, 64, 48), "second")
        assert running.menu_item("Capture region").label.startswith("Capture region (2 running)")
        assert running.recorder.states[-1] == "busy"
        pump(running.app.root, lambda: running.recorder.said("the job failed"))
        pump(running.app.root, lambda: running.menu_item("Capture region").label.startswith("Capture region (1"))
        running.app.flow.close_all()
        running.app.refresh()
    failure = next(note for note in running.recorder.notes if "the job failed" in note.title)
    assert failure.body.startswith("OpenAI: ")
    assert "key" in failure.body
    assert [action.id for action in failure.actions] == ["retry"]
    assert running.recorder.states[-1] == "error"


def test_about_and_privacy_opens_a_window_that_says_what_leaves_the_computer(running: Running) -> None:
    running.app.parts.events.post(MenuCommand(menu.ABOUT))
    pump(
        running.app.root,
        lambda: any(
            isinstance(w, tk.Toplevel) and w.title().startswith("About") for w in running.app.root.winfo_children()
        ),
    )
    about = next(
        w for w in running.app.root.winfo_children() if isinstance(w, tk.Toplevel) and w.title().startswith("About")
    )
    texts = " ".join(str(child.cget("text")) for child in about.winfo_children() if isinstance(child, tk.Label))
    assert "What leaves this computer" in texts
    assert str(running.config) in texts


def test_the_copy_preset_delivers_at_once_and_its_notification_opens_the_saved_file(running: Running) -> None:
    set_value_in_file(running.config, ("output", "mode"), "save")
    pump(running.app.root, lambda: running.app.config.output.mode == "save")
    source = Image.new("RGB", (300, 200), (9, 8, 7))
    running.app.selected(Selection(source, Rect(10, 20, 30, 40)), "copy")  # what the selector hands back
    note = running.recorder.notes[-1]
    assert note.body.startswith("Saved 30x40: ")
    click = running.recorder.actions[-1]
    assert click is not None
    click("open")  # as the notification service calls it, from its own thread
    pump(running.app.root, lambda: bool(running.recorder.opened))
    saved = running.recorder.opened[0]
    assert saved.parent == running.app.config.output.folder
    assert Image.open(saved).size == (30, 40)


def test_edit_clipboard_image_with_text_on_the_clipboard_says_what_to_do(
    running: Running, desktop: VirtualDesktop
) -> None:
    subprocess.run(
        ["xclip", "-selection", "clipboard", "-i"],
        input=b"just some text",
        env=desktop.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        timeout=10,
    )
    before = len(running.recorder.notes)
    running.app.parts.events.post(MenuCommand(menu.CLIPBOARD))
    pump(running.app.root, lambda: len(running.recorder.notes) > before, timeout=15)
    assert "not an image" in running.recorder.notes[-1].body, running.recorder.notes[-1]
    assert not running.app.selector.active  # type: ignore[attr-defined]
    assert running.recorder.states[-1] == "error"


def test_the_key_dialog_refuses_a_pasted_key_with_spaces_and_stays_open(running: Running) -> None:
    running.app.actions.ask_key("ideogram", then=lambda: None)
    dialog = running.app.actions.key_dialog
    assert dialog is not None
    dialog.secret.set("two words")
    dialog.save()
    assert "spaces" in str(dialog.message.cget("text"))
    assert dialog.window.winfo_exists()
    assert not running.app.parts.keys.has_key("ideogram")
    dialog.cancel()
    assert running.app.actions.key_dialog is None
