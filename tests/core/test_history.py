"""The opt-in history's records (issue 18): written whole, read back, newest first, pruned to the cap."""

from __future__ import annotations

import errno
import json
import logging
import os
import stat
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageChops

import core.history
import core.history_record
from core.errors import HistoryError
from core.history import ENTRY_FILE, History, Record
from core.history_record import MAX_PROMPT_CHARS

BASE = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
KEY = "sk-test-never-in-history-000000"


def record(colour: tuple[int, int, int], minutes: int = 0, *, mask: bool = False, n: int = 1) -> Record:
    crop = Image.new("RGB", (40, 30), (9, 9, 9))
    crop.putpixel((3, 4), (200, 1, 2))
    results = tuple(Image.new("RGBA", (40, 30), (*colour, 255 - i)) for i in range(n))
    return Record(
        crop=crop,
        results=results,
        prompt="paint it über-blue",
        provider="openai",
        model="gpt-image-2.6-flare",
        options={"quality": "high", "n": n, "weird": object()},
        mask=Image.new("L", (40, 30), 255) if mask else None,
        cost_text="about $0.04",
        when=BASE + timedelta(minutes=minutes),
    )


def same(first: Image.Image, second: Image.Image) -> bool:
    return first.size == second.size and ImageChops.difference(first, second).getbbox() is None


def test_a_record_reads_back_pixel_for_pixel_with_every_field(tmp_path: Path) -> None:
    history = History(tmp_path / "history", max_bytes=10**9)
    written = record((10, 200, 30), mask=True, n=3)
    entry = history.add(written)
    [listed] = history.entries()
    assert listed == entry
    assert (entry.prompt, entry.provider, entry.model, entry.cost_text) == (
        "paint it über-blue",
        "openai",
        "gpt-image-2.6-flare",
        "about $0.04",
    )
    assert entry.when == BASE
    assert dict(entry.options) == {"quality": "high", "n": 3}, "only plain values are kept"
    assert entry.result_count == 3
    assert same(history.crop(entry), written.crop)
    mask = history.mask(entry)
    assert mask is not None
    assert same(mask, written.mask)  # type: ignore[arg-type]
    for got, want in zip(history.results(entry), written.results, strict=True):
        assert same(got, want)
    assert history.thumbnail(entry).getpixel((0, 0)) == (10, 200, 30, 255)
    assert entry.size_bytes == sum(path.stat().st_size for path in entry.folder.iterdir())


def test_listed_newest_first_whatever_order_they_were_written_in(tmp_path: Path) -> None:
    history = History(tmp_path, max_bytes=10**9)
    for minutes in (5, 1, 9, 3):
        history.add(record((minutes, 0, 0), minutes))
    assert [entry.when.minute for entry in history.entries()] == [9, 5, 3, 1]


def test_pruned_oldest_first_to_exactly_the_cap(tmp_path: Path) -> None:
    history = History(tmp_path, max_bytes=10**9)
    sizes = {minutes: history.add(record((minutes * 20, 5, 5), minutes)).size_bytes for minutes in range(5)}
    # GIVEN a cap that holds exactly the newest three records (to the byte)
    history.max_bytes = sizes[2] + sizes[3] + sizes[4]
    removed = history.prune()
    assert len(removed) == 2
    assert [entry.when.minute for entry in history.entries()] == [4, 3, 2]
    assert history.total_bytes() == history.max_bytes
    # WHEN one more is written THEN the oldest goes: the cap is kept after every write
    size_5 = history.add(record((250, 5, 5), 5)).size_bytes
    kept = [entry.when.minute for entry in history.entries()]
    assert kept[0] == 5
    assert history.total_bytes() <= history.max_bytes
    assert sum(sizes[m] for m in kept if m != 5) + size_5 == history.total_bytes()
    # A cap of nothing keeps nothing, not even the newest
    history.max_bytes = 0
    history.prune()
    assert history.entries() == []


