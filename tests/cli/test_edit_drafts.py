"""``main.py edit`` streams drafts from OpenAI and says each one on stderr (issue 11 item 5, ADR 026)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.cli.test_edit_cmd import KEY, run_edit
from tests.providers.loopback import LoopbackServer
from tests.providers.openai_server import OpenAISpec, png, streaming_reply

# The CLI's 300x200 photo goes out as its 1200x800 frame (ADR 020); the drafts and result are that size.
FRAME = (1200, 800)


def test_the_cli_streams_and_prints_each_draft_then_saves_the_final_image(tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    Image.new("RGB", (300, 200), (30, 90, 150)).save(photo)
    out = tmp_path / "out.png"
    reply = streaming_reply((png(FRAME, (250, 0, 0)), png(FRAME, (0, 250, 0))), png(FRAME, (10, 20, 230)))
    with LoopbackServer([reply], validator=OpenAISpec(KEY)) as server:
        result = run_edit(
            tmp_path, server, str(photo), "--provider", "openai", "--prompt", "dusk", "--output", str(out)
        )
    assert result.returncode == 0, result.stderr
    stderr = result.stderr.decode()
    assert "Draft 1 of 2 received." in stderr
    assert "Draft 2 of 2 received." in stderr
    assert stderr.index("Draft 1 of 2") < stderr.index("Draft 2 of 2") < stderr.index("Saved")
    assert server.requests[0].form()["stream"].text == "true"
    with Image.open(out) as written:
        assert written.size == (300, 200)
        assert written.convert("RGB").getpixel((150, 100)) == (10, 20, 230)
    assert KEY not in stderr
    assert "dusk" not in stderr
