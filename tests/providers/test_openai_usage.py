"""OpenAI's answer carries ``usage`` (openai-images.yaml ``ImagesResponse.usage``, and the completed
event's when streamed); the stand-in answers with it and the figure reaches ``EditResult`` (issue 18)."""

from __future__ import annotations

import asyncio

import pytest
from PIL import Image

from core.config import ProviderSettings
from core.costs import PriceTable, from_usage
from core.models import EditRequest, EditResult, Usage
from providers import openai
from providers.catalog.openai import INFO
from providers.http import build_http_client
from providers.openai_wire import usage_of
from tests.providers.loopback import LoopbackServer, ProgressLog
from tests.providers.openai_server import OpenAISpec, images_answer, png, streaming_reply

KEY = "sk-proj-usage-test-0123456789"
MODEL = "gpt-image-2.6-flare"
STAND_IN = Usage(input_text_tokens=10, input_image_tokens=40, output_image_tokens=1000)


def run(server: LoopbackServer, **options: object) -> EditResult:
    request = EditRequest("edit", prompt="make it blue", image=Image.new("RGB", (300, 200), "gray"), options=options)

    async def go() -> EditResult:
        async with build_http_client() as client:
            settings = ProviderSettings("openai", base_url=server.url + "/v1", model=MODEL, timeout=10)
            return await openai.create(settings, client).run(request, key=KEY, progress=ProgressLog())

    return asyncio.run(go())


def test_a_plain_answers_usage_reaches_the_result_and_prices_at_3_cents() -> None:
    with LoopbackServer([images_answer(png((1200, 800)))], validator=OpenAISpec(KEY)) as server:
        result = run(server, stream=False)
    assert result.usage == STAND_IN
    cost = from_usage(PriceTable.of(INFO.prices), "openai", result.model, result.usage)
    assert cost is not None
    assert cost.label == "$0.03"


def test_a_streamed_answers_usage_comes_from_its_completed_event() -> None:
    reply = streaming_reply((png((1200, 800)),), png((1200, 800)))
    with LoopbackServer([reply], validator=OpenAISpec(KEY)) as server:
        result = run(server)
    assert server.requests[0].form()["stream"].text == "true"
    assert result.usage == STAND_IN


def test_an_answer_without_usage_has_none() -> None:
    # OpenAI-compatible servers often leave it out; then no figure is shown, never a zero.
    assert usage_of({"created": 1760000000, "data": [{"url": "http://127.0.0.1/a.png"}]}) is None


@pytest.mark.parametrize(
    "usage",
    [
        {"input_tokens_details": {"text_tokens": "10", "image_tokens": 1}, "output_tokens": 5},
        {"input_tokens_details": {"text_tokens": True, "image_tokens": 1}, "output_tokens": 5},
        {"input_tokens_details": {"text_tokens": -1, "image_tokens": 1}, "output_tokens": 5},
        {"output_tokens": 5},
        "a lot",
    ],
)
def test_a_malformed_usage_is_no_usage(usage: object) -> None:
    assert usage_of({"usage": usage}) is None


def test_output_tokens_details_split_image_and_text() -> None:
    body = {
        "usage": {
            "input_tokens": 3, "input_tokens_details": {"text_tokens": 3, "image_tokens": 0},
            "output_tokens": 110, "output_tokens_details": {"image_tokens": 100, "text_tokens": 10},
            "total_tokens": 113,
        }
    }  # fmt: skip
    assert usage_of(body) == Usage(3, 0, 100, 10)
