"""Ideogram v3: remix, edit (mask), replace-background, reframe and generate, all multipart.

Each mode is one endpoint under ``{base_url}/v1/ideogram-v3/``; the key goes in the ``Api-Key``
header. The answer holds signed links that expire within minutes, so every result is downloaded
at once, with no key attached (the link is the credential). Wire details: ``providers.ideogram_wire``.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

import httpx

from core.errors import InputError
from core.models import EditRequest, EditResult
from providers import fitting, images
from providers.catalog.ideogram import ASPECT_RATIOS, INFO, RESOLUTIONS
from providers.http import HttpPolicy, download, send
from providers.ideogram_wire import ENDPOINTS, MODE_TAKES_PROMPT, classify, form_fields, parse_answer

if TYPE_CHECKING:
    from core.config import ProviderSettings
    from core.models import ProgressSink

log = logging.getLogger(__name__)

KEY_HEADER = "Api-Key"


def reframe_target(size: tuple[int, int], aspect: str | None) -> str:
    """The listed resolution for reframe: the chosen shape at the crop's area, else the crop's own shape."""
    width, height = size
    if aspect:
        ratio_w, ratio_h = fitting.parse_dimensions(aspect)
        area = width * height
        width = max(1, round(math.sqrt(area * ratio_w / ratio_h)))
        height = max(1, round(area / width))
    return fitting.nearest_size(width, height, RESOLUTIONS)


class IdeogramProvider:
    """Ideogram 3.0 over the app's shared HTTP client."""

    def __init__(self, settings: ProviderSettings, client: httpx.AsyncClient, policy: HttpPolicy | None = None) -> None:
        self.info = INFO
        self.settings = settings
        self.client = client
        self.policy = policy or HttpPolicy()

    def endpoint(self, mode: str) -> str:
        return f"{self.settings.base_url.rstrip('/')}/v1/ideogram-v3/{ENDPOINTS[mode]}"

    def shape_options(self, request: EditRequest) -> dict[str, object]:
        """Fill in the shape from the selection where the person did not choose one."""
        options = {**self.settings.options, **request.options}
        if options.get("aspect_ratio") and options.get("resolution"):
            raise InputError("Ideogram takes aspect_ratio or resolution, not both; remove one of the two options.")
        size = request.image.size if request.image is not None else None
        if request.mode == "reframe" and not options.get("resolution") and size is not None:
            # Reframe needs a target size; aspect_ratio, if given, says which shape to reframe to.
            aspect = options.pop("aspect_ratio", None)
            options["resolution"] = reframe_target(size, str(aspect) if aspect else None)
        elif request.mode in {"remix", "generate"} and size is not None and not options.get("resolution"):
            # Remix crops the input to the requested shape; the selection's own shape keeps all of it.
            options.setdefault("aspect_ratio", fitting.nearest_aspect_ratio(*size, ASPECT_RATIOS))
        return options

    def files(self, request: EditRequest) -> list[tuple[str, tuple[str, bytes, str]]]:
        if request.mode == "generate":
            return []
        if request.image is None:
            raise InputError(f"Ideogram's {request.mode} mode needs an image.")
        if request.mode == "edit" and request.mask is None:
            raise InputError("Ideogram's edit mode needs a mask (--mask FILE) marking the area to change.")
        fitted = fitting.fit_image(request.image, INFO.limits, INFO.display_name)
        files = [("image", (fitted.filename, fitted.data, fitted.mime))]
        if request.mode == "edit" and request.mask is not None:
            # Same size as the uploaded image (which may have been downscaled), black = area to edit.
            files.append(("mask", ("mask.png", fitting.ideogram_mask(request.mask, fitted.size), "image/png")))
        return files

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        if request.mode not in ENDPOINTS:
            raise InputError(f"Ideogram has no mode '{request.mode}' (modes: {', '.join(INFO.mode_ids)}).")
        if request.mode in MODE_TAKES_PROMPT and not request.prompt.strip():
            raise InputError(f"Ideogram's {request.mode} mode needs a prompt.")
        options = self.shape_options(request)
        files = self.files(request)
        form = form_fields(request.mode, request.prompt, options)
        if form.ignored:
            log.info("ideogram: %s does not take %s; left out", request.mode, ", ".join(form.ignored))
        url = self.endpoint(request.mode)
        # Text fields go as parts without a file name, so generate (no file) is multipart too.
        parts: list[tuple[str, tuple[str | None, bytes | str, str | None]]] = [
            (name, (None, value, None)) for name, value in form.fields
        ]
        parts += files

        def build() -> httpx.Request:
            return httpx.Request("POST", url, files=parts, headers={KEY_HEADER: key})

        answer = await send(
            self.client, INFO.display_name, build, self.settings, progress, classify,
            key_headers=(KEY_HEADER,), policy=self.policy,
        )  # fmt: skip
        links = parse_answer(answer.json())
        notes = [f"{request.mode} does not take {name}; it was left out." for name in form.ignored]
        # The signed links expire within minutes: fetch now, never with the key, within the job's deadline.
        blobs = [
            await download(
                self.client, INFO.display_name, link, self.settings, progress,
                policy=self.policy, deadline=answer.deadline,
            )
            for link in images.keep_asked(links.urls, options.get("num_images"), INFO.display_name, notes)
        ]  # fmt: skip
        pictures = images.decode_all(blobs, INFO.display_name)
        if links.withheld:
            notes.append(f"{links.withheld} result(s) were withheld by Ideogram's safety check.")
        return EditResult(provider_id=INFO.id, images=pictures, notes=tuple(notes))


def create(settings: ProviderSettings, client: httpx.AsyncClient) -> IdeogramProvider:
    return IdeogramProvider(settings, client)
