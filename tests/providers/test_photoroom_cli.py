"""``main.py edit --provider photoroom`` end to end, every mode: a real process and a loopback PhotoRoom."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.providers import photoroom_server as pr
from tests.providers.loopback import LoopbackServer
from tests.providers.provider_run import picture, png_bytes, run_cli, same_pixels, write_config

KEY = "pr-cli-key-0123456789abcdef"


@pytest.mark.parametrize(
    ("mode", "args", "path"),
    [
        ("remove-background", [], "/v1/segment"),
        ("edit", ["--prompt", "remove the cup"], "/v2/edit"),
        ("new-background", ["--prompt", "on a wooden desk"], "/v2/edit"),
        ("new-background", ["--option", "background.color=FFFFFF"], "/v2/edit"),
        ("remove-text", [], "/v2/edit"),
        ("relight", [], "/v2/edit"),
        ("upscale", [], "/v2/edit"),
    ],
)
def test_edit_command_writes_the_served_image(tmp_path: Path, mode: str, args: list[str], path: str) -> None:
    picture((120, 80)).save(tmp_path / "in.png")
    served = picture((120, 80), (30, 30, 30)).convert("RGBA")
    served.paste((0, 0, 0, 0), (0, 0, 60, 80))
    with LoopbackServer([pr.image_reply(png_bytes(served))], validator=pr.PhotoRoomSpec(KEY)) as server:
        config = write_config(tmp_path, "photoroom", server.url)
        done = run_cli(
            tmp_path, "PHOTOROOM_API_KEY", KEY,
            "edit", "in.png", "--provider", "photoroom", "--mode", mode, *args,
            "--output", "out.png", "--config", str(config),
        )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert server.invalid == []
    assert server.requests[0].path == path
    assert same_pixels(Image.open(tmp_path / "out.png"), served)


def test_a_rejected_key_exits_1_naming_keys_set_and_leaves_the_output_file_untouched(tmp_path: Path) -> None:
    picture((120, 80)).save(tmp_path / "in.png")
    before = b"an older result the person keeps"
    (tmp_path / "out.png").write_bytes(before)
    with LoopbackServer([pr.error_v1(403, "Invalid API key.", "forbidden")]) as server:
        config = write_config(tmp_path, "photoroom", server.url)
        done = run_cli(
            tmp_path, "PHOTOROOM_API_KEY", KEY,
            "edit", "in.png", "--provider", "photoroom", "--output", "out.png", "--config", str(config),
        )  # fmt: skip

    assert done.returncode == 1
    assert "python main.py keys set photoroom" in done.stderr
    assert (tmp_path / "out.png").read_bytes() == before


def test_settings_file_options_apply_and_those_the_mode_does_not_take_are_left_out_with_a_note(tmp_path: Path) -> None:
    # GIVEN provider-wide options in the settings file: a segment-only one, and a dotted v2 one
    picture((120, 80)).save(tmp_path / "in.png")
    served = picture((120, 80), (0, 255, 0))
    with LoopbackServer([pr.image_reply(png_bytes(served))], validator=pr.PhotoRoomSpec(KEY)) as server:
        config = write_config(tmp_path, "photoroom", server.url, options='{crop: true, "background.color": "00FF00"}')
        # WHEN the edit mode runs without a prompt
        done = run_cli(
            tmp_path, "PHOTOROOM_API_KEY", KEY,
            "edit", "in.png", "--provider", "photoroom", "--mode", "new-background",
            "--output", "out.png", "--config", str(config),
        )  # fmt: skip

    # THEN the colour from the file is sent, crop is not, and the person is told why
    assert done.returncode == 0, done.stderr
    assert server.invalid == []
    form = server.requests[0].form()
    assert form["background.color"].text == "00FF00"
    assert "crop" not in form
    assert "new-background does not take crop; it was left out." in done.stderr
    assert same_pixels(Image.open(tmp_path / "out.png"), served)
