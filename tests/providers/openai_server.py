"""A stand-in for OpenAI's image API: checks each request against the published spec, answers like OpenAI.

``tests/providers/specs/openai-images.yaml`` (vendored; see its header) is read by openapi-core, which
checks the path, the bearer security scheme and the body (multipart for edits, JSON for generations) against the
operation's schema: required fields, enums, ranges. Closed here, beyond openapi-core: multipart
text parts are cast to their declared type (a form only carries text), a field the schema does not
declare is refused (``moderation`` on the multipart edit is the case that matters), the key must be
the expected one, image parts must open in Pillow, and a mask or markup must be a PNG with alpha the image's size.
Today's API rules (retired ids, sizes, per-model options) are ``tests.providers.openai_contract``:
a request that breaks one is answered as OpenAI answers it and fails the test that sent it.

Streaming (``stream=true``): ``streaming_reply`` answers a streamed request with a real
``text/event-stream`` body (partial images, then ``completed``), each event checked against the
spec's ``ImageEditStreamEvent``/``ImageGenStreamEvent`` schema before it is sent, and a plain request
with JSON; ``refuse=True`` plays a model or server that answers streaming with a 400 naming ``stream``.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_schema_validator import OAS31Validator
from PIL import Image
from werkzeug.datastructures import Headers, ImmutableMultiDict

from tests.providers import openai_contract
from tests.providers.loopback import Recorded, Refusal, Reply

SPECS = Path(__file__).resolve().parent / "specs"
SPEC_FILE = SPECS / "openai-images.yaml"
SERVER = "https://api.openai.com"
INTEGER_FIELDS = frozenset({"n", "output_compression", "partial_images"})
BOOLEAN_FIELDS = frozenset({"stream"})
BOOLEANS = {"true": True, "false": False}


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
        elif name in BOOLEAN_FIELDS and part.text in BOOLEANS:
            # Only the spelling a form parser reads as a boolean: "True" stays text and is refused.
            typed.append((name, BOOLEANS[part.text]))
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
    if "markup" in form:
        # "a transparent PNG the size of the first image" (openai-images.yaml, CreateImageEditRequest.markup)
        markup = Image.open(io.BytesIO(form["markup"].data))
        if markup.format != "PNG" or "A" not in markup.getbands():
            problems.append("markup must be a PNG with an alpha channel")
        if markup.size != image.size:
            problems.append(f"markup is {markup.size}, image is {image.size}: they must be the same size")
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


def usage_payload() -> dict[str, Any]:
    """The ``usage`` every 200 carries, as OpenAI's does: 10 text and 40 image tokens in, 1000 out."""
    return {
        "input_tokens": 50, "input_tokens_details": {"image_tokens": 40, "text_tokens": 10},
        "output_tokens": 1000, "total_tokens": 1050,
    }  # fmt: skip


def schema_problems(name: str, value: Mapping[str, Any]) -> list[str]:
    """``value`` checked against the spec's schema ``name``."""
    _spec, document = load_spec()
    schema = {**document["components"]["schemas"][name], "components": document["components"]}
    return [error.message[-200:] for error in OAS31Validator(schema).iter_errors(dict(value))]


def images_answer(*images: bytes, size: str = "1024x1024") -> Reply:
    """A 200 as OpenAI sends it: base64 images and the settings used."""
    data = [{"b64_json": base64.b64encode(image).decode()} for image in images]
    usage = usage_payload()
    payload = {
        "created": 1760000000, "data": data, "size": size, "quality": "medium", "output_format": "png",
        "usage": usage,
    }  # fmt: skip
    problems = schema_problems("ImageGenUsage", usage)
    assert not problems, f"the stand-in's own usage breaks the spec: {problems}"
    return Reply.json(payload, headers={"x-request-id": "req_test"})


def url_answer(*urls: str) -> Reply:
    """A 200 as many OpenAI-compatible servers send it: links instead of base64."""
    return Reply.json({"created": 1760000000, "data": [{"url": url} for url in urls]})


def error_answer(
    status: int,
    code: str | None,
    message: str,
    kind: str = "invalid_request_error",
    param: str | None = None,
    **headers: str,
) -> Reply:
    payload = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return Reply.json(payload, status=status, headers={"x-request-id": "req_test", **headers})


EVENT_SCHEMAS = {
    "image_edit.partial_image": "ImageEditPartialImageEvent",
    "image_edit.completed": "ImageEditCompletedEvent",
    "image_generation.partial_image": "ImageGenPartialImageEvent",
    "image_generation.completed": "ImageGenCompletedEvent",
}


def event_problems(payload: Mapping[str, Any]) -> list[str]:
    """A streamed event the stand-in is about to send, checked against the spec's schema for its ``type``.

    The spec's ``ImageEditStreamEvent`` discriminates on ``type`` without a mapping, which a validator
    cannot follow; the schema is picked by the same rule here.
    """
    _spec, document = load_spec()
    name = EVENT_SCHEMAS.get(str(payload.get("type")))
    if name is None:
        return [f"{payload.get('type')!r} is not an event type of the spec"]
    schema = {**document["components"]["schemas"][name], "components": document["components"]}
    return [error.message[-200:] for error in OAS31Validator(schema).iter_errors(dict(payload))]


def sse_body(events: list[tuple[str, dict[str, Any]]]) -> bytes:
    """``event:``/``data:`` pairs, each ended by a blank line, as OpenAI frames them."""
    return b"".join(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events)


def stream_answer(
    partials: tuple[bytes, ...], final: bytes | None, *, prefix: str = "image_edit", size: str = "1024x1024"
) -> Reply:
    """A 200 ``text/event-stream``: each partial image, then (unless ``final`` is None) the completed one."""
    common = {"background": "opaque", "created_at": 1760000000, "output_format": "png", "quality": "medium"}
    events: list[tuple[str, dict[str, Any]]] = []
    for index, data in enumerate(partials):
        kind = f"{prefix}.partial_image"
        b64 = base64.b64encode(data).decode()
        events.append((kind, {"type": kind, "b64_json": b64, "partial_image_index": index, "size": size, **common}))
    if final is not None:
        kind = f"{prefix}.completed"
        usage = usage_payload()
        b64 = base64.b64encode(final).decode()
        events.append((kind, {"type": kind, "b64_json": b64, "size": size, "usage": usage, **common}))
    for _name, payload in events:
        problems = event_problems(payload)
        assert not problems, f"the stand-in's own event breaks the spec: {problems}"
    # Chunked and in small pieces, as a stream arrives: the client must put events back together.
    return Reply(body=sse_body(events), headers={"content-type": "text/event-stream"}, chunked=True, chunk=4096)


def asked_to_stream(recorded: Recorded) -> bool:
    if recorded.path.endswith("/images/edits"):
        form = recorded.form()
        return "stream" in form and form["stream"].text == "true"
    return recorded.json().get("stream") is True


def streaming_reply(
    partials: tuple[bytes, ...], final: bytes, *, refuse: bool = False, size: str = "1024x1024"
) -> Reply:
    """Answers like OpenAI: a stream when one was asked for (or a 400 naming ``stream`` if ``refuse``),
    else the plain JSON answer."""

    def respond(recorded: Recorded) -> Reply:
        if not asked_to_stream(recorded):
            return images_answer(final, size=size)
        if refuse:
            return error_answer(
                400, "unsupported_parameter", "Streaming is not supported for this model.", param="stream"
            )
        prefix = "image_edit" if recorded.path.endswith("/images/edits") else "image_generation"
        return stream_answer(partials, final, prefix=prefix, size=size)

    return Reply(respond=respond)
