"""Ideogram: precise edit (the default), inpaint, remix, reframe, replace-background and generate, all multipart.

Each mode is one endpoint (``providers.ideogram_wire.ENDPOINTS``: the v2 API where it answers at once,
v1 otherwise); the key goes in the ``Api-Key`` header. The answer holds signed links that expire, so
every result is downloaded at once, with no key attached (the link is the credential). The crop is
sent in its own shape, padded only where a mode demands, and the padding is cut off the answer
(``MODE_SIZE_RULES``, ADR 020). An old endpoint's ``Deprecation``/``notice`` is logged as a warning.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

import httpx

from core.errors import InputError
from core.models import EditRequest, EditResult
from providers import fitting, images, painted, sizing, uplink
from providers.catalog.ideogram import ASPECT_RATIOS, INFO, MODE_SIZE_RULES, RESOLUTIONS
from providers.http import Answer, HttpPolicy, download, send
from providers.ideogram_wire import (
    ENDPOINTS,
    MODE_TAKES_PROMPT,
    classify,
    deprecation_notice,
    form_fields,
    parse_answer,
)

if TYPE_CHECKING:
    from PIL import Image

    from core.config import ProviderSettings
    from core.models import ProgressSink

log = logging.getLogger(__name__)

KEY_HEADER = "Api-Key"
Parts = list[tuple[str, tuple[str, bytes, str]]]


def reframe_target(size: tuple[int, int], aspect: str | None) -> str:
    """The listed resolution for reframe: the chosen shape at the crop's area, else the crop's own shape."""
    width, height = size
    if aspect:
        ratio_w, ratio_h = fitting.parse_dimensions(aspect)
        area = width * height
        width = max(1, round(math.sqrt(area * ratio_w / ratio_h)))
        height = max(1, round(area / width))
    return fitting.nearest_size(width, height, RESOLUTIONS)


def precise_mask(mask: Image.Image, plan: sizing.Plan) -> tuple[Image.Image | None, str | None]:
    """The mask on the frame, or none: precise edit needs both colours, so "edit everywhere" sends none."""
    framed = fitting.frame_mask(mask, plan)
    low, high = framed.getextrema()
    if high != fitting.EDIT:
        raise InputError("The mask marks nothing to edit: mark the area to change, or leave out --mask.")
    if low == fitting.EDIT:
        return (
            None,
            "the mask marked the whole image, so it was left out: precise edit then edits where the prompt says.",
        )
    return framed, None


class IdeogramProvider:
    """Ideogram over the app's shared HTTP client."""

    def __init__(self, settings: ProviderSettings, client: httpx.AsyncClient, policy: HttpPolicy | None = None) -> None:
        self.info = INFO
        self.settings = settings
        self.client = client
        self.policy = policy or HttpPolicy()

    def endpoint(self, mode: str) -> str:
        return f"{self.settings.base_url.rstrip('/')}{ENDPOINTS[mode]}"

    def shape_options(self, request: EditRequest, plan: sizing.Plan | None) -> dict[str, object]:
        """Fill in the shape from the selection where the person did not choose one."""
        options = {**self.settings.options, **request.options}
        if options.get("aspect_ratio") and options.get("resolution"):
            raise InputError("Ideogram takes aspect_ratio or resolution, not both; remove one of the two options.")
        size = request.image.size if request.image is not None else None
        if request.mode == "reframe" and not options.get("resolution") and size is not None:
            # Reframe needs a target size; aspect_ratio, if given, says which shape to reframe to.
            aspect = options.pop("aspect_ratio", None)
            options["resolution"] = reframe_target(size, str(aspect) if aspect else None)
        elif request.mode == "remix" and plan is not None and plan.request is not None:
            # Remix crops its input to the asked shape: the padded frame has exactly that shape.
            options["aspect_ratio"] = plan.request
        elif request.mode == "generate" and size is not None and not options.get("resolution"):
            options.setdefault("aspect_ratio", fitting.nearest_aspect_ratio(*size, ASPECT_RATIOS))
        return options

    def plan(self, request: EditRequest) -> sizing.Plan | None:
        """The crop's frame, unless the person fixed the shape (then the answer is theirs as it comes)."""
        rule = MODE_SIZE_RULES.get(request.mode)
        chosen = {**self.settings.options, **request.options}
        if request.image is None or rule is None or chosen.get("aspect_ratio") or chosen.get("resolution"):
            return None
        return sizing.plan(request.image.size, rule)

    def files(self, request: EditRequest, plan: sizing.Plan | None, notes: list[str]) -> Parts:
        if request.mode == "generate":
            return []
        if request.image is None:
            raise InputError(f"Ideogram's {request.mode} mode needs an image.")
        if request.mode == "edit" and request.mask is None:
            raise InputError("Ideogram's edit mode needs a mask (--mask FILE) marking the area to change.")
        image = fitting.frame(request.image, plan) if plan is not None else request.image
        mask = request.mask
        if mask is not None and plan is not None:
            mask, note = (
                precise_mask(mask, plan) if request.mode == "precise-edit" else (fitting.frame_mask(mask, plan), None)
            )
            notes += [note] if note else []
        fitted = fitting.fit_image(
            image, INFO.limits, INFO.display_name, png=uplink.png_encoding(self.settings.base_url)
        )
        files: Parts = [("image", (fitted.filename, fitted.data, fitted.mime))]
        if mask is not None and request.mode in {"edit", "precise-edit"}:
            # Same size as the uploaded image (which may have been downscaled), black = area to edit.
            files.append(("mask", ("mask.png", fitting.ideogram_mask(mask, fitted.size), "image/png")))
        log.info("ideogram: %s %dx%d (%d bytes)", request.mode, *fitted.size, len(fitted.data))
        return files

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        if request.mode not in ENDPOINTS:
            raise InputError(f"Ideogram has no mode '{request.mode}' (modes: {', '.join(INFO.mode_ids)}).")
        if request.mode in MODE_TAKES_PROMPT and not request.prompt.strip():
            raise InputError(f"Ideogram's {request.mode} mode needs a prompt.")
        # Masks only on inpaint and precise edit; markup nowhere (the caller makes it a mask first).
        painted.check_marks(INFO, request)
        plan = self.plan(request)
        options = self.shape_options(request, plan)
        notes: list[str] = []
        files = self.files(request, plan, notes)
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
        notes += self._deprecation(answer, request.mode)
        links = parse_answer(answer.json())
        notes += [f"{request.mode} does not take {name}; it was left out." for name in form.ignored]
        # The signed links expire within minutes: fetch now, never with the key, within the job's deadline.
        blobs = [
            await download(
                self.client, INFO.display_name, link, self.settings, progress,
                policy=self.policy, deadline=answer.deadline,
            )
            for link in images.keep_asked(links.urls, options.get("num_images"), INFO.display_name, notes)
        ]  # fmt: skip
        decoded = images.decode_checked(blobs, INFO.display_name)
        pictures = tuple(fitting.unframe(picture, plan) if plan is not None else picture for picture in decoded.images)
        if links.withheld:
            notes.append(f"{links.withheld} result(s) were withheld by Ideogram's safety check.")
        return EditResult(INFO.id, pictures, notes=tuple(notes), encoded=decoded.kept_for(pictures))

    def _deprecation(self, answer: Answer, mode: str) -> list[str]:
        notice = deprecation_notice(answer)
        successor = answer.headers.get("link", "")
        if notice is None:
            if "successor-version" in successor:
                log.info("ideogram: %s has a newer endpoint: %s", mode, successor)
            return []
        log.warning("ideogram: the %s endpoint says: %s (%s)", mode, notice, successor or "no successor named")
        return [f"Ideogram says {ENDPOINTS[mode]} is deprecated: {notice}"]


def create(settings: ProviderSettings, client: httpx.AsyncClient) -> IdeogramProvider:
    return IdeogramProvider(settings, client)
