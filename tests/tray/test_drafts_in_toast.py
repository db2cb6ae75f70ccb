"""The tray streams OpenAI's drafts into the progress toast (issue 11 item 5, ADR 026), on a real X server.

The stand-in sends two drafts, then holds the final image back for a few seconds: the drafts must be
on screen, in the toast, before the job ends, and the final image is what lands on the clipboard.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.models import Rect
from core.planning import plan_capture
from core.yaml_edit import set_value_in_file
from providers import sizing
from providers.catalog.openai import INFO
from tests.overlay.capture_run import screen_pixel
from tests.overlay.tk_helpers import pump
from tests.providers.loopback import LoopbackServer, Reply
from tests.providers.openai_server import OpenAISpec, png, stream_answer
from tests.tray.test_app import Running, running
from tests.virtual_desktop import VirtualDesktop

__all__ = ["running"]
pytestmark = pytest.mark.desktop

KEY = "sk-test-1234567890"
DRAFT, FINAL = (240, 120, 0), (20, 30, 200)
HOLD_FINAL = 4.0


def test_drafts_show_in_the_toast_before_the_final_image_reaches_the_clipboard(
    running: Running, desktop: VirtualDesktop
) -> None:
    crop = Image.new("RGB", (64, 48), (1, 2, 3))
    rule = INFO.size_rule_for(INFO.default_model)
    assert rule is not None
    frame = sizing.plan(crop.size, rule).frame
    drafts = stream_answer((png(frame, (90, 90, 90)), png(frame, DRAFT)), None).body
    whole = stream_answer((png(frame, (90, 90, 90)), png(frame, DRAFT)), png(frame, FINAL)).body
    # Two pieces: the drafts at once, the completed event only after HOLD_FINAL seconds.
    reply = Reply(body=whole, headers={"content-type": "text/event-stream"}, chunk=len(drafts), trickle=HOLD_FINAL)
    with LoopbackServer([reply], validator=OpenAISpec(KEY)) as server:
        set_value_in_file(running.config, ("providers", "openai", "base_url"), server.url + "/v1")
        pump(running.app.root, lambda: running.app.config.provider("openai").base_url.startswith(server.url))
        config = running.app.config
        running.app.flow.start(
            config, plan_capture(config, running.app.parts.catalog), crop, Rect(400, 300, 64, 48), "p"
        )
        toast = next(iter(running.app.flow._running.values())).toast
        assert toast is not None
        pump(running.app.root, lambda: toast.draft_text == "draft 2 of 2", timeout=10)
        picture = toast.draft_image
        x = picture.winfo_rootx() + picture.winfo_width() // 2
        y = picture.winfo_rooty() + picture.winfo_height() // 2
        # On screen while the toast (and so the job) is still there: a closed toast shows no draft.
        pump(running.app.root, lambda: screen_pixel(desktop.display, x, y) == DRAFT, timeout=HOLD_FINAL)
        pump(running.app.root, lambda: running.app.flow.running == 0, timeout=20)
    assert server.requests[0].form()["stream"].text == "true"
    pasted = desktop.read_clipboard("image/png")
    assert pasted is not None
    with Image.open(io.BytesIO(pasted)) as result:
        assert result.convert("RGB").getpixel((32, 24)) == FINAL
