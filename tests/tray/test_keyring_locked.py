"""The tray with a keyring that never answers: hotkeys, icon and menu do not wait for it (issue 17).

GIVEN a private desktop whose Secret Service owns its name and never replies (tests/locked_keyring.py:
what a locked keyring waiting on its password prompt looks like to the app), a system tray host and
a known pattern on screen. Measured before this change: the tray bound its hotkeys 17 s after start,
because its menu asked the keyring for every provider's key on the Tk thread.
"""

from __future__ import annotations

import gc
import subprocess
import time
import tkinter as tk
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from PIL import Image

from core.config import ProviderSettings
from core.jobs import JobRunner
from core.keyring_worker import KeyBackend
from core.keys import KeyStore
from core.models import Rect
from core.planning import plan_capture
from core.yaml_edit import set_value_in_file
from desktop.capture.system import system_capture
from desktop.clipboard.xclip import XclipClipboard
from overlay.selector import SelectorHost
from providers.base import Provider
from providers.registry import create_provider, provider_catalog
from tests.desktop.capture.screens import paint_root
from tests.locked_keyring import locked_gnome_keyring, silent_bus, silent_secret_service
from tests.tray.test_app import SETTINGS, NoHotkeys, Recorder
from tests.tray.test_e2e_sni import in_trayer
from tests.tray.tray_session import HEIGHT, PATTERN, TRAY_HEIGHT, TRAY_WIDTH, WIDTH, running_tray, wait_for
from tests.virtual_desktop import VirtualDesktop, _stop
from tray.app import TrayApp
from tray.events import EventQueue
from tray.key_status import ASKING, LOCKED
from tray.parts import AppParts, Lazy

pytestmark = pytest.mark.desktop

SIZE = ("--widthtype", "pixel", "--width", str(TRAY_WIDTH), "--heighttype", "pixel", "--height", str(TRAY_HEIGHT))
LOCKED_MESSAGE = "The system keyring did not answer in 5 s; it may be locked"


@pytest.fixture(scope="module", params=["silent", "gnome-keyring"])
def locked_desktop(request: pytest.FixtureRequest) -> Iterator[VirtualDesktop]:
    """Each test runs against the silent stand-in and against a real, locked, activatable gnome-keyring."""
    make = silent_secret_service if request.param == "silent" else locked_gnome_keyring
    with make(WIDTH, HEIGHT) as desktop:
        trayer = subprocess.Popen(
            ["trayer", "--edge", "top", "--align", "right", "--SetDockType", "true", "--transparent", "false", *SIZE],
            env=desktop.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            paint_root(desktop.display, PATTERN)
            yield desktop
        finally:
            _stop(trayer)


class FirstCall:
    """The real SecretService backend, noting when the app first asked it anything."""

    def __init__(self, backend: KeyBackend) -> None:
        self.backend = backend
        self.at: float | None = None

    def get_password(self, service_name: str, username: str) -> str | None:
        self.at = self.at or time.monotonic()
        return self.backend.get_password(service_name, username)

    def set_password(self, service_name: str, username: str, password: str) -> None:
        self.at = self.at or time.monotonic()
        self.backend.set_password(service_name, username, password)

    def delete_password(self, service_name: str, username: str) -> None:
        self.at = self.at or time.monotonic()
        self.backend.delete_password(service_name, username)


@dataclass
class Started:
    hotkeys: float = 0.0
    icon: float = 0.0


class TimedHotkeys(NoHotkeys):
    def __init__(self, started: Started) -> None:
        self.started = started

    def start(self, bindings: object) -> list[str]:
        self.started.hotkeys = time.monotonic()
        return []


class TimedIcon(Recorder):
    started: Started | None = None

    def start(self) -> None:
        assert self.started is not None
        self.started.icon = time.monotonic()


def provider_labels(recorder: Recorder) -> dict[str, str]:
    providers = next(item for item in recorder.menus[-1] if item.label == "Provider")
    return {child.value: child.label for child in providers.children}


@dataclass
class LockedApp:
    app: TrayApp
    recorder: TimedIcon
    started: Started
    backend: FirstCall
    start_took: float


@pytest.fixture
def silent_env(desktop: VirtualDesktop) -> Iterator[dict[str, str]]:
    """The session's display (Tk in this process must keep one X server) with a silent keyring bus."""
    with silent_bus(desktop.env) as address:
        yield {**desktop.env, "DBUS_SESSION_BUS_ADDRESS": address}


@pytest.fixture
def locked_app(silent_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LockedApp]:
    """The tray app in this process with the real SecretService backend on the silent bus, no key in env."""
    env = {**silent_env, "XDG_CONFIG_HOME": str(tmp_path / "xdg-config")}
    for name in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
        monkeypatch.setenv(name, env[name])
    from keyring.backends.SecretService import Keyring

    config = tmp_path / "settings.yaml"
    config.write_text(SETTINGS.replace("{folder}", str(tmp_path / "out")), encoding="utf-8")
    catalog = provider_catalog()
    started = Started()
    recorder = TimedIcon()
    recorder.started = started
    backend = FirstCall(Keyring())  # type: ignore[no-untyped-call]
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
        keys=KeyStore(catalog, env, backend),
        jobs=jobs,
        make_provider=make_provider,
        capture=capture.get,
        clipboard=lambda: XclipClipboard(env),
        notifier=recorder,
        events=EventQueue(),
        tray_icon=recorder,
        hotkeys=TimedHotkeys(started),
        make_selector=SelectorHost,
        start_at_login=None,
        open_path=recorder.opened.append,
        save_setting=set_value_in_file,
    )
    root = tk.Tk()
    root.withdraw()
    app = TrayApp(root, parts)
    try:
        began = time.monotonic()
        app.start()
        yield LockedApp(app, recorder, started, backend, time.monotonic() - began)
    finally:
        app.quit()
        jobs.call(client.aclose(), timeout=5)
        jobs.stop()
        app.selector.cancel()
        capture.close()
        root.destroy()
        parts.events.close()
        del app, parts
        gc.collect()


