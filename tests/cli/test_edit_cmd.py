"""``main.py edit`` as a person runs it: a real process against a loopback OpenAI that checks the spec."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.providers.loopback import LoopbackServer, Recorded, Reply
from tests.providers.openai_server import OpenAISpec, error_answer, images_answer, png, url_answer
from tests.virtual_desktop import VirtualDesktop

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-proj-cli-test-9876543210"
OLD_BYTES = b"the previous output, which must survive a failed job"


def run_edit(
    tmp_path: Path,
    server: LoopbackServer,
    *args: str,
    stdin: bytes = b"",
    timeout: float = 10,
    extra_env: dict[str, str] | None = None,
    config_after: bool = False,
) -> subprocess.CompletedProcess[bytes]:
    config = tmp_path / "config.yaml"
    config.write_text(
        "providers:\n"
        f'  openai: {{model: gpt-image-2.6-flare, base_url: "{server.url}/v1", timeout: {timeout}, '
        "connect_timeout: 2}\n"
        f'  openai-compatible: {{model: local-model, base_url: "{server.url}/v1", timeout: {timeout}}}\n',
        encoding="utf-8",
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "OPENAI_API_KEY": KEY,
        # Keys come from the environment here; no OS keyring is probed.
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        **(extra_env or {}),
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *where(config, config_after), *args],
        capture_output=True,
        env=env,
        input=stdin,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )


def where(config: Path, after: bool) -> list[str]:
    """``--config`` is accepted before the subcommand and, as the issue writes it, after it."""
    return ["edit", "--config", str(config)] if after else ["--config", str(config), "edit"]


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    Image.new("RGB", (300, 200), (30, 90, 150)).save(path)
    return path


def test_edit_writes_the_providers_image_at_the_crops_size(tmp_path: Path, photo: Path) -> None:
    out = tmp_path / "out.png"
    with LoopbackServer([images_answer(png((48, 32)))], validator=OpenAISpec(KEY)) as server:
        result = run_edit(
            tmp_path, server, str(photo), "--provider", "openai", "--prompt", "sunset", "--output", str(out)
        )
    assert result.returncode == 0, result.stderr
    assert server.invalid == []
    written = Image.open(out)
    assert written.size == (300, 200)
    assert written.convert("RGB").getpixel((150, 100)) == (200, 40, 40)
    stderr = result.stderr.decode()
    assert "Uploading to OpenAI" in stderr
    assert "Saved" in stderr
    assert KEY not in stderr


def test_stdin_to_stdout_carries_binary_images(tmp_path: Path, photo: Path) -> None:
    with LoopbackServer([images_answer(png((48, 32)))], validator=OpenAISpec(KEY)) as server:
        result = run_edit(
            tmp_path, server, "-", "--provider", "openai", "--prompt", "p", "--output", "-",
            stdin=photo.read_bytes(), config_after=True,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert Image.open(io.BytesIO(result.stdout)).size == (300, 200)
    assert server.requests[0].form()["image"].data.startswith(b"\x89PNG")


def test_generate_with_options_sends_json_and_writes_the_image(tmp_path: Path, photo: Path) -> None:
    out = tmp_path / "gen.webp"
    with LoopbackServer([images_answer(png((64, 64)))], validator=OpenAISpec(KEY)) as server:
        result = run_edit(
            tmp_path, server, str(photo), "--provider", "openai", "--mode", "generate", "--prompt", "a fox",
            "--option", "moderation=low", "--option", "n=1", "--output", str(out),
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert server.invalid == []
    assert server.requests[0].json()["moderation"] == "low"
    # The INPUT's 3:2 shape, as gpt-image-2.6 takes any 16-aligned size (ADR 020)
    assert server.requests[0].json()["size"] == "1200x800"
    written = Image.open(out)
    assert (written.format, written.size) == ("WEBP", (64, 64))


def test_without_output_a_new_file_is_saved_next_to_the_input(tmp_path: Path, photo: Path) -> None:
    existing = tmp_path / "photo-openai-edit.png"
    existing.write_bytes(OLD_BYTES)
    with LoopbackServer([images_answer(png())]) as server:
        result = run_edit(tmp_path, server, str(photo), "--provider", "openai", "--prompt", "p")
    assert result.returncode == 0, result.stderr
    assert existing.read_bytes() == OLD_BYTES
    assert Image.open(tmp_path / "photo-openai-edit-2.png").size == (300, 200)


@pytest.mark.desktop
def test_copy_puts_the_result_on_the_clipboard_as_png(tmp_path: Path, photo: Path, desktop: VirtualDesktop) -> None:
    with LoopbackServer([images_answer(png((48, 32)))]) as server:
        result = run_edit(
            tmp_path, server, str(photo), "--provider", "openai", "--prompt", "p", "--copy",
            extra_env={"DISPLAY": desktop.display},
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    copied = desktop.read_clipboard("image/png")
    assert copied is not None
    image = Image.open(io.BytesIO(copied))
    assert image.size == (300, 200)
    assert image.convert("RGB").getpixel((10, 10)) == (200, 40, 40)
    assert list(tmp_path.glob("photo-*")) == []


def test_a_compatible_servers_url_answer_is_fetched(tmp_path: Path, photo: Path) -> None:
    def link(recorded: Recorded) -> Reply:
        return url_answer(f"http://127.0.0.1:{recorded.port}/out/1.png")

    out = tmp_path / "out.png"
    with LoopbackServer([Reply(respond=link), Reply.image(png((10, 10)))]) as server:
        result = run_edit(
            tmp_path, server, str(photo), "--provider", "openai-compatible", "--prompt", "p", "--output", str(out)
        )
    assert result.returncode == 0, result.stderr
    assert out.exists()
    assert server.requests[0].form()["model"].text == "local-model"


def test_a_rate_limit_is_retried_and_said_on_stderr(tmp_path: Path, photo: Path) -> None:
    limited = error_answer(429, "rate_limit_exceeded", "Slow down", kind="requests", **{"retry-after": "1"})
    out = tmp_path / "out.png"
    with LoopbackServer([limited, images_answer(png())]) as server:
        result = run_edit(tmp_path, server, str(photo), "--provider", "openai", "--prompt", "p", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "Retrying in 1 s (attempt 2)" in result.stderr.decode()
    assert len(server.requests) == 2


FAILURES = [
    (error_answer(400, "moderation_blocked", "Rejected by the safety system."), "safety system blocked"),
    (error_answer(401, "invalid_api_key", f"Incorrect API key provided: {KEY}"), "keys set openai"),
    (error_answer(429, "insufficient_quota", "Quota", kind="insufficient_quota"), "out of credits"),
    (error_answer(413, "request_too_large", "Too large"), "too large"),
    (Reply.json({"data": [{"b64_json": "PGh0bWw+"}]}), "not an image"),
    (Reply(status=200, body=b"{" * 500, truncate=20), "broke off"),
    (error_answer(403, None, "Your organization must be verified to use gpt-image-1."), "verified"),
    (error_answer(429, "rate_limit_exceeded", "Slow", kind="requests", **{"retry-after-ms": "10"}), "rate limited"),
    (error_answer(503, None, "Overloaded", kind="server_error", **{"retry-after-ms": "10"}), "failed on its side"),
]
FAILURE_IDS = ["blocked", "auth", "quota", "large", "junk", "cut", "unverified", "rate", "server"]


@pytest.mark.parametrize(("reply", "words"), FAILURES, ids=FAILURE_IDS)
def test_each_failure_exits_1_with_its_message_and_leaves_the_output_untouched(
    tmp_path: Path, photo: Path, reply: Reply, words: str
) -> None:
    out = tmp_path / "out.png"
    out.write_bytes(OLD_BYTES)
    with LoopbackServer([reply] * 3) as server:
        result = run_edit(tmp_path, server, str(photo), "--provider", "openai", "--prompt", "p", "--output", str(out))
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "Error: OpenAI: " in stderr
    assert words in stderr
    assert KEY not in stderr
    assert out.read_bytes() == OLD_BYTES
    assert not list(tmp_path.glob(".aiis-*"))


def test_a_server_that_never_answers_times_out_with_exit_1(tmp_path: Path, photo: Path) -> None:
    out = tmp_path / "out.png"
    out.write_bytes(OLD_BYTES)
    with LoopbackServer([Reply(hang=True)]) as server:
        result = run_edit(
            tmp_path, server, str(photo), "--provider", "openai", "--prompt", "p", "--output", str(out), timeout=1
        )
    assert result.returncode == 1
    assert "did not answer within 1 seconds" in result.stderr.decode()
    assert out.read_bytes() == OLD_BYTES


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--provider", "openai", "--mode", "paint", "--prompt", "p"), "no mode 'paint' (modes: edit, generate)"),
        (("--provider", "openai"), "needs a prompt"),
        (("--provider", "openai", "--prompt", "p", "--option", "n=99"), "n: 99 is outside 1 to 10"),
        (("--provider", "openai", "--prompt", "p", "--option", "colour=red"), "is not an option here"),
        (("--provider", "nope", "--prompt", "p"), "'nope' is not a provider"),
    ],
)
def test_usage_problems_exit_2_before_anything_is_sent(
    tmp_path: Path, photo: Path, args: tuple[str, ...], words: str
) -> None:
    with LoopbackServer([images_answer(png())]) as server:
        result = run_edit(tmp_path, server, str(photo), *args)
    assert result.returncode == 2
    assert words in result.stderr.decode()
    assert server.requests == []


def test_an_input_that_is_not_an_image_exits_2(tmp_path: Path) -> None:
    junk = tmp_path / "notes.png"
    junk.write_text("not an image", encoding="utf-8")
    with LoopbackServer() as server:
        result = run_edit(tmp_path, server, str(junk), "--provider", "openai", "--prompt", "p")
    assert result.returncode == 2
    assert "is not an image" in result.stderr.decode()


def test_a_drawn_mask_reaches_openai_transparent_where_to_edit(tmp_path: Path, photo: Path) -> None:
    # GIVEN a mask drawn as black = edit on the left third, white elsewhere
    drawn = Image.new("RGB", (300, 200), (255, 255, 255))
    drawn.paste((0, 0, 0), (0, 0, 100, 200))
    mask_file = tmp_path / "mask.png"
    drawn.save(mask_file)
    out = tmp_path / "out.png"
    # WHEN it is sent with the edit
    with LoopbackServer([images_answer(png())], validator=OpenAISpec(KEY)) as server:
        result = run_edit(
            tmp_path, server, str(photo), "--provider", "openai", "--prompt", "p", "--mask", str(mask_file),
            "--output", str(out),
        )  # fmt: skip
    # THEN OpenAI gets an RGBA mask of the sent image's size (the 300x200 photo enlarged four times to
    # reach gpt-image-2's minimum, ADR 020), transparent exactly there
    assert result.returncode == 0, result.stderr
    assert server.invalid == []
    alpha = Image.open(io.BytesIO(server.requests[0].form()["mask"].data)).getchannel("A")
    assert alpha.size == (1200, 800)
    assert (alpha.getpixel((200, 400)), alpha.getpixel((1000, 400))) == (0, 255)


def test_a_mask_for_a_mode_without_masks_is_a_usage_error(tmp_path: Path, photo: Path) -> None:
    with LoopbackServer() as server:
        result = run_edit(
            tmp_path, server, str(photo), "--provider", "openai", "--mode", "generate", "--prompt", "p",
            "--mask", str(photo),
        )  # fmt: skip
    assert result.returncode == 2
    assert "does not take a mask" in result.stderr.decode()
