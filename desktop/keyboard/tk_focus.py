"""Where Tk's ``focus_force`` already works (Windows, macOS): nothing to add.

On Windows and macOS Tk hands the focus to a borderless topmost window when asked, and the
window stays topmost over the whole screen, so keys reach it without a grab.
"""

from __future__ import annotations


class TkFocusOnly:
    name = "tk-focus"
    install_hint = ""

    def fits_this_system(self) -> bool:
        return True

    def is_installed(self) -> bool:
        return True

    def warm_up(self) -> None:
        return None

    def take(self, window: int) -> None:
        del window

    def focus(self, window: int) -> None:
        del window

    def hold(self) -> None:
        return None

    def keys_down(self) -> bool:
        return False

    def release(self) -> None:
        return None

    def close(self) -> None:
        return None
