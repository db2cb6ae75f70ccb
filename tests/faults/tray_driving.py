"""Driving the tray app with xdotool as a person does: the hotkey, a drag, a prompt, the toast's Cancel."""

from __future__ import annotations

import time

from tests.tray.tray_session import TrayProcess, wait_for

PROMPT = "make it look like night"
SMALL = ((300, 200), (500, 350))
# A big noise region: about 2 MB of PNG, more than the socket buffers hold, so an upload takes a while.
BIG = ((40, 60), (1240, 760))


def overlays(tray: TrayProcess) -> int:
    result = tray.desktop.run("xdotool", "search", "--onlyvisible", "--class", "ai-image-studio", check=False)
    return len(result.stdout.split())


def select_and_prompt(tray: TrayProcess, region: tuple[tuple[int, int], tuple[int, int]] = SMALL) -> None:
    tray.xdotool("key", "ctrl+shift+e")
    wait_for(lambda: overlays(tray) > 0, 10, "the selector overlay")
    tray.drag(*region)
    tray.xdotool("key", "Return")
    tray.window("AI Image Studio prompt")
    tray.xdotool("type", "--delay", "5", PROMPT)
    tray.xdotool("key", "Return")


def click_cancel(tray: TrayProcess) -> None:
    toast = tray.window("AI Image Studio progress")
    time.sleep(0.3)  # painted before it is clicked
    x, y, width, height = tray.geometry(toast)
    tray.xdotool("mousemove", "--sync", str(x + width - 35), str(y + height // 2))
    tray.xdotool("click", "1")
