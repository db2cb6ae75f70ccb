"""OpenAI streaming (issue 11 item 5, ADR 026): drafts as previews, the final image exact, refusals remembered.

Against the loopback stand-in that checks every request against the vendored spec (``stream`` and
``partial_images`` are form fields of the multipart edit there) and answers ``text/event-stream``.
"""

from __future__ import annotations

import asyncio
import base64

import pytest
from PIL import Image

from core.config import ProviderSettings
from core.errors import BadResponseError, BlockedError, InputError
from core.models import EditRequest, EditResult, ProgressEvent
from providers import openai
from providers.catalog.openai import INFO, streams_drafts
from providers.http import HttpPolicy, build_http_client
from providers.openai_stream import StreamingSupport
from providers.retry import RetryPolicy
from providers.sse import SseEvent, SseParser
from tests.providers.loopback import LoopbackServer, ProgressLog, Recorded, Reply, SleepLog
from tests.providers.openai_server import (
    OpenAISpec,
    images_answer,
    png,
    sse_body,
    stream_answer,
    streaming_reply,
)

KEY = "sk-proj-stream-test-0123456789"
MODEL = "gpt-image-2.6-flare"
CROP = (300, 200)
# gpt-image-2+ get the 300x200 crop enlarged four times (ADR 020); the answer is that frame.
SENT = (1200, 800)
DRAFT_ONE, DRAFT_TWO, FINAL = (250, 0, 0), (0, 250, 0), (10, 20, 230)


def crop() -> Image.Image:
    return Image.new("RGB", CROP, (90, 90, 90))


def edit(**options: object) -> EditRequest:
    return EditRequest("edit", prompt="make it a watercolor", image=crop(), options=options)


def provider(
    server: LoopbackServer, client: object, streaming: StreamingSupport | None = None
) -> openai.OpenAIProvider:
    settings = ProviderSettings("openai", base_url=server.url + "/v1", model=MODEL, timeout=10, connect_timeout=2)
    made = openai.create(settings, client, streaming=streaming)  # type: ignore[arg-type]
    made.policy = HttpPolicy(retry=RetryPolicy(sleep=SleepLog()))
    return made


def run(
    server: LoopbackServer,
    *requests: EditRequest,
    streaming: StreamingSupport | None = None,
    progress: ProgressLog | None = None,
) -> list[EditResult]:
    """Each request as its own job, each with a provider made afresh (as the tray does), one session."""

    async def go() -> list[EditResult]:
        async with build_http_client() as client:
            return [
                await provider(server, client, streaming).run(request, key=KEY, progress=progress or ProgressLog())
                for request in requests
            ]

    return asyncio.run(go())


def fields(recorded: Recorded) -> dict[str, str]:
    return {name: part.text for name, part in recorded.form().items() if part.filename is None}


def colours(image: Image.Image) -> set[object]:
    return {colour for _count, colour in image.convert("RGB").getcolors(maxcolors=1 << 24) or []}


def drafts(progress: ProgressLog) -> list[ProgressEvent]:
    return [event for event in progress.events if event.preview is not None]


def test_a_streamed_edit_shows_two_drafts_then_returns_the_final_image_exactly() -> None:
    progress = ProgressLog()
    reply = streaming_reply((png(SENT, DRAFT_ONE), png(SENT, DRAFT_TWO)), png(SENT, FINAL), size="1200x800")
    with LoopbackServer([reply], validator=OpenAISpec(KEY)) as server:
        (result,) = run(server, edit(), progress=progress)
    sent = fields(server.requests[0])
    assert sent["stream"] == "true"
    assert sent["partial_images"] == "2"
    shown = drafts(progress)
    assert [event.detail for event in shown] == ["draft 1 of 2", "draft 2 of 2"]
    for event, colour in zip(shown, (DRAFT_ONE, DRAFT_TWO), strict=True):
        assert event.preview is not None
        assert max(event.preview.size) <= 160
        # The draft is cut to the crop like the result: 300x200 shrunk keeps 3:2.
        assert event.preview.size == (160, 107)
        assert event.preview.convert("RGB").getpixel((80, 50)) == colour
    assert result.image.size == CROP
    assert colours(result.image) == {FINAL}
    assert progress.stages()[-1] == "done"


