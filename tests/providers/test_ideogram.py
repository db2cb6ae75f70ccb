"""Ideogram against a loopback stand-in that validates each request with Ideogram's published OpenAPI (v1 and v2).

Results are served by a second loopback server (another origin), as Ideogram serves its signed
links from another host: that shows the download happens at once and without the key.
"""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from core.errors import InputError
from core.models import EditRequest
from tests.providers import ideogram_server as ideo
from tests.providers.ideogram_server import KEY, RESULT, SECOND, api, make, remix
from tests.providers.loopback import LoopbackServer, ProgressLog, Reply
from tests.providers.provider_run import picture, png_bytes, run, same_pixels


def test_remix_sends_a_valid_request_and_downloads_the_result_at_once_without_the_key() -> None:
    progress = ProgressLog()
    with LoopbackServer([Reply.image(png_bytes(RESULT))]) as images:
        link = ideo.result_link(images.url)
        with api(ideo.answer(link)) as server:
            result = run(make(server), remix(image_weight=35, seed=7), key=KEY, progress=progress)

    assert server.invalid == []
    form = server.requests[0].form()
    assert server.requests[0].path == "/v2/image/remix/ideogram-3"
    assert server.requests[0].headers["api-key"] == KEY
    assert form["prompt"].text == "as a stained-glass window"
    assert (form["image_weight"].text, form["seed"].text) == ("35", "7")
    # The selection is 16:9; remix crops to the asked shape, so the nearest shape keeps all of it.
    assert form["aspect_ratio"].text == "16x9"
    assert same_pixels(Image.open(io.BytesIO(form["image"].data)), picture((160, 90)))
    download = images.requests[0]
    assert download.path == "/api/images/ephemeral/result.png"
    assert download.query["sig"] == ["e13e12677633f646d8531a153d20e2d3"]
    assert "api-key" not in download.headers
    assert same_pixels(result.image, RESULT)
    assert {"uploading", "waiting", "downloading"} <= set(progress.stages())


def test_edit_sends_the_mask_black_where_the_person_marked_and_the_images_size() -> None:
    # Our mask: mode L, 255 = edit. The right half is marked.
    mask = Image.new("L", (160, 90), 0)
    mask.paste(255, (80, 0, 160, 90))
    request = EditRequest(mode="edit", prompt="a red door", image=picture((160, 90)), mask=mask)
    with (
        LoopbackServer([Reply.image(png_bytes(RESULT))]) as images,
        api(ideo.answer(ideo.result_link(images.url))) as server,
    ):
        result = run(make(server), request, key=KEY)

    assert server.invalid == []
    assert server.requests[0].path == "/v2/image/inpaint/ideogram-3"  # v1 edit is deprecated
    sent = Image.open(io.BytesIO(server.requests[0].form()["mask"].data)).convert("L")
    assert sent.size == (160, 90)
    assert sent.getpixel((120, 45)) == 0
    assert sent.getpixel((20, 45)) == 255
    assert same_pixels(result.image, RESULT)


def test_edit_without_a_mask_is_refused_before_anything_is_sent() -> None:
    with api() as server, pytest.raises(InputError, match="needs a mask"):
        run(make(server), EditRequest(mode="edit", prompt="x", image=picture()), key=KEY)
    assert server.requests == []


def test_replace_background_leaves_out_options_it_does_not_take_and_says_so() -> None:
    request = EditRequest(
        mode="replace-background",
        prompt="on a beach",
        image=picture(),
        options={"aspect_ratio": "1x1", "style_type": "REALISTIC", "rendering_speed": "TURBO"},
    )
    with (
        LoopbackServer([Reply.image(png_bytes(RESULT))]) as images,
        api(ideo.answer(ideo.result_link(images.url))) as server,
    ):
        result = run(make(server), request, key=KEY)

    assert server.invalid == []
    form = server.requests[0].form()
    assert server.requests[0].path == "/v1/ideogram-v3/replace-background"
    assert form["rendering_speed"].text == "TURBO"
    assert "aspect_ratio" not in form
    assert "style_type" not in form
    assert result.notes == (
        "replace-background does not take aspect_ratio; it was left out.",
        "replace-background does not take style_type; it was left out.",
    )


