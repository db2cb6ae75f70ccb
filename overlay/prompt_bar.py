"""The prompt bar shown next to a selected region: edit the prompt, Enter sends, Esc cancels.

It shows the preset's prompt ready to edit, which provider and mode will run, and Up/Down walks
the recent prompts (``core.prompt_history``). Opened by the result viewer's E (issue 18) it also
takes Shift+Enter, which sends the prompt on the original instead of the shown result.
Only the Tk thread creates or touches it.
"""

from __future__ import annotations

import contextlib
import logging
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass

from core.models import Rect
from core.prompt_history import HistoryCursor
from overlay.focus import take_focus
from overlay.placement import place_beside

log = logging.getLogger(__name__)

BACKGROUND = "#202124"
FOREGROUND = "#f1f3f4"
MUTED = "#9aa0a6"
PAINTED = "#ff8fab"
ACCENT = "#1a73e8"
ENTRY_CHARS = 64
RELEASE_WAIT_MS = 500


@dataclass(frozen=True)
class PromptBarSpec:
    """What the bar shows. ``anchor`` and ``screen`` are in Tk's screen coordinates."""

    anchor: Rect
    screen: Rect
    provider: str
    mode: str
    preset: str
    prompt: str
    history: tuple[str, ...] = ()
    needs_prompt: bool = True
    # "about $0.04, estimate" from the price table (issue 18); "" when it has no price: no number then.
    cost: str = ""
    painted: str = ""
    """What of the painting is sent, e.g. "mask: 12% of the selection" (issue 13); "" for none."""


