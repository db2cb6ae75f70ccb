"""Issue 18's Done-when, by keyboard alone under openbox, against the OpenAI stand-in, with nothing leaking below.

GIVEN the tray app (a real ``main.py``) on a desktop under openbox, a focused witness window (a person's
terminal) and the OpenAI stand-in on loopback, WHEN the hotkey, a drag, Enter, a typed prompt and Enter
make a request, THEN the result's thumbnail appears; WHEN ``hotkeys.last_result`` is pressed, THEN the
viewer covers the selection exactly; held Space shows the original's pixels; E, a typed prompt and
Enter refine the result (the stand-in is sent exactly the result), and the refined result joins as
variant 2; 1 then 2 pick the variants; Enter puts exactly variant 2 on the clipboard (read back with
xclip, every pixel). Opened again, Esc changes nothing (clipboard and files). The witness logged no
key but modifiers and has the focus back after each close, and the stand-in saw only valid requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from core.models import Rect
from tests.overlay.test_viewer_wipe import grab_box
from tests.providers.loopback import LoopbackServer, Reply
from tests.providers.openai_server import OpenAISpec
from tests.tray.openai_stand_in import EditChecks, answer_for
from tests.tray.tray_session import (
    CROP_BOX,
    END,
    KEY,
    PATTERN,
    START,
    TrayProcess,
    overlay_shown,
    png_pixels,
    running_tray,
    same_pixels,
    tray_desktop,
)
from tests.virtual_desktop import VirtualDesktop
from tests.witness import keyboard_held, wait, witness

pytestmark = pytest.mark.desktop

PROMPT, REFINE = "make the sun a glowing disco ball", "now in gold"
REGION = Rect(CROP_BOX[0], CROP_BOX[1], CROP_BOX[2] - CROP_BOX[0], CROP_BOX[3] - CROP_BOX[1])
# Rows compared on the screen: below the answers' transparent top quarter, above the viewer's help row.
ROWS = (REGION.height // 4 + 2, REGION.height - 30)


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with tray_desktop("openbox") as running:
        yield running


def screen_shows(tray: TrayProcess, image: Image.Image) -> bool:
    """The viewer's rows ``ROWS`` on the screen are ``image``'s (RGB: what a screen can show)."""
    top, bottom = ROWS
    box = Rect(REGION.x, REGION.y + top, REGION.width, bottom - top)
    shown = grab_box(tray.desktop.display, box)
    return same_pixels(shown.convert("RGBA"), image.convert("RGB").crop((0, top, REGION.width, bottom)).convert("RGBA"))


def prompt_bar_focused(tray: TrayProcess, times: int) -> bool:
    """The ``times``-th prompt bar took the focus (its log line) and holds the X focus."""
    if tray.log.count("prompt bar has the focus") < times:
        return False
    bar = tray.desktop.run("xdotool", "search", "--onlyvisible", "--name", "^AI Image Studio prompt$", check=False)
    focus = tray.desktop.run("xdotool", "getwindowfocus", check=False).stdout.decode().strip()
    return focus in bar.stdout.decode().split()


def open_viewer(tray: TrayProcess) -> None:
    tray.xdotool("key", "ctrl+shift+alt+Print")
    viewer = tray.window("AI Image Studio result viewer")
    wait(lambda: keyboard_held(tray.desktop.display), "the viewer holding the keyboard")
    assert tray.geometry(viewer) == (REGION.x, REGION.y, REGION.width, REGION.height)


def ask_by_keyboard(tray: TrayProcess) -> None:
    """Hotkey, drag, Enter, the prompt typed, Enter: as a person makes a request."""
    tray.xdotool("key", "ctrl+shift+e")
    wait(lambda: overlay_shown(tray) and keyboard_held(tray.desktop.display), "the selector holding the keyboard")
    tray.drag(START, END)
    tray.xdotool("key", "Return")
    wait(lambda: prompt_bar_focused(tray, 1), "the prompt bar to have the focus")
    tray.xdotool("type", "--delay", "5", PROMPT)
    tray.xdotool("key", "Return")


def refine_by_keyboard(tray: TrayProcess) -> None:
    """E, the new prompt typed (the last one is selected, so typing replaces it), Enter."""
    tray.xdotool("key", "e")
    wait(lambda: prompt_bar_focused(tray, 2), "the refine prompt bar to have the focus")
    tray.xdotool("type", "--delay", "5", REFINE)
    tray.xdotool("key", "Return")
    tray.wait_log("variant(s) joined the viewer", timeout=20)
    wait(lambda: keyboard_held(tray.desktop.display), "the viewer holding the keyboard again")


def out_files(tray: TrayProcess) -> list[str]:
    folder = tray.folder / "out"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_hotkey_prompt_thumbnail_viewer_space_refine_pick_enter_then_esc_changes_nothing(
    desktop: VirtualDesktop, tmp_path: Path
) -> None:
    crop = PATTERN.crop(CROP_BOX)
    first = answer_for(crop)  # what the stand-in draws, and so variant 1
    checks = EditChecks(expected_crop=crop, expected_prompt=PROMPT)
    refine = EditChecks(expected_crop=first, expected_prompt=REFINE)
    replies = [Reply(respond=checks.respond), Reply(respond=refine.respond)]
    server = LoopbackServer(replies, validator=OpenAISpec(KEY))
    with server, running_tray(desktop, server.url + "/v1") as tray, witness(desktop, tmp_path / "keys.log") as shown:
        mark = shown.mark()
        ask_by_keyboard(tray)
        tray.window("AI Image Studio result", timeout=20)  # the thumbnail
        tray.wait_log("delivered a")

        open_viewer(tray)
        wait(lambda: screen_shows(tray, first), "the viewer showing the result")
        tray.xdotool("keydown", "space")
        wait(lambda: screen_shows(tray, crop), "Space showing the original")
        tray.xdotool("keyup", "space")
        wait(lambda: screen_shows(tray, first), "the result again once Space is up")

        refine_by_keyboard(tray)
        second = answer_for(first)
        wait(lambda: screen_shows(tray, second), "the refined result as variant 2")
        tray.xdotool("key", "1")
        wait(lambda: screen_shows(tray, first), "1 showing variant 1")
        tray.xdotool("key", "2")
        wait(lambda: screen_shows(tray, second), "2 showing variant 2")
        tray.xdotool("key", "Return")
        tray.gone("AI Image Studio result viewer")

        def clipboard_is_second() -> bool:
            data = tray.clipboard("image/png")
            return data.startswith(b"\x89PNG") and same_pixels(png_pixels(data), second.convert("RGBA"))

        wait(clipboard_is_second, "exactly variant 2 on the clipboard")
        wait(lambda: not keyboard_held(desktop.display), "the keyboard let go")
        wait(shown.has_focus, "the focus back on the witness after a refine and Enter")
        copied, files = tray.clipboard("image/png"), out_files(tray)

        open_viewer(tray)
        tray.xdotool("key", "Escape")
        tray.gone("AI Image Studio result viewer")
        wait(lambda: not keyboard_held(desktop.display), "the keyboard let go after Esc")
        wait(shown.has_focus, "the focus back on the witness after Esc")
        assert tray.clipboard("image/png") == copied, "Esc changed the clipboard"
        assert out_files(tray) == files, "Esc wrote a file"
        leaks = shown.leaked_since(mark)
        assert tray.stop() == 0
    assert leaks == []
    assert server.invalid == []
    assert checks.problems == []
    assert refine.problems == []
    assert (checks.prompts, refine.prompts) == ([PROMPT], [REFINE])


def test_keys_typed_right_after_e_go_nowhere_but_our_windows(desktop: VirtualDesktop, tmp_path: Path) -> None:
    """E then typing at once: the viewer keeps the keyboard until the refine bar has it (no gap to the window below)."""
    crop = PATTERN.crop(CROP_BOX)
    checks = EditChecks(expected_crop=crop, expected_prompt=PROMPT)
    server = LoopbackServer([Reply(respond=checks.respond)], validator=OpenAISpec(KEY))
    with server, running_tray(desktop, server.url + "/v1") as tray, witness(desktop, tmp_path / "keys.log") as shown:
        mark = shown.mark()
        ask_by_keyboard(tray)
        tray.wait_log("delivered a")
        open_viewer(tray)
        # One xdotool run: no process start between E and the first typed key.
        tray.xdotool("key", "e", "type", "--delay", "2", REFINE)
        wait(lambda: prompt_bar_focused(tray, 2), "the refine prompt bar to have the focus")
        tray.xdotool("key", "Escape")
        wait(lambda: keyboard_held(tray.desktop.display), "the viewer holding the keyboard again")
        tray.xdotool("key", "Escape")
        tray.gone("AI Image Studio result viewer")
        wait(shown.has_focus, "the focus back on the witness")
        leaks = shown.leaked_since(mark)
        assert tray.stop() == 0
    assert leaks == []
    assert server.invalid == []
    assert checks.prompts == [PROMPT]
