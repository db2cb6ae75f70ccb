"""The progress toast near the selection: provider, state, elapsed seconds, and Cancel.

The elapsed time ticks once a second only while the toast is shown, so an idle app has no timer.
Only the Tk thread creates or touches it; the app feeds it ``ProgressEvent``s from its queue.

A draft of the result (``ProgressEvent.preview``, OpenAI's partial images, ADR 026) is shown beside
the words as a small picture captioned "draft 1 of 2"; the next draft replaces it. The job thread
only shrinks the draft; the ``PhotoImage`` is made here, on the Tk thread, once per draft.
"""

from __future__ import annotations

import math
import time
import tkinter as tk
from collections.abc import Callable
from dataclasses import replace
from types import MappingProxyType

from PIL import Image, ImageTk

from core.models import ProgressEvent, Rect
from overlay.placement import place_beside

BACKGROUND = "#202124"
FOREGROUND = "#f1f3f4"
MUTED = "#9aa0a6"
TICK_MS = 1000

STAGE_WORDS = MappingProxyType(
    {
        "preparing": "preparing",
        "uploading": "uploading",
        "waiting": "waiting for the answer",
        "retrying": "retrying",
        "downloading": "downloading",
        "done": "finishing",
    }
)


def describe(event: ProgressEvent, step: int = 1, steps: int = 1) -> str:
    """Plain words for a progress event: ``uploading 40%``, ``retrying in 3 s``."""
    words = STAGE_WORDS.get(event.stage, event.stage)
    if event.preview is not None and event.detail:
        words = f"{event.detail} received"
    elif event.stage == "retrying" and event.retry_in is not None:
        words = f"retrying in {max(0, math.ceil(event.retry_in))} s"
    elif event.stage == "uploading" and event.total_bytes:
        words = f"uploading {min(100, 100 * event.sent_bytes // event.total_bytes)}%"
    elif event.stage == "waiting" and event.detail:
        # A queued provider's own stage (BFL: "queued", "generating 40%"; issue 15).
        words = f"waiting: {event.detail}"
    if steps > 1:
        words = f"step {step} of {steps}: {words}"
    return words


class ProgressToast:
    """One toast per job. ``on_cancel`` is called when Cancel is clicked; ``close()`` removes it."""

    def __init__(
        self,
        root: tk.Misc,
        *,
        anchor: Rect,
        screen: Rect,
        provider: str,
        on_cancel: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._started = clock()
        self._on_cancel = on_cancel
        self._tick_id: str | None = None
        self._state = "preparing"
        self._event = ProgressEvent("preparing")
        self._step, self._steps = 1, 1
        self._retry_at: float | None = None
        self._anchor, self._screen = anchor, screen
        self._photo: ImageTk.PhotoImage | None = None
        self.window = tk.Toplevel(root, background="#5f6368", padx=1, pady=1)
        self.window.withdraw()
        self.window.overrideredirect(True)
        self.window.attributes("-topmost", True)
        self.window.title("AI Image Studio progress")
        body = tk.Frame(self.window, background=BACKGROUND, padx=10, pady=6)
        body.pack(fill="both", expand=True)
        # Column 0 holds the latest draft once one arrives; until then it takes no room.
        self.draft = tk.Frame(body, background=BACKGROUND)
        self.draft_image = tk.Label(self.draft, background=BACKGROUND, borderwidth=0)
        self.draft_image.pack()
        self.draft_caption = tk.Label(self.draft, background=BACKGROUND, foreground=MUTED)
        self.draft_caption.pack()
        tk.Label(body, text=provider, background=BACKGROUND, foreground=FOREGROUND, anchor="w").grid(
            row=0, column=1, sticky="w"
        )
        self.status = tk.Label(body, background=BACKGROUND, foreground=MUTED, anchor="w", width=34)
        self.status.grid(row=1, column=1, sticky="w")
        self.cancel_button = tk.Button(
            body,
            text="Cancel",
            command=self._cancel,
            relief="flat",
            background="#3c4043",
            foreground=FOREGROUND,
            activebackground="#5f6368",
            activeforeground=FOREGROUND,
        )
        self.cancel_button.grid(row=0, column=2, rowspan=2, padx=(12, 0))
        self._render()
        self._place()
        self.window.deiconify()
        self.window.lift()
        self._schedule()

    @property
    def elapsed(self) -> float:
        return self._clock() - self._started

    @property
    def text(self) -> str:
        return str(self.status.cget("text"))

    def _place(self) -> None:
        self.window.update_idletasks()
        size = (self.window.winfo_reqwidth(), self.window.winfo_reqheight())
        x, y = place_beside(self._anchor, size, self._screen)
        self.window.geometry(f"+{x}+{y}")

    @property
    def draft_text(self) -> str:
        """The caption of the draft shown, or "" while none has come."""
        return str(self.draft_caption.cget("text")) if self._photo is not None else ""

    def show(self, event: ProgressEvent, step: int = 1, steps: int = 1) -> None:
        if event.preview is not None:
            self._show_draft(event.preview, event.detail or "draft")
        self._event, self._step, self._steps = event, step, steps
        self._retry_at = self._clock() + event.retry_in if event.retry_in is not None else None
        self._state = describe(event, step, steps)
        self._render()

    def _show_draft(self, preview: Image.Image, caption: str) -> None:
        first = self._photo is None
        picture = preview if preview.mode in {"RGB", "RGBA"} else preview.convert("RGBA")
        photo = ImageTk.PhotoImage(picture, master=self.window)
        self.draft_image.configure(image=photo)
        # The old photo is let go only now that the label shows the new one (else a blank flash).
        self._photo = photo
        self.draft_caption.configure(text=caption)
        if first:
            self.draft.grid(row=0, column=0, rowspan=2, padx=(0, 10))
            # Taller now: placed again so it still sits beside the selection, not over it.
            self._place()

    def show_text(self, state: str) -> None:
        self._retry_at = None
        self._state = state
        self._render()

    def _render(self) -> None:
        if self._retry_at is not None:
            # The countdown runs on the toast's own tick; the job reports a retry only once.
            waiting = replace(self._event, retry_in=max(0.0, self._retry_at - self._clock()))
            self._state = describe(waiting, self._step, self._steps)
        self.status.configure(text=f"{self._state} \N{MIDDLE DOT} {int(self.elapsed)} s")

    def _schedule(self) -> None:
        self._tick_id = self.window.after(TICK_MS, self._tick)

    def _tick(self) -> None:
        self._render()
        self._schedule()

    def _cancel(self) -> None:
        self.cancel_button.configure(state="disabled", text="Cancelling")
        self.show_text("cancelling")
        self._on_cancel()

    def close(self) -> None:
        if self._tick_id is not None:
            self.window.after_cancel(self._tick_id)
            self._tick_id = None
        self._photo = None
        self.window.destroy()
