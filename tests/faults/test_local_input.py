"""Bad local input through the real commands: the clipboard, huge or non-image files, broken settings files.

Each case runs ``main.py`` in its own process (fresh TMPDIR) and checks the exit code, the message in
words, and that nothing was changed or left behind.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.faults.harness import KEYS, MAIN, OLD_OUTPUT, REPO, Scene, config_text
from tests.providers import photoroom_server as pr
from tests.providers.loopback import LoopbackServer
from tests.providers.openai_server import images_answer, png
from tests.providers.test_images import png_header_claiming
from tests.virtual_desktop import VirtualDesktop, virtual_desktop

CORRUPT_PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 40 + b"not really a png"


@pytest.fixture
def bare_desktop() -> Iterator[VirtualDesktop]:
    """A small Xvfb of its own whose clipboard nobody has ever owned."""
    with virtual_desktop(320, 240) as running:
        yield running


def capture_from_clipboard(scene: Scene) -> tuple[int, str]:
    done = scene.main("capture", "--from-clipboard", "--preset", "copy", "--output", str(scene.output))
    return done.returncode, done.stderr


@pytest.mark.desktop
def test_an_empty_clipboard_is_said_plainly_and_nothing_is_written(
    tmp_path: Path, bare_desktop: VirtualDesktop
) -> None:
    scene = Scene(tmp_path)
    scene.env_extra = {"DISPLAY": bare_desktop.display}
    code, err = capture_from_clipboard(scene)
    assert code == 2, err
    assert "Error: The clipboard is empty: copy an image first." in err
    assert "Traceback" not in err
    assert scene.unchanged() == []


@pytest.mark.desktop
@pytest.mark.parametrize(
    ("data", "target", "words"),
    [
        (b"just some words", None, "The clipboard holds text, not an image: copy an image first."),
        (CORRUPT_PNG, "image/png", "The image on the clipboard cannot be read"),
    ],
    ids=["text", "corrupt-png"],
)
def test_a_clipboard_without_a_usable_image_is_said_plainly_and_left_as_it_was(
    tmp_path: Path, desktop: VirtualDesktop, data: bytes, target: str | None, words: str
) -> None:
    scene = Scene(tmp_path, desktop)
    desktop.set_clipboard(data, target)
    code, err = capture_from_clipboard(scene)
    assert code == 2, err
    assert words in err
    assert "Traceback" not in err
    assert desktop.read_clipboard(target or "UTF8_STRING") == data
    # The clipboard was checked above in its own target; the rest must be as it was too.
    assert [problem for problem in scene.unchanged() if "clipboard" not in problem] == []


@pytest.mark.desktop
@pytest.mark.parametrize("source", ["clipboard", "file"])
def test_an_image_whose_header_claims_60000x60000_is_refused_in_words_not_a_traceback(
    tmp_path: Path, desktop: VirtualDesktop, source: str
) -> None:
    # A decompression bomb handed to the selector from the clipboard or as a file.
    scene = Scene(tmp_path, desktop)
    bomb = png_header_claiming(60000, 60000)
    if source == "clipboard":
        desktop.set_clipboard(bomb, "image/png")
        done = scene.main("capture", "--from-clipboard", "--preset", "copy", "--output", str(scene.output))
    else:
        (scene.folder / "bomb.png").write_bytes(bomb)
        done = scene.main("capture", "--file", str(scene.folder / "bomb.png"), "--preset", "copy",
                          "--output", str(scene.output))  # fmt: skip
    assert "Traceback" not in done.stderr
    assert done.returncode == 2, done.stderr
    assert "Error: " in done.stderr
    assert [problem for problem in scene.unchanged() if "clipboard" not in problem] == []


def test_a_10000_square_input_is_downscaled_to_the_providers_6000_px_limit(tmp_path: Path) -> None:
    # GIVEN a 10000x10000 picture and PhotoRoom, which takes at most 6000 px on the longest side
    scene = Scene(tmp_path)
    big = Image.new("RGB", (10000, 10000), (20, 120, 200))
    big.paste((240, 220, 10), (0, 0, 5000, 10000))
    big.save(scene.input, compress_level=1)
    served = Image.new("RGBA", (600, 600), (1, 2, 3, 255))
    buffer = io.BytesIO()
    served.save(buffer, "PNG")
    spec = pr.PhotoRoomSpec(KEYS["PHOTOROOM_API_KEY"])
    with LoopbackServer([pr.image_reply(buffer.getvalue())], validator=spec) as server:
        config = scene.config(config_text("photoroom", server.url, timeout=60, extra="output: {match_size: false}\n"))
        done = scene.main(
            "--config", str(config), "edit", str(scene.input), "--provider", "photoroom", "--output", str(scene.output)
        )
    # THEN the upload is the whole picture at 6000x6000, accepted by the spec check, and the result is saved
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr
    assert server.invalid == []
    sent = Image.open(io.BytesIO(server.requests[0].form()["image_file"].data))
    assert sent.size == (6000, 6000)
    assert sent.convert("RGB").getpixel((100, 3000)) == (240, 220, 10)
    assert sent.convert("RGB").getpixel((5900, 3000)) == (20, 120, 200)
    assert Image.open(scene.output).size == (600, 600)
    assert list(scene.tmp.iterdir()) == []


def test_an_output_folder_that_does_not_exist_is_created(tmp_path: Path) -> None:
    scene = Scene(tmp_path)
    target = scene.work / "new" / "deeper" / "out.png"
    with LoopbackServer([images_answer(png((48, 32)))]) as server:
        config = scene.config(config_text("openai", server.url + "/v1"))
        done = scene.main(
            "--config", str(config), "edit", str(scene.input), "--provider", "openai", "--prompt", "p",
            "--output", str(target),
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert Image.open(target).size == (240, 160)
    assert scene.output.read_bytes() == OLD_OUTPUT
    assert list(scene.tmp.iterdir()) == []


# --- settings files ---------------------------------------------------------------------------------

BAD_CONFIGS = {
    "not-yaml": ("default_provider: openai\n@nope\n", 2, "this is not valid YAML"),
    "control-character": ("default_provider: openai\nname: a\x1fb\n", 2, "the control character #x1f"),
    "tab": ("output:\n\tformat: png\n", 2, "tab"),
    "unknown-key": ("default_provider: openai\ncolour_scheme: dark\n", 2, "colour_scheme: is not a known setting"),
    "bad-hotkey": ('hotkeys:\n  capture: "<ctrl>+<banana>"\n', 2, "hotkeys.capture"),
    "http-remote-base-url": (
        'providers:\n  openai: {base_url: "http://images.example.com/v1"}\n',
        2,
        "plain http to another computer",
    ),
}


@pytest.mark.parametrize("name", list(BAD_CONFIGS))
def test_config_check_exits_2_naming_the_file_and_line_and_changes_nothing(tmp_path: Path, name: str) -> None:
    text, line, words = BAD_CONFIGS[name]
    scene = Scene(tmp_path)
    config = scene.config(text)
    done = scene.main("--config", str(config), "config", "check")
    assert done.returncode == 2, done.stderr
    assert f"Error: {config}:{line}: " in done.stderr
    assert words in done.stderr
    assert "Traceback" not in done.stderr
    assert config.read_text(encoding="utf-8") == text
    assert list(scene.tmp.iterdir()) == []


@pytest.mark.parametrize("name", list(BAD_CONFIGS))
def test_edit_refuses_a_bad_settings_file_before_sending_anything(tmp_path: Path, name: str) -> None:
    text, line, _words = BAD_CONFIGS[name]
    scene = Scene(tmp_path)
    with LoopbackServer([images_answer(png())]) as server:
        config = scene.config(text)
        done = scene.main(
            "--config", str(config), "edit", str(scene.input), "--provider", "openai", "--prompt", "p",
            "--output", str(scene.output),
        )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert f"{config}:{line}: " in done.stderr
    assert server.requests == []
    assert scene.unchanged() == []


# --- an output folder that cannot take the file ------------------------------------------------------


@pytest.mark.desktop
@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("full", "Could not save out.png in {folder} (No space left on device); nothing was overwritten."),
        ("readonly", "Cannot write in {folder} (Read-only file system)."),
    ],
    ids=["full", "readonly"],
)
def test_a_full_or_read_only_output_folder_fails_plainly_and_loses_nothing(
    tmp_path: Path, desktop: VirtualDesktop, kind: str, words: str
) -> None:
    # GIVEN a 16 KB tmpfs (or a read-only one) holding out.png, in a private mount namespace
    scene = Scene(tmp_path, desktop)
    folder = tmp_path / "mounted"
    folder.mkdir()
    noise = Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3))
    unshare = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
    with LoopbackServer([images_answer(png_of(noise))]) as server:
        config = scene.config(config_text("openai", server.url + "/v1"))
        # WHEN a job's result (about 100 KB) is saved there, and also asked for on the clipboard
        done = subprocess.run(
            [
                *unshare, sys.executable, "-m", "tests.faults.mounted", str(folder), kind, "--",
                str(MAIN), "--config", str(config), "edit", str(scene.input), "--provider", "openai",
                "--prompt", "p", "--output", str(folder / "out.png"), "--copy",
            ],
            cwd=REPO, env=scene.env(), capture_output=True, text=True, timeout=90, check=True,
        )  # fmt: skip
    report = json.loads(done.stdout)
    # THEN exit 1 with the reason, the old file intact, no part file, the clipboard and TMPDIR untouched
    assert report["code"] == 1, report["stderr"]
    assert "Error: " + words.format(folder=folder) in report["stderr"]
    assert "Traceback" not in report["stderr"]
    assert report["listing"] == ["out.png"]
    assert report["intact"]
    assert scene.unchanged() == []


def png_of(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
