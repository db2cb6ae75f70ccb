"""The Wayland method: when it is chosen, and the wl-copy / wl-paste calls it makes.

No compositor runs here; stand-in wl-copy and wl-paste programs on PATH record their arguments and
stdin and answer like wl-clipboard 2.x does (``--list-types`` one MIME type per line; exit 1 with
"Nothing is copied" when the clipboard is empty).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from core.errors import ClipboardError, NoImageError
from desktop.clipboard.system import known_methods, system_clipboard
from desktop.clipboard.wlclipboard import WlClipboard, copy_command, list_types_command, paste_command

WAYLAND = {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}


def install_fakes(folder: Path, copy_body: str, paste_body: str) -> dict[str, str]:
    for name, body in (("wl-copy", copy_body), ("wl-paste", paste_body)):
        program = folder / name
        program.write_text("#!/bin/sh\n" + body)
        program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return {**WAYLAND, "PATH": f"{folder}:{os.environ.get('PATH', '/usr/bin:/bin')}"}


def test_commands_ask_for_png_explicitly() -> None:
    assert copy_command() == ["wl-copy", "--type", "image/png"]
    assert list_types_command() == ["wl-paste", "--list-types"]
    assert paste_command("image/png") == ["wl-paste", "--no-newline", "--type", "image/png"]


def test_write_sends_the_png_on_stdin_with_its_type(tmp_path: Path) -> None:
    env = install_fakes(tmp_path, f'echo "$@" > {tmp_path}/args\ncat > {tmp_path}/stdin\n', "exit 1\n")
    WlClipboard(env, "linux").write_png(b"\x89PNG fake")
    assert (tmp_path / "stdin").read_bytes() == b"\x89PNG fake"
    assert (tmp_path / "args").read_text() == "--type image/png\n"


def test_write_failure_carries_wl_copy_message(tmp_path: Path) -> None:
    env = install_fakes(tmp_path, 'cat >/dev/null\necho "Failed to connect to a Wayland server" >&2\nexit 1\n', "")
    with pytest.raises(ClipboardError, match="Failed to connect to a Wayland server"):
        WlClipboard(env, "linux").write_png(b"x")


def test_read_takes_png_when_offered_among_other_types(tmp_path: Path) -> None:
    paste = (
        'if [ "$1" = "--list-types" ]; then printf "text/html\\nimage/jpeg\\nimage/png\\n"; exit 0; fi\n'
        f'echo "$@" > {tmp_path}/args\nprintf "PNGDATA"\n'
    )
    env = install_fakes(tmp_path, "", paste)
    image = WlClipboard(env, "linux").read_image()
    assert (image.data, image.mime) == (b"PNGDATA", "image/png")
    assert (tmp_path / "args").read_text() == "--no-newline --type image/png\n"


@pytest.mark.parametrize(
    ("listing", "message"),
    [
        ('echo "Nothing is copied" >&2; exit 1', "is empty"),
        ('printf "text/plain;charset=utf-8\\nUTF8_STRING\\n"', "holds text"),
        ('printf "application/x-unknown\\n"', "no image in a format"),
    ],
)
def test_what_is_there_instead_of_an_image_is_named(tmp_path: Path, listing: str, message: str) -> None:
    env = install_fakes(tmp_path, "", listing + "\n")
    with pytest.raises(NoImageError, match=message):
        WlClipboard(env, "linux").read_image()


def test_fits_wayland_sessions_only_and_needs_both_programs(tmp_path: Path) -> None:
    assert WlClipboard(WAYLAND, "linux").fits_this_system()
    assert not WlClipboard({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, "linux").fits_this_system()
    assert not WlClipboard(WAYLAND, "darwin").fits_this_system()
    (tmp_path / "wl-copy").write_text("#!/bin/sh\n")
    (tmp_path / "wl-copy").chmod(0o755)
    assert not WlClipboard({**WAYLAND, "PATH": str(tmp_path)}, "linux").is_installed()


def test_wayland_session_prefers_wl_clipboard_and_falls_back_to_xclip_over_xwayland(tmp_path: Path) -> None:
    # GIVEN a Wayland session with XWayland (DISPLAY set) and both tools installed
    env = install_fakes(tmp_path, "", "")
    (tmp_path / "xclip").write_text("#!/bin/sh\n")
    (tmp_path / "xclip").chmod(0o755)
    env = {**env, "DISPLAY": ":1"}
    assert [method.name for method in known_methods(env)] == ["windows", "macos", "wl-clipboard", "xclip"]
    assert system_clipboard(env).name == "wl-clipboard"
    # WHEN wl-clipboard is missing THEN xclip serves through XWayland
    (tmp_path / "wl-copy").unlink()
    assert system_clipboard(env).name == "xclip"
