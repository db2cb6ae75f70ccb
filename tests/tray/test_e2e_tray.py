"""End to end on a real X server: hotkey, drag, prompt, Enter, and the clipboard holds the answer.

GIVEN a private desktop (Xvfb with no WM, openbox or icewm, D-Bus, keyring, trayer) with a known
pattern on screen and the tray app started as a person would (``main.py``) with a settings file
whose OpenAI ``base_url`` points at a loopback stand-in. WHEN the tests drive it with plain xdotool
input. THEN the clipboard, the saved files, the log and the processes show what the person would get.
"""

from __future__ import annotations

import dataclasses
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.desktop.notify.notify_server import notification_server
from tests.providers.loopback import LoopbackServer, Recorded, Reply
from tests.providers.openai_server import OpenAISpec
from tests.providers.photoroom_server import PhotoRoomSpec, image_reply
from tests.tray.openai_stand_in import EditChecks, HangingServer, answer_for, png
from tests.tray.tray_session import (
    CROP_BOX,
    END,
    KEY,
    PATTERN,
    PHOTOROOM_KEY,
    START,
    TrayProcess,
    png_pixels,
    prompt_focused,
    running_tray,
    same_pixels,
    selector_ready,
    tray_desktop,
    wait_for,
)
from tests.virtual_desktop import WINDOW_MANAGERS, VirtualDesktop, wm_id

pytestmark = pytest.mark.desktop

PROMPT = "make it look like night"
# The test notification server numbers its notifications from 42.
FIRST_NOTIFICATION_ID = 42
SCREENSHOTS = Path(os.environ.get("AIIS_SCREENSHOTS", "/tmp"))


@pytest.fixture(scope="module", params=WINDOW_MANAGERS, ids=wm_id)
def desktop(request: pytest.FixtureRequest) -> Iterator[VirtualDesktop]:
    # No WM, openbox and icewm: a WM changes who gets the keys (issue 17).
    with tray_desktop(request.param) as running:
        yield running


def select_and_prompt(tray: TrayProcess, prompt: str) -> None:
    """The person's part: hotkey, drag over the pattern, type the prompt, Enter."""
    tray.xdotool("key", "ctrl+shift+e")
    wait_for(lambda: selector_ready(tray), 10, "the selector overlay")
    tray.drag(START, END)
    tray.xdotool("key", "Return")  # the selector keeps the region adjustable until Enter
    wait_for(lambda: prompt_focused(tray), 10, "the prompt bar to have the focus")
    tray.xdotool("type", "--delay", "5", prompt)
    tray.xdotool("key", "Return")


def test_hotkey_drag_prompt_enter_puts_exactly_the_providers_answer_on_the_clipboard_and_saves_it(
    desktop: VirtualDesktop,
) -> None:
    crop = PATTERN.crop(CROP_BOX)
    checks = EditChecks(expected_crop=crop, expected_prompt=PROMPT)
    spec = OpenAISpec(KEY)
    # The answer's own delay: the server takes a responder's Reply as it is (an outer delay is
    # dropped), and under a WM the toast maps later than the 0.1 s an instant job lasts.
    server = LoopbackServer(
        [Reply(respond=lambda recorded: dataclasses.replace(checks.respond(recorded), delay=1.5))], validator=spec
    )
    with server, running_tray(desktop, server.url + "/v1") as tray:
        select_and_prompt(tray, PROMPT)
        toast = tray.window("AI Image Studio progress")
        time.sleep(0.5)  # painted, and the stand-in still waits (1.5 s): the toast shows "waiting"
        tray.screenshot(SCREENSHOTS / "aiis-toast.png")
        assert toast
        saved = tray.folder / "out" / "restyle_200x150.png"
        wait_for(saved.exists, 20, "the saved result")
        tray.wait_log("delivered a")  # saved first, copied next: wait for both
        wait_for(lambda: bool(tray.clipboard("image/png")), 10, "a PNG on the clipboard")
        tray.gone("AI Image Studio progress")
        clipboard = png_pixels(tray.clipboard("image/png"))
        exit_code = tray.stop()
        # The xclip owner keeps serving the image after the app has quit.
        after_quit = png_pixels(tray.clipboard("image/png"))
    assert server.invalid == []
    assert checks.problems == []
    assert checks.prompts == [PROMPT]
    expected = answer_for(crop)
    assert same_pixels(clipboard, expected)
    assert clipboard.getchannel("A").getpixel((0, 0)) == 0, "transparency must be kept"
    assert same_pixels(png_pixels(saved.read_bytes()), expected)
    assert list(saved.parent.iterdir()) == [saved], "no temporary or partial file is left beside it"
    assert same_pixels(after_quit, expected)
    assert exit_code == 0
    assert "Copied and saved 200x150 from OpenAI" in tray.log
    assert PROMPT not in tray.log, "the prompt must never be logged"