def test_the_tray_binds_hotkeys_and_shows_its_icon_first_and_the_menu_says_the_key_is_unknown(
    locked_app: LockedApp,
) -> None:
    app, recorder, backend = locked_app.app, locked_app.recorder, locked_app.backend
    # THEN start() did not wait for the keyring, which was asked only after the hotkeys and the icon
    assert locked_app.start_took < 1.0, f"start() took {locked_app.start_took:.2f} s"
    wait_for(lambda: backend.at is not None, 5, "the first keyring call")
    assert backend.at is not None
    assert 0 < locked_app.started.hotkeys <= locked_app.started.icon < backend.at
    labels = provider_labels(recorder)
    assert labels["openai"] == f"OpenAI (key: unknown, {ASKING})"
    assert labels["openai-compatible"] == "OpenAI-compatible server", "a provider needing no key is never unknown"

    # WHEN a job that needs the key starts while the keyring is still silent
    plan = plan_capture(app.config, app.parts.catalog)
    began = time.monotonic()
    app.flow.start(app.config, plan, Image.new("RGB", (64, 48)), Rect(10, 10, 64, 48), "a prompt")
    # THEN the Tk thread goes on at once (the job asks the keyring on its own thread) ...
    assert time.monotonic() - began < 0.5
    assert app.flow.running == 1
    # ... and stays responsive until the keyring's time limit passes
    longest, last = 0.0, time.monotonic()
    deadline = last + 8
    while not (app.key_status.answered and app.flow.running == 0) and time.monotonic() < deadline:
        app.root.update()
        now = time.monotonic()
        longest, last = max(longest, now - last), now
        time.sleep(0.01)
    assert app.key_status.answered
    # Far below the keyring's 5 s (a toast, a notification and a GC pass happen in this loop too).
    assert longest < 1.0, f"the Tk thread was blocked for {longest:.2f} s"
    assert provider_labels(recorder)["openai"] == f"OpenAI (key: unknown, {LOCKED})"
    failure = next(note for note in recorder.notes if "the job failed" in note.title)
    assert LOCKED_MESSAGE in failure.body
    assert "OPENAI_API_KEY" in failure.body


def test_the_real_tray_with_a_locked_keyring_starts_in_normal_time_opens_the_overlay_and_quits(
    locked_desktop: VirtualDesktop,
) -> None:
    # GIVEN main.py with OPENAI_API_KEY set (running_tray) and the other providers' keys in the
    # silent keyring. WHEN it starts and the capture hotkey is pressed
    began = time.monotonic()
    with running_tray(locked_desktop, "http://127.0.0.1:9/v1") as tray:
        running_after = time.monotonic() - began
        tray.wait_log("hotkeys through")
        # THEN the icon docks, the hotkey opens the overlay, and the menu says the key is unknown
        wait_for(lambda: in_trayer(tray.desktop), 10, "the tray icon docked in trayer")
        tray.xdotool("key", "ctrl+shift+e")
        wait_for(lambda: overlay_visible(tray.desktop), 10, "the selector overlay")
        tray.xdotool("key", "Escape")
        # Every provider whose key is not in the environment, in menu order (issue 15: from the catalog).
        in_env = {"OPENAI_API_KEY", "PHOTOROOM_API_KEY"}
        unknown = [info.id for info in provider_catalog().values() if not in_env & set(info.key_env_vars)]
        tray.wait_log(f"key status unknown for {', '.join(unknown)}: the keyring did not answer")
        assert tray.log.index("tray app running") < tray.log.index("key status unknown")
        # AND it quits at once although a keyring call never returned (its thread is a daemon)
        began = time.monotonic()
        assert tray.stop() == 0
        quit_took = time.monotonic() - began
    assert running_after < 15
    assert quit_took < 5, f"quitting took {quit_took:.1f} s"
    assert "Traceback" not in tray.log


def overlay_visible(desktop: VirtualDesktop) -> bool:
    result = desktop.run("xdotool", "search", "--onlyvisible", "--class", "ai-image-studio", check=False)
    return bool(result.stdout.strip())
