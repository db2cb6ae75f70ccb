"""Hostile answers for issue 16, built once each: what a misbehaving server or proxy sends back.

Every builder returns bytes or a ``Reply`` for the loopback stand-ins of tests/providers; the big
ones (bombs, huge PNGs) are built from small buffers, and cached, so the suite stays fast.
"""

from __future__ import annotations

import base64
import functools
import gzip
import io
import json
import zlib

from PIL import Image

from tests.providers.loopback import Reply

MB = 1024 * 1024
JSON = {"content-type": "application/json"}
# An EPS whose program never ends: Ghostscript would run it past every timeout.
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 64 64\n%%EndComments\n{ } loop\nshowpage\n%%EOF\n"
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def b64_answer(*images: bytes) -> Reply:
    """OpenAI's 200: one ``b64_json`` entry per image."""
    data = [{"b64_json": base64.b64encode(image).decode()} for image in images]
    return Reply(body=json.dumps({"created": 1, "data": data}).encode(), headers=JSON)


def encoded(image: Image.Image, fmt: str = "PNG", **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def _zeros_compressed(total: int, wbits: int, prefix: bytes = b"") -> bytes:
    """``prefix`` then ``total`` bytes of spaces, compressed in 1 MB steps (never held whole)."""
    engine = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = b" " * MB
    parts = [engine.compress(prefix)]
    parts.extend(engine.compress(block) for _ in range(total // MB))
    parts.append(engine.flush())
    return b"".join(parts)


@functools.cache
def gzip_bomb(total: int = 300 * MB) -> bytes:
    """One gzip layer that unpacks to ``total`` bytes of JSON-ish text (300 MB in about 300 KB)."""
    return _zeros_compressed(total, 16 + zlib.MAX_WBITS, b'{"data": [')


@functools.cache
def deflate_bomb(total: int = 300 * MB) -> bytes:
    return _zeros_compressed(total, zlib.MAX_WBITS, b'{"data": [')


@functools.cache
def gzip_of_gzip() -> bytes:
    """A gzip of a gzip bomb: a few KB that a multi-layer decoder turns into 300 MB."""
    return gzip.compress(gzip_bomb(), 9)


@functools.cache
def huge_png() -> bytes:
    """8880x8880 (78.9 MP, just under the per-image limit), 1-bit so it is built in well under a second."""
    return encoded(Image.new("1", (8880, 8880), 1))


@functools.cache
def pixel_bomb_png() -> bytes:
    """A real, valid PNG of 20000x20000 (400 MP) in about 50 KB."""
    return encoded(Image.new("1", (20000, 20000), 0))


@functools.cache
def tiny_png() -> bytes:
    return encoded(Image.new("RGB", (4, 4), (10, 200, 30)))


def nested(depth: int = 100_000) -> bytes:
    """``{"data": [[[[ ... ]]]]}`` nested ``depth`` deep: valid JSON, past any recursion limit."""
    return b'{"data": ' + b"[" * depth + b"]" * depth + b"}"


def nested_error(depth: int = 100_000) -> bytes:
    return b'{"error": ' + b'{"message": ' * depth + b'"x"' + b"}" * depth + b"}"


def mode_image(mode: str) -> Image.Image:
    """A 64x48 picture in ``mode`` with a left half that differs from the right."""
    base = Image.new("RGB", (64, 48), (20, 60, 200))
    base.paste((230, 200, 30), (0, 0, 32, 48))
    if mode in {"I;16", "I", "F"}:
        grey = base.convert("L")
        scale = {"I;16": 257, "I": 65536, "F": 1 / 255}[mode]
        deep = grey.convert("F").point(lambda value: value * scale)
        return deep if mode == "F" else deep.convert("I").convert(mode) if mode == "I;16" else deep.convert("I")
    return base.convert(mode)


def odd_palette_png() -> bytes:
    """A palette PNG whose PLTE holds 2 colours while its pixels use index 200: readers differ on it."""
    image = Image.new("P", (16, 16), 200)
    image.putpalette([255, 0, 0, 0, 0, 255])
    return encoded(image)


def exif_rotated_jpeg() -> bytes:
    """A 120x60 JPEG stored sideways with EXIF Orientation 6: shown as 60x120, red at the top."""
    shown = Image.new("RGB", (60, 120), (20, 60, 200))
    shown.paste((230, 20, 20), (0, 0, 60, 40))
    stored = shown.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    return encoded(stored, "JPEG", quality=95, exif=exif)


def percent_encoded(text: str) -> str:
    return "".join(f"%{ord(char):02X}" for char in text)


def json_escaped(text: str) -> str:
    return "".join(f"\\u{ord(char):04x}" for char in text)