def test_a_server_that_refuses_streaming_gets_one_plain_request_and_later_jobs_do_not_try() -> None:
    session = StreamingSupport()
    reply = streaming_reply((png(SENT, DRAFT_ONE),), png(SENT, FINAL), refuse=True)
    with LoopbackServer([reply, reply, reply], validator=OpenAISpec(KEY)) as server:
        first, second = run(server, edit(), edit(), streaming=session)
    asked = [fields(recorded).get("stream") for recorded in server.requests]
    # Job 1: streamed, refused, then plain; job 2: plain at once.
    assert asked == ["true", None, None]
    assert session.refused == {(server.url + "/v1", MODEL)}
    for result in (first, second):
        assert colours(result.image) == {FINAL}


def test_the_persons_stream_false_or_zero_drafts_sends_one_plain_request() -> None:
    with LoopbackServer([images_answer(png(SENT, FINAL))] * 2, validator=OpenAISpec(KEY)) as server:
        run(server, edit(stream=False), edit(partial_images=0))
    for recorded in server.requests:
        assert "stream" not in fields(recorded)
        assert "partial_images" not in fields(recorded)


def test_three_drafts_asked_for_are_sent_as_asked() -> None:
    reply = streaming_reply((png(SENT, DRAFT_ONE),) * 3, png(SENT, FINAL))
    progress = ProgressLog()
    with LoopbackServer([reply], validator=OpenAISpec(KEY)) as server:
        run(server, edit(partial_images=3), progress=progress)
    assert fields(server.requests[0])["partial_images"] == "3"
    assert [event.detail for event in drafts(progress)] == ["draft 1 of 3", "draft 2 of 3", "draft 3 of 3"]


def test_more_drafts_than_openai_makes_are_refused_before_sending() -> None:
    with LoopbackServer([], validator=OpenAISpec(KEY)) as server, pytest.raises(InputError) as caught:
        run(server, edit(partial_images=5))
    assert "partial_images" in caught.value.message
    assert server.requests == []


def test_a_server_that_ignores_stream_and_answers_json_is_read_as_it_answered() -> None:
    with LoopbackServer([images_answer(png(SENT, FINAL))], validator=OpenAISpec(KEY)) as server:
        (result,) = run(server, edit())
    assert fields(server.requests[0])["stream"] == "true"
    assert colours(result.image) == {FINAL}


def test_a_streamed_generation_uses_image_generation_events() -> None:
    reply = streaming_reply((png((1024, 1024), DRAFT_ONE),), png((1024, 1024), FINAL))
    progress = ProgressLog()
    with LoopbackServer([reply], validator=OpenAISpec(KEY)) as server:
        (result,) = run(server, EditRequest("generate", prompt="a lighthouse"), progress=progress)
    body = server.requests[0].json()
    assert body["stream"] is True
    assert body["partial_images"] == 2
    assert [event.detail for event in drafts(progress)] == ["draft 1 of 2"]
    assert result.image.convert("RGB").getpixel((500, 500)) == FINAL


def test_a_stream_that_ends_before_the_final_image_is_a_plain_bad_response() -> None:
    reply = stream_answer((png(SENT, DRAFT_ONE),), None)
    with LoopbackServer([reply], validator=OpenAISpec(KEY)) as server, pytest.raises(BadResponseError) as caught:
        run(server, edit())
    assert "ended before the final image" in caught.value.message


def test_a_stream_cut_in_the_middle_of_an_event_is_a_plain_bad_response() -> None:
    whole = stream_answer((png(SENT, DRAFT_ONE),), png(SENT, FINAL)).body
    cut = Reply(body=whole[: len(whole) - 200], headers={"content-type": "text/event-stream"}, chunked=True)
    with LoopbackServer([cut], validator=OpenAISpec(KEY)) as server, pytest.raises(BadResponseError) as caught:
        run(server, edit())
    assert "ended before the final image" in caught.value.message


def test_a_partial_that_is_not_an_image_is_a_plain_bad_response() -> None:
    bogus = b"%!PS-Adobe-3.0\n(not an image) show\n"
    event = {"type": "image_edit.partial_image", "b64_json": base64.b64encode(bogus).decode(), "partial_image_index": 0}
    reply = Reply(body=sse_body([("image_edit.partial_image", event)]), headers={"content-type": "text/event-stream"})
    progress = ProgressLog()
    with LoopbackServer([reply], validator=OpenAISpec(KEY)) as server, pytest.raises(BadResponseError) as caught:
        run(server, edit(), progress=progress)
    assert "not an image" in caught.value.message
    assert drafts(progress) == []


