"""The tray keeps a finished job in the history only with ``privacy.history: true`` (issue 18).

A JobFlow on the session's Xvfb with a real job runner (tests.tray.flow_fakes); the record is read
back through ``core.history``, pixel for pixel. With history off, the state folder stays empty.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from core.config import Config
from core.history import History
from core.models import Rect
from tests.overlay.tk_helpers import pump, root  # noqa: F401 - the fixture
from tests.tray.flow_fakes import FlowRig, rig_fixture  # noqa: F401 - the fixture

pytestmark = pytest.mark.desktop

SIZE = (120, 80)


def crop() -> Image.Image:
    image = Image.new("RGB", SIZE)
    image.putdata([(x * 2, y * 3, (x + y) % 256) for y in range(SIZE[1]) for x in range(SIZE[0])])
    return image


def same(first: Image.Image, second: Image.Image) -> bool:
    return first.size == second.size and ImageChops.difference(first, second).getbbox() is None


def with_history(rig: FlowRig, monkeypatch: pytest.MonkeyPatch, cap_mb: float = 500) -> Config:
    config = rig.config()
    on = replace(config, privacy=replace(config.privacy, history=True, history_max_mb=cap_mb))
    monkeypatch.setattr(rig, "config", lambda: on)
    return on


def test_with_history_on_the_delivered_result_its_crop_and_mask_are_kept(
    rig: FlowRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = with_history(rig, monkeypatch)
    original = crop()
    mask = Image.new("L", SIZE, 0)
    mask.paste(255, (60, 0, 120, 80))
    rig.provider.answer = [Image.new("RGB", SIZE, (200, 40, 40)), Image.new("RGB", SIZE, (40, 40, 200))]
    rig.flow.start(config, rig.plan(), original, Rect(10, 10, *SIZE), "paint it red", mask=mask)
    rig.finish_one()
    folder = rig.flow.recorder.folder
    assert folder is not None
    history = History(folder, config.privacy.history_max_bytes)
    pump(rig.root, lambda: len(history.entries()) == 1, timeout=10)
    [entry] = history.entries()
    assert (entry.prompt, entry.provider, entry.model) == ("paint it red", "openai", "gpt-image-2.6-flare")
    assert entry.result_count == 2
    assert same(history.crop(entry), original)
    kept_mask = history.mask(entry)
    assert kept_mask is not None
    assert same(kept_mask, mask)
    # What was kept is what was delivered: the crop outside the mask, the provider's pixels inside.
    delivered = Image.open(io.BytesIO(rig.board.written[0])).convert("RGB")
    assert same(history.results(entry)[0].convert("RGB"), delivered)
    for path in entry.folder.iterdir():
        assert b"sk-test-flow" not in path.read_bytes(), "never a key"


def test_with_history_off_nothing_is_written(rig: FlowRig, tmp_path: Path) -> None:
    assert rig.config().privacy.history is False
    before = sorted(tmp_path.rglob("*"))
    rig.provider.answer = [Image.new("RGB", SIZE, (200, 40, 40))]
    rig.flow.start(rig.config(), rig.plan(), crop(), Rect(10, 10, *SIZE), "paint it red")
    rig.finish_one()
    assert len(rig.board.written) == 1, "the job was delivered"
    rig.flow.recorder.close()  # any write still queued would be done now
    assert sorted(tmp_path.rglob("*")) == before
    assert not (tmp_path / "state").exists()


def test_a_history_that_cannot_be_written_is_said_in_the_log_and_the_result_still_delivered(
    rig: FlowRig, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    config = with_history(rig, monkeypatch)
    folder = rig.flow.recorder.folder
    assert folder is not None
    folder.parent.mkdir(parents=True)
    folder.write_text("a file where the folder should be", encoding="utf-8")
    rig.provider.answer = [Image.new("RGB", SIZE, (200, 40, 40))]
    with caplog.at_level("WARNING", logger="tray.history_recorder"):
        rig.flow.start(config, rig.plan(), crop(), Rect(10, 10, *SIZE), "paint it red")
        rig.finish_one()
        pump(rig.root, lambda: any("the job was not kept" in r.getMessage() for r in caplog.records), timeout=10)
    assert len(rig.board.written) == 1, "the result was delivered all the same"
    assert [note.body.split(" ")[0] for note in rig.recorder.notes] == ["Copied"], "only the success is told"
    assert folder.read_text(encoding="utf-8") == "a file where the folder should be"
