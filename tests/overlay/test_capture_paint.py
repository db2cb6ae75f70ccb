"""``main.py capture`` sends what was painted too (issue 13), and keeps the rest of the region as it was.

GIVEN a preset naming OpenAI's edit mode with a GPT Image 2.6 model and a loopback stand-in that
checks each request against the published spec, WHEN a region is selected, ``B`` pressed and one
stroke brushed, then Enter, THEN the stand-in receives a mask whose transparent pixels are the stroke
(within the brush's radius), and the saved result is the screen's own pixels outside the stroke.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from core.paint_geometry import distance_to_segment
from tests.desktop.capture.screens import noise, paint_root
from tests.overlay.capture_run import capture
from tests.providers.loopback import LoopbackServer
from tests.providers.openai_server import OpenAISpec, images_answer, png
from tests.virtual_desktop import VirtualDesktop, virtual_desktop

pytestmark = pytest.mark.desktop

KEY = "sk-proj-capture-paint-0123456789"
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
REGION = (100, 100, 400, 300)
STROKE = ((150, 200), (300, 200))
RADIUS = 12
ANSWER = (200, 40, 40)


@pytest.fixture(scope="module")
def screen() -> Iterator[tuple[VirtualDesktop, Image.Image]]:
    with virtual_desktop(1024, 768) as desktop:
        pattern = noise(1024, 768, seed=33)
        paint_root(desktop.display, pattern)
        yield desktop, pattern


def test_a_brushed_stroke_goes_as_the_mask_and_only_it_changes_in_the_saved_result(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, pattern = screen
    output = tmp_path / "out.png"
    config = tmp_path / "settings.yaml"
    with LoopbackServer([images_answer(png((1200, 800), ANSWER))], validator=OpenAISpec(KEY)) as server:
        config.write_text(
            f'providers:\n  openai: {{model: gpt-image-2.6-flare, base_url: "{server.url}/v1", timeout: 20}}\n'
            "presets:\n  - {name: restyle, provider: openai, mode: edit, prompt: Make it night}\n",
            encoding="utf-8",
        )
        env = {"OPENAI_API_KEY": KEY, **NO_KEYRING}
        with capture(
            desktop, tmp_path, ["--preset", "restyle", "--output", str(output)], config=config, extra_env=env
        ) as run:
            run.wait_painted((5, 5), pattern.getpixel((5, 5)))  # type: ignore[arg-type]
            run.drag(REGION[:2], REGION[2:])
            run.xdotool("key", "b")  # X delivers the key before the drag below: one connection, in order
            run.drag(*STROKE)
            run.xdotool("key", "Return")
            result = run.finish()
    assert result.returncode == 0, result.stderr
    assert server.invalid == []
    assert "With the painting: mask: " in result.stdout + result.stderr
    form = server.requests[0].form()
    assert "markup" not in form
    with Image.open(io.BytesIO(form["mask"].data)) as sent:
        # The 300x200 region goes enlarged four times (ADR 020): each region pixel a 4x4 block.
        assert sent.size == (1200, 800)
        alpha = sent.getchannel("A").resize((300, 200), Image.Resampling.NEAREST)
    with Image.open(output) as written:
        saved = written.convert("RGB")
    original = pattern.crop(REGION)
    for y in range(200):
        for x in range(300):
            centre = (x + REGION[0] + 0.5, y + REGION[1] + 0.5)
            line = ((STROKE[0][0] + 0.5, STROKE[0][1] + 0.5), (STROKE[1][0] + 0.5, STROKE[1][1] + 0.5))
            near = distance_to_segment(centre, *line)
            painted = alpha.getpixel((x, y)) == 0
            assert painted or near > RADIUS - 1.25, ((x, y), near)
            assert not painted or near <= RADIUS + 1.75, ((x, y), near)
            if not painted:
                assert saved.getpixel((x, y)) == original.getpixel((x, y)), f"{(x, y)} outside the stroke changed"
            elif near < RADIUS - 6:
                assert saved.getpixel((x, y)) == ANSWER
