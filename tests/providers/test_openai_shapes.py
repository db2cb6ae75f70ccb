"""OpenAI answers in the crop's own shape (issue 11, ADR 020), against a stand-in that answers at the size asked.

The stand-in behaves like a faithful model: it paints the uploaded image, unchanged, at the requested
``size``. So whatever comes back differs from the crop only by what the client did: a stretch, an
offset or lost padding would show as smeared stripes.
"""

from __future__ import annotations

import asyncio
import io

import pytest
from PIL import Image, ImageChops, ImageStat

from core.config import ProviderSettings
from core.models import EditRequest, EditResult
from providers import openai
from providers.base import ProviderInfo
from providers.catalog.openai import COMPATIBLE_INFO, INFO
from providers.http import build_http_client
from tests.providers.loopback import LoopbackServer, ProgressLog, Recorded, Refusal, Reply
from tests.providers.openai_server import OpenAISpec, images_answer, size_problems

KEY = "sk-proj-test-0123456789abcdef"


def strip(size: tuple[int, int]) -> Image.Image:
    """Stripes every 12 px and a red block in the top-left third: any distortion moves them."""
    image = Image.new("RGB", size, (20, 60, 200))
    for x in range(0, size[0], 12):
        image.paste((240, 200, 10), (x, 0, x + 6, size[1]))
    image.paste((200, 30, 30), (0, 0, size[0] // 3, size[1] // 3))
    return image


def faithful(recorded: Recorded) -> Reply:
    """Answer the uploaded image resized to the requested size, as a model that changes nothing would."""
    form = recorded.form()
    width, _, height = form["size"].text.partition("x")
    uploaded = Image.open(io.BytesIO(form["image"].data)).convert("RGB")
    buffer = io.BytesIO()
    uploaded.resize((int(width), int(height)), Image.Resampling.LANCZOS).save(buffer, "PNG")
    return images_answer(buffer.getvalue(), size=form["size"].text)


def run(server: LoopbackServer, request: EditRequest, model: str, info: ProviderInfo = INFO) -> EditResult:
    settings = ProviderSettings(info.id, base_url=server.url + "/v1", model=model, timeout=20, connect_timeout=2)

    async def go() -> EditResult:
        async with build_http_client() as client:
            provider = openai.OpenAIProvider(settings, client, info=info)
            return await provider.run(request, key=KEY, progress=ProgressLog())

    return asyncio.run(go())


def sent(server: LoopbackServer) -> tuple[str, tuple[int, int]]:
    form = server.requests[0].form()
    return form["size"].text, Image.open(io.BytesIO(form["image"].data)).size


def difference(result: Image.Image, original: Image.Image) -> float:
    return max(ImageStat.Stat(ImageChops.difference(result.convert("RGB"), original)).mean)


@pytest.mark.parametrize(
    ("model", "crop", "size"),
    [
        ("gpt-image-2.6-flare", (1536, 512), "1536x512"),  # a 3:1 strip: asked for as itself
        ("gpt-image-2.6-flare", (1920, 1080), "1920x1088"),  # 16-aligned by 8 rows of padding
        ("gpt-image-2.5-sunburst", (2400, 300), "2400x800"),  # 8:1: padded to the 3:1 limit
        ("gpt-image-2", (200, 150), "1008x752"),  # below 655,360 px: 5x whole pixels up, back down
    ],
)
def test_a_crop_comes_back_in_its_own_shape_without_distortion(model: str, crop: tuple[int, int], size: str) -> None:
    original = strip(crop)
    spec = OpenAISpec(KEY)
    with LoopbackServer([Reply(respond=faithful)], validator=spec) as server:
        result = run(server, EditRequest("edit", prompt="keep it", image=original), model)
    assert server.invalid == []
    asked, uploaded = sent(server)
    assert asked == size
    width, _, height = size.partition("x")
    assert uploaded == (int(width), int(height))  # the frame itself: no shape change before sending
    assert result.image.size == crop
    assert difference(result.image, original) < 12


class SelfHostedSpec(OpenAISpec):
    """A self-hosted server speaks OpenAI's wire format but keeps serving models OpenAI shut down."""

    def refusal(self, recorded: Recorded) -> Refusal | None:
        return None


def test_a_self_hosted_server_with_fixed_sizes_gets_the_crop_padded_to_the_nearest_and_cut_back() -> None:
    # GIVEN an OpenAI-compatible server still serving gpt-image-1, whose only sizes are three fixed ones
    original = strip((1536, 512))
    with LoopbackServer([Reply(respond=faithful)], validator=SelfHostedSpec(KEY)) as server:
        result = run(server, EditRequest("edit", prompt="keep it", image=original), "gpt-image-1", COMPATIBLE_INFO)
    # THEN the 3:1 strip went padded into 1536x1024 and came back as the strip, undistorted
    assert server.invalid == []
    assert sent(server) == ("1536x1024", (1536, 1024))
    assert result.image.size == (1536, 512)
    assert difference(result.image, original) < 12


def test_the_stand_in_refuses_sizes_gpt_image_2_does_not_take() -> None:
    assert size_problems("gpt-image-2.6-flare", "1920x1080") == ["size 1920x1080: both sides must be divisible by 16"]
    assert size_problems("gpt-image-2", "3840x1024")[0].startswith("size 3840x1024: the aspect ratio")
    assert size_problems("gpt-image-1", "1920x1088") == ["size 1920x1088 is not one of gpt-image-1's sizes"]
    assert size_problems("gpt-image-2.5-flare", "1920x1088") == []


def test_a_size_the_person_chose_is_sent_as_given() -> None:
    original = strip((600, 200))
    with LoopbackServer([Reply(respond=faithful)], validator=OpenAISpec(KEY)) as server:
        request = EditRequest("edit", prompt="p", image=original, options={"size": "1024x1024"})
        run(server, request, "gpt-image-2.6-flare")
    assert sent(server) == ("1024x1024", (600, 200))


def test_the_mask_is_the_frames_size_and_the_padding_is_kept() -> None:
    mask = Image.new("L", (1920, 1080), 255)
    with LoopbackServer([Reply(respond=faithful)], validator=OpenAISpec(KEY)) as server:
        request = EditRequest("edit", prompt="p", image=strip((1920, 1080)), mask=mask)
        run(server, request, "gpt-image-2.6-flare")
    assert server.invalid == []
    sent_mask = Image.open(io.BytesIO(server.requests[0].form()["mask"].data)).getchannel("A")
    assert sent_mask.size == (1920, 1088)
    assert sent_mask.getpixel((10, 1)) == 255
    assert sent_mask.getpixel((10, 1087)) == 255
    assert sent_mask.getpixel((960, 544)) == 0  # transparent: edit
