"""Checks the issue 15 stand-ins share: a data URL (or bare base64) must be a real PNG/JPEG of the crop."""

from __future__ import annotations

import base64
import binascii
import io

from PIL import Image

from tests.providers.loopback import Recorded

FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}


def image_problems(value: object, size: tuple[int, int] | None, *, bare: bool = False) -> list[str]:
    """What is wrong with ``value`` as the uploaded crop (``bare``: base64 without the ``data:`` prefix)."""
    if not isinstance(value, str):
        return ["the image is not a string"]
    mime = None
    payload = value
    if not bare:
        head, comma, payload = value.partition(",")
        if not comma or not head.startswith("data:") or not head.endswith(";base64"):
            return [f"not a base64 data URL: {value[:40]!r}"]
        mime = head.removeprefix("data:").removesuffix(";base64")
        if mime not in FORMATS:
            return [f"data URL type {mime!r} is not image/png or image/jpeg"]
    try:
        data = base64.b64decode(payload, validate=True)
        image = Image.open(io.BytesIO(data))
        image.load()
    except (binascii.Error, ValueError, OSError) as error:
        return [f"the image is not decodable base64 PNG/JPEG ({type(error).__name__})"]
    problems = []
    if image.format not in FORMATS.values() or (mime is not None and FORMATS[mime] != image.format):
        problems.append(f"the image is {image.format}, declared {mime}")
    if size is not None and image.size != size:
        problems.append(f"the image is {image.size}, the crop was {size}")
    return problems


def crop_of(data_url: str) -> Image.Image:
    """The uploaded image, decoded (for pixel checks in tests)."""
    return Image.open(io.BytesIO(base64.b64decode(data_url.partition(",")[2] or data_url))).convert("RGB")


class JsonSpec:
    """A stand-in's request check: ``problems`` lists what is wrong; the server is told None when nothing is.

    ``crop`` is the size the uploaded image must have, where the test knows it.
    """

    def __init__(self, key: str, crop: tuple[int, int] | None = None) -> None:
        self.key = key
        self.crop = crop

    def __call__(self, recorded: Recorded) -> str | None:
        problems = self.problems(recorded)
        return "; ".join(problems) if problems else None

    def problems(self, recorded: Recorded) -> list[str]:
        raise NotImplementedError
