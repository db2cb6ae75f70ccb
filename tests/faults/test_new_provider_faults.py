"""Issue 15's fault cases for BFL, OpenRouter and xAI through ``main.py edit``, as a person runs it.

GIVEN an existing out.png and the provider's stand-in on loopback (each checking every request against
the provider's published shape, failing the test on a bad one), WHEN the provider misbehaves, THEN
``main.py edit`` exits 1 with "Error: <provider>: <the reason in words>", no traceback, out.png as it
was, and the key in neither stdout nor stderr; a retry that ends well delivers the exact pixels.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from tests.providers import bfl_server as bfl
from tests.providers import openrouter_server as router
from tests.providers import xai_server as xai
from tests.providers.loopback import LoopbackServer, Reply
from tests.providers.provider_run import picture, png_bytes, run_cli, same_pixels

CROP = (160, 112)
OLD = b"an older result the person keeps"
NOT_AN_IMAGE = b"<html>Bad gateway</html>"
SERVED = picture(CROP, (250, 120, 0))


@dataclass(frozen=True)
class Standin:
    """How one provider's stand-in answers: success (given an image host), an error, a non-image."""

    env: str
    key: str
    validator: Callable[[str], Callable[..., str | None]]
    success: Callable[[str], list[Reply]]
    error: Callable[[int, str, dict[str, str] | None], Reply]
    not_image: Callable[[str], list[Reply]]
    name: str


STANDINS = {
    "bfl": Standin(
        "BFL_API_KEY", "bfl-fault-key-4Kd8Pq2Wm6Zt1Yx3", lambda key: bfl.BflSpec(key, CROP),
        lambda host: [bfl.submitted(), bfl.status("Pending"), bfl.ready(host + "/s.png")],
        bfl.error,
        lambda host: [bfl.submitted(), bfl.ready(host + "/s.png")],
        "Black Forest Labs",
    ),
    "openrouter": Standin(
        "OPENROUTER_API_KEY", "sk-or-v1-fault-7Hn3Bv9Lc2Qs5Rt8", lambda key: router.OpenRouterSpec(key, CROP),
        lambda _host: [router.answer(router.data_url(png_bytes(SERVED)))],
        router.error,
        lambda _host: [router.answer(router.data_url(NOT_AN_IMAGE))],
        "OpenRouter",
    ),
    "xai": Standin(
        "XAI_API_KEY", "xai-fault-key-2Mv6Nc8Xz4Lp1Qw9", lambda key: xai.XaiSpec(key, CROP),
        lambda host: [xai.url_answer(host + "/s.png")],
        xai.error,
        lambda _host: [xai.b64_answer(NOT_AN_IMAGE)],
        "xAI Grok Imagine",
    ),
}  # fmt: skip
PROVIDERS = sorted(STANDINS)


def edit(tmp_path: Path, provider: str, url: str, *, timeout: float = 10) -> tuple[int, str]:
    """``main.py edit`` against ``url``; the exit code and everything it printed."""
    picture(CROP).save(tmp_path / "in.png")
    if not (tmp_path / "out.png").exists():
        (tmp_path / "out.png").write_bytes(OLD)
    config = tmp_path / "config.yaml"
    entry = f'{{base_url: "{url}", timeout: {timeout}, connect_timeout: 2}}'
    config.write_text(f"default_provider: {provider}\nproviders:\n  {provider}: {entry}\n", encoding="utf-8")
    standin = STANDINS[provider]
    done = run_cli(
        tmp_path, standin.env, standin.key,
        "edit", "in.png", "--provider", provider, "--prompt", "make it night", "--output", "out.png",
        "--config", str(config),
    )  # fmt: skip
    printed = done.stdout + done.stderr
    assert standin.key not in printed
    assert "Traceback" not in printed
    return done.returncode, printed


def failed_cleanly(tmp_path: Path, provider: str, code: int, printed: str, words: str) -> None:
    assert code == 1, printed
    assert f"Error: {STANDINS[provider].name}: " in printed
    assert words in printed
    assert (tmp_path / "out.png").read_bytes() == OLD


@pytest.mark.parametrize("provider", PROVIDERS)
def test_retry_after_429_then_success_delivers_the_exact_pixels(tmp_path: Path, provider: str) -> None:
    standin = STANDINS[provider]
    with ExitStack() as stack:
        host = stack.enter_context(LoopbackServer([Reply.image(png_bytes(SERVED))]))
        first = standin.error(429, "slow down", {"retry-after": "1"})
        server = stack.enter_context(
            LoopbackServer([first, *standin.success(host.url)], validator=standin.validator(standin.key))
        )
        code, printed = edit(tmp_path, provider, server.url)
    assert code == 0, printed
    assert "retrying" in printed.lower() or "retry" in printed.lower()
    assert same_pixels(Image.open(tmp_path / "out.png"), SERVED)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_5xx_on_every_attempt_gives_up_in_words(tmp_path: Path, provider: str) -> None:
    standin = STANDINS[provider]
    replies = [standin.error(503, "overloaded", None)] * 3
    with LoopbackServer(replies, validator=standin.validator(standin.key)) as server:
        code, printed = edit(tmp_path, provider, server.url)
    assert len(server.requests) == 3
    failed_cleanly(tmp_path, provider, code, printed, "Try again later")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_answer_that_is_not_an_image_is_refused_in_words(tmp_path: Path, provider: str) -> None:
    standin = STANDINS[provider]
    with ExitStack() as stack:
        host = stack.enter_context(LoopbackServer([Reply(body=NOT_AN_IMAGE, headers={"content-type": "text/html"})]))
        server = stack.enter_context(
            LoopbackServer(standin.not_image(host.url), validator=standin.validator(standin.key))
        )
        code, printed = edit(tmp_path, provider, server.url)
    failed_cleanly(tmp_path, provider, code, printed, "not an image")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_provider_that_never_answers_ends_at_the_deadline(tmp_path: Path, provider: str) -> None:
    with LoopbackServer([Reply(hang=True)] * 3) as server:
        code, printed = edit(tmp_path, provider, server.url, timeout=2)
    failed_cleanly(tmp_path, provider, code, printed, "within 2 seconds")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_key_echoed_back_in_an_error_is_never_printed(tmp_path: Path, provider: str) -> None:
    standin = STANDINS[provider]
    echo = standin.error(
        401, f"Invalid key {standin.key} (and {base64.b64encode(standin.key.encode()).decode()})", None
    )
    with LoopbackServer([echo], validator=standin.validator(standin.key)) as server:
        code, printed = edit(tmp_path, provider, server.url)
    failed_cleanly(tmp_path, provider, code, printed, "key was rejected")
    assert base64.b64encode(standin.key.encode()).decode() not in printed
