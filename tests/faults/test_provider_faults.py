"""Every provider fault of issue 6 through ``main.py edit --output out.png --copy``, as a person runs it.

GIVEN an existing out.png, a sentinel text on the X clipboard (owned by xclip) and a fresh TMPDIR for
the process, WHEN the provider stand-in on loopback misbehaves in one of the listed ways, THEN
``main.py edit`` exits 1 with "Error: <provider>: <the reason in words>", no traceback, and the file,
the folder, TMPDIR and the clipboard are exactly as they were. The provider tests
(tests/providers/) prove the mechanism of each case on the client; this proves the outcome.
"""

from __future__ import annotations

import base64
import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from tests.faults.harness import (
    KEYS,
    MAIN,
    OLD_OUTPUT,
    PROVIDER_PATHS,
    RawServer,
    Scene,
    closed_port_url,
    config_text,
    huge_answer,
    peak_rss_kib,
    reset_mid_upload,
)
from tests.providers import google_server as gemini
from tests.providers import ideogram_server as ideo
from tests.providers.loopback import LoopbackServer, Reply
from tests.providers.openai_server import error_answer, images_answer, png
from tests.providers.test_images import png_header_claiming
from tests.virtual_desktop import VirtualDesktop

pytestmark = pytest.mark.desktop

Start = Callable[[ExitStack], tuple[str, Callable[[], None]]]
MB = 1024 * 1024


def nothing_else() -> None:
    """No extra check beyond the common ones."""


def scripted(*replies: Reply, requests: int | None = None) -> Start:
    """A loopback server answering ``replies`` in order; optionally the number of requests it must see."""

    def start(stack: ExitStack) -> tuple[str, Callable[[], None]]:
        server = stack.enter_context(LoopbackServer(replies))

        def check() -> None:
            if requests is not None:
                assert len(server.requests) == requests, [r.path for r in server.requests]

        return server.url, check

    return start


def raw(handler: Callable[..., None], connections: int | None = None) -> Start:
    def start(stack: ExitStack) -> tuple[str, Callable[[], None]]:
        server = stack.enter_context(RawServer(handler))

        def check() -> None:
            if connections is not None:
                assert server.connections == connections

        return server.url, check

    return start


def refused(_stack: ExitStack) -> tuple[str, Callable[[], None]]:
    return closed_port_url(), nothing_else


def ideogram_expired_link(stack: ExitStack) -> tuple[str, Callable[[], None]]:
    gone = Reply(status=403, body=b"<Error><Code>AccessDenied</Code></Error>", headers={"content-type": "text/xml"})
    images = stack.enter_context(LoopbackServer([gone]))
    api = stack.enter_context(LoopbackServer([ideo.answer(ideo.result_link(images.url))]))

    def check() -> None:
        assert len(images.requests) == 1
        assert "api-key" not in images.requests[0].headers

    return api.url, check


def redirect_elsewhere(stack: ExitStack) -> tuple[str, Callable[[], None]]:
    # A different port is a different origin: the key header must not go there.
    other = stack.enter_context(LoopbackServer([error_answer(401, None, "You didn't provide an API key.")]))
    moved = Reply(status=307, headers={"location": other.url + "/v1/images/edits"})
    server = stack.enter_context(LoopbackServer([moved]))

    def check() -> None:
        assert len(server.requests) == 1
        assert server.requests[0].headers["authorization"] == f"Bearer {KEYS['OPENAI_API_KEY']}"
        assert len(other.requests) == 1
        assert "authorization" not in other.requests[0].headers
        assert all(KEYS["OPENAI_API_KEY"] not in value for value in other.requests[0].headers.values())

    return server.url, check


def b64_answer(data: bytes) -> Reply:
    return Reply.json({"created": 1, "data": [{"b64_json": base64.b64encode(data).decode()}]})


def never(*replies: Reply) -> Start:
    """A reply given for every attempt (the first and the two retries)."""
    return scripted(*replies, *replies, *replies)


@dataclass(frozen=True)
class Case:
    provider: str
    start: Start
    words: str
    timeout: float = 10