class PromptBar:
    """One bar for one selection; ``on_send(prompt)`` or ``on_cancel()`` is called exactly once."""

    def __init__(
        self,
        root: tk.Misc,
        spec: PromptBarSpec,
        on_send: Callable[[str], None],
        on_cancel: Callable[[], None],
        on_send_original: Callable[[str], None] | None = None,
        on_gone: Callable[[], None] | None = None,
    ) -> None:
        self._spec = spec
        self._on_send = on_send
        self._on_send_original = on_send_original
        # Called once the window is destroyed (the viewer takes its keyboard back only then).
        self._on_gone = on_gone
        self._on_cancel = on_cancel
        self._cursor = HistoryCursor(spec.history, spec.prompt)
        self._done = False
        self.window = tk.Toplevel(root, background=ACCENT, padx=1, pady=1)
        self.window.withdraw()
        # Not override-redirect: Tk never gives keyboard focus to such a window (tkUnixFocus.c),
        # and the person must type here at once. A splash window gets no decorations instead.
        with contextlib.suppress(tk.TclError):
            self.window.attributes("-type", "splash")
        self.window.attributes("-topmost", True)
        self.window.title("AI Image Studio prompt")
        body = tk.Frame(self.window, background=BACKGROUND, padx=10, pady=8)
        body.pack(fill="both", expand=True)
        tk.Label(
            body,
            text=f"{spec.provider} \N{MIDDLE DOT} {spec.mode} \N{MIDDLE DOT} preset: {spec.preset}",
            background=BACKGROUND,
            foreground=MUTED,
            anchor="w",
        ).pack(fill="x")
        self.cost = tk.Label(body, text=spec.cost, background=BACKGROUND, foreground=FOREGROUND, anchor="w")
        if spec.cost:
            self.cost.pack(fill="x")
        if spec.painted:
            log.info("prompt bar shows %s", spec.painted)
            self.painted = tk.Label(body, text=spec.painted, background=BACKGROUND, foreground=PAINTED, anchor="w")
            self.painted.pack(fill="x")
        self.text = tk.StringVar(value=spec.prompt)
        self.entry = tk.Entry(
            body,
            textvariable=self.text,
            width=ENTRY_CHARS,
            background="#303134",
            foreground=FOREGROUND,
            insertbackground=FOREGROUND,
            relief="flat",
            highlightthickness=1,
            highlightcolor=ACCENT,
        )
        self.entry.pack(fill="x", pady=(4, 4), ipady=4)
        self.hint = tk.Label(body, background=BACKGROUND, foreground=MUTED, anchor="w")
        self.hint.pack(fill="x")
        self._show_hint()
        self.entry.bind("<Return>", self._send)
        self.entry.bind("<KP_Enter>", self._send)
        if on_send_original is not None:
            # More specific than <Return>, so Tk runs only this one for Shift+Enter.
            self.entry.bind("<Shift-Return>", self._send_original)
            self.entry.bind("<Shift-KP_Enter>", self._send_original)
        self.entry.bind("<Escape>", self._cancel)
        self.entry.bind("<Up>", self._older)
        self.entry.bind("<Down>", self._newer)
        self._show()

    def _show_hint(self, warning: str = "") -> None:
        recent = " \N{MIDDLE DOT} \N{UPWARDS ARROW}\N{DOWNWARDS ARROW} recent prompts" if self._spec.history else ""
        self.hint.configure(
            text=warning or f"{self._enter_hint} \N{MIDDLE DOT} Esc cancels{recent}",
            foreground="#f28b82" if warning else MUTED,
        )

    def _show(self) -> None:
        self.window.update_idletasks()
        size = (self.window.winfo_reqwidth(), self.window.winfo_reqheight())
        x, y = place_beside(self._spec.anchor, size, self._spec.screen)
        self.window.geometry(f"+{x}+{y}")
        # Without a window manager nobody gives us focus, and with one its focus-stealing
        # prevention may refuse it: take it once the window is viewable (X refuses focus to an
        # unmapped window), explicitly (overlay.focus, issue 17).
        self.window.bind("<Map>", lambda event: self._take_focus() if event.widget is self.window else None)
        self.window.deiconify()
        self.window.lift()

    def _take_focus(self) -> None:
        if self._done:
            return
        take_focus(self.window, self.entry)
        self.entry.icursor("end")
        self.entry.selection_range(0, "end")
        # The sign tests wait for before typing: a WM may focus the bar before this runs, and
        # the select-all here would then swallow what was typed in between.
        log.info("prompt bar has the focus")

    @property
    def _enter_hint(self) -> str:
        if self._on_send_original is None:
            return "Enter sends"
        return "Enter: on this result \N{MIDDLE DOT} Shift+Enter: on the original"

    def _older(self, _event: object = None) -> str:
        self._replace(self._cursor.older(self.text.get()))
        return "break"

    def _newer(self, _event: object = None) -> str:
        self._replace(self._cursor.newer(self.text.get()))
        return "break"

    def _replace(self, text: str) -> None:
        self.text.set(text)
        self.entry.icursor("end")

    def _send(self, event: object = None, *, original: bool = False) -> str:
        prompt = self.text.get().strip()
        if self._spec.needs_prompt and not prompt:
            self._show_hint("Type what the provider should do, or press Esc to cancel.")
            return "break"
        self._finish(by_key=event is not None)
        send = self._on_send_original if original and self._on_send_original is not None else self._on_send
        send(prompt)
        return "break"

    def _send_original(self, event: object = None) -> str:
        return self._send(event, original=True)

    def _cancel(self, event: object = None) -> str:
        self._finish(by_key=event is not None)
        self._on_cancel()
        return "break"

    def cancel(self) -> None:
        """Close as if Esc was pressed (the app is quitting)."""
        if not self._done:
            self._cancel()

    def _finish(self, *, by_key: bool = False) -> None:
        self._done = True
        if not by_key:
            self._destroy()
            return
        # Closed by a key press (Enter, Esc): the window stays, inert, until that key is up, or
        # its release goes to the window the focus falls back to (issue 17: nothing leaks below).
        self.entry.configure(state="readonly")
        self.entry.bind("<KeyRelease>", lambda _event: self._destroy())
        self.window.after(RELEASE_WAIT_MS, self._destroy)

    def _destroy(self) -> None:
        with contextlib.suppress(tk.TclError):
            self.window.destroy()
        on_gone, self._on_gone = self._on_gone, None
        if on_gone is not None:
            on_gone()

    @property
    def is_open(self) -> bool:
        return not self._done