def test_an_error_event_in_the_stream_is_told_in_words() -> None:
    error = {"type": "error", "error": {"code": "moderation_blocked", "message": "blocked by the safety system"}}
    reply = Reply(body=sse_body([("error", error)]), headers={"content-type": "text/event-stream"})
    with LoopbackServer([reply], validator=OpenAISpec(KEY)) as server, pytest.raises(BlockedError):
        run(server, edit())


def test_the_sse_parser_rebuilds_events_from_any_split_and_skips_comments() -> None:
    body = b': keep-alive\r\nevent: one\r\ndata: {"a":\r\ndata: 1}\r\n\r\ndata: two\n\nevent: open'
    for step in (1, 2, 3, 7, len(body)):
        parser = SseParser()
        events = [event for start in range(0, len(body), step) for event in parser.feed(body[start : start + step])]
        assert events == [SseEvent("one", '{"a":\n1}'), SseEvent("message", "two")]


def test_drafts_are_the_default_on_gpt_image_2_and_later_only() -> None:
    assert all(streams_drafts(model) for model in INFO.models)
    assert streams_drafts("gpt-image-3-comet")
    assert not streams_drafts("gpt-image-1")
    assert not streams_drafts("local-model")


def test_a_stream_broken_off_mid_way_is_retried_and_read_afresh() -> None:
    whole = stream_answer((png(SENT, DRAFT_ONE), png(SENT, DRAFT_TWO)), png(SENT, FINAL)).body
    # Content-Length promises the whole body; the connection closes after the first draft and a half.
    broken = Reply(body=whole, headers={"content-type": "text/event-stream"}, truncate=len(whole) // 2)
    fine = stream_answer((png(SENT, DRAFT_ONE), png(SENT, DRAFT_TWO)), png(SENT, FINAL))
    progress = ProgressLog()
    with LoopbackServer([broken, fine], validator=OpenAISpec(KEY)) as server:
        (result,) = run(server, edit(), progress=progress)
    assert len(server.requests) == 2
    second = [event.detail for event in drafts(progress) if event.attempt == 2]
    assert second == ["draft 1 of 2", "draft 2 of 2"]
    assert colours(result.image) == {FINAL}


def test_the_registry_hands_the_sessions_memory_to_the_openai_providers_only() -> None:
    from providers.registry import create_provider

    session = StreamingSupport()
    client = build_http_client()
    try:
        made = create_provider("openai", ProviderSettings("openai", base_url="https://api.openai.com/v1"), client,
                               streaming=session)  # fmt: skip
        assert isinstance(made, openai.OpenAIProvider)
        assert made.streaming is session
        assert made.stream_by_default
        local = create_provider("openai-compatible", ProviderSettings("openai-compatible", base_url="http://localhost:8080/v1"),
                                client, streaming=session)  # fmt: skip
        assert isinstance(local, openai.OpenAIProvider)
        assert local.streaming is session
        assert not local.stream_by_default
        google = create_provider("google", ProviderSettings("google", base_url="https://example.invalid"), client,
                                 streaming=session)  # fmt: skip
        assert google.info.id == "google"
    finally:
        asyncio.run(client.aclose())


def test_a_body_that_is_not_an_event_stream_is_not_read_as_one() -> None:
    from providers.openai_stream import Drafts

    event = {"type": "image_edit.partial_image", "b64_json": base64.b64encode(png()).decode(), "partial_image_index": 0}
    # JSON whose second line happens to look like an SSE field: a stream reader must not take it for a draft.
    body = b'{"created": 1,\n' + sse_body([("image_edit.partial_image", event)])
    shown = ProgressLog()
    reader = Drafts("OpenAI", "image_edit", 2, None, shown)
    for start in range(0, len(body), 3):
        reader.feed(1, body[start : start + 3])
    assert shown.events == []
    streamed = ProgressLog()
    reader = Drafts("OpenAI", "image_edit", 2, None, streamed)
    whole = sse_body([("image_edit.partial_image", event)])
    for start in range(0, len(whole), 3):
        reader.feed(1, whole[start : start + 3])
    assert [event.detail for event in drafts(streamed)] == ["draft 1 of 2"]


def test_an_endless_line_stops_at_the_parsers_limit() -> None:
    from providers.sse import LineTooLongError

    parser = SseParser(max_line=100)
    assert parser.feed(b"data: " + b"A" * 50) == []
    with pytest.raises(LineTooLongError):
        parser.feed(b"A" * 60)
    parser = SseParser(max_line=100)
    assert parser.feed(b"data: " + b"A" * 90 + b"\n\n") == [SseEvent("message", "A" * 90)]
