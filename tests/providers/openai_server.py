"""A stand-in for OpenAI's image API: checks each request against the published spec, answers like OpenAI.

``tests/providers/specs/openai-images.yaml`` (vendored; see its header) is read by openapi-core, which
checks the path, the bearer security scheme and the body (multipart for edits, JSON for generations) against the
operation's schema: required fields, enums, ranges. Closed here, beyond openapi-core: multipart
text parts are cast to their declared type (a form only carries text), a field the schema does not
declare is refused (``moderation`` on the multipart edit is the case that matters), the key must be
the expected one, image parts must open in Pillow, and a mask must be a PNG with alpha the image's size.
Today's API rules (retired ids, sizes, per-model options) are ``tests.providers.openai_contract``:
a request that breaks one is answered as OpenAI answers it and fails the test that sent it.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from PIL import Image
from werkzeug.datastructures import Headers, ImmutableMultiDict

from tests.providers import openai_contract
from tests.providers.loopback import Recorded, Refusal, Reply

SPECS = Path(__file__).resolve().parent / "specs"
SPEC_FILE = SPECS / "openai-images.yaml"
SERVER = "https://api.openai.com"
INTEGER_FIELDS = frozenset({"n", "output_compression", "partial_images"})


@dataclass(frozen=True)
class SpecRequest:
    """What openapi-core reads of a request (its ``Request`` protocol)."""

    host_url: str
    path: str
    method: str
    body: bytes
    content_type: str
    parameters: RequestParameters = field(default_factory=RequestParameters)


def typed_form_loads(value: bytes, **parameters: str) -> Any:
    """Multipart parts as the schema sees them: text cast to its declared type, files as opaque text.

    openapi-core leaves parts whose schema is an ``anyOf`` (image, model, size) as bytes, which no
    JSON-schema ``string`` accepts; file contents are checked by Pillow in ``image_problems`` instead.
    """
    content_type = "multipart/form-data; " + "; ".join(f'{k}="{v}"' for k, v in parameters.items())
    recorded = Recorded("POST", "/", {}, {"content-type": content_type}, value, 0)
    typed: list[tuple[str, object]] = []
    for name, part in recorded.form().items():
        if part.filename is not None:
            typed.append((name, part.data.decode("latin-1")))
        elif name in INTEGER_FIELDS and part.text.lstrip("-").isdigit():
            typed.append((name, int(part.text)))
        else:
            typed.append((name, part.text))
    return ImmutableMultiDict(typed)


@cache
def load_spec() -> tuple[OpenAPI, dict[str, Any]]:
    document = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    config = Config(extra_media_type_deserializers={"multipart/form-data": typed_form_loads})
    return OpenAPI.from_dict(document, config=config), document


def declared_fields(document: Mapping[str, Any], schema_name: str) -> set[str]:
    return set(document["components"]["schemas"][schema_name]["properties"])


def spec_problems(recorded: Recorded) -> list[str]:
    spec, _document = load_spec()
    request = SpecRequest(
        host_url=SERVER,
        path=recorded.path,
        method=recorded.method.lower(),
        body=recorded.body,
        content_type=recorded.headers.get("content-type", ""),
        parameters=RequestParameters(header=Headers(recorded.headers)),
    )
    result = spec.unmarshal_request(request)  # type: ignore[arg-type]
    found: list[str] = []
    for error in result.errors:
        details = getattr(error.__cause__, "schema_errors", None) or getattr(error, "schema_errors", None)
        # Only the schema errors: the error's own text would repeat the body, image bytes included.
        if details:
            found.extend(f"{type(error).__name__}: {detail.message[:300]}" for detail in details)
        else:
            found.append(f"{type(error).__name__}: {str(error)[:300]}")
    return found


FIXED_SIZES = frozenset({"1024x1024", "1536x1024", "1024x1536", "auto"})


def size_problems(model: str, size: str | None) -> list[str]:
    """The size rule of the model's family, as OpenAI documents it (PROVIDERS.md, 2026-12-01), written
    out here rather than imported from the code under test."""
    if size is None or size == "auto":
        return []
    if not model.startswith("gpt-image-2"):
        return [] if size in FIXED_SIZES else [f"size {size} is not one of {model}'s sizes"]
    width, _, height = size.partition("x")
    w, h = int(width), int(height)
    problems = []
    if w % 16 or h % 16:
        problems.append(f"size {size}: both sides must be divisible by 16")
    if max(w, h) > 3 * min(w, h):
        problems.append(f"size {size}: the aspect ratio must be between 1:3 and 3:1")
    if max(w, h) > 3840:
        problems.append(f"size {size}: the longest edge must be at most 3840")
    if not 655_360 <= w * h <= 8_294_400:
        problems.append(f"size {size}: {w * h} pixels is outside 655,360 to 8,294,400")
    return problems


def image_problems(recorded: Recorded) -> list[str]:
    form = recorded.form()
    problems: list[str] = []
    try:
        image = Image.open(io.BytesIO(form["image"].data))
        image.load()
    except Exception as error:  # any failure means "not an image"
        return [f"image part is not an image ({type(error).__name__})"]
    if image.format not in {"PNG", "JPEG", "WEBP"}:
        problems.append(f"image is {image.format}, not png/webp/jpg")
    if "mask" in form:
        mask = Image.open(io.BytesIO(form["mask"].data))
        if mask.format != "PNG" or "A" not in mask.getbands():
            problems.append("mask must be a PNG with an alpha channel")
        if mask.size != image.size:
            problems.append(f"mask is {mask.size}, image is {image.size}: they must be the same size")
    return problems


@dataclass
class OpenAISpec:
    """The request check for ``LoopbackServer(validator=...)``; ``key=""`` expects no Authorization."""

    key: str
    checked: list[str] = field(default_factory=list)

    def __call__(self, recorded: Recorded) -> str | Refusal | None:
        problems = self.problems(recorded)
        self.checked.append(recorded.path)
        if problems:
            return "; ".join(problems)
        return self.refusal(recorded)

    def refusal(self, recorded: Recorded) -> Refusal | None:
        """A well-formed request today's API still refuses (a retired model, a size, an option)."""
        if recorded.path.endswith("/images/edits"):
            form = recorded.form()
            fields = {name: part.text for name, part in form.items() if part.filename is None}
            files = frozenset(name for name, part in form.items() if part.filename is not None)
            return openai_contract.refusal(fields, files)
        if recorded.path.endswith("/images/generations"):
            body = recorded.json()
            return openai_contract.refusal({k: str(v) for k, v in body.items()}, frozenset())
        return None

    def problems(self, recorded: Recorded) -> list[str]:
        expected = f"Bearer {self.key}" if self.key else None
        if recorded.headers.get("authorization") != expected:
            return ["the Authorization header is not the expected key"]
        problems = spec_problems(recorded)
        if not self.key:
            # A keyless self-hosted server: OpenAI's spec demands a bearer, such a server does not.
            problems = [problem for problem in problems if not problem.startswith("SecurityValidationError")]
        _spec, document = load_spec()
        if recorded.path.endswith("/images/edits"):
            extra = set(recorded.form()) - declared_fields(document, "CreateImageEditRequest")
            problems += [f"'{name}' is not a field of the multipart edit" for name in sorted(extra)]
            problems += image_problems(recorded)
            form = recorded.form()
            size = form["size"].text if "size" in form else None
            problems += size_problems(form["model"].text if "model" in form else "", size)
        elif recorded.path.endswith("/images/generations"):
            body = recorded.json()
            extra = set(body) - declared_fields(document, "CreateImageRequest")
            problems += [f"'{name}' is not a field of generations" for name in sorted(extra)]
            problems += size_problems(str(body.get("model", "")), body.get("size"))
        return problems


def png(size: tuple[int, int] = (32, 24), color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def images_answer(*images: bytes, size: str = "1024x1024") -> Reply:
    """A 200 as OpenAI sends it: base64 images and the settings used."""
    data = [{"b64_json": base64.b64encode(image).decode()} for image in images]
    payload = {"created": 1760000000, "data": data, "size": size, "quality": "medium", "output_format": "png"}
    return Reply.json(payload, headers={"x-request-id": "req_test"})


def url_answer(*urls: str) -> Reply:
    """A 200 as many OpenAI-compatible servers send it: links instead of base64."""
    return Reply.json({"created": 1760000000, "data": [{"url": url} for url in urls]})


def error_answer(
    status: int, code: str | None, message: str, kind: str = "invalid_request_error", **headers: str
) -> Reply:
    payload = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return Reply.json(payload, status=status, headers={"x-request-id": "req_test", **headers})
