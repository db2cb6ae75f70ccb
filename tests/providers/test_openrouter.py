"""OpenRouter over loopback: chat completions with an image back, the models list, errors, retries (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from core.errors import AuthError, BadResponseError, BlockedError, ProviderTimeoutError, QuotaError, ServerError
from core.models import EditRequest
from tests.providers import openrouter_server as router
from tests.providers.data_urls import crop_of
from tests.providers.loopback import LoopbackServer, Reply, SleepLog
from tests.providers.provider_run import picture, png_bytes, run, run_cli, same_pixels, write_config

KEY = "sk-or-v1-test-0123456789abcdef"
CROP = (120, 80)


def edit(**options: object) -> EditRequest:
    return EditRequest(mode="edit", prompt="make it night", image=picture(CROP), options=options)


def api(*replies: Reply) -> LoopbackServer:
    return LoopbackServer(list(replies), validator=router.OpenRouterSpec(KEY, CROP))


@pytest.mark.parametrize("mode", ["edit", "generate"])
def test_main_edit_delivers_the_answered_image_in_every_mode(tmp_path: Path, mode: str) -> None:
    picture(CROP).save(tmp_path / "in.png")
    served = picture(CROP, (10, 200, 90))
    with api(router.answer(router.data_url(png_bytes(served)))) as server:
        config = write_config(tmp_path, "openrouter", server.url)
        done = run_cli(
            tmp_path, "OPENROUTER_API_KEY", KEY,
            "edit", "in.png", "--provider", "openrouter", "--mode", mode, "--prompt", "make it night",
            "--output", "out.png", "--config", str(config),
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    body = server.requests[0].json()
    assert body["model"] == "black-forest-labs/flux.2-pro"
    assert body["modalities"] == ["image"]
    # The selection's shape is asked for where there is one (generate is sent no image).
    assert body.get("image_config") == ({"aspect_ratio": "3:2"} if mode == "edit" else None)
    parts = body["messages"][0]["content"]
    assert [part["type"] for part in parts] == (["text", "image_url"] if mode == "edit" else ["text"])
    if mode == "edit":
        assert same_pixels(crop_of(parts[1]["image_url"]["url"]), picture(CROP))
    assert same_pixels(Image.open(tmp_path / "out.png"), served)
    assert KEY not in done.stdout + done.stderr


def test_models_that_answer_text_too_are_asked_for_both_modalities() -> None:
    served = picture((48, 48), (9, 9, 9))
    with api(router.answer(router.data_url(png_bytes(served, "JPEG"), "image/jpeg"))) as server:
        run(router.make(server, model="openai/gpt-5-image", image_size="2K"), edit(), key=KEY)
    body = server.requests[0].json()
    assert body["modalities"] == ["image", "text"]
    assert body["image_config"] == {"aspect_ratio": "3:2", "image_size": "2K"}


def test_models_openrouter_lists_only_models_that_output_images(tmp_path: Path) -> None:
    listing = router.models(
        ("google/gemini-3-pro-image", ["text", "image"], ["text", "image"]),
        ("black-forest-labs/flux.2-pro", ["text", "image"], ["image"]),
        ("anthropic/claude-opus-5", ["text", "image"], ["text"]),
    )
    with LoopbackServer([listing], validator=router.OpenRouterSpec(KEY)) as server:
        config = write_config(tmp_path, "openrouter", server.url)
        done = run_cli(tmp_path, "OPENROUTER_API_KEY", KEY, "--config", str(config), "models", "openrouter")
    assert done.returncode == 0, done.stderr
    assert server.requests[0].path == "/api/v1/models"
    assert server.requests[0].query == {"output_modalities": ["image"]}
    lines = done.stdout.splitlines()
    assert lines[0].startswith("openrouter: models this key can use")
    assert "  * black-forest-labs/flux.2-pro  (configured)" in lines
    assert "    google/gemini-3-pro-image" in lines
    assert "claude" not in done.stdout


def test_429_waits_the_retry_after_then_succeeds() -> None:
    sleeps = SleepLog()
    served = picture((32, 32))
    with api(
        router.error(429, "Rate limit exceeded", {"retry-after": "2"}),
        router.answer(router.data_url(png_bytes(served))),
    ) as server:
        result = run(router.make(server, sleeps), edit(), key=KEY)
    assert sleeps.delays == [2.0]
    assert len(server.requests) == 2
    assert same_pixels(result.image, served)


def test_5xx_gives_up_after_the_retries() -> None:
    with api(*[router.error(502, "model down")] * 3) as server, pytest.raises(ServerError, match="model is down"):
        run(router.make(server), edit(), key=KEY)
    assert len(server.requests) == 3


@pytest.mark.parametrize(
    ("reply", "kind", "words"),
    [
        (router.error(401, "No auth credentials found"), AuthError, "OPENROUTER_API_KEY"),
        (router.error(402, "Insufficient credits"), QuotaError, "out of credits"),
        (router.error(403, "Input flagged: violence"), BlockedError, "moderation flagged"),
        (router.answer(content="I can't help with that.", finish="content_filter"), BlockedError, "safety filter"),
        (Reply.json({"error": {"code": 402, "message": "credits ran out mid-way"}}), QuotaError, "mid-way"),
    ],
)
def test_refusals_are_said_in_words_and_never_retried(reply: Reply, kind: type[Exception], words: str) -> None:
    with api(reply, reply) as server, pytest.raises(kind, match=words):
        run(router.make(server), edit(), key=KEY)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "url",
    [
        "data:text/html;base64,PGh0bWw+",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        router.data_url(b"<html>not a png</html>"),
        "https://example.invalid/not-a-data-url.png",
    ],
)
def test_an_answer_that_is_not_an_image_data_url_is_refused(url: str) -> None:
    with api(router.answer(url)) as server, pytest.raises(BadResponseError, match="not an image"):
        run(router.make(server), edit(), key=KEY)


def test_a_text_only_answer_says_no_image_came() -> None:
    with api(router.answer(content="A lovely night scene.")) as server, pytest.raises(BadResponseError, match="lovely"):
        run(router.make(server), edit(), key=KEY)


def test_a_server_that_never_answers_hits_the_deadline() -> None:
    with LoopbackServer([Reply(hang=True)] * 3) as server, pytest.raises(ProviderTimeoutError, match="within 1"):
        run(router.make(server, timeout=1.0), edit(), key=KEY)


def test_a_key_echoed_in_an_error_never_reaches_the_output(tmp_path: Path) -> None:
    picture(CROP).save(tmp_path / "in.png")
    with api(router.error(401, f"Invalid key {KEY}")) as server:
        config = write_config(tmp_path, "openrouter", server.url)
        done = run_cli(
            tmp_path, "OPENROUTER_API_KEY", KEY,
            "edit", "in.png", "--provider", "openrouter", "--prompt", "x", "--output", "out.png",
            "--config", str(config),
        )  # fmt: skip
    assert done.returncode == 1
    assert "key was rejected" in done.stderr
    assert KEY not in done.stdout + done.stderr
    assert not (tmp_path / "out.png").exists()