def test_edit_clipboard_image_sends_exactly_the_image_on_the_clipboard(desktop: VirtualDesktop) -> None:
    picture = PATTERN.crop((0, 0, 320, 240))
    checks = EditChecks(expected_crop=picture, expected_prompt=PROMPT)
    server = LoopbackServer([Reply(respond=checks.respond)], validator=OpenAISpec(KEY))
    with server, running_tray(desktop, server.url + "/v1") as tray:
        tray.set_clipboard_png(png(picture))
        tray.xdotool("key", "ctrl+shift+v")
        wait_for(lambda: selector_ready(tray), 10, "the selector showing the clipboard image")
        tray.xdotool("key", "Return")  # nothing dragged: the whole image
        wait_for(lambda: prompt_focused(tray), 10, "the prompt bar to have the focus")
        tray.xdotool("type", "--delay", "5", PROMPT)
        tray.xdotool("key", "Return")
        saved = tray.folder / "out" / "restyle_320x240.png"
        wait_for(saved.exists, 20, "the saved result")
        tray.wait_log("delivered a")  # saved first, copied next: wait for both
        clipboard = png_pixels(tray.clipboard("image/png"))
        assert tray.stop() == 0
    assert server.invalid == []
    assert checks.problems == []
    assert same_pixels(clipboard, answer_for(picture))
    assert "capture requested: clipboard" in tray.log


def test_remove_background_afterwards_sends_openais_answer_to_photoroom_and_delivers_photorooms(
    desktop: VirtualDesktop,
) -> None:
    crop = PATTERN.crop(CROP_BOX)
    first = answer_for(crop)
    cutout = Image.new("RGBA", first.size, (0, 0, 0, 0))
    cutout.paste((250, 10, 10, 255), (50, 40, 150, 110))
    received: list[Image.Image] = []

    def segment(recorded: Recorded) -> Reply:
        received.append(Image.open(io.BytesIO(recorded.form()["image_file"].data)).convert("RGBA"))
        return image_reply(png(cutout))

    openai = LoopbackServer([Reply(respond=EditChecks(crop, PROMPT).respond)], validator=OpenAISpec(KEY))
    photoroom = LoopbackServer([Reply(respond=segment)], validator=PhotoRoomSpec(PHOTOROOM_KEY))
    extra = "jobs: {remove_background_after: true}\n"
    with (
        openai,
        photoroom,
        running_tray(desktop, openai.url + "/v1", extra_config=extra, photoroom_url=photoroom.url) as tray,
    ):
        select_and_prompt(tray, PROMPT)
        saved = tray.folder / "out" / "restyle_200x150.png"
        wait_for(saved.exists, 20, "the saved result")
        tray.wait_log("delivered a")  # saved first, copied next: wait for both
        clipboard = png_pixels(tray.clipboard("image/png"))
        assert tray.stop() == 0
    assert openai.invalid == []
    assert photoroom.invalid == []
    assert len(received) == 1
    assert same_pixels(received[0], first)
    assert same_pixels(clipboard, cutout)
    assert same_pixels(png_pixels(saved.read_bytes()), cutout)


