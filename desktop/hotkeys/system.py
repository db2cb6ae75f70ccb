"""The hotkey method for this system: Windows' RegisterHotKey, the X11 grab, or pynput (macOS).

Wayland has none: applications cannot grab keys there, so the desktop's own shortcut settings run
``main.py capture`` (README, Wayland). ``AIIS_HOTKEYS=<name>`` pins a method, as NormCap lets a
person pin a capture method; the choice is logged by the caller.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

from desktop.hotkeys.base import HotkeyMethod
from desktop.hotkeys.pynput_listener import PynputListener
from desktop.hotkeys.windows import WindowsHotkeys
from desktop.hotkeys.x11_grab import X11KeyGrab
from desktop.methods import first_usable

PIN_VARIABLE = "AIIS_HOTKEYS"


def known_methods(env: Mapping[str, str], platform: str = sys.platform) -> list[HotkeyMethod]:
    """Every method, best first; the ones that consume the key come before pynput, which does not."""
    methods: list[HotkeyMethod] = [WindowsHotkeys(platform), X11KeyGrab(env, platform), PynputListener(env, platform)]
    pinned = env.get(PIN_VARIABLE, "").strip()
    if pinned:
        methods = [method for method in methods if method.name == pinned]
    return methods


def hotkey_method(env: Mapping[str, str], platform: str = sys.platform) -> tuple[HotkeyMethod | None, str]:
    """The method to use, or None and the install hints of the fitting ones ("" when none fits)."""
    method, fitting = first_usable(known_methods(env, platform))
    return method, " ".join(candidate.install_hint for candidate in fitting)
