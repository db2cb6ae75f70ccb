"""Property tests (hypothesis): whatever a settings file or a provider's answer holds, the app fails only in words.

- Any YAML-ish text gives a ``Config`` or a ``ConfigError`` that names the file and a line.
- Any JSON a provider could answer, with any status, through each provider's whole ``run`` (HTTP policy,
  classification, parsing, base64 and image decoding) returns checked images or raises a
  ``ProviderError``: never a ``KeyError``, ``TypeError``, ``AttributeError``...

Hotkey parsing and fitting maths have their properties beside their code: tests/core/test_hotkeys.py
and tests/providers/test_fitting.py (mapped in docs/faults.md).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import json
import math
import warnings
from collections.abc import Callable

import httpx
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from core.config import Config, ProviderSettings, parse_config
from core.errors import AppError, ConfigError, ProviderError
from core.models import EditRequest, EditResult, ignore_progress
from overlay.sources import open_image_bytes
from providers import google, google_wire, ideogram, ideogram_wire, openai, openai_wire, photoroom, photoroom_wire
from providers.http import Answer, HttpPolicy
from providers.images import decode_image
from providers.registry import provider_catalog
from providers.retry import RetryPolicy

CATALOG = provider_catalog()

# --- settings files ---------------------------------------------------------------------------------

KEYS = ["default_provider", "active_preset", "providers", "hotkeys", "presets", "output", "privacy", "jobs",
        "openai", "google", "base_url", "timeout", "model", "options", "capture", "clipboard", "name",
        "provider", "mode", "prompt", "hotkey", "folder", "format", "pattern", "match_size", "max_concurrent",
        "size", "n"]  # fmt: skip
SCALARS = ["openai", "none", "png", "12", "-3", "0.5", "true", "null", "~", "<ctrl>+<shift>+a", "<ctrl>+<x>",
           "https://api.openai.com/v1", "http://10.0.0.1/v1", "'{date}_{x}'", '"a/b"', "[]", "{}", "[1, {a: b}]",
           ".nan", ".inf", "-.inf", "1e400",
           "&anchor x", "*anchor", "!!python/object:os.system x", "|", ">-", "'", '"', "@", "%", "\t"]  # fmt: skip


@st.composite
def yamlish(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        indent = draw(st.sampled_from(["", "  ", "    ", "\t", " "]))
        dash = draw(st.sampled_from(["", "- "]))
        key = draw(st.sampled_from(KEYS) | st.text(max_size=6))
        value = draw(st.sampled_from(SCALARS) | st.text(max_size=8) | st.just(""))
        lines.append(f"{indent}{dash}{key}: {value}" if draw(st.booleans()) else f"{indent}{dash}{value}")
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(yamlish(), st.text(max_size=200)))
@example("providers:\n  openai: {timeout: .nan}\n")
@example("providers:\n  google: {connect_timeout: .inf}\n")
@example("default_provider: [openai]\n")
@example("name: a\x1fb\n")
def test_any_settings_text_is_a_config_or_an_error_naming_file_and_line(text: str) -> None:
    outcome = parse_or_error(text)
    if isinstance(outcome, ConfigError):
        assert outcome.path == "settings.yaml"
        assert isinstance(outcome.line, int)
        assert outcome.line >= 1
        assert str(outcome).startswith(f"settings.yaml:{outcome.line}: ")
    else:
        assert isinstance(outcome, Config)
        for provider in outcome.providers.values():
            assert 0 < provider.connect_timeout < math.inf
            assert 0 < provider.timeout < math.inf


def parse_or_error(text: str) -> Config | ConfigError:
    try:
        return parse_config(text, CATALOG, source="settings.yaml")
    except ConfigError as error:
        return error


# --- provider answers -------------------------------------------------------------------------------


def _png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (1, 2, 3)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


ANSWER_KEYS = ["data", "b64_json", "url", "candidates", "content", "parts", "inlineData", "inline_data",
               "mimeType", "thought", "text", "error", "detail", "message", "code", "status", "details", "@type",
               "retryDelay", "reason", "base64img", "is_image_safe", "promptFeedback", "blockReason",
               "finishReason", "finishMessage", "type", "metadata", "violations", "quotaId"]  # fmt: skip
LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), st.text(max_size=20),
    st.sampled_from([_png(), "aGVsbG8=", "not base64!", "data:image/png;base64," + _png(), "image/png",
                     "https://127.0.0.1:1/x.png", "19s", "type.googleapis.com/google.rpc.RetryInfo",
                     "API_KEY_INVALID", "insufficient_quota", "IMAGE_SAFETY", "RESOURCE_EXHAUSTED"]),
)  # fmt: skip
JSON = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(ANSWER_KEYS), inner, max_size=5),
    max_leaves=25,
)
STATUSES = st.sampled_from([200, 201, 204, 299, 301, 302, 400, 401, 402, 403, 404, 408, 409, 410, 413, 415, 422, 429,
                            451, 500, 502, 503, 504])  # fmt: skip


def mostly(valid: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """``valid`` three times in four, else any leaf: deep enough to reach decoding, wrong often enough."""
    return st.one_of(valid, valid, valid, LEAVES)


def items(*entries: st.SearchStrategy[object]) -> st.SearchStrategy[list[object]]:
    return st.lists(mostly(st.one_of(*entries)), min_size=1, max_size=3)


PNG = mostly(st.sampled_from([_png(), "data:image/png;base64," + _png()]))
# Near-valid answers of each provider, with any part swapped for anything: they reach the deeper code.
SHAPED = {
    "openai": st.fixed_dictionaries(
        {"data": items(st.fixed_dictionaries({"b64_json": PNG}), st.fixed_dictionaries({"url": LEAVES}))}
    ),
    "google": st.fixed_dictionaries(
        {"candidates": items(st.fixed_dictionaries({
            "content": mostly(st.fixed_dictionaries({"parts": items(
                st.fixed_dictionaries({"inlineData": mostly(st.fixed_dictionaries(
                    {"mimeType": mostly(st.just("image/png")), "data": PNG}
                ))}),
                st.fixed_dictionaries({"text": LEAVES, "thought": LEAVES}),
            )})),
            "finishReason": LEAVES,
        }))}
    ),
    "ideogram": st.fixed_dictionaries(
        {"data": items(st.fixed_dictionaries({"url": mostly(st.just("https://img.test/r.png")),
                                              "is_image_safe": mostly(st.just(True))}))}
    ),
    "photoroom": st.fixed_dictionaries({"base64img": PNG}),
}  # fmt: skip


@st.composite
def answers(draw: st.DrawFn, shaped: st.SearchStrategy[object]) -> Scripted:
    status = draw(st.just(200) | STATUSES)
    kind = draw(st.integers(0, 9))
    if kind <= 1:
        body = draw(st.binary(max_size=40) | st.just(base64.b64decode(_png())))
    else:
        body = json.dumps(draw(shaped if kind > 4 else JSON)).encode()
    headers = {"content-type": draw(st.sampled_from(["application/json", "image/png", "text/html", ""]))}
    if draw(st.booleans()):
        headers["retry-after"] = draw(st.sampled_from(["0", "-1", "1e9", "soon", "Wed, 21 Oct 2015 07:28:00 GMT"]))
    return status, body, headers


Scripted = tuple[int, bytes, dict[str, str]]


def run_against(make: Callable[[httpx.AsyncClient], object], request: EditRequest, script: list[Scripted]) -> None:
    """Run ``make(client).run(request)`` over a transport answering from ``script`` (then its last answer)."""
    replies = list(script)

    def handler(_request: httpx.Request) -> httpx.Response:
        status, body, headers = replies.pop(0) if len(replies) > 1 else replies[0]
        return httpx.Response(status, content=body, headers=headers)

    async def go() -> EditResult:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            provider = make(client)
            return await provider.run(request, key="k-test", progress=ignore_progress)  # type: ignore[attr-defined,no-any-return]

    try:
        result = asyncio.run(go())
    except ProviderError as error:
        event(type(error).__name__)  # --hypothesis-show-statistics shows how often each outcome was reached
        return
    event("images")
    assert result.images


NO_RETRY = HttpPolicy(retry=RetryPolicy(max_retries=0))
IMAGE = Image.new("RGB", (64, 48), (200, 30, 30))


def settings_for(provider_id: str) -> ProviderSettings:
    return ProviderSettings(provider_id, base_url="https://api.test/v1", model=None, timeout=5)


PROVIDERS: dict[str, tuple[Callable[[httpx.AsyncClient], object], EditRequest]] = {
    "openai": (
        lambda c: openai.OpenAIProvider(settings_for("openai"), c, policy=NO_RETRY),
        EditRequest("edit", prompt="p", image=IMAGE),
    ),
    "google": (
        lambda c: google.GoogleProvider(settings_for("google"), c, NO_RETRY),
        EditRequest("edit", prompt="p", image=IMAGE),
    ),
    "ideogram": (
        lambda c: ideogram.IdeogramProvider(settings_for("ideogram"), c, NO_RETRY),
        EditRequest("remix", prompt="p", image=IMAGE),
    ),
    "photoroom": (
        lambda c: photoroom.PhotoRoomProvider(settings_for("photoroom"), c, NO_RETRY),
        EditRequest("remove-background", image=IMAGE),
    ),
}
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.lists(answers(SHAPED["openai"]), min_size=1, max_size=3))
def test_any_answer_to_openai_is_images_or_a_provider_error(script: list[Scripted]) -> None:
    run_against(*PROVIDERS["openai"], script)


@FAST
@given(st.lists(answers(SHAPED["google"]), min_size=1, max_size=3))
def test_any_answer_to_google_is_images_or_a_provider_error(script: list[Scripted]) -> None:
    run_against(*PROVIDERS["google"], script)


@FAST
@given(st.lists(answers(SHAPED["ideogram"]), min_size=1, max_size=3))
def test_any_answer_to_ideogram_and_its_result_links_is_images_or_a_provider_error(script: list[Scripted]) -> None:
    run_against(*PROVIDERS["ideogram"], script)


@FAST
@given(st.lists(answers(SHAPED["photoroom"]), min_size=1, max_size=3))
def test_any_answer_to_photoroom_is_images_or_a_provider_error(script: list[Scripted]) -> None:
    run_against(*PROVIDERS["photoroom"], script)


def answer_of(status: int, body: object) -> Answer:
    return Answer(status, httpx.Headers({"content-type": "application/json"}), json.dumps(body).encode(), "https://x")


@settings(max_examples=300, deadline=None)
@given(st.integers(400, 599), JSON)
def test_every_classifier_turns_any_error_body_into_a_provider_error(status: int, body: object) -> None:
    answer = answer_of(status, body)
    produced = [
        openai_wire.classify(answer, provider="OpenAI", provider_id="openai", model="m", key="k-test"),
        google_wire.classify(answer, model="m", known_models=("m",)),
        ideogram_wire.classify(answer),
        photoroom_wire.classify(answer),
    ]
    assert all(isinstance(error, ProviderError) and str(error) for error in produced)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_every_success_parser_returns_or_raises_a_provider_error(body: object) -> None:
    for parse in (
        lambda: openai_wire.parse_items(answer_of(200, body), "OpenAI"),
        lambda: google_wire.parse_answer(body),
        lambda: ideogram_wire.parse_answer(body),
        lambda: photoroom.image_bytes(answer_of(200, body)),
    ):
        with contextlib.suppress(ProviderError):
            parse()


# --- image bytes: answers, clipboard contents, input files ------------------------------------------


def _seed_images() -> list[bytes]:
    base = Image.new("RGB", (23, 17), (10, 200, 30))
    base.paste((200, 0, 0), (0, 0, 10, 8))
    seeds = []
    for fmt in ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP", "ICO", "PPM"):
        buffer = io.BytesIO()
        base.save(buffer, fmt)
        seeds.append(buffer.getvalue())
    return seeds


@st.composite
def damaged_images(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(_seed_images())))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "cut" and at > 0:
            del data[at:]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_images())
def test_damaged_image_bytes_are_an_image_or_an_error_in_words_wherever_they_come_from(data: bytes) -> None:
    # A provider's answer, the clipboard's content and an input file for edit: every opener.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow's own warnings about damaged TIFF tags
        openers: list[Callable[[], object]] = [
            lambda: decode_image(data, "Test"),
            lambda: open_image_bytes(data, "the clipboard"),
        ]
        for opener in openers:
            with contextlib.suppress(AppError):
                opener()
