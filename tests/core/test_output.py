"""Saving results: names from the pattern, no clobbering, and real file-system failures lose nothing.

The failure cases run on real file systems: a 64 KiB tmpfs that fills up and a read-only tmpfs, each
mounted in a private mount namespace (``unshare``) so the test needs no privileges and leaves no mount.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from core.errors import InputError, OutputError
from core.output import (
    LEFTOVER_AGE_S,
    NameFields,
    encode_image,
    output_target,
    remove_leftover_parts,
    render_file_name,
    safe_stem,
    write_file,
    write_new_file,
)

ROOT = Path(__file__).resolve().parents[2]
FIELDS = NameFields(
    preset="restyle", provider="openai", mode="edit", width=800, height=600, when=datetime(2026, 11, 25, 9, 5, 7)
)


def test_pattern_fills_every_placeholder() -> None:
    name = render_file_name("{date}_{time}_{preset}_{provider}_{mode}_{width}x{height}", FIELDS)
    assert name == "2026-11-25_09-05-07_restyle_openai_edit_800x600"


def test_names_from_a_preset_cannot_escape_the_folder() -> None:
    fields = NameFields("../../etc/passwd", "a/b", "c:d", 1, 1, FIELDS.when)
    name = render_file_name("{preset}-{provider}-{mode}", fields)
    assert "/" not in name
    assert ":" not in name
    assert not name.startswith(".")


def test_a_new_file_never_replaces_an_existing_one(tmp_path: Path) -> None:
    first = write_new_file(b"one", tmp_path, "shot", ".png")
    second = write_new_file(b"two", tmp_path, "shot", ".png")
    assert first.name == "shot.png"
    assert second.name == "shot-2.png"
    assert first.read_bytes() == b"one"
    assert second.read_bytes() == b"two"


def test_write_file_replaces_only_when_complete_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.png"
    target.write_bytes(b"old")
    write_file(b"new", target)
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]


def test_missing_output_folder_is_created(tmp_path: Path) -> None:
    saved = write_new_file(b"x", tmp_path / "a" / "b", "shot", ".png")
    assert saved.parent == tmp_path / "a" / "b"


def test_a_folder_that_is_a_file_gives_a_plain_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    with pytest.raises(OutputError, match="cannot be created"):
        write_new_file(b"x", blocker / "sub", "shot", ".png")


def test_encoding_keeps_transparency_in_png_and_flattens_it_for_jpeg() -> None:
    image = Image.new("RGBA", (4, 4), (255, 0, 0, 0))
    png = Image.open(io.BytesIO(encode_image(image, "png")))
    assert png.mode == "RGBA"
    assert png.getpixel((0, 0)) == (255, 0, 0, 0)
    jpeg = Image.open(io.BytesIO(encode_image(image, "jpeg")))
    assert jpeg.mode == "RGB"
    with pytest.raises(OutputError, match="not an image format"):
        encode_image(image, "gif")


FILESYSTEM_PROBE = textwrap.dedent(
    """
    import json, os, subprocess, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from core.errors import OutputError
    from core.output import write_file, write_new_file
    full, readonly = Path(sys.argv[2]), Path(sys.argv[3])
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(full)], check=True)
    (full / "existing.png").write_bytes(b"keep me")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,ro", "tmpfs", str(readonly)], check=True)
    result = {}
    big = os.urandom(200 * 1024)
    for name, call in [
        ("full_new", lambda: write_new_file(big, full, "shot", ".png")),
        ("full_replace", lambda: write_file(big, full / "existing.png")),
        ("readonly", lambda: write_new_file(b"x", readonly, "shot", ".png")),
    ]:
        try:
            call()
            result[name] = "saved"
        except OutputError as error:
            result[name] = str(error)
    result["full_listing"] = sorted(os.listdir(full))
    result["existing"] = (full / "existing.png").read_bytes().decode()
    print(json.dumps(result))
    """
)


def test_disk_full_and_read_only_folders_fail_plainly_and_lose_nothing(tmp_path: Path) -> None:
    full, readonly = tmp_path / "full", tmp_path / "readonly"
    full.mkdir()
    readonly.mkdir()
    # unshare -rm: a private mount namespace (as root here, or as a user namespace's root elsewhere).
    argv = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
    result = subprocess.run(
        [*argv, sys.executable, "-c", FILESYSTEM_PROBE, str(ROOT), str(full), str(readonly)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    outcome = json.loads(result.stdout)
    assert "No space left on device" in outcome["full_new"]
    assert "nothing was overwritten" in outcome["full_new"]
    assert "No space left on device" in outcome["full_replace"]
    assert "Read-only file system" in outcome["readonly"]
    # Nothing half-written stays, and the file that was there is intact.
    assert outcome["full_listing"] == ["existing.png"]
    assert outcome["existing"] == "keep me"


def test_names_drop_bidi_and_control_characters_and_fit_in_255_bytes_without_half_a_character() -> None:
    assert safe_stem("inv\u202eoice\u2066\u200b\x1b[31m\u2028.png") == "invoice[31m.png"
    long = safe_stem("\u00e9" * 300)
    assert len(long.encode()) == 254  # 127 two-byte characters: the 128th would pass 255
    assert len(safe_stem("\u00e9" * 300, room=9).encode()) <= 246
    emoji = render_file_name("{preset}", NameFields("\U0001f600" * 100, "p", "m", 1, 1, datetime(2026, 1, 1)))
    assert len(emoji.encode()) == 252


def test_a_pattern_with_a_format_part_is_refused_not_evaluated() -> None:
    for pattern in ("{date:>999999}", "{preset.__class__}", "{0}"):
        with pytest.raises(OutputError, match="cannot be used"):
            render_file_name(pattern, FIELDS)


def test_output_target_takes_image_files_only(tmp_path: Path) -> None:
    assert output_target(str(tmp_path / "a.JPG")) == (tmp_path / "a.JPG", "jpeg")
    assert output_target(str(tmp_path / "a.webp"))[1] == "webp"
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    link = tmp_path / "null.png"
    link.symlink_to("/dev/null")
    for name, words in [
        (str(fifo), "named pipe"), (str(link), "a device"), (str(tmp_path), "a folder"),
        (str(tmp_path / "a.gif"), "does not end in"), (str(tmp_path / ("x" * 252 + ".png")), "longer than 255"),
    ]:  # fmt: skip
        with pytest.raises(InputError, match=words):
            output_target(name)


def test_old_part_files_go_and_recent_ones_stay(tmp_path: Path) -> None:
    old, recent, other = tmp_path / ".aiis-a.part", tmp_path / ".aiis-b.part", tmp_path / "mine.part"
    for path in (old, recent, other):
        path.write_bytes(b"x")
    long_ago = old.stat().st_mtime - LEFTOVER_AGE_S - 1
    os.utime(old, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    assert remove_leftover_parts(tmp_path) == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".aiis-b.part", "mine.part"]
