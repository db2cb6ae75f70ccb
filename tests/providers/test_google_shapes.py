"""Gemini answers in the crop's own shape (issue 11, ADR 020): padded to the nearest listed ratio, cut back after.

The stand-in answers like a model that changes nothing: the inline image it received, at a 1K-ish
resolution of the ratio asked. Any client-side stretch or lost padding shows in the pixels.
"""

from __future__ import annotations

from PIL import Image, ImageChops, ImageStat

from core.models import EditRequest
from tests.providers import google_server as gemini
from tests.providers.google_server import KEY, provider
from tests.providers.loopback import LoopbackServer, Recorded, Reply, SleepLog
from tests.providers.provider_run import png_bytes, run


def strip(size: tuple[int, int]) -> Image.Image:
    image = Image.new("RGB", size, (20, 60, 200))
    # Wide stripes: the answer is downscaled by 1.5, so a fine pattern would blur by itself.
    for x in range(0, size[0], 48):
        image.paste((240, 200, 10), (x, 0, x + 24, size[1]))
    image.paste((200, 30, 30), (0, 0, size[0] // 3, size[1] // 3))
    return image


def faithful(recorded: Recorded) -> Reply:
    """The received image at 1024 px wide, its height from the requested ratio (Gemini picks its own pixels)."""
    ratio_w, _, ratio_h = recorded.json()["generationConfig"]["imageConfig"]["aspectRatio"].partition(":")
    width = 1024
    height = round(width * int(ratio_h) / int(ratio_w))
    answer = gemini.sent_image(recorded).convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
    return gemini.image_answer(png_bytes(answer))


def test_a_three_to_one_strip_is_padded_to_21_9_and_comes_back_three_to_one() -> None:
    original = strip((1536, 512))
    with LoopbackServer([Reply(respond=faithful)], validator=gemini.GeminiShape(KEY, images=1)) as server:
        result = run(provider(server, SleepLog()), EditRequest("edit", prompt="keep", image=original), key=KEY)
    assert server.invalid == []
    body = server.requests[0].json()
    assert body["generationConfig"]["imageConfig"]["aspectRatio"] == "21:9"
    sent = gemini.sent_image(server.requests[0])
    assert sent.size == (1540, 660)  # exactly 21:9, the strip centred
    width, height = result.image.size
    assert abs(width / height - 3.0) < 0.01
    back = result.image.convert("RGB").resize(original.size, Image.Resampling.LANCZOS)
    assert max(ImageStat.Stat(ImageChops.difference(back, original)).mean) < 20


def test_an_explicit_aspect_ratio_is_sent_and_the_answer_kept_whole() -> None:
    answer = Image.new("RGB", (1024, 1024), (1, 2, 3))
    with LoopbackServer(
        [gemini.image_answer(png_bytes(answer))], validator=gemini.GeminiShape(KEY, images=1)
    ) as server:
        request = EditRequest("edit", prompt="p", image=strip((1536, 512)), options={"aspectRatio": "1:1"})
        result = run(provider(server, SleepLog()), request, key=KEY)
    assert server.requests[0].json()["generationConfig"]["imageConfig"]["aspectRatio"] == "1:1"
    assert gemini.sent_image(server.requests[0]).size == (1536, 512)
    assert result.image.size == (1024, 1024)
