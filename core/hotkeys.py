"""Hotkey strings in pynput's notation (``<ctrl>+<shift>+e``), checked without importing pynput.

pynput cannot be imported without a display, and a config check must work on a bare terminal,
so the grammar is checked here; ``tray/hotkeys.py`` hands the same string to pynput.
"""

from __future__ import annotations

from dataclasses import dataclass

# Taken from every other program once grabbed, so chosen where none binds a key (docs/adr/015).
DEFAULT_CAPTURE_HOTKEY = "<ctrl>+<print_screen>"
DEFAULT_CLIPBOARD_HOTKEY = "<ctrl>+<shift>+<print_screen>"
# Opens the last result's viewer (issue 18, docs/adr/028): the free Print chord ADR 015 names.
DEFAULT_LAST_RESULT_HOTKEY = "<ctrl>+<shift>+<alt>+<print_screen>"

MODIFIERS = frozenset(
    {
        "ctrl",
        "ctrl_l",
        "ctrl_r",
        "shift",
        "shift_l",
        "shift_r",
        "alt",
        "alt_l",
        "alt_r",
        "alt_gr",
        "cmd",
        "cmd_l",
        "cmd_r",
    }
)

# The names of pynput.keyboard.Key that a person can bind (as of pynput 1.8).
NAMED_KEYS = frozenset(
    {
        "backspace",
        "caps_lock",
        "delete",
        "down",
        "end",
        "enter",
        "esc",
        "home",
        "insert",
        "left",
        "menu",
        "num_lock",
        "page_down",
        "page_up",
        "pause",
        "print_screen",
        "right",
        "scroll_lock",
        "space",
        "tab",
        "up",
        "media_play_pause",
        "media_volume_mute",
        "media_volume_down",
        "media_volume_up",
        "media_previous",
        "media_next",
    }
    | {f"f{number}" for number in range(1, 21)}
)


@dataclass(frozen=True)
class Hotkey:
    """A parsed hotkey: its modifiers (canonical order) and its one main key."""

    modifiers: tuple[str, ...]
    key: str

    def __str__(self) -> str:
        parts = [f"<{name}>" for name in self.modifiers]
        parts.append(self.key if len(self.key) == 1 else f"<{self.key}>")
        return "+".join(parts)

    def label(self) -> str:
        """A human label for menus: ``Ctrl+Shift+E``."""
        names = [name.split("_")[0].capitalize() for name in self.modifiers]
        names.append(self.key.upper() if len(self.key) == 1 else self.key.replace("_", " ").title())
        return "+".join(names)


def _canonical_modifier(name: str) -> str:
    return name.split("_", maxsplit=1)[0] if name != "alt_gr" else name


def parse_hotkey(text: str) -> Hotkey:
    """Parse ``text`` or raise ``ValueError`` with a message that says what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{text!r} is not a valid hotkey: it is empty")
    parts = text.strip().lower().split("+")
    modifiers: list[str] = []
    main: str | None = None
    for raw in parts:
        part = raw.strip()
        if not part:
            raise ValueError(f"'{text}' is not a valid hotkey: it has an empty part (write '<ctrl>+<shift>+e')")
        if part.startswith("<") and part.endswith(">"):
            name = part[1:-1]
            if name in MODIFIERS:
                canonical = _canonical_modifier(name)
                if canonical in modifiers:
                    raise ValueError(f"'{text}' is not a valid hotkey: <{name}> is given twice")
                modifiers.append(canonical)
                continue
            if name in NAMED_KEYS or name.isdigit():
                key = name
            else:
                raise ValueError(f"'{text}' is not a valid hotkey: <{name}> is not a key name")
        elif len(part) == 1:
            key = part
        else:
            raise ValueError(
                f"'{text}' is not a valid hotkey: '{part}' must be one character or a name in "
                f"angle brackets such as <f9>"
            )
        if main is not None:
            raise ValueError(f"'{text}' is not a valid hotkey: it has two main keys, '{main}' and '{key}'")
        main = key
    if main is None:
        raise ValueError(f"'{text}' is not a valid hotkey: it has modifiers but no main key")
    order = ["ctrl", "shift", "alt", "alt_gr", "cmd"]
    return Hotkey(tuple(sorted(modifiers, key=order.index)), main)
