"""The tray menu model: what the person sees for a given state, and that clicks only post commands."""

from __future__ import annotations

import pytest

from tray import menu
from tray.events import MenuCommand
from tray.menu import MenuItem, MenuState, ProviderChoice, build_menu


def state(**changes: object) -> MenuState:
    values: dict[str, object] = {
        "capture_hotkey": "Ctrl+Shift+E",
        "clipboard_hotkey": "Ctrl+Shift+V",
        "providers": (ProviderChoice("openai", "OpenAI", True), ProviderChoice("google", "Google Gemini", False)),
        "provider": "openai",
        "presets": ("copy", "restyle"),
        "preset": "restyle",
        "output_mode": "both",
        "remove_background_after": False,
        "start_at_login": False,
    }
    values.update(changes)
    return MenuState(**values)  # type: ignore[arg-type]


def item(items: tuple[MenuItem, ...], label_start: str) -> MenuItem:
    return next(entry for entry in items if entry.label.startswith(label_start))


def test_every_item_of_the_issue_is_there_in_order() -> None:
    labels = [entry.label.split("    ")[0] for entry in build_menu(state()) if not entry.is_separator]
    assert labels == [
        "Capture region",
        "Edit clipboard image",
        "Open image...",
        "Provider",
        "Preset",
        "Output",
        "Remove background afterwards",
        "Set API key...",
        "Open output folder",
        "History...",
        "Edit settings",
        "Start at login",
        "About and privacy",
        "Quit",
    ]


def test_capture_shows_its_hotkey_and_is_the_default_click() -> None:
    capture = build_menu(state())[0]
    assert capture.label == "Capture region    Ctrl+Shift+E"
    assert capture.default
    assert build_menu(state(capture_hotkey=None))[0].label == "Capture region"


def test_a_provider_without_a_key_says_so_and_the_chosen_one_is_checked() -> None:
    providers = item(build_menu(state()), "Provider").children
    assert [(p.label, p.checked, p.radio) for p in providers] == [
        ("OpenAI", True, True),
        ("Google Gemini (no key set)", False, True),
    ]
    assert providers[1].action == menu.PROVIDER
    assert providers[1].value == "google"


def test_preset_and_output_are_radio_lists_with_the_current_choice_checked() -> None:
    items = build_menu(state(output_mode="save", preset=None))
    assert [(p.label, p.checked) for p in item(items, "Preset").children] == [("copy", False), ("restyle", False)]
    outputs = item(items, "Output").children
    assert [(o.label, o.value, o.checked) for o in outputs] == [
        ("Copy", "clipboard", False),
        ("Save", "save", True),
        ("Copy and save", "both", False),
    ]


def test_toggles_show_their_state_and_start_at_login_is_disabled_where_unavailable() -> None:
    items = build_menu(state(remove_background_after=True, start_at_login=True))
    assert item(items, "Remove background").checked is True
    assert item(items, "Start at login").checked is True
    unavailable = item(build_menu(state(start_at_login=None)), "Start at login")
    assert not unavailable.enabled
    assert "not available" in unavailable.label


def test_running_jobs_are_counted_on_the_capture_item() -> None:
    assert build_menu(state(running_jobs=2))[0].label.startswith("Capture region (2 running)")


def test_no_presets_shows_a_disabled_hint() -> None:
    presets = item(build_menu(state(presets=(), preset=None)), "Preset").children
    assert len(presets) == 1
    assert not presets[0].enabled


def test_pystray_menu_items_only_post_the_command_when_clicked(monkeypatch: pytest.MonkeyPatch) -> None:
    # pystray picks its backend when imported; the dummy one needs no display.
    monkeypatch.setenv("PYSTRAY_BACKEND", "dummy")
    import pystray

    posted: list[MenuCommand] = []
    pystray_menu = menu.to_pystray(build_menu(state()), posted.append, pystray)
    entries = list(pystray_menu.items)  # type: ignore[attr-defined]
    quit_item = next(entry for entry in entries if entry.text == "Quit")
    quit_item(None)
    provider = next(entry for entry in entries if entry.text == "Provider")
    google = next(entry for entry in provider.submenu.items if entry.text.startswith("Google"))
    google(None)
    assert posted == [MenuCommand(menu.QUIT), MenuCommand(menu.PROVIDER, "google")]
    assert google.radio
    assert not google.checked
    assert next(entry for entry in provider.submenu.items if entry.text == "OpenAI").checked
