"""The tray menu as a Tk popup menu, for a tray icon that leaves the menu to us (our XEmbed icon).

An XEmbed tray shows only our window; the menu is ours to draw. It is built on the Tk thread (the
one thread that owns Tk, docs/adr/005-threading-model.md) from the same ``tray.menu.MenuItem``
tree pystray and the SNI item get: radio groups share one variable per submenu, ticks are
checkbuttons, disabled rows and labels are disabled entries, the default item is bold as in
GTK's menu, and the hotkey after a label is the entry's accelerator. A choice posts its
``MenuCommand``, as pystray's callbacks do. ``tk_popup`` grabs pointer and keyboard globally, so
arrows, Enter and Esc work although the app has no focused window; the focus is taken for the
menu's life and handed back to whoever had it (docs/adr/040-xembed-tray-icon.md).
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from tkinter import font as tkfont
from typing import Literal

from tray.events import Event, MenuCommand
from tray.menu import MenuItem

log = logging.getLogger(__name__)

HOTKEY_GAP = "    "  # tray.menu._with_hotkey's gap between a label and its hotkey


def split_label(label: str) -> tuple[str, str]:
    """The entry's label and its accelerator (the hotkey ``build_menu`` appended), '' when none."""
    text, _gap, hotkey = label.partition(HOTKEY_GAP)
    return text, hotkey


class TrayPopup:
    """One popup at a time; each ``popup`` builds the menu anew from the items it is given."""

    def __init__(self, root: tk.Misc, post: Callable[[Event], None]) -> None:
        self._root = root
        self._post = post
        self.menu: tk.Menu | None = None
        self._variables: list[tk.Variable] = []
        self._bold: tkfont.Font | None = None

    def popup(self, x: int, y: int, items: tuple[MenuItem, ...]) -> None:
        self.close()
        self.menu = self.build(items)
        try:
            self.menu.tk_popup(x, y)
            # Tk hands key events only to a window of an app that has the focus, and a tray app has
            # none: without this the global grab takes the keys and drops them (arrows, Enter, Esc).
            self.menu.focus_force()
        except tk.TclError as error:
            # "grab failed": another program holds the pointer or keyboard (its own menu is open).
            log.warning("the tray menu could not be shown: %s", error)
            self.close()
            return
        log.info("tray menu shown at %d,%d", x, y)

    def build(self, items: tuple[MenuItem, ...]) -> tk.Menu:
        if self._bold is None:
            self._bold = tkfont.nametofont("TkMenuFont", root=self._root).copy()
            self._bold.configure(weight="bold")
        menu = tk.Menu(self._root, tearoff=False)
        self._fill(menu, items)
        return menu

    def _fill(self, menu: tk.Menu, items: tuple[MenuItem, ...]) -> None:
        group = tk.StringVar(menu, value="")  # this submenu's radio group
        self._variables.append(group)
        for item in items:
            if item.is_separator:
                menu.add_separator()
                continue
            label, hotkey = split_label(item.label)
            state: Literal["normal", "disabled"] = "normal" if item.enabled else "disabled"
            if item.children:
                child = tk.Menu(menu, tearoff=False)
                self._fill(child, item.children)
                menu.add_cascade(label=label, menu=child, state=state)
                continue
            command = self._command(MenuCommand(item.action, item.value)) if item.action else None
            options: dict[str, object] = {"label": label, "accelerator": hotkey, "state": state}
            if item.default:
                options["font"] = self._bold
            if command is not None:
                options["command"] = command
            if item.radio:
                if item.checked:
                    group.set(item.value)
                menu.add_radiobutton(variable=group, value=item.value, **options)  # type: ignore[arg-type]
            elif item.checked is not None:
                tick = tk.BooleanVar(menu, value=item.checked)
                self._variables.append(tick)
                menu.add_checkbutton(variable=tick, **options)  # type: ignore[arg-type]
            else:
                menu.add_command(**options)  # type: ignore[arg-type]

    def _command(self, command: MenuCommand) -> Callable[[], None]:
        def chosen() -> None:
            log.info("tray menu: %s chosen", command.action)
            self._post(command)

        return chosen

    def close(self) -> None:
        menu, self.menu = self.menu, None
        self._variables = []
        if menu is not None:
            menu.unpost()
            menu.destroy()