def test_prompt_bar_shows_the_presets_prompt_provider_and_mode_next_to_the_selection(
    desktop: VirtualDesktop,
) -> None:
    with running_tray(desktop, "http://127.0.0.1:9/v1") as tray:
        tray.xdotool("key", "ctrl+shift+e")
        wait_for(lambda: selector_ready(tray), 10, "the selector overlay")
        tray.drag(START, END)
        tray.xdotool("key", "Return")
        bar = tray.window("AI Image Studio prompt")
        wait_for(lambda: prompt_focused(tray), 10, "the prompt bar to have the focus")
        x, y, width, height = tray.geometry(bar)
        tray.screenshot(SCREENSHOTS / "aiis-prompt-bar.png")
        tray.xdotool("key", "Escape")
        tray.gone("AI Image Studio prompt")
        assert tray.stop() == 0
    # Just below the selection, starting at its left edge.
    assert (x, y) == (START[0], END[1] + 8)
    assert width > 300
    assert height > 40
    assert "prompt cancelled" in tray.log


def test_failing_provider_leaves_the_clipboard_and_folder_as_they_were_and_says_why(
    desktop: VirtualDesktop,
) -> None:
    refusal = Reply.json(
        {"error": {"message": "Billing hard limit has been reached", "type": "billing_limit_user_error"}}, 400
    )
    server = LoopbackServer([refusal], validator=OpenAISpec(KEY))
    with server, running_tray(desktop, server.url + "/v1") as tray:
        tray.set_clipboard_text("sentinel text")
        select_and_prompt(tray, PROMPT)
        tray.wait_log("the job failed")
        text = tray.clipboard("UTF8_STRING")
        assert tray.stop() == 0
    assert text == b"sentinel text"
    assert not (tray.folder / "out").exists() or not any((tray.folder / "out").iterdir())
    assert len(server.requests) == 1
    assert server.invalid == []
    failure = next(line for line in tray.log.splitlines() if "the job failed" in line)
    assert "OpenAI" in failure
    assert "clipboard and files were not changed" in failure


def test_the_failure_notification_offers_retry_and_retry_delivers_the_answer(desktop: VirtualDesktop) -> None:
    crop = PATTERN.crop(CROP_BOX)
    checks = EditChecks(expected_crop=crop, expected_prompt=PROMPT)
    refusal = Reply.json({"error": {"message": "The server is having a bad day", "type": "server_error"}}, 400)
    server = LoopbackServer([refusal, Reply(respond=checks.respond)], validator=OpenAISpec(KEY))
    notifications = notification_server(desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    with server, notifications as notes, running_tray(desktop, server.url + "/v1") as tray:
        tray.set_clipboard_text("before retry")
        select_and_prompt(tray, PROMPT)
        failure = notes.received.get(timeout=20)
        assert tray.clipboard("UTF8_STRING") == b"before retry"
        notes.emit_action(FIRST_NOTIFICATION_ID, "retry")
        success = notes.received.get(timeout=20)
        clipboard = png_pixels(tray.clipboard("image/png"))
        assert tray.stop() == 0
    assert failure.summary == "AI Image Studio: the job failed"
    assert "The server is having a bad day" in failure.body
    assert "Your clipboard and files were not changed." in failure.body
    assert "retry" in failure.actions
    assert success.body.startswith("Copied and saved 200x150 from OpenAI in ")
    assert "open" in success.actions
    assert checks.prompts == [PROMPT], "the retry sends the same prompt and crop again"
    assert server.invalid == []
    assert same_pixels(clipboard, answer_for(crop))


def test_cancel_in_the_toast_closes_the_request_and_changes_nothing(desktop: VirtualDesktop) -> None:
    with HangingServer() as server, running_tray(desktop, server.url + "/v1") as tray:
        tray.set_clipboard_text("before cancel")
        select_and_prompt(tray, PROMPT)
        toast = tray.window("AI Image Studio progress")
        assert server.received.wait(10)
        time.sleep(0.3)  # let the toast finish drawing before it is clicked
        x, y, width, height = tray.geometry(toast)
        # Cancel is the button at the toast's right end, centred vertically.
        tray.xdotool("mousemove", "--sync", str(x + width - 35), str(y + height // 2))
        tray.xdotool("click", "1")
        assert server.closed_by_client.wait(10), "the HTTP connection must be closed by Cancel"
        tray.gone("AI Image Studio progress")
        tray.wait_log("cancelled")
        text = tray.clipboard("UTF8_STRING")
        assert tray.stop() == 0
    assert text == b"before cancel"
    assert "the job failed" not in tray.log
