"""The history promise end to end (issue 18): the tray app started as a person would (``main.py``),
a job through the loopback OpenAI stand-in. With ``privacy.history`` off nothing of the job is left
anywhere under the app's HOME and XDG folders but the delivered file; turned on, the record is there
(which shows the same look would have seen one)."""

from __future__ import annotations

import dataclasses
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.history import History
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
    png_pixels,
    prompt_focused,
    running_tray,
    same_pixels,
    selector_ready,
    tray_desktop,
    wait_for,
)
from tests.virtual_desktop import VirtualDesktop

pytestmark = pytest.mark.desktop

PROMPT = "make it look like night"
SAVED = "out/restyle_200x150.png"


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with tray_desktop("openbox") as running:
        yield running


def files_under(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if not path.is_dir()}


def run_one_job(tray: TrayProcess) -> None:
    tray.xdotool("key", "ctrl+shift+e")
    wait_for(lambda: selector_ready(tray), 10, "the selector overlay")
    tray.drag(START, END)
    tray.xdotool("key", "Return")
    wait_for(lambda: prompt_focused(tray), 10, "the prompt bar to have the focus")
    tray.xdotool("type", "--delay", "5", PROMPT)
    tray.xdotool("key", "Return")
    wait_for((tray.folder / SAVED).exists, 20, "the saved result")
    tray.wait_log("delivered a")


def serve() -> tuple[LoopbackServer, EditChecks]:
    checks = EditChecks(expected_crop=PATTERN.crop(CROP_BOX), expected_prompt=PROMPT)
    reply = Reply(respond=lambda recorded: dataclasses.replace(checks.respond(recorded), delay=0.3))
    return LoopbackServer([reply], validator=OpenAISpec(KEY)), checks


def test_with_history_off_a_job_leaves_nothing_but_its_delivered_file(desktop: VirtualDesktop) -> None:
    server, checks = serve()
    with server, running_tray(desktop, server.url + "/v1") as tray:
        before = files_under(tray.folder)
        run_one_job(tray)
        tray.wait_log("history is off: the job was not kept")
        assert tray.stop() == 0
        new = files_under(tray.folder) - before
    assert server.invalid == []
    assert checks.problems == []
    # The state folder holds the log only; no history folder is even made.
    state = tray.folder / "state" / "ai-image-studio"
    assert not (state / "history").exists()
    assert not any("history" in name for name in files_under(tray.folder))
    # Nothing of the job anywhere else: no image, no prompt, in HOME, TMPDIR, XDG_* folders.
    assert {name for name in new if not name.startswith("run/")} == {SAVED}, new
    for name in files_under(tray.folder):
        data = (tray.folder / name).read_bytes()
        if name not in {"app.log", "state/ai-image-studio/tray.log"}:
            assert PROMPT.encode() not in data, name
    assert not list((tray.folder / "tmp").iterdir()), "temporary image data is deleted after the job"


def test_with_history_on_the_job_is_kept_in_the_state_folder(desktop: VirtualDesktop) -> None:
    server, _checks = serve()
    with server, running_tray(desktop, server.url + "/v1", extra_config="privacy: {history: true}\n") as tray:
        run_one_job(tray)
        tray.wait_log("history: kept the job as")
        assert tray.stop() == 0
    folder = tray.folder / "state" / "ai-image-studio" / "history"
    [entry] = History(folder, 10**9).entries()
    assert entry.prompt == PROMPT
    assert same_pixels(png_pixels((tray.folder / SAVED).read_bytes()), answer_for(PATTERN.crop(CROP_BOX)))
    assert same_pixels(
        History(folder, 10**9).results(entry)[0].convert("RGBA"), png_pixels((tray.folder / SAVED).read_bytes())
    )
    assert KEY not in (entry.folder / "entry.json").read_text(encoding="utf-8")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(entry.folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in entry.folder.iterdir()} == {0o600}
