"""The keyboard method protocol and the choice of the one that fits this system.

Why a grab at all: Tk never gives the focus to an override-redirect window on X11
(``TkpChangeFocus`` in ``unix/tkUnixFocus.c`` returns early), so under any window manager the
keys typed "into" the full-screen selector went to the window that had the focus before
(docs/adr/013-overlay-keyboard-grab.md). Windows and macOS give such windows focus as asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from desktop.methods import first_usable


class KeyboardMethod(Protocol):
    name: str
    install_hint: str

    def fits_this_system(self) -> bool: ...

    def is_installed(self) -> bool: ...

    def warm_up(self) -> None:
        """Open now whatever ``take`` would open at the first capture (connections, libraries)."""
        ...

    def take(self, window: int) -> None:
        """Own the keyboard for the mapped window ``window`` (an OS window id) until ``release``.

        Raises ``CaptureError`` in plain words when another program keeps it.
        """
        ...

    def focus(self, window: int) -> None:
        """Give the input focus to the mapped window ``window`` now, whatever the window manager thinks."""
        ...

    def hold(self) -> None:
        """Keep the keyboard after the grabbing window closes, until ``release``."""
        ...

    def keys_down(self) -> bool:
        """While held: is a key other than a modifier still pressed? (Release after it is up.)"""
        ...

    def release(self) -> None:
        """Let the keyboard go (a no-op when nothing is held) and hand the focus back."""
        ...

    def close(self) -> None: ...


def system_keyboard(env: Mapping[str, str], tcl_interp: int) -> KeyboardMethod:
    """The X11 grab where there is an X display, else Tk's own focus handling (Windows, macOS).

    ``tcl_interp`` is the running Tk's interpreter (``root.tk.interpaddr()``): the grab must be
    made on Tk's own X connection (``desktop.keyboard.tk_display``).
    """
    from desktop.keyboard.tk_focus import TkFocusOnly
    from desktop.keyboard.x11 import X11Keyboard

    methods: list[KeyboardMethod] = [X11Keyboard(env, tcl_interp), TkFocusOnly()]
    chosen, _fitting = first_usable(methods)
    # TkFocusOnly fits everywhere and needs nothing, so there is always a choice.
    return chosen if chosen is not None else TkFocusOnly()
