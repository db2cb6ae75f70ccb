"""``main.py edit --provider ideogram`` end to end, every mode: a real process, loopback Ideogram and image host."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.providers import ideogram_server as ideo
from tests.providers.loopback import LoopbackServer, Reply
from tests.providers.provider_run import picture, png_bytes, run_cli, same_pixels, write_config

KEY = "ideo-cli-key-0123456789abcdef"
# Written out here, not imported from the code under test (developer.ideogram.ai, 2026-12-01).
PATHS = {
    "precise-edit": "/v2/image/precise-edit/ideogram-4-5",
    "remix": "/v2/image/remix/ideogram-3",
    "edit": "/v2/image/inpaint/ideogram-3",
    "replace-background": "/v1/ideogram-v3/replace-background",
    "reframe": "/v2/image/reframe/ideogram-3",
    "generate": "/v1/ideogram-v3/generate",
}


@pytest.mark.parametrize("mode", list(PATHS))
def test_edit_command_writes_the_downloaded_image_for_every_mode(tmp_path: Path, mode: str) -> None:
    picture((120, 80)).save(tmp_path / "in.png")
    mask = Image.new("RGBA", (120, 80), (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), (60, 0, 120, 80))
    mask.save(tmp_path / "mask.png")
    served = picture((120, 80), (250, 120, 0))
    extra = ["--mask", "mask.png"] if mode == "edit" else []
    prompt = [] if mode == "reframe" else ["--prompt", "in autumn colours"]
    with LoopbackServer([Reply.image(png_bytes(served))]) as images:
        reply = ideo.answer(ideo.result_link(images.url))
        with LoopbackServer([reply], validator=ideo.IdeogramSpec(KEY)) as server:
            config = write_config(tmp_path, "ideogram", server.url)
            done = run_cli(
                tmp_path, "IDEOGRAM_API_KEY", KEY,
                "edit", "in.png", "--provider", "ideogram", "--mode", mode, *prompt, *extra,
                "--output", "out.png", "--config", str(config),
            )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert server.invalid == []
    assert server.requests[0].path == PATHS[mode]
    assert "api-key" not in images.requests[0].headers
    assert same_pixels(Image.open(tmp_path / "out.png"), served)


def test_out_of_credits_exits_1_with_the_fix_and_leaves_the_output_file_untouched(tmp_path: Path) -> None:
    picture((120, 80)).save(tmp_path / "in.png")
    before = b"an older result the person keeps"
    (tmp_path / "out.png").write_bytes(before)
    with LoopbackServer([Reply.json({"detail": "insufficient_funds"}, status=402)]) as server:
        config = write_config(tmp_path, "ideogram", server.url)
        done = run_cli(
            tmp_path, "IDEOGRAM_API_KEY", KEY,
            "edit", "in.png", "--provider", "ideogram", "--prompt", "x", "--output", "out.png", "--config", str(config),
        )  # fmt: skip

    assert done.returncode == 1
    assert "out of credits" in done.stderr
    assert len(server.requests) == 1
    assert (tmp_path / "out.png").read_bytes() == before
