"""``main.py edit --provider google`` end to end: a real process, a loopback Gemini, files on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.providers import google_server as gemini
from tests.providers.loopback import LoopbackServer
from tests.providers.provider_run import picture, png_bytes, run_cli, same_pixels, write_config

KEY = "AIza-cli-key-0123456789abcdef"


@pytest.mark.parametrize(("mode", "images"), [("edit", 1), ("generate", 0)])
def test_edit_command_writes_the_served_image(tmp_path: Path, mode: str, images: int) -> None:
    source = picture((120, 80))
    source.save(tmp_path / "in.png")
    served = picture((120, 80), (5, 90, 200))
    with LoopbackServer([gemini.image_answer(png_bytes(served))], validator=gemini.GeminiShape(KEY, images)) as server:
        config = write_config(tmp_path, "google", server.url + "/v1beta")
        done = run_cli(
            tmp_path, "GEMINI_API_KEY", KEY,
            "edit", "in.png", "--provider", "google", "--mode", mode, "--prompt", "add a hat",
            "--output", "out.png", "--config", str(config),
        )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert server.invalid == []
    assert len(server.requests) == 1
    assert same_pixels(Image.open(tmp_path / "out.png"), served)
    assert KEY not in done.stderr + done.stdout


def test_a_blocked_edit_exits_1_with_the_reason_and_leaves_the_output_file_untouched(tmp_path: Path) -> None:
    picture((120, 80)).save(tmp_path / "in.png")
    before = b"an older result the person keeps"
    (tmp_path / "out.png").write_bytes(before)
    with LoopbackServer([gemini.blocked_by_finish("IMAGE_SAFETY")]) as server:
        config = write_config(tmp_path, "google", server.url + "/v1beta")
        done = run_cli(
            tmp_path, "GEMINI_API_KEY", KEY,
            "edit", "in.png", "--provider", "google", "--prompt", "x", "--output", "out.png", "--config", str(config),
        )  # fmt: skip

    assert done.returncode == 1
    assert "IMAGE_SAFETY" in done.stderr
    assert (tmp_path / "out.png").read_bytes() == before
