"""A small window that asks for one provider's API key and stores it in the OS keyring.

The key goes from the masked entry straight to ``KeyStore.set``; it is never logged, shown or
written anywhere else. A refusal from the keyring is shown in the window so the person can fix it.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from typing import Protocol

from core.errors import AppError
from overlay.focus import focus_when_mapped

log = logging.getLogger(__name__)

BACKGROUND = "#202124"
FOREGROUND = "#f1f3f4"
MUTED = "#9aa0a6"
ERROR = "#f28b82"


class KeySetter(Protocol):
    def set(self, provider_id: str, key: str) -> None: ...


class KeyDialog:
    """Ask for ``provider_id``'s key. ``on_done(True)`` once stored, ``on_done(False)`` if cancelled."""

    def __init__(
        self,
        root: tk.Misc,
        *,
        provider_id: str,
        provider_name: str,
        env_var: str,
        keys: KeySetter,
        on_done: Callable[[bool], None],
    ) -> None:
        self._provider_id = provider_id
        self._keys = keys
        self._on_done = on_done
        self._finished = False
        self.window = tk.Toplevel(root, background=BACKGROUND, padx=14, pady=12)
        self.window.title(f"API key for {provider_name}")
        self.window.attributes("-topmost", True)
        self.window.resizable(width=False, height=False)
        self.window.protocol("WM_DELETE_WINDOW", self.cancel)
        label = (
            f"Paste your {provider_name} API key. It is stored in your system keyring, "
            f"never in the settings file. ({env_var}, when set, is used instead.)"
        )
        tk.Label(
            self.window, text=label, wraplength=420, justify="left", background=BACKGROUND, foreground=FOREGROUND
        ).pack(fill="x")
        self.secret = tk.StringVar()
        self.entry = tk.Entry(self.window, textvariable=self.secret, show="\N{BULLET}", width=52)
        self.entry.pack(fill="x", pady=8, ipady=3)
        self.message = tk.Label(self.window, text="", background=BACKGROUND, foreground=ERROR, wraplength=420)
        self.message.pack(fill="x")
        buttons = tk.Frame(self.window, background=BACKGROUND)
        buttons.pack(anchor="e", pady=(6, 0))
        tk.Button(buttons, text="Cancel", command=self.cancel).pack(side="right", padx=(6, 0))
        tk.Button(buttons, text="Save", command=self.save, default="active").pack(side="right")
        self.entry.bind("<Return>", lambda _event: self.save())
        self.entry.bind("<Escape>", lambda _event: self.cancel())
        # Asked for from the tray menu, i.e. by an app in the background: focus-stealing
        # prevention may refuse a plain focus_force (issue 17).
        focus_when_mapped(self.window, self.entry)

    def save(self) -> None:
        try:
            self._keys.set(self._provider_id, self.secret.get())
        except AppError as error:
            self.message.configure(text=str(error))
            return
        self._finish(stored=True)

    def cancel(self) -> None:
        self._finish(stored=False)

    def _finish(self, *, stored: bool) -> None:
        if self._finished:
            return
        self._finished = True
        self.secret.set("")
        self.window.destroy()
        self._on_done(stored)
