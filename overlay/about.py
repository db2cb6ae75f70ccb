"""About and privacy: what the app sends where, what it keeps, and where its files are."""

from __future__ import annotations

import tkinter as tk
from pathlib import Path

from core.version import __version__
from overlay.focus import focus_when_mapped

BACKGROUND = "#202124"
FOREGROUND = "#f1f3f4"

PRIVACY = (
    "What leaves this computer: only the region you select (or the image you open) and your prompt, "
    "sent to the provider you chose, over https, when you press Enter. Nothing is sent before that.\n\n"
    "What is kept: API keys in your system keyring; your settings in the file below. Images and "
    "prompts are never written to the log and no temporary image files are made. Recent prompts "
    "stay in memory unless you turn on privacy.history in the settings.\n\n"
    "Each provider's own terms decide what it keeps of what you send."
)


class AboutWindow:
    def __init__(self, root: tk.Misc, *, config_path: Path | None, log_path: Path | None) -> None:
        self.window = tk.Toplevel(root, background=BACKGROUND, padx=16, pady=14)
        self.window.title("About AI Image Studio")
        self.window.resizable(width=False, height=False)
        places = f"Settings: {config_path or '(defaults)'}"
        if log_path is not None:
            places += f"\nLog: {log_path}"
        for text, font in (
            (f"AI Image Studio {__version__}", ("TkDefaultFont", 13, "bold")),
            (PRIVACY, "TkDefaultFont"),
            (places, "TkDefaultFont"),
        ):
            tk.Label(
                self.window,
                text=text,
                font=font,
                wraplength=460,
                justify="left",
                background=BACKGROUND,
                foreground=FOREGROUND,
            ).pack(anchor="w", pady=(0, 10))
        close = tk.Button(self.window, text="Close", command=self.close)
        close.pack(anchor="e")
        self.window.bind("<Escape>", lambda _event: self.close())
        # Esc and Enter work at once, despite focus-stealing prevention (issue 17).
        close.bind("<Return>", lambda _event: self.close())
        focus_when_mapped(self.window, close)

    def close(self) -> None:
        self.window.destroy()
