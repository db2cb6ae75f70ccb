"""``main.py capture`` under real window managers: the selector owns the keyboard, nothing leaks below.

Issue 17: under openbox the selector's Enter, Esc and arrows went to the window that had the
focus, and a prompt typed "into the overlay" ran in the terminal below. GIVEN a desktop with no
WM, openbox or icewm, and a witness window (``tests.witness``) focused the way a person would,
WHEN a capture is driven with xdotool (drag, arrows, stray letters, Enter; or Esc), THEN the
witness logged no key but modifiers, the OpenAI stand-in got exactly the region and the preset's
prompt, and the witness has the focus back afterwards. (``main.py capture`` has no prompt bar: it
sends the preset's prompt; the typed prompt is the tray's part, tests/tray/test_e2e_witness.py.)
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
from tests.virtual_desktop import WINDOW_MANAGERS, VirtualDesktop, virtual_desktop, wm_id
from tests.witness import Witness, wait, witness

pytestmark = pytest.mark.desktop

WIDTH, HEIGHT = 1024, 768
KEY = "sk-proj-witness-test-0123456789"
PROMPT = "Redraw as a watercolor"
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
# Clear of the witness window (top left): the crops are compared with the painted pattern.
START, END = (400, 300), (700, 500)


@pytest.fixture(scope="module", params=WINDOW_MANAGERS, ids=wm_id)
def screen(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[VirtualDesktop, Image.Image, Witness]]:
    with virtual_desktop(WIDTH, HEIGHT, wm=request.param) as desktop:
        pattern = noise(WIDTH, HEIGHT, seed=17)
        paint_root(desktop.display, pattern)
        with witness(desktop, tmp_path_factory.mktemp("witness") / "keys.log") as shown:
            yield desktop, pattern, shown


def settings(tmp_path: Path, base_url: str) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(
        f'providers:\n  openai: {{model: gpt-image-2.6-flare, base_url: "{base_url}/v1", timeout: 20, '
        "connect_timeout: 2}\n"
        "presets:\n"
        "  - {name: copy, provider: none}\n"
        f'  - {{name: restyle, provider: openai, mode: edit, prompt: "{PROMPT}"}}\n',
        encoding="utf-8",
    )
    return path


def test_drag_arrows_and_enter_reach_only_the_selector_and_the_provider_gets_the_region(
    screen: tuple[VirtualDesktop, Image.Image, Witness], tmp_path: Path
) -> None:
    desktop, pattern, shown = screen
    shown.focus()
    mark = shown.mark()
    output = tmp_path / "out.png"
    # The 300x200 region goes enlarged four times by whole pixels (gpt-image-2's minimum, ADR 020).
    with LoopbackServer([images_answer(png((1200, 800)))], validator=OpenAISpec(KEY)) as server:
        env = {"OPENAI_API_KEY": KEY, **NO_KEYRING}
        config = settings(tmp_path, server.url)
        with capture(
            desktop, tmp_path, ["--preset", "restyle", "--output", str(output)], config=config, extra_env=env
        ) as run:
            run.wait_painted((900, 700), pattern.getpixel((900, 700)))  # type: ignore[arg-type]
            run.drag(START, END)
            # Right, Down: moved by (1, 1); Shift+Right: 10 more; the letters mean nothing here
            # and must not reach the witness either.
            run.xdotool("key", "Right", "Down", "shift+Right", "x", "y", "z", "Return")
            result = run.finish()
    assert result.returncode == 0, result.stderr
    assert shown.leaked_since(mark) == []
    assert server.invalid == []
    assert len(server.requests) == 1
    form = server.requests[0].form()
    assert form["prompt"].text == PROMPT
    with Image.open(io.BytesIO(form["image"].data)) as sent:
        region = pattern.crop((411, 301, 711, 501)).resize((1200, 800), Image.Resampling.NEAREST)
        assert sent.convert("RGB").tobytes() == region.tobytes()
    wait(shown.has_focus, "the focus back on the witness")


def test_escape_cancels_and_writes_nothing_and_a_second_capture_right_after_works(
    screen: tuple[VirtualDesktop, Image.Image, Witness], tmp_path: Path
) -> None:
    desktop, pattern, shown = screen
    shown.focus()
    mark = shown.mark()
    first, second = tmp_path / "first.png", tmp_path / "second.png"
    with capture(desktop, tmp_path, ["--preset", "copy", "--output", str(first)]) as run:
        run.wait_painted((900, 700), pattern.getpixel((900, 700)))  # type: ignore[arg-type]
        run.drag(START, END)
        run.xdotool("key", "Escape")
        cancelled = run.finish()
    with capture(desktop, tmp_path, ["--preset", "copy", "--output", str(second)]) as run:
        run.wait_painted((900, 700), pattern.getpixel((900, 700)))  # type: ignore[arg-type]
        run.drag(START, END)
        run.xdotool("key", "Return")
        accepted = run.finish()
    assert cancelled.returncode == 1
    assert cancelled.stderr.strip() == "Cancelled."
    assert not first.exists()
    assert accepted.returncode == 0, accepted.stderr
    with Image.open(second) as written:
        assert written.convert("RGB").tobytes() == pattern.crop((*START, *END)).tobytes()
    assert shown.leaked_since(mark) == []
    wait(shown.has_focus, "the focus back on the witness")
