"""The tray menu as data, built from the app's state; ``to_pystray`` turns it into pystray's menu.

The model is rebuilt whenever the state changes and handed to pystray whole, so no pystray callback
reads app state from pystray's thread: a click only posts a ``MenuCommand`` to the Tk thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from tray.events import MenuCommand

CAPTURE = "capture"
CLIPBOARD = "clipboard"
OPEN_IMAGE = "open_image"
PROVIDER = "provider"
PRESET = "preset"
OUTPUT = "output"
REMOVE_BACKGROUND = "remove_background"
SET_KEY = "set_key"
OPEN_FOLDER = "open_folder"
HISTORY = "history"
EDIT_SETTINGS = "edit_settings"
AUTOSTART = "autostart"
ABOUT = "about"
QUIT = "quit"

OUTPUT_LABELS = (("clipboard", "Copy"), ("save", "Save"), ("both", "Copy and save"))


@dataclass(frozen=True)
class ProviderChoice:
    """``has_key`` is None while the keyring has not answered; ``unknown_why`` then says why in words."""

    id: str
    name: str
    has_key: bool | None
    unknown_why: str = ""


@dataclass(frozen=True)
class MenuState:
    """Everything the menu shows. ``start_at_login`` is None where the system offers no way to do it."""

    capture_hotkey: str | None
    clipboard_hotkey: str | None
    providers: tuple[ProviderChoice, ...]
    provider: str
    presets: tuple[str, ...]
    preset: str | None
    output_mode: str
    remove_background_after: bool
    start_at_login: bool | None
    running_jobs: int = 0
    models: tuple[MenuItem, ...] = ()  # the Model submenu (tray.model_menu); empty hides it
    spent: str = ""  # "Spent this session: about $0.31" (tray.spending); empty hides it


@dataclass(frozen=True)
class MenuItem:
    """One entry. ``radio`` items show a dot when ``checked``; others a tick when ``checked`` is set."""

    label: str
    action: str = ""
    value: str = ""
    checked: bool | None = None
    radio: bool = False
    enabled: bool = True
    children: tuple[MenuItem, ...] = ()
    default: bool = False

    @property
    def is_separator(self) -> bool:
        return self.label == "-"


SEPARATOR = MenuItem("-")


def _with_hotkey(label: str, hotkey: str | None) -> str:
    return f"{label}    {hotkey}" if hotkey else label


def provider_label(choice: ProviderChoice) -> str:
    if choice.has_key is None:
        # A locked keyring must not hold the menu up (issue 17): say the key is unknown, and why.
        return f"{choice.name} (key: unknown, {choice.unknown_why or 'keyring locked'})"
    return choice.name if choice.has_key else f"{choice.name} (no key set)"


def build_menu(state: MenuState) -> tuple[MenuItem, ...]:
    providers = tuple(
        MenuItem(provider_label(p), PROVIDER, p.id, checked=p.id == state.provider, radio=True) for p in state.providers
    )
    presets = tuple(
        MenuItem(name, PRESET, name, checked=name == state.preset, radio=True) for name in state.presets
    ) or (MenuItem("(no presets in the settings)", enabled=False),)
    outputs = tuple(
        MenuItem(label, OUTPUT, mode, checked=mode == state.output_mode, radio=True) for mode, label in OUTPUT_LABELS
    )
    capture_label = "Capture region"
    if state.running_jobs:
        capture_label += f" ({state.running_jobs} running)"
    login = (
        MenuItem("Start at login", AUTOSTART, checked=state.start_at_login)
        if state.start_at_login is not None
        else MenuItem("Start at login (not available here)", enabled=False)
    )
    return (
        MenuItem(_with_hotkey(capture_label, state.capture_hotkey), CAPTURE, default=True),
        MenuItem(_with_hotkey("Edit clipboard image", state.clipboard_hotkey), CLIPBOARD),
        MenuItem("Open image...", OPEN_IMAGE),
        *((MenuItem(state.spent, enabled=False),) if state.spent else ()),
        SEPARATOR,
        MenuItem("Provider", children=providers),
        *((MenuItem("Model", children=state.models),) if state.models else ()),
        MenuItem("Preset", children=presets),
        MenuItem("Output", children=outputs),
        MenuItem("Remove background afterwards", REMOVE_BACKGROUND, checked=state.remove_background_after),
        SEPARATOR,
        MenuItem("Set API key...", SET_KEY),
        MenuItem("Open output folder", OPEN_FOLDER),
        # Always there: with history off it still lists (and removes) what was kept before (issue 18).
        MenuItem("History...", HISTORY),
        MenuItem("Edit settings", EDIT_SETTINGS),
        login,
        MenuItem("About and privacy", ABOUT),
        SEPARATOR,
        MenuItem("Quit", QUIT),
    )


def to_pystray(items: tuple[MenuItem, ...], post: Callable[[MenuCommand], None], pystray: ModuleType) -> object:
    """The ``pystray.Menu`` for ``items``; ``pystray`` is the imported module (it needs a display)."""

    def entry(item: MenuItem) -> object:
        if item.is_separator:
            return pystray.Menu.SEPARATOR
        if item.children:
            return pystray.MenuItem(item.label, pystray.Menu(*(entry(child) for child in item.children)))
        command = MenuCommand(item.action, item.value)

        def clicked(_icon: object, _item: object) -> None:
            post(command)

        return pystray.MenuItem(
            item.label,
            clicked,
            checked=(lambda _item: bool(item.checked)) if item.checked is not None else None,
            radio=item.radio,
            enabled=item.enabled,
            default=item.default,
        )

    return pystray.Menu(*(entry(item) for item in items))
