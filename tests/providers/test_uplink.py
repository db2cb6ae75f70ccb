"""How the upload PNG is written follows where the provider's server is: the internet, or nearby (ADR 037)."""

from __future__ import annotations

import asyncio
import io
import logging
import struct
import zlib

import pytest
from PIL import Image

from core.config import ProviderSettings
from core.models import EditRequest
from providers import openai, uplink
from providers.base import InputLimits
from providers.catalog.openai import COMPATIBLE_INFO
from providers.fast_png import encode_unfiltered
from providers.fitting import INTERNET_PNG, UPLOAD_PNG_LEVEL, PngEncoding, fit_image
from providers.http import build_http_client
from tests.providers.loopback import LoopbackServer
from tests.providers.openai_server import OpenAISpec, images_answer, png
from tests.providers.test_fitting import noise

LOCAL = (
    "http://127.0.0.1:8080/v1",
    "http://127.9.0.1:8080/v1",
    "http://localhost:1234/v1",
    "http://LOCALHOST/v1",
    "http://[::1]:8000/v1",
    "https://192.168.1.20/v1",
    "https://10.0.0.5:8443/v1",
    "https://172.16.3.4/v1",
    "https://172.31.255.1/v1",
    "https://169.254.10.2/v1",
    "https://[fe80::1%25eth0]:8080/v1",
    "https://[fd12:3456::5]/v1",
    "https://[::ffff:192.168.0.2]/v1",
)
INTERNET = (
    "https://api.openai.com/v1",
    "https://8.8.8.8/v1",
    "https://172.32.0.1/v1",  # just past 172.16.0.0/12
    "https://100.64.0.1/v1",  # carrier-grade NAT: shared, not this network
    "https://[2001:4860::8888]/v1",
    "https://localhost.evil.example/v1",
    "https://127.0.0.1.nip.io/v1",  # a name: it is not looked up, so not trusted to be near
    "https://printer.local/v1",
    "not a url",
    "",
)


@pytest.mark.parametrize("base_url", LOCAL)
def test_a_server_on_this_computer_or_the_lan_gets_the_fast_png(base_url: str) -> None:
    assert uplink.png_encoding(base_url) == uplink.LOCAL_PNG


@pytest.mark.parametrize("base_url", INTERNET)
def test_any_other_server_gets_the_uplink_models_png(base_url: str) -> None:
    assert uplink.png_encoding(base_url) == INTERNET_PNG


def test_the_encodings_are_the_bench_choices_and_differ() -> None:
    # python -m bench.upload: fastest at 10 Mbit/s (ADR 036) and at 1 Gbit/s (ADR 037).
    assert PngEncoding(level=UPLOAD_PNG_LEVEL, filtered=True) == INTERNET_PNG
    assert PngEncoding(level=2, filtered=False) == uplink.LOCAL_PNG


def test_the_choice_is_logged_at_debug_without_the_url(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="providers.uplink"):
        uplink.png_encoding("http://127.0.0.1:9/v1?secret=1")
        uplink.png_encoding("https://api.openai.com/v1")
    said = [record.getMessage() for record in caplog.records if record.levelno == logging.DEBUG]
    assert said == [
        "upload PNG at zlib level 2, rows unfiltered: the provider's host is local",
        "upload PNG at zlib level 3, rows filtered: the provider's host is on the internet",
    ]


def test_fit_image_writes_the_png_it_is_asked_for() -> None:
    image = noise((64, 48))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=UPLOAD_PNG_LEVEL)
    assert fit_image(image, InputLimits(formats=("PNG",)), "Test").data == buffer.getvalue()
    fast = fit_image(image, InputLimits(formats=("PNG",)), "Test", png=uplink.LOCAL_PNG).data
    assert fast == encode_unfiltered(image, uplink.LOCAL_PNG.level)
    assert Image.open(io.BytesIO(fast)).tobytes() == image.tobytes()


@pytest.mark.parametrize(("mode", "size"), [("RGB", (1, 1)), ("RGB", (333, 17)), ("RGBA", (64, 65)), ("L", (7, 3))])
def test_an_unfiltered_png_holds_exactly_the_pixels(mode: str, size: tuple[int, int]) -> None:
    image = noise(size).convert(mode)
    if mode == "RGBA":
        image.putalpha(noise(size).convert("L"))
    decoded = Image.open(io.BytesIO(encode_unfiltered(image, 2)))
    decoded.load()  # a full decode: CRCs, zlib stream and the row count are all checked
    assert (decoded.format, decoded.mode, decoded.size) == ("PNG", mode, size)
    assert decoded.tobytes() == image.tobytes()


def test_a_fast_levels_file_over_the_limit_is_compressed_harder_before_a_pixel_is_given_up() -> None:
    image = Image.new("RGB", (256, 256), (30, 90, 200))
    at_default = io.BytesIO()
    image.save(at_default, "PNG", compress_level=UPLOAD_PNG_LEVEL)
    stored = io.BytesIO()
    image.save(stored, "PNG", compress_level=0)
    assert len(stored.getvalue()) > 10 * len(at_default.getvalue())
    limits = InputLimits(formats=("PNG",), max_bytes=len(at_default.getvalue()))
    fitted = fit_image(image, limits, "Test", png=PngEncoding(level=0, filtered=False))
    assert fitted.size == (256, 256)
    assert fitted.data == at_default.getvalue()


def idat(data: bytes) -> bytes:
    """All IDAT chunks' data together: the PNG's zlib stream."""
    offset, stream = 8, b""
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind == b"IDAT":
            stream += data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    return stream


def row_filters(data: bytes) -> set[int]:
    """The filter type byte of every row (PNG spec 9.2) of an 8-bit RGB PNG."""
    image = Image.open(io.BytesIO(data))
    stride = image.size[0] * 3 + 1
    raw = zlib.decompress(idat(data))
    return {raw[row * stride] for row in range(image.size[1])}


def test_an_openai_compatible_server_on_loopback_receives_the_fast_levels_png() -> None:
    image = noise((256, 256))
    request = EditRequest("edit", prompt="make it a watercolor", image=image)
    with LoopbackServer([images_answer(png((256, 256)))], validator=OpenAISpec("local-key")) as server:
        settings = ProviderSettings(COMPATIBLE_INFO.id, base_url=server.url + "/v1", timeout=10, connect_timeout=2)

        async def go() -> None:
            async with build_http_client() as client:
                provider = openai.OpenAIProvider(settings, client, info=COMPATIBLE_INFO)
                await provider.run(request, key="local-key", progress=lambda event: None)

        asyncio.run(go())
    assert server.invalid == []
    sent = server.requests[0].form()["image"].data
    assert Image.open(io.BytesIO(sent)).format == "PNG"  # the spec check above opened it in Pillow too
    assert row_filters(sent) == {0}  # Pillow's own encoder filters noise rows (Sub, Up, Paeth ...)
    assert idat(sent)[1] >> 6 == 1  # RFC 1950 FLEVEL 1: zlib levels 2-5