RATE = {"retry-after": "1"}
JSON = {"content-type": "application/json"}
CASES: dict[str, Case] = {
    "400": Case("openai", scripted(error_answer(400, "invalid_value", "Invalid value for 'size'."), requests=1),
                "the request was refused (Invalid value for 'size'.)"),
    "401": Case("openai", scripted(error_answer(401, "invalid_api_key", "Incorrect API key provided."), requests=1),
                "keys set openai"),
    "402": Case("ideogram", scripted(Reply.json({"detail": "insufficient_funds"}, status=402), requests=1),
                "out of credits"),
    "403": Case("openai", scripted(error_answer(403, None, "Organization must be verified."), requests=1),
                "may not use"),
    # The 404 itself is not retried; one GET /v1/models follows, to name the models the key can use.
    "404": Case("openai", scripted(error_answer(404, "model_not_found", "No such model."), requests=2),
                "was not found"),
    "413": Case("openai", scripted(error_answer(413, None, "Request too large."), requests=1), "too large"),
    "422": Case("ideogram", scripted(ideo.safety_error(), requests=1), "safety check"),
    "429-retry-after": Case(
        "openai", never(error_answer(429, "rate_limit_exceeded", "Slow down.", "requests", **RATE)), "rate limited"
    ),
    "429-no-retry-after": Case(
        "openai", never(error_answer(429, "rate_limit_exceeded", "Slow down.", "requests")), "rate limited"
    ),
    "503-twice-then-give-up": Case("openai", never(error_answer(503, None, "Overloaded.", "server_error")),
                                   "failed on its side (HTTP 503)"),
    "connection-refused": Case("openai", refused, "could not connect"),
    "reset-mid-upload": Case("openai", raw(reset_mid_upload(64 * 1024), connections=3), "broke off"),
    "timeout-no-answer": Case("openai", scripted(Reply(hang=True)), "did not answer within 2 seconds", timeout=2),
    "trickle-forever": Case(
        "openai", scripted(Reply(body=b"{" * 100_000, trickle=0.2, chunk=8)), "did not answer within 2 seconds",
        timeout=2,
    ),
    "truncated-body": Case("openai", never(Reply(body=b'{"data": [' + b" " * 4000 + b"]}", truncate=200)),
                           "broke off"),
    "invalid-json": Case("openai", scripted(Reply(body=b'{"data": [{"b64', headers=JSON), requests=1),
                         "without any image"),
    "wrong-json-shape": Case("openai", scripted(Reply.json({"data": {"b64_json": "AAAA"}}), requests=1),
                             "without any image"),
    "wrong-json-entry": Case("openai", scripted(Reply.json({"data": [{"b64_json": 7, "revised": []}]}), requests=1),
                             "without image data"),
    "empty-image-list": Case("openai", scripted(Reply.json({"created": 1, "data": []}), requests=1),
                             "without any image"),
    "base64-not-an-image": Case("openai", scripted(b64_answer(b"<html>Bad gateway</html>"), requests=1),
                                "not an image"),
    "decompression-bomb-60000x60000": Case(
        "openai", scripted(b64_answer(png_header_claiming(60000, 60000)), requests=1), "too large to open safely"
    ),
    "ideogram-expired-url": Case("ideogram", ideogram_expired_link, "link to the result has expired"),
    "redirect-to-another-host": Case("openai", redirect_elsewhere, "the API key was rejected"),
    "google-200-no-image-part": Case(
        "google", scripted(gemini.blocked_by_finish("IMAGE_SAFETY"), requests=1), "safety filters blocked"
    ),
}  # fmt: skip
PROVIDER_NAMES = {"openai": "OpenAI", "google": "Google Gemini", "ideogram": "Ideogram", "photoroom": "PhotoRoom"}