def test_files_are_0600_and_folders_0700_and_no_key_is_written(tmp_path: Path) -> None:
    os.umask(0o022)
    history = History(tmp_path / "state" / "history", max_bytes=10**9)
    entry = history.add(record((1, 2, 3), mask=True))
    assert stat.S_IMODE(history.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(entry.folder.stat().st_mode) == 0o700
    files = list(entry.folder.iterdir())
    assert {path.name for path in files} == {ENTRY_FILE, "crop.png", "mask.png", "result-1.png", "thumb.png"}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        assert KEY.encode() not in path.read_bytes()


def test_corrupt_and_foreign_entries_are_skipped_with_a_log_line_never_a_crash(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    history = History(tmp_path, max_bytes=10**9)
    good = history.add(record((1, 1, 1), 1))
    broken = [history.add(record((2, 2, 2), minutes)) for minutes in (2, 3, 4, 5, 6)]
    (broken[0].folder / ENTRY_FILE).write_bytes(b"{not json")
    (broken[1].folder / "result-1.png").unlink()
    (broken[2].folder / ENTRY_FILE).write_text(json.dumps({"format": 99}), encoding="utf-8")
    (broken[3].folder / ENTRY_FILE).write_bytes(b"\xff\xfe")
    meta = json.loads((broken[4].folder / ENTRY_FILE).read_text(encoding="utf-8"))
    meta["results"] = "many"
    (broken[4].folder / ENTRY_FILE).write_text(json.dumps(meta), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "holiday photos").mkdir()
    (tmp_path / "20261201T120000000000Z-deadbeef").symlink_to(good.folder)
    with caplog.at_level(logging.WARNING, logger="core.history"):
        assert [entry.id for entry in history.entries()] == [good.id]
    skipped = [r.getMessage() for r in caplog.records if r.getMessage().startswith("history: skipped")]
    assert len(skipped) == 8
    assert not any("über" in line for line in skipped), "never the prompt"
    # Clear all removes ours, the broken ones too, and leaves what is not ours.
    assert history.clear() == 6
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "20261201T120000000000Z-deadbeef",
        "holiday photos",
        "notes.txt",
    ]


def test_delete_removes_one_and_refuses_names_that_are_not_records(tmp_path: Path) -> None:
    history = History(tmp_path / "history", max_bytes=10**9)
    first, second = history.add(record((1, 1, 1), 1)), history.add(record((2, 2, 2), 2))
    history.delete(first.id)
    assert not first.folder.exists()
    assert [entry.id for entry in history.entries()] == [second.id]
    (tmp_path / "keep").mkdir()
    for bad in ("..", "../keep", "keep", ""):
        with pytest.raises(HistoryError):
            history.delete(bad)
    assert (tmp_path / "keep").is_dir()


def test_a_write_that_fails_midway_leaves_no_record_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history = History(tmp_path, max_bytes=10**9)
    real_write = core.history_record.write_private

    def disk_full_at_the_result(path: Path, data: bytes) -> None:
        # The crop is on disk already when the disk fills up (root ignores permissions: ENOSPC it is).
        if path.name == "result-1.png":
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(core.history, "write_private", disk_full_at_the_result)
    with pytest.raises(HistoryError, match="cannot be written \\(No space left on device\\)"):
        history.add(record((1, 1, 1)))
    assert history.entries() == []
    assert list(tmp_path.iterdir()) == []


def test_a_killed_writes_leftover_is_never_listed_and_goes_on_the_next_write(tmp_path: Path) -> None:
    history = History(tmp_path, max_bytes=10**9)
    leftover = tmp_path / ".new-20261201T120000000000Z-00000000"
    leftover.mkdir()
    (leftover / "crop.png").write_bytes(b"half")
    os.utime(leftover, (0, 0))
    assert history.entries() == []
    history.add(record((1, 1, 1)))
    assert not leftover.exists()
    assert len(history.entries()) == 1


def test_a_huge_prompt_is_cut_so_the_record_still_reads_back(tmp_path: Path) -> None:
    history = History(tmp_path, max_bytes=10**9)
    entry = history.add(replace(record((1, 1, 1)), prompt="\N{PILE OF POO}" * 100_000))
    assert history.entries() == [entry]
    assert entry.prompt == "\N{PILE OF POO}" * MAX_PROMPT_CHARS
