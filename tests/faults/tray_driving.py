"""Driving the tray app with xdotool as a person does: the hotkey, a drag, a prompt, the toast's Cancel."""

from __future__ import annotations

import time

from tests.tray.tray_session import TrayProcess, prompt_focused, wait_for

PROMPT = "make it look like night"
SMALL = ((300, 200), (500, 350))
# A big noise region: about 2 MB of PNG, more than the socket buffers hold, so an upload takes a while.
BIG = ((40, 60), (1240, 760))


def overlays(tray: TrayProcess) -> int:
    result = tray.desktop.run("xdotool", "search", "--onlyvisible", "--class", "ai-image-studio", check=False)
    return len(result.stdout.split())


PROMPT_FOCUSED = "prompt bar has the focus"


def select_and_prompt(tray: TrayProcess, region: tuple[tuple[int, int], tuple[int, int]] = SMALL) -> None:
    focused_before = tray.log.count(PROMPT_FOCUSED)
    tray.xdotool("key", "ctrl+shift+e")
    wait_for(lambda: overlays(tray) > 0, 10, "the selector overlay")
    tray.drag(*region)
    tray.xdotool("key", "Return")
    # This prompt bar's own sign (a second job's bar must not be taken for the first's): typed keys
    # before it would be lost.
    wait_for(
        lambda: tray.log.count(PROMPT_FOCUSED) > focused_before and prompt_focused(tray), 10, "the prompt bar's focus"
    )
    tray.xdotool("type", "--delay", "5", PROMPT)
    tray.xdotool("key", "Return")


def click_cancel(tray: TrayProcess) -> None:
    toast = tray.window("AI Image Studio progress")
    time.sleep(0.3)  # painted before it is clicked
    x, y, width, height = tray.geometry(toast)
    tray.xdotool("mousemove", "--sync", str(x + width - 35), str(y + height // 2))
    tray.xdotool("click", "1")
