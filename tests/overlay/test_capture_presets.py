"""``main.py capture --preset NAME`` with a provider: the region goes to the provider with the preset's prompt.

GIVEN a preset naming OpenAI's edit mode and a loopback stand-in for OpenAI that checks each request
against the published spec, WHEN a region is selected with xdotool and accepted, THEN the stand-in
receives that region with the preset's prompt and the answer is saved at the region's size.
Presets that cannot run say so before the screen freezes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.desktop.capture.screens import noise, paint_root
from tests.overlay.capture_run import capture
from tests.providers.loopback import LoopbackServer
from tests.providers.openai_server import OpenAISpec, images_answer, png
from tests.virtual_desktop import VirtualDesktop, virtual_desktop

pytestmark = pytest.mark.desktop

KEY = "sk-proj-capture-test-0123456789"
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


@pytest.fixture(scope="module")
def screen() -> Iterator[tuple[VirtualDesktop, Image.Image]]:
    with virtual_desktop(1024, 768) as desktop:
        pattern = noise(1024, 768, seed=31)
        paint_root(desktop.display, pattern)
        yield desktop, pattern


def settings(tmp_path: Path, base_url: str, prompt: str) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(
        f'providers:\n  openai: {{model: gpt-image-2.6-flare, base_url: "{base_url}/v1", timeout: 20, '
        "connect_timeout: 2}\n"
        "presets:\n"
        "  - {name: copy, provider: none}\n"
        f'  - {{name: restyle, provider: openai, mode: edit, prompt: "{prompt}"}}\n',
        encoding="utf-8",
    )
    return path


def test_a_provider_preset_sends_the_region_with_its_prompt_and_saves_the_answer_at_region_size(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, pattern = screen
    output = tmp_path / "out.png"
    # The 300x200 region goes enlarged four times by whole pixels (gpt-image-2's 655,360-pixel minimum,
    # ADR 020); the answer at that size comes back reduced to the region.
    with LoopbackServer([images_answer(png((1200, 800)))], validator=OpenAISpec(KEY)) as server:
        config = settings(tmp_path, server.url, "Redraw as a watercolor")
        env = {"OPENAI_API_KEY": KEY, **NO_KEYRING}
        with capture(
            desktop, tmp_path, ["--preset", "restyle", "--output", str(output)], config=config, extra_env=env
        ) as run:
            run.wait_painted((5, 5), pattern.getpixel((5, 5)))  # type: ignore[arg-type]
            run.drag((100, 100), (400, 300))
            run.xdotool("key", "Return")
            result = run.finish()
    assert result.returncode == 0, result.stderr
    assert server.invalid == []
    form = server.requests[0].form()
    assert form["prompt"].data == b"Redraw as a watercolor"
    region = pattern.crop((100, 100, 400, 300))
    with Image.open(io.BytesIO(form["image"].data)) as sent:
        assert sent.size == (1200, 800)
        assert sent.convert("RGB").tobytes() == region.resize((1200, 800), Image.Resampling.NEAREST).tobytes()
    with Image.open(output) as written:
        assert written.size == (300, 200)
        assert written.convert("RGB").getpixel((150, 100)) == (200, 40, 40)
    assert KEY not in result.stderr


def test_a_provider_preset_without_a_key_stops_before_the_screen_freezes(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, _pattern = screen
    config = settings(tmp_path, "http://127.0.0.1:9", "anything")
    with capture(
        desktop,
        tmp_path,
        ["--preset", "restyle", "--output", str(tmp_path / "o.png")],
        config=config,
        # A keyring that answers "no key", as an empty real one does.
        extra_env={"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"},
    ) as run:
        result = run.finish()
    assert result.returncode == 2
    assert "No API key is set for OpenAI" in result.stderr
    assert "OPENAI_API_KEY" in result.stderr
    assert not (tmp_path / "o.png").exists()


def test_a_provider_preset_with_an_empty_prompt_asks_for_one_in_the_settings(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, _pattern = screen
    config = settings(tmp_path, "http://127.0.0.1:9", "")
    with capture(
        desktop,
        tmp_path,
        ["--preset", "restyle", "--copy"],
        config=config,
        extra_env={"OPENAI_API_KEY": KEY, **NO_KEYRING},
    ) as run:
        result = run.finish()
    assert result.returncode == 2
    assert "The preset 'restyle' has no prompt" in result.stderr
