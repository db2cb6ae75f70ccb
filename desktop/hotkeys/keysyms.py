"""X keysyms for the key names of ``core.hotkeys`` (pynput's names), without importing Xlib."""

from __future__ import annotations

from types import MappingProxyType

# From X11/keysymdef.h and XF86keysym.h.
NAMED_KEYSYMS = MappingProxyType(
    {
        "backspace": 0xFF08,
        "tab": 0xFF09,
        "enter": 0xFF0D,
        "pause": 0xFF13,
        "scroll_lock": 0xFF14,
        "esc": 0xFF1B,
        "home": 0xFF50,
        "left": 0xFF51,
        "up": 0xFF52,
        "right": 0xFF53,
        "down": 0xFF54,
        "page_up": 0xFF55,
        "page_down": 0xFF56,
        "end": 0xFF57,
        "print_screen": 0xFF61,
        "insert": 0xFF63,
        "menu": 0xFF67,
        "num_lock": 0xFF7F,
        "caps_lock": 0xFFE5,
        "delete": 0xFFFF,
        "space": 0x0020,
        "media_volume_down": 0x1008FF11,
        "media_volume_mute": 0x1008FF12,
        "media_volume_up": 0x1008FF13,
        "media_play_pause": 0x1008FF14,
        "media_previous": 0x1008FF16,
        "media_next": 0x1008FF17,
    }
    | {f"f{number}": 0xFFBE + number - 1 for number in range(1, 21)}
)
UNICODE_KEYSYM_BASE = 0x01000000
LATIN1_END = 0xFF


def keysym_for(key: str) -> int:
    """The keysym of a main key: a named key, one character, or pynput's ``<NNN>`` virtual key code.

    On X11 pynput's virtual key code *is* the keysym, so ``<65>`` means keysym 65 here too.
    """
    if key in NAMED_KEYSYMS:
        return NAMED_KEYSYMS[key]
    if len(key) > 1 and key.isdigit():
        return int(key)
    code = ord(key)
    # Latin-1 keysyms equal their code points; the rest of Unicode is offset (keysymdef.h).
    return code if code <= LATIN1_END else UNICODE_KEYSYM_BASE | code
