"""Painted marks at Google, Ideogram and the providers without masks (issue 13, ADR 033).

Each stand-in checks the request's shape (Google: the image, then the mask the same size in black and
white, and words saying what it is; Ideogram: its spec and a black-and-white mask the image's size).
The tests decode the pair each stand-in received and check the mask against the sent image's red
(painted) pixels, pixel for pixel, after the padding to the provider's shape.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from PIL import Image

from core.errors import InputError
from core.models import EditRequest
from tests.providers import bfl_server, openrouter_server, xai_server
from tests.providers import google_server as gemini
from tests.providers import ideogram_server as ideo
from tests.providers import mask_alignment as align
from tests.providers.loopback import LoopbackServer, Recorded, Reply, SleepLog
from tests.providers.provider_run import Runnable, png_bytes, run
from tests.providers.test_photoroom import KEY as PHOTOROOM_KEY
from tests.providers.test_photoroom import make as photoroom

# Gemini pads to the nearest listed ratio at the crop's own scale: 1536x512 to 21:9 (1540x660),
# 1000x700 to 3:2 (1050x700), 2000x250 to nano-banana-2.1's 8:1 (2000x250, exact: nothing to pad).
GOOGLE_CASES = [((1536, 512), (1540, 660)), ((1000, 700), (1050, 700)), ((2000, 260), (2080, 260))]


def echo(recorded: Recorded) -> Reply:
    """A model that changes nothing: the image it was sent."""
    return gemini.image_answer(png_bytes(gemini.sent_images(recorded)[0].convert("RGB")))


@pytest.mark.parametrize(("crop", "frame"), GOOGLE_CASES)
def test_google_gets_the_mask_as_a_second_image_exactly_over_the_painted_pixels(
    crop: tuple[int, int], frame: tuple[int, int]
) -> None:
    image, mask = align.painted_crop(crop)
    validator = gemini.GeminiShape(gemini.KEY, images=2, masked=True)
    with LoopbackServer([Reply(respond=echo)], validator=validator) as server:
        result = run(
            gemini.provider(server, SleepLog()), EditRequest("edit", "make it green", image, mask), key=gemini.KEY
        )
    assert server.invalid == []
    sent, sent_mask = gemini.sent_images(server.requests[0])
    assert sent.size == frame
    edit_area = sent_mask.convert("L").point(lambda v: 255 if v >= 128 else 0)
    wrong, checked = align.misplaced(sent, edit_area, 0)
    assert checked > 0
    assert wrong == 0
    assert result.image.size == crop


def test_a_crop_shrunk_to_meet_googles_byte_limit_keeps_its_mask_in_place() -> None:
    # 2800x2200 of noise is ~16.6 MB as PNG, over Gemini's 14 MB inline limit: resampled after padding.
    image, mask = align.noisy_painted_crop((2800, 2200))
    validator = gemini.GeminiShape(gemini.KEY, images=2, masked=True)
    with LoopbackServer([Reply(respond=echo)], validator=validator) as server:
        run(gemini.provider(server, SleepLog()), EditRequest("edit", "make it green", image, mask), key=gemini.KEY)
    assert server.invalid == []
    sent, sent_mask = gemini.sent_images(server.requests[0])
    assert sent.width < 2800
    wrong, checked = align.misplaced(sent, sent_mask.convert("L"), 2)
    assert checked > 0
    assert wrong == 0


def test_google_without_a_mask_sends_one_image_and_no_mask_words() -> None:
    image, _mask = align.painted_crop((400, 300))
    with LoopbackServer([Reply(respond=echo)], validator=gemini.GeminiShape(gemini.KEY, images=1)) as server:
        run(gemini.provider(server, SleepLog()), EditRequest("edit", "p", image), key=gemini.KEY)
    texts = [part["text"] for part in server.requests[0].json()["contents"][0]["parts"] if "text" in part]
    assert texts == ["p"]


# Precise edit pads only past 6:1 (1400x200 is 7:1: padded to 1400x234); inpaint answers the input's shape.
IDEOGRAM_CASES = [
    ("precise-edit", (1400, 200), (1400, 234)),
    ("edit", (160, 90), (160, 90)),
    ("precise-edit", (300, 200), (300, 200)),
]


@pytest.mark.parametrize(("mode", "crop", "frame"), IDEOGRAM_CASES)
def test_ideogram_gets_black_exactly_where_painted_on_the_sent_image(
    mode: str, crop: tuple[int, int], frame: tuple[int, int]
) -> None:
    image, mask = align.painted_crop(crop)
    with (
        LoopbackServer([Reply.image(png_bytes(Image.new("RGB", frame, align.BLUE)))]) as files,
        ideo.api(ideo.answer(ideo.result_link(files.url))) as server,
    ):
        run(ideo.make(server), EditRequest(mode, "make it green", image, mask), key=ideo.KEY)
    assert server.invalid == []
    form = server.requests[0].form()
    sent = align.decode(form["image"].data)
    assert sent.size == frame
    wrong, checked = align.misplaced(sent, align.ideogram_edit_area(form["mask"].data), 0)
    assert checked > 0
    assert wrong == 0


def test_a_crop_shrunk_to_meet_ideograms_byte_limit_keeps_its_mask_in_place() -> None:
    # 3300x3100 of noise is ~27.6 MB as PNG, over Ideogram's 25 MB: resampled, the mask with it.
    image, mask = align.noisy_painted_crop((3300, 3100))
    with (
        LoopbackServer([Reply.image(png_bytes(Image.new("RGB", (64, 64), align.BLUE)))]) as files,
        ideo.api(ideo.answer(ideo.result_link(files.url))) as server,
    ):
        run(ideo.make(server), EditRequest("edit", "make it green", image, mask), key=ideo.KEY)
    assert server.invalid == []
    form = server.requests[0].form()
    sent = align.decode(form["image"].data)
    assert sent.width < 3300
    wrong, checked = align.misplaced(sent, align.ideogram_edit_area(form["mask"].data), 2)
    assert checked > 0
    assert wrong == 0


@pytest.mark.parametrize("mode", ["remix", "replace-background"])
def test_ideogram_modes_without_a_mask_refuse_one_in_words(mode: str) -> None:
    image, mask = align.painted_crop((160, 90))
    with ideo.api() as server, pytest.raises(InputError, match=f"Ideogram '{mode}' takes no mask"):
        run(ideo.make(server), EditRequest(mode, "p", image, mask), key=ideo.KEY)
    assert server.requests == []


def test_markup_reaching_a_provider_without_it_is_refused_rather_than_dropped() -> None:
    image, markup = align.marked_crop((160, 90))
    with LoopbackServer([], validator=gemini.GeminiShape(gemini.KEY)) as server, pytest.raises(InputError) as caught:
        run(gemini.provider(server, SleepLog()), EditRequest("edit", "p", image, markup=markup), key=gemini.KEY)
    assert "does not take markup" in str(caught.value)
    assert "must become a mask first" in str(caught.value)
    assert server.requests == []


Maker = Callable[[LoopbackServer], Callable[[httpx.AsyncClient], Runnable]]
NO_MASK: list[tuple[str, str, str, Maker]] = [
    ("PhotoRoom", "remove-background", PHOTOROOM_KEY, photoroom),
    ("PhotoRoom", "edit", PHOTOROOM_KEY, photoroom),
    ("Black Forest Labs", "edit", "bfl-key", bfl_server.make),
    ("OpenRouter", "edit", "or-key", openrouter_server.make),
    ("xAI", "edit", "xai-key", xai_server.make),
]


@pytest.mark.parametrize(("name", "mode", "key", "make"), NO_MASK)
@pytest.mark.parametrize("kind", ["mask", "markup"])
def test_providers_without_a_mask_say_so_before_sending(name: str, mode: str, key: str, make: Maker, kind: str) -> None:
    image, mask = align.painted_crop((160, 90))
    marks = {"mask": mask} if kind == "mask" else {"markup": align.marked_crop((160, 90))[1]}
    request = EditRequest(mode, "make it green", image, **marks)  # type: ignore[arg-type]
    with LoopbackServer([]) as server, pytest.raises(InputError) as caught:
        run(make(server), request, key=key)
    assert str(caught.value).startswith(name)
    assert "takes no mask" in str(caught.value) or "does not take markup" in str(caught.value)
    assert server.requests == []
