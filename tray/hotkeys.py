"""Global hotkeys from the settings: capture, edit clipboard image, and one per preset that names one.

The OS edge is in ``desktop/hotkeys`` (X11 grab, Windows RegisterHotKey, pynput on macOS); this
module picks the method, turns the settings into hotkeys and what a method refuses into plain
sentences. A hotkey that is invalid, duplicated or taken by another program is reported and left
out; the others still work. The method's thread only calls ``on_hotkey``, which posts to the Tk
queue (docs/adr/005-threading-model.md).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from core.hotkeys import Hotkey, parse_hotkey
from desktop.hotkeys.base import HotkeyMethod, Refusal
from desktop.hotkeys.system import hotkey_method
from desktop.hotkeys.x11_grab import X11KeyGrab

if TYPE_CHECKING:
    from core.config import Config

log = logging.getLogger(__name__)

HotkeyAction = Literal["capture", "clipboard", "last_result", "preset"]


@dataclass(frozen=True)
class HotkeyBinding:
    """One hotkey and what it does. ``source`` names the setting, for messages."""

    hotkey: str
    action: HotkeyAction
    preset: str | None = None
    source: str = ""


HotkeySink = Callable[[HotkeyBinding], None]


def bindings_from_config(config: Config) -> tuple[HotkeyBinding, ...]:
    """Every hotkey the settings name, in menu order; unset ones are left out."""
    bindings: list[HotkeyBinding] = []
    if config.hotkeys.capture:
        bindings.append(HotkeyBinding(config.hotkeys.capture, "capture", None, "hotkeys.capture"))
    if config.hotkeys.clipboard:
        bindings.append(HotkeyBinding(config.hotkeys.clipboard, "clipboard", None, "hotkeys.clipboard"))
    if config.hotkeys.last_result:
        bindings.append(HotkeyBinding(config.hotkeys.last_result, "last_result", None, "hotkeys.last_result"))
    for index, preset in enumerate(config.presets):
        if preset.hotkey:
            bindings.append(HotkeyBinding(preset.hotkey, "preset", preset.name, f"presets[{index}].hotkey"))
    return tuple(bindings)


def _describe(binding: HotkeyBinding) -> str:
    what = f"preset '{binding.preset}'" if binding.action == "preset" else binding.action
    where = f" ({binding.source})" if binding.source else ""
    return f"The hotkey '{binding.hotkey}' for {what}{where}"


def taken_message(binding: HotkeyBinding, holder: str = "") -> str:
    """The sentence for a hotkey another program holds: which one, who (if known), and where to change it."""
    section = "presets" if binding.action == "preset" else "hotkeys"
    label = _label(binding.hotkey)
    where = f" ({binding.source})" if binding.source else ""
    return (
        f"{label}{where} is already taken by {holder or 'another program'}; "
        f"choose another under {section}: in the settings file."
    )


def no_hotkeys_message(env: Mapping[str, str], hints: str) -> str:
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        return (
            "Global hotkeys are not available on this desktop: Wayland does not let applications take keys. "
            "Bind 'python main.py capture' to a shortcut in your desktop's keyboard settings, or use the tray menu."
        )
    extra = f" {hints}" if hints else ""
    return f"Global hotkeys are not available on this desktop; use the tray menu instead.{extra}"


class GlobalHotkeys:
    """All bindings through one hotkey method; ``start`` again to apply new settings."""

    def __init__(self, on_hotkey: HotkeySink, env: Mapping[str, str] | None = None) -> None:
        self._on_hotkey = on_hotkey
        self._env = env
        self._method: HotkeyMethod | None = None
        self._active: tuple[HotkeyBinding, ...] = ()
        self._lock = threading.Lock()

    @property
    def active(self) -> tuple[HotkeyBinding, ...]:
        return self._active

    def start(self, bindings: Sequence[HotkeyBinding]) -> list[str]:
        """Take ``bindings``; returns the problems (one sentence each), empty if all work."""
        self.stop()
        env = self._env if self._env is not None else os.environ
        problems: list[str] = []
        wanted: dict[str, tuple[HotkeyBinding, Hotkey]] = {}
        for binding in bindings:
            problem = _check(binding, wanted)
            if problem:
                problems.append(problem)
        if not wanted:
            return problems
        method, hints = hotkey_method(env)
        if method is None:
            return [*problems, no_hotkeys_message(env, hints)]
        usable = list(wanted.values())
        active = tuple(binding for binding, _hotkey in usable)

        def pressed(index: int) -> None:
            log.debug("hotkey %s pressed", active[index].hotkey)
            self._on_hotkey(active[index])

        try:
            refusals = method.start([hotkey for _binding, hotkey in usable], pressed)
        except OSError as error:
            log.warning("hotkey method %s failed to start: %s", method.name, error)
            return [*problems, f"Global hotkeys could not be set up on this desktop ({error}); use the tray menu."]
        problems.extend(_refusal_message(active[refusal.index], refusal) for refusal in refusals)
        refused = {refusal.index for refusal in refusals}
        with self._lock:
            self._method = method
            self._active = tuple(binding for index, binding in enumerate(active) if index not in refused)
        log.info("hotkeys through %s: %d taken, %d refused", method.name, len(self._active), len(refused))
        for problem in problems:
            log.warning("%s", problem)
        return problems

    def stop(self) -> None:
        """Release every hotkey; the method's thread has ended when this returns (within ~0.5 s at worst)."""
        with self._lock:
            method, self._method, self._active = self._method, None, ()
        if method is not None:
            method.stop()


def probe_hotkeys(bindings: Sequence[HotkeyBinding], env: Mapping[str, str]) -> list[str] | None:
    """For ``config check``: grab each hotkey on the X display and release it at once.

    The problems (taken, no such key), or None where nothing can be tried: no X display to reach,
    or another system (Windows and macOS are not probed; the tray reports there when it starts).
    """
    grab = X11KeyGrab(env)
    if not grab.fits_this_system() or not grab.is_installed():
        return None
    wanted: dict[str, tuple[HotkeyBinding, Hotkey]] = {}
    for binding in bindings:
        _check(binding, wanted)  # the settings check already reported what this refuses
    usable = list(wanted.values())
    try:
        refusals = grab.start([hotkey for _binding, hotkey in usable], lambda _index: None)
    except OSError as error:
        log.info("no X display to try the hotkeys on: %s", error)
        return None
    finally:
        grab.stop()
    return [_refusal_message(usable[refusal.index][0], refusal) for refusal in refusals]


def _check(binding: HotkeyBinding, wanted: dict[str, tuple[HotkeyBinding, Hotkey]]) -> str | None:
    try:
        hotkey = parse_hotkey(binding.hotkey)
    except ValueError as error:
        detail = str(error).removeprefix(f"'{binding.hotkey}' ")
        return f"{_describe(binding)} does not work: {detail}."
    canonical = str(hotkey)
    if canonical in wanted:
        return f"{_describe(binding)} is already used by {_describe(wanted[canonical][0]).lower()}; it was left out."
    wanted[canonical] = (binding, hotkey)
    return None


def _refusal_message(binding: HotkeyBinding, refusal: Refusal) -> str:
    if refusal.reason == "taken":
        return taken_message(binding, refusal.holder)
    detail = refusal.detail or "this desktop refused it"
    return f"{_describe(binding)} does not work: {detail}."


def _label(hotkey: str) -> str:
    try:
        return parse_hotkey(hotkey).label()
    except ValueError:
        return hotkey
