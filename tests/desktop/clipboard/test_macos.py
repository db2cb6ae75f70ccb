"""The macOS clipboard method: its command line, how it reads osascript's answer, and when it fits.

osascript does not exist here; a stand-in program on PATH records what it is given and answers as
the JXA scripts do, so the real subprocess plumbing (stdin, stdout, stderr, exit codes) runs.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from PIL import Image

from core.errors import ClipboardError, NoImageError
from desktop.clipboard.macos import READ_SCRIPT, WRITE_SCRIPT, MacClipboard, osascript_command, parse_read_result


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (3, 2), (10, 20, 30, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def fake_osascript(folder: Path, body: str) -> dict[str, str]:
    script = folder / "osascript"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{folder}:{os.environ.get('PATH', '/usr/bin:/bin')}"}


def test_image_travels_on_stdin_and_the_command_line_holds_only_the_script(tmp_path: Path) -> None:
    # GIVEN an osascript that saves its arguments and its stdin
    env = fake_osascript(tmp_path, f'printf "%s\\n" "$@" > {tmp_path}/args\ncat > {tmp_path}/stdin\n')
    data = png_bytes()
    # WHEN the image is written
    MacClipboard(env, "darwin").write_png(data)
    # THEN the bytes came on stdin, and the arguments are the fixed script (no path, no data)
    assert (tmp_path / "stdin").read_bytes() == data
    assert (tmp_path / "args").read_text() == "\n".join([*osascript_command()[1:], WRITE_SCRIPT]) + "\n"
    assert osascript_command() == ["osascript", "-l", "JavaScript", "-e"]
    assert "public.png" in WRITE_SCRIPT
    assert "public.tiff" in WRITE_SCRIPT


def test_osascript_failure_is_a_clipboard_error_with_its_message(tmp_path: Path) -> None:
    env = fake_osascript(tmp_path, 'cat > /dev/null\necho "execution error: Error: not an image (-2700)" >&2\nexit 1\n')
    with pytest.raises(ClipboardError, match="not an image"):
        MacClipboard(env, "darwin").write_png(b"x")


def test_png_on_the_pasteboard_is_read_and_trailing_output_is_cut(tmp_path: Path) -> None:
    data = png_bytes()
    (tmp_path / "answer.png").write_bytes(data)
    env = fake_osascript(tmp_path, f'cat {tmp_path}/answer.png\necho\necho "kind:public.png" >&2\n')
    image = MacClipboard(env, "darwin").read_image()
    assert image == type(image)(data, "image/png")


def test_tiff_on_the_pasteboard_comes_back_as_png_with_the_same_pixels() -> None:
    source = Image.new("RGBA", (4, 4), (200, 100, 50, 25))
    buffer = io.BytesIO()
    source.save(buffer, "TIFF")
    image = parse_read_result(buffer.getvalue(), b"kind:public.tiff\n")
    assert image.mime == "image/png"
    with Image.open(io.BytesIO(image.data)) as back:
        assert back.convert("RGBA").tobytes() == source.tobytes()


@pytest.mark.parametrize(
    ("kind", "message"),
    [("text", "holds text"), ("empty", "is empty"), ("file", "holds a file"), ("none", "no image in a format")],
)
def test_what_the_pasteboard_holds_instead_is_named(kind: str, message: str) -> None:
    with pytest.raises(NoImageError, match=message):
        parse_read_result(b"", f"kind:{kind}\n".encode())


def test_read_script_reports_its_kind_on_stderr_and_prefers_png() -> None:
    assert "console.log('kind:' + kind)" in READ_SCRIPT
    assert READ_SCRIPT.index("'public.png'") < READ_SCRIPT.index("'public.tiff'")


def test_fits_only_macos_and_needs_osascript_on_path(tmp_path: Path) -> None:
    assert not MacClipboard({"PATH": "/usr/bin:/bin"}).fits_this_system()
    assert MacClipboard({}, "darwin").fits_this_system()
    assert not MacClipboard({"PATH": str(tmp_path)}, "darwin").is_installed()
    assert MacClipboard(fake_osascript(tmp_path, "exit 0\n"), "darwin").is_installed()
