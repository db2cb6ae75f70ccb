"""A stand-in for PhotoRoom: checks each request against PhotoRoom's OpenAPI, answers like it.

``/v1/segment`` is checked by openapi-core against ``../shared/specs/photoroom-excerpt.yaml``. The
excerpt leaves out ``/v2/edit``'s request body (~100 dotted fields), so the fields this app sends are
in ``specs/photoroom-v2-edit.yaml`` (sources and date in its header), added to the excerpt before
openapi-core reads it. As for Ideogram, text parts are cast to their declared type and undeclared
fields are refused; the rules its ``x-rules`` name (an edit prompt needs its mode, upscale's input
size) are checked here.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_core import Config, OpenAPI
from PIL import Image

from tests.providers.ideogram_server import SpecRequest, SpecResponse, spec_problems, typed_form_loads
from tests.providers.loopback import Recorded, Reply

SPECS = Path(__file__).resolve().parents[2] / ".." / "shared" / "specs"
SPEC_FILE = SPECS / "photoroom-excerpt.yaml"
EDIT_FILE = Path(__file__).resolve().parent / "specs" / "photoroom-v2-edit.yaml"
SERVERS = {"/v1/segment": "https://sdk.photoroom.com", "/v2/edit": "https://image-api.photoroom.com"}
# upscale.mode's description: the input must not exceed 1000x1000 (ai.fast) or 512x512 (ai.slow).
UPSCALE_MAX_SIDE = {"ai.fast": 1000, "ai.slow": 512}


@cache
def load_spec() -> tuple[OpenAPI, dict[str, Any]]:
    document = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    edit_body = yaml.safe_load(EDIT_FILE.read_text(encoding="utf-8"))
    edit_body.pop("x-rules")
    document["paths"]["/v2/edit"]["post"]["requestBody"] = {
        "required": True,
        "content": {"multipart/form-data": {"schema": edit_body}},
    }
    segment = document["components"]["schemas"]["remove-background-post-params"]
    # OAS 3.1 marks file parts with contentMediaType; openapi-core's 3.1 validator reads the 3.0 spelling
    # 'type: string, format: binary' as text and refuses the bytes. File parts are checked as images below.
    for schema in (segment, edit_body):
        for prop in schema["properties"].values():
            if prop.get("format") == "binary":
                prop.pop("type", None)
    types = {
        name: str(prop.get("type")) for name, prop in [*edit_body["properties"].items(), *segment["properties"].items()]
    }
    config = Config(
        # The hand-made excerpt is not a strictly valid document (a header without a schema).
        spec_validator_cls=None,
        extra_media_type_deserializers={"multipart/form-data": typed_form_loads(types)},
    )
    return OpenAPI.from_dict(document, config=config), document


def declared_fields(document: dict[str, Any], path: str) -> set[str]:
    schema = document["paths"][path]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return set(schema["properties"])


@dataclass(frozen=True)
class PhotoRoomSpec:
    """The request check handed to ``LoopbackServer(validator=...)``."""

    key: str

    def __call__(self, recorded: Recorded) -> str | None:
        problems = self.problems(recorded)
        return "; ".join(problems) if problems else None

    def problems(self, recorded: Recorded) -> list[str]:
        if recorded.headers.get("x-api-key") != self.key:
            return ["the x-api-key header does not carry the key"]
        if recorded.query:
            return ["PhotoRoom takes POST parameters in the body only, never in the query string"]
        server = SERVERS.get(recorded.path)
        if server is None or recorded.method != "POST":
            return [f"{recorded.method} {recorded.path} is not a PhotoRoom endpoint this app should call"]
        spec, document = load_spec()
        found = spec_problems(spec, recorded, server)
        form = recorded.form()
        declared = declared_fields(document, recorded.path)
        found += [f"field {name!r} is not in the endpoint's schema" for name in form if name not in declared]
        file_field = "image_file" if recorded.path == "/v1/segment" else "imageFile"
        try:
            image = Image.open(io.BytesIO(form[file_field].data))
            image.load()
        except OSError:
            return [*found, f"the {file_field} part is not an image"]
        return found + edit_rule_problems({name: part.text for name, part in form.items() if not part.filename}, image)


def edit_rule_problems(fields: dict[str, str], image: Image.Image) -> list[str]:
    """What /v2/edit's field descriptions demand beyond the schema."""
    found = []
    if "editWithAI.prompt" in fields and fields.get("editWithAI.mode") != "ai.auto":
        found.append("editWithAI.prompt is sent without editWithAI.mode=ai.auto")
    limit = UPSCALE_MAX_SIDE.get(fields.get("upscale.mode", ""))
    if limit is not None and max(image.size) > limit:
        found.append(f"upscale {fields['upscale.mode']} takes at most {limit}x{limit}; the image is {image.size}")
    return found


def error_v1(status: int, detail: str, kind: str) -> Reply:
    """``/v1/segment``'s error shape ``{detail, status_code, type}``, checked against the spec for 400/402."""
    body = {"detail": detail, "status_code": status, "type": kind}
    if status in {400, 402}:
        spec, _ = load_spec()
        request = SpecRequest(SERVERS["/v1/segment"], "/v1/segment", "post", b"", "multipart/form-data")
        result = spec.unmarshal_response(request, SpecResponse(json.dumps(body).encode(), status, "application/json"))
        assert not result.errors, result.errors
    return Reply.json(body, status=status)


def error_v2(status: int, **inner: str) -> Reply:
    """``/v2/edit``'s error shape ``{"error": {"message" | "detail"}}``."""
    return Reply.json({"error": inner}, status=status)


def image_reply(png: bytes, *, uncertainty: str = "0.05") -> Reply:
    return Reply(body=png, headers={"content-type": "image/png", "x-uncertainty-score": uncertainty})
