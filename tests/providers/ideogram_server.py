"""A stand-in for Ideogram: checks each request against Ideogram's published OpenAPI, answers like it.

v2 paths (``/v2/image/{action}/{model}``) are checked against ``specs/ideogram-v2-subset.json`` (an
excerpt, its sources and date in its ``info``), v1 paths against ``../shared/specs/ideogram-v3-subset.json``.
Answers follow the same split: v2 bodies carry ``generation_id``; a v1 endpoint with a v2 successor
adds ``Link: <...>; rel="successor-version"``, and the deprecated ``/v1/ideogram-v3/edit`` also a
``Deprecation: @1777420800`` header and a ``notice`` field, as Ideogram's deprecations page describes.

Each spec is read by openapi-core, which checks the path, the
``Api-Key`` security scheme and the multipart body against each endpoint's schema (required fields,
enums, ranges). Two gaps of openapi-core are closed here: multipart text parts are cast to the
type their schema declares (a form only carries text, so ``image_weight=50`` arrives as ``"50"``),
and a field the schema does not declare is refused (the schemas allow extra properties, Ideogram
does not use them). Image parts must be images Pillow opens; an edit mask must be black and white
and the image's size.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.util import data_form_loads
from PIL import Image
from werkzeug.datastructures import Headers, ImmutableMultiDict

from core.config import ProviderSettings
from core.models import EditRequest
from providers.ideogram import IdeogramProvider
from tests.providers.loopback import LoopbackServer, Recorded, Reply, SleepLog
from tests.providers.provider_run import picture, policy

SPECS = Path(__file__).resolve().parents[2] / ".." / "shared" / "specs"
SPEC_FILE = SPECS / "ideogram-v3-subset.json"
V2_SPEC_FILE = Path(__file__).resolve().parent / "specs" / "ideogram-v2-subset.json"
# Ideogram's deprecations page (2026-12-01): the one deprecated endpoint, since 2026-04-29 (Unix time).
DEPRECATED = {"/v1/ideogram-v3/edit": ("@1777420800", "/v2/image/inpaint/ideogram-3")}
SUCCESSORS = {
    "/v1/ideogram-v3/edit": "images/inpaint/ideogram-3",
    "/v1/ideogram-v3/remix": "images/remix/ideogram-3",
    "/v1/ideogram-v3/reframe": "images/reframe/ideogram-3",
    "/v1/ideogram-v3/replace-background": "images/replace-background/ideogram-3",
    "/v1/ideogram-v3/generate": "images/generate/ideogram-3",
}
SERVER = "https://api.ideogram.ai"
CASTS: dict[str, Callable[[str], object]] = {"integer": int, "number": float, "boolean": lambda text: text == "true"}


@dataclass
class SpecRequest:
    """What openapi-core reads of a request (its ``Request`` protocol)."""

    host_url: str
    path: str
    method: str
    body: bytes
    content_type: str
    parameters: RequestParameters = field(default_factory=RequestParameters)


@dataclass(frozen=True)
class SpecResponse:
    """What openapi-core reads of a response (its ``Response`` protocol)."""

    data: bytes
    status_code: int
    content_type: str
    headers: Headers = field(default_factory=Headers)


def multipart_types(document: Mapping[str, Any]) -> dict[str, str]:
    """Field name -> declared scalar type, over every multipart request schema of the document."""
    schemas = document.get("components", {}).get("schemas", {})
    types: dict[str, str] = {}
    for schema in schemas.values():
        for name, prop in schema.get("properties", {}).items():
            target = prop
            if "$ref" in prop:
                target = schemas.get(prop["$ref"].rsplit("/", 1)[-1], {})
            if target.get("type") in CASTS:
                types[name] = target["type"]
    return types


def typed_form_loads(types: Mapping[str, str]) -> Any:
    """A multipart reader that casts text parts to their declared type before openapi-core checks them."""

    def loads(value: bytes, **parameters: str) -> Any:
        form = cast(ImmutableMultiDict[str, bytes], data_form_loads(value, **parameters))
        typed: list[tuple[str, object]] = []
        for name, raw in form.items(multi=True):
            kind = types.get(name)
            if kind not in CASTS:
                typed.append((name, raw))
                continue
            try:
                typed.append((name, CASTS[str(kind)](raw.decode("utf-8"))))
            except ValueError:
                typed.append((name, raw.decode("utf-8", "replace")))
        return ImmutableMultiDict(typed)

    return loads


@cache
def load_spec(path: Path) -> tuple[OpenAPI, dict[str, Any]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    config = Config(extra_media_type_deserializers={"multipart/form-data": typed_form_loads(multipart_types(document))})
    return OpenAPI.from_dict(document, config=config), document


def declared_fields(document: Mapping[str, Any], path: str) -> set[str]:
    operation = document["paths"].get(path, {}).get("post", {})
    schema = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data", {}).get("schema", {})
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return set(schema.get("properties", {}))


def spec_problems(spec: OpenAPI, recorded: Recorded, server: str) -> list[str]:
    request = SpecRequest(
        host_url=server,
        path=recorded.path,
        method=recorded.method.lower(),
        body=recorded.body,
        content_type=recorded.headers.get("content-type", ""),
        parameters=RequestParameters(header=Headers(recorded.headers)),
    )
    result = spec.unmarshal_request(request)
    found: list[str] = []
    for error in result.errors:
        cause = error.__cause__
        details = getattr(cause, "schema_errors", None)
        # The schema errors alone: the error's own text repeats the whole body, image bytes included.
        if details:
            found.extend(f"{type(error).__name__}: {e.message[:300]}" for e in details)
        else:
            found.append(str(error)[:300])
    return found


@dataclass(frozen=True)
class IdeogramSpec:
    """The request check handed to ``LoopbackServer(validator=...)``."""

    key: str

    def __call__(self, recorded: Recorded) -> str | None:
        problems = self.problems(recorded)
        return "; ".join(problems) if problems else None

    def problems(self, recorded: Recorded) -> list[str]:
        spec, document = load_spec(spec_file(recorded.path))
        if recorded.headers.get("api-key") != self.key:
            return ["the Api-Key header does not carry the key"]
        found = spec_problems(spec, recorded, SERVER)
        form = recorded.form()
        declared = declared_fields(document, recorded.path)
        found += [f"field {name!r} is not in the endpoint's schema" for name in form if name not in declared]
        pictures = {}
        for name in ("image", "mask"):
            if name in form:
                try:
                    pictures[name] = Image.open(io.BytesIO(form[name].data))
                    pictures[name].load()
                except OSError:
                    found.append(f"the {name} part is not an image")
        if "mask" in pictures and "image" in pictures:
            found += mask_problems(pictures["mask"], pictures["image"])
            if "/precise-edit/" in recorded.path:
                found += two_colour_problems(pictures["mask"])
        return found


def spec_file(path: str) -> Path:
    return V2_SPEC_FILE if path.startswith("/v2/") else SPEC_FILE


def two_colour_problems(mask: Image.Image) -> list[str]:
    """Precise edit "needs both colors in the mask" (masked-edits page): all-edit or all-keep is refused."""
    colours = {value for _, value in (mask.convert("L").getcolors(256) or [])}
    return [] if {0, 255} <= colours else ["a precise-edit mask must hold both black (edit) and white (keep)"]


def mask_problems(mask: Image.Image, image: Image.Image) -> list[str]:
    found = []
    if mask.size != image.size:
        found.append(f"the mask is {mask.size}, the image {image.size}; they must be the same size")
    colours = {value for _, value in (mask.convert("L").getcolors(256) or [])}
    if not colours <= {0, 255}:
        found.append(f"the mask must be black and white only, has grey levels {sorted(colours)[:5]}")
    return found


def answer(*urls: str, safe: bool = True, resolution: str = "1024x1024") -> Reply:
    """The documented 200 for the path asked: v2's ``ImageResponseV2`` or v1's ``ImageGenerationResponseV3``
    with its ``Link``/``Deprecation`` headers and ``notice``. Both bodies are checked against their spec here."""
    data = [
        {
            "url": url if safe else None,
            "prompt": "A remixed image",
            "resolution": resolution,
            "is_image_safe": safe,
            "seed": 12345,
            "style_type": "GENERAL",
        }
        for url in urls
    ]
    v1_body: dict[str, object] = {"created": "2026-11-25T19:00:00+00:00", "data": data}
    check_response("/v1/ideogram-v3/remix", 200, v1_body)
    v2_body = {"generation_id": "xtdZiqPwRxqY1Y7NExFmzB", "generation_kind": "sampling", "seed": 12345, "data": data}
    check_response("/v2/image/remix/ideogram-3", 200, v2_body)

    def respond(recorded: Recorded) -> Reply:
        if recorded.path.startswith("/v2/"):
            return Reply.json(v2_body)
        return Reply.json(*v1_answer(recorded.path, v1_body))

    return Reply(respond=respond)


def v1_answer(path: str, body: dict[str, object]) -> tuple[dict[str, object], int, dict[str, str]]:
    """A v1 answer with the signals Ideogram adds to an endpoint that has a v2 successor."""
    headers: dict[str, str] = {}
    successor = f"https://developer.ideogram.ai/v2/api-reference/{SUCCESSORS.get(path, '')}"
    if path in SUCCESSORS:
        headers["link"] = f'<{successor}>; rel="successor-version"'
    if path in DEPRECATED:
        since, instead = DEPRECATED[path]
        headers["deprecation"] = since
        body = {**body, "notice": f"This endpoint is deprecated. Use POST {instead} instead: {successor}"}
    return body, 200, headers


def check_response(path: str, status: int, body: object) -> None:
    """Fail the test at once when a scripted answer is not what the spec says Ideogram sends."""
    spec, _ = load_spec(spec_file(path))
    request = SpecRequest(SERVER, path, "post", b"", "multipart/form-data")
    response = SpecResponse(json.dumps(body).encode(), status, "application/json")
    result = spec.unmarshal_response(request, response)
    assert not result.errors, result.errors


def safety_error() -> Reply:
    body = {"error": "Prompt provided failed safety check due to the inclusion of prohibited content."}
    check_response("/v1/ideogram-v3/remix", 422, body)
    return Reply.json(body, status=422)


def result_link(server_url: str, name: str = "result") -> str:
    """A link shaped like Ideogram's signed, expiring ``ephemeral`` image URLs."""
    return f"{server_url}/api/images/ephemeral/{name}.png?exp=1743867804&sig=e13e12677633f646d8531a153d20e2d3"


# Set-up shared by test_ideogram.py and test_ideogram_errors.py.
KEY = "ideo-test-key-0123456789abcdef"
RESULT = picture((128, 72), (240, 200, 20))
SECOND = picture((128, 72), (20, 200, 240))


def make(
    server: LoopbackServer, sleeps: SleepLog | None = None, timeout: float = 10
) -> Callable[[httpx.AsyncClient], IdeogramProvider]:
    settings = ProviderSettings("ideogram", base_url=server.url, timeout=timeout, connect_timeout=2)
    return lambda client: IdeogramProvider(settings, client, policy(sleeps or SleepLog()))


def remix(**options: object) -> EditRequest:
    return EditRequest(mode="remix", prompt="as a stained-glass window", image=picture((160, 90)), options=options)


def api(*replies: Reply) -> LoopbackServer:
    return LoopbackServer(replies, validator=IdeogramSpec(KEY))
