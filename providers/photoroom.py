"""PhotoRoom: background removal (``/v1/segment``) and the image-editing modes of ``/v2/edit``.

Both answer the image bytes directly; the key goes in the ``x-api-key`` header. The two endpoints
live on two hosts at PhotoRoom (Basic and Plus plans); ``photoroom_wire.edit_base_url`` says how the
second one follows the configured ``base_url``. Which fields each mode sends: ``photoroom_wire``.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import httpx

from core.errors import BadResponseError, InputError
from core.models import EditRequest, EditResult
from providers import fitting, images, painted, uplink
from providers.catalog.photoroom import INFO
from providers.http import Answer, HttpPolicy, send
from providers.photoroom_wire import UPSCALE_MAX_SIDE, V2_MODES, classify, edit_base_url, segment_fields, v2_fields

if TYPE_CHECKING:
    from core.config import ProviderSettings
    from core.models import ProgressSink

log = logging.getLogger(__name__)

KEY_HEADER = "x-api-key"
# /v2/edit takes at most 30 MB (imageFile); /v1/segment 50 MB and 6000 px on the long side.
EDIT_MAX_BYTES = 30 * 1024 * 1024


def image_bytes(answer: Answer) -> bytes:
    """The result: the body itself, or ``base64img`` when the segment endpoint answered JSON."""
    if answer.content_type != "application/json":
        return answer.content
    body = answer.json()
    encoded = body.get("base64img") if isinstance(body, dict) else None
    if not isinstance(encoded, str):
        raise BadResponseError(INFO.display_name, "answered with JSON where the image was expected.")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise BadResponseError(INFO.display_name, "answered with an image that is not valid base64.") from None


class PhotoRoomProvider:
    """PhotoRoom's two image endpoints over the app's shared HTTP client."""

    def __init__(self, settings: ProviderSettings, client: httpx.AsyncClient, policy: HttpPolicy | None = None) -> None:
        self.info = INFO
        self.settings = settings
        self.client = client
        self.policy = policy or HttpPolicy()

    def plan(self, request: EditRequest) -> tuple[str, str, tuple[tuple[str, str], ...], tuple[str, ...]]:
        """(url, file field, text fields, ignored options) for the request's mode."""
        options = {**self.settings.options, **request.options}
        if request.mode == "remove-background":
            form = segment_fields(options)
            return f"{self.settings.base_url.rstrip('/')}/v1/segment", "image_file", form.fields, form.ignored
        if request.mode in V2_MODES:
            form = v2_fields(request.mode, request.prompt, options)
            return f"{edit_base_url(self.settings.base_url)}/v2/edit", "imageFile", form.fields, form.ignored
        raise InputError(f"PhotoRoom has no mode '{request.mode}' (modes: {', '.join(INFO.mode_ids)}).")

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        # No PhotoRoom endpoint takes a mask: said before sending, not dropped (ADR 033).
        painted.check_marks(INFO, request)
        if request.image is None:
            raise InputError(f"PhotoRoom's {request.mode} mode needs an image.")
        url, file_field, fields, ignored = self.plan(request)
        limits = INFO.limits if request.mode == "remove-background" else replace(INFO.limits, max_bytes=EDIT_MAX_BYTES)
        upscale_side = UPSCALE_MAX_SIDE.get(dict(fields).get("upscale.mode") or "")
        if upscale_side is not None:
            # Upscale refuses larger inputs; a uniform downscale keeps the shape, the 4x brings it back.
            limits = replace(limits, max_side=upscale_side)
        fitted = fitting.fit_image(
            request.image, limits, INFO.display_name, png=uplink.png_encoding(self.settings.base_url)
        )
        files = [(file_field, (fitted.filename, fitted.data, fitted.mime))]
        data = dict(fields)
        if ignored:
            log.info("photoroom: %s does not take %s; left out", request.mode, ", ".join(ignored))

        def build() -> httpx.Request:
            return httpx.Request("POST", url, data=data, files=files, headers={KEY_HEADER: key})

        answer = await send(
            self.client, INFO.display_name, build, self.settings, progress, classify,
            key_headers=(KEY_HEADER,), policy=self.policy,
        )  # fmt: skip
        picture = images.decode_image(image_bytes(answer), INFO.display_name)
        notes = tuple(f"{request.mode} does not take {name}; it was left out." for name in ignored)
        score = answer.headers.get("x-uncertainty-score")
        if score is not None:
            log.info("photoroom: cut-out uncertainty %s", score)
        return EditResult(provider_id=INFO.id, images=(picture,), notes=notes)


def create(settings: ProviderSettings, client: httpx.AsyncClient) -> PhotoRoomProvider:
    return PhotoRoomProvider(settings, client)
