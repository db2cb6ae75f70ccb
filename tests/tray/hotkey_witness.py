"""Helper processes for the consumed-hotkey tests, run as ``python -m tests.tray.hotkey_witness ROLE``.

``witness``: a focused Tk window that prints every key it receives, one keysym a line, after a
first line ``focused`` once it has the keyboard focus (DESKTOP-TESTING.md, "a witness that shows
leaks"). ``holder KEYCODE MASK``: another X client that grabs one key (with the lock variants)
on the root window, prints ``held`` (or ``taken`` if any variant was refused) and keeps what it
got until its stdin closes.
"""

from __future__ import annotations

import sys

# Keys that reach the focused window with any X11 hotkey: the modifiers themselves.
MODIFIER_KEYSYMS = frozenset(
    {
        "Control_L",
        "Control_R",
        "Shift_L",
        "Shift_R",
        "Alt_L",
        "Alt_R",
        "Super_L",
        "Super_R",
        "Meta_L",
        "Meta_R",
        "ISO_Level3_Shift",
        "Num_Lock",
        "Caps_Lock",
        "Scroll_Lock",
    }
)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def witness() -> None:
    import tkinter as tk

    root = tk.Tk(className="hotkey-witness")
    root.title("witness")
    root.geometry("300x200+50+50")
    told = False

    def focused(_event: object) -> None:
        nonlocal told
        if not told:
            told = True
            say("focused")

    root.bind("<FocusIn>", focused)
    root.bind_all("<Key>", lambda event: say(event.keysym))
    root.after(200, root.focus_force)
    root.mainloop()


def holder(keycode: int, mask: int) -> None:
    from Xlib import X, display, error

    connection = display.Display()
    root = connection.screen().root
    catch = error.CatchError(error.BadAccess)
    for variant in (0, X.LockMask, X.Mod2Mask, X.LockMask | X.Mod2Mask):
        root.grab_key(keycode, mask | variant, False, X.GrabModeAsync, X.GrabModeAsync, onerror=catch)
    connection.sync()
    say("taken" if catch.get_error() else "held")
    sys.stdin.read()
    connection.close()


if __name__ == "__main__":
    if sys.argv[1] == "witness":
        witness()
    else:
        holder(int(sys.argv[2]), int(sys.argv[3]))