@pytest.mark.parametrize("name", list(CASES))
def test_provider_fault_exits_1_in_words_and_leaves_clipboard_file_and_tmp_as_they_were(
    name: str, tmp_path: Path, desktop: VirtualDesktop
) -> None:
    case = CASES[name]
    scene = Scene(tmp_path, desktop)
    if name == "reset-mid-upload":
        # Big enough that the client is still sending when the server resets (kernel buffers hold a few MB).
        Image.frombytes("RGB", (2000, 1400), os.urandom(2000 * 1400 * 3)).save(scene.input, compress_level=0)
        scene.before = {**scene.before, "in.png": scene.input.stat().st_size}
    with ExitStack() as stack:
        url, check = case.start(stack)
        done = scene.edit(case.provider, url + PROVIDER_PATHS[case.provider], "--prompt", "p", timeout=case.timeout)
    assert done.returncode == 1, done.stderr
    assert f"Error: {PROVIDER_NAMES[case.provider]}: " in done.stderr
    assert case.words in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert scene.unchanged() == []
    check()


def test_500_then_success_delivers_the_result_to_the_file_and_the_clipboard(
    tmp_path: Path, desktop: VirtualDesktop
) -> None:
    scene = Scene(tmp_path, desktop)
    with LoopbackServer([error_answer(500, None, "Oops.", "server_error"), images_answer(png((48, 32)))]) as server:
        done = scene.edit("openai", server.url + "/v1", "--prompt", "p")
    assert done.returncode == 0, done.stderr
    assert "Retrying in" in done.stderr
    assert len(server.requests) == 2
    assert scene.output.read_bytes() != OLD_OUTPUT
    copied = desktop.read_clipboard("image/png")
    assert copied is not None
    assert copied.startswith(b"\x89PNG")
    assert sorted(p.name for p in scene.work.iterdir()) == ["in.png", "out.png"]
    assert list(scene.tmp.iterdir()) == []


@contextlib.contextmanager
def measured_edit(scene: Scene, url: str) -> Iterator[tuple[subprocess.Popen[str], list[int]]]:
    config = scene.config(config_text("openai", url + "/v1", timeout=60))
    argv = [sys.executable, str(MAIN), "--config", str(config), "edit", str(scene.input), "--provider", "openai",
            "--prompt", "p", "--output", str(scene.output), "--copy"]  # fmt: skip
    with (
        subprocess.Popen(
            argv, cwd=scene.work, env=scene.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as process,
        peak_rss_kib(process) as readings,
    ):
        yield process, readings


def peak_mib(scene: Scene, start: Start) -> tuple[float, str, int]:
    with ExitStack() as stack:
        url, _check = start(stack)
        with measured_edit(scene, url) as (process, readings):
            _out, err = process.communicate(timeout=120)
    return max(readings, default=0) / 1024, err, process.returncode


def test_a_200_mb_answer_is_refused_without_being_held_in_memory(tmp_path: Path, desktop: VirtualDesktop) -> None:
    # GIVEN the peak memory of the same command failing on a small answer
    baseline, _, _ = peak_mib(Scene(tmp_path / "base", desktop), scripted(Reply.json({"data": []})))
    # WHEN the answer declares 200 MB
    scene = Scene(tmp_path / "declared", desktop)
    declared, err, code = peak_mib(scene, raw(huge_answer(200 * MB, declared=True)))
    # THEN it is refused before its body is read, and memory barely moves
    assert code == 1, err
    assert "more than 100 MB" in err
    assert declared - baseline < 30, (baseline, declared)
    assert scene.unchanged() == []
    # WHEN 200 MB arrive without a declared length (chunked)
    scene = Scene(tmp_path / "chunked", desktop)
    chunked, err, code = peak_mib(scene, raw(huge_answer(200 * MB, declared=False)))
    # THEN reading stops at the 100 MB policy limit (ADR 009): memory is bounded by the limit, not the answer
    assert code == 1, err
    assert "more than 100 MB" in err
    assert chunked - baseline < 100 + 40, (baseline, chunked)
    assert scene.unchanged() == []
    print(f"peak RSS MiB: baseline {baseline:.1f}, declared 200 MB {declared:.1f}, chunked 200 MB {chunked:.1f}")  # noqa: T201