def test_reframe_sends_no_prompt_and_the_listed_resolution_nearest_to_the_chosen_shape() -> None:
    request = EditRequest(mode="reframe", image=picture((100, 100)), options={"aspect_ratio": "16x9"})
    with (
        LoopbackServer([Reply.image(png_bytes(RESULT))]) as images,
        api(ideo.answer(ideo.result_link(images.url))) as server,
    ):
        run(make(server), request, key=KEY)

    assert server.invalid == []
    form = server.requests[0].form()
    assert "prompt" not in form
    assert form["resolution"].text == "1312x736"


def test_reframe_without_a_shape_uses_the_resolution_nearest_to_the_selection() -> None:
    request = EditRequest(mode="reframe", image=picture((300, 200)))
    with (
        LoopbackServer([Reply.image(png_bytes(RESULT))]) as images,
        api(ideo.answer(ideo.result_link(images.url))) as server,
    ):
        run(make(server), request, key=KEY)

    assert server.invalid == []
    assert server.requests[0].form()["resolution"].text == "1248x832"


def test_generate_is_multipart_without_an_image_and_downloads_every_result() -> None:
    request = EditRequest(mode="generate", prompt="a paper crane", options={"num_images": 2, "magic_prompt": "OFF"})
    with LoopbackServer([Reply.image(png_bytes(RESULT)), Reply.image(png_bytes(SECOND))]) as images:
        links = (ideo.result_link(images.url, "one"), ideo.result_link(images.url, "two"))
        with api(ideo.answer(*links)) as server:
            result = run(make(server), request, key=KEY)

    assert server.invalid == []
    assert server.requests[0].headers["content-type"].startswith("multipart/form-data")
    assert "image" not in server.requests[0].form()
    assert [r.path for r in images.requests] == ["/api/images/ephemeral/one.png", "/api/images/ephemeral/two.png"]
    assert [same_pixels(got, want) for got, want in zip(result.images, (RESULT, SECOND), strict=True)] == [True, True]


def test_aspect_ratio_and_resolution_together_are_refused_before_sending() -> None:
    with api() as server, pytest.raises(InputError, match="not both"):
        run(make(server), remix(aspect_ratio="1x1", resolution="1024x1024"), key=KEY)
    assert server.requests == []


def test_a_crop_over_25_mb_is_downscaled_and_its_mask_follows_to_the_same_size() -> None:
    # GIVEN random pixels, which PNG cannot compress below Ideogram's 25 MB
    noisy = Image.frombytes("RGB", (3000, 3000), os.urandom(3000 * 3000 * 3))
    mask = Image.new("L", (3000, 3000), 0)
    mask.paste(255, (1500, 0, 3000, 3000))
    request = EditRequest(mode="edit", prompt="a window", image=noisy, mask=mask)
    # WHEN it is sent for an edit
    with (
        LoopbackServer([Reply.image(png_bytes(RESULT))]) as images,
        api(ideo.answer(ideo.result_link(images.url))) as server,
    ):
        # The limit covers the shrinking too: several PNG encodes of 27 MB of noise, 10-30 s on a
        # loaded 2-core machine (a full suite beside other work once ran past 10 s).
        run(make(server, timeout=120), request, key=KEY)

    # THEN the image fits and the mask (checked by the stand-in) has the image's new size, marks intact
    assert server.invalid == []
    form = server.requests[0].form()
    assert len(form["image"].data) <= 25 * 1024 * 1024
    sent_image = Image.open(io.BytesIO(form["image"].data))
    sent_mask = Image.open(io.BytesIO(form["mask"].data)).convert("L")
    assert sent_image.size[0] < 3000
    assert sent_mask.size == sent_image.size
    assert sent_mask.getpixel((sent_mask.width - 5, 5)) == 0
    assert sent_mask.getpixel((5, 5)) == 255
