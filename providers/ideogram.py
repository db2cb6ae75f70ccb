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
from core.schema import choice, integer, text
from providers import fitting, images
from providers.base import InputLimits, ModeInfo, ProviderInfo
from providers.http import HttpPolicy, download, send
from providers.ideogram_wire import ENDPOINTS, MODE_TAKES_PROMPT, classify, form_fields, parse_answer

if TYPE_CHECKING:
    from core.config import ProviderSettings
    from core.models import ProgressSink

log = logging.getLogger(__name__)

KEY_HEADER = "Api-Key"
ASPECT_RATIOS = (
    "1x3", "3x1", "1x2", "2x1", "9x16", "16x9", "10x16", "16x10",
    "2x3", "3x2", "3x4", "4x3", "4x5", "5x4", "1x1",
)  # fmt: skip
# ResolutionV3 in Ideogram's openapi.json: the only sizes ``resolution`` accepts.
RESOLUTIONS = (
    "512x1536", "576x1408", "576x1472", "576x1536", "640x1344", "640x1408", "640x1472", "640x1536",
    "704x1152", "704x1216", "704x1280", "704x1344", "704x1408", "704x1472", "736x1312", "768x1088",
    "768x1216", "768x1280", "768x1344", "800x1280", "832x960", "832x1024", "832x1088", "832x1152",
    "832x1216", "832x1248", "864x1152", "896x960", "896x1024", "896x1088", "896x1120", "896x1152",
    "960x832", "960x896", "960x1024", "960x1088", "1024x832", "1024x896", "1024x960", "1024x1024",
    "1088x768", "1088x832", "1088x896", "1088x960", "1120x896", "1152x704", "1152x832", "1152x864",
    "1152x896", "1216x704", "1216x768", "1216x832", "1248x832", "1280x704", "1280x768", "1280x800",
    "1312x736", "1344x640", "1344x704", "1344x768", "1408x576", "1408x640", "1408x704", "1472x576",
    "1472x640", "1472x704", "1536x512", "1536x576", "1536x640",
)  # fmt: skip
# StylePresetV3 in the same file.
STYLE_PRESETS = (
    "80S_ILLUSTRATION", "90S_NOSTALGIA", "ABSTRACT_ORGANIC", "ANALOG_NOSTALGIA", "ART_BRUT", "ART_DECO",
    "ART_POSTER", "AURA", "AVANT_GARDE", "BAUHAUS", "BLUEPRINT", "BLURRY_MOTION", "BRIGHT_ART", "C4D_CARTOON",
    "CHILDRENS_BOOK", "COLLAGE", "COLORING_BOOK_I", "COLORING_BOOK_II", "CUBISM", "DARK_AURA", "DOODLE",
    "DOUBLE_EXPOSURE", "DRAMATIC_CINEMA", "EDITORIAL", "EMOTIONAL_MINIMAL", "ETHEREAL_PARTY", "EXPIRED_FILM",
    "FLAT_ART", "FLAT_VECTOR", "FOREST_REVERIE", "GEO_MINIMALIST", "GLASS_PRISM", "GOLDEN_HOUR", "GRAFFITI_I",
    "GRAFFITI_II", "HALFTONE_PRINT", "HIGH_CONTRAST", "HIPPIE_ERA", "ICONIC", "JAPANDI_FUSION", "JAZZY",
    "LONG_EXPOSURE", "MAGAZINE_EDITORIAL", "MINIMAL_ILLUSTRATION", "MIXED_MEDIA", "MONOCHROME", "NIGHTLIFE",
    "OIL_PAINTING", "OLD_CARTOONS", "PAINT_GESTURE", "POP_ART", "RETRO_ETCHING", "RIVIERA_POP", "SPOTLIGHT_80S",
    "STYLIZED_RED", "SURREAL_COLLAGE", "TRAVEL_POSTER", "VINTAGE_GEO", "VINTAGE_POSTER", "WATERCOLOR", "WEIRD",
    "WOODBLOCK_PRINT",
)  # fmt: skip
STYLE_TYPES = ("AUTO", "GENERAL", "REALISTIC", "DESIGN", "FICTION", "STYLIZED")

INFO = ProviderInfo(
    id="ideogram",
    display_name="Ideogram",
    key_env_vars=("IDEOGRAM_API_KEY",),
    modes=(
        ModeInfo("remix", "Remix the selection"),
        ModeInfo("edit", "Edit inside a mask", accepts_mask=True),
        ModeInfo("replace-background", "Replace the background"),
        ModeInfo("reframe", "Reframe to a new size", needs_prompt=False),
        ModeInfo("generate", "Generate from the prompt", needs_image=False),
    ),
    default_mode="remix",
    options={
        "rendering_speed": choice("FLASH", "TURBO", "BALANCED", "DEFAULT", "QUALITY"),
        "style_type": choice(*STYLE_TYPES, help="remix, edit and generate only"),
        "style_preset": choice(*STYLE_PRESETS, help="a named Ideogram style, e.g. WATERCOLOR"),
        "magic_prompt": choice("AUTO", "ON", "OFF"),
        "aspect_ratio": choice(*ASPECT_RATIOS, help="remix/generate shape, with an x: 16x9 (default: nearest)"),
        "resolution": choice(*RESOLUTIONS, help="exact output size; reframe's target (default: nearest)"),
        "image_weight": integer(1, 100, help="remix: how much the result keeps of the selection"),
        "negative_prompt": text(help="what to keep out of the image (remix, generate)"),
        "seed": integer(0, 2147483647),
        "num_images": integer(1, 8),
    },
    limits=InputLimits(
        formats=("PNG", "JPEG", "WEBP"),
        max_bytes=10 * 1024 * 1024,
        aspect_ratios=tuple(r.replace("x", ":") for r in ASPECT_RATIOS),
    ),
    default_base_url="https://api.ideogram.ai",
)


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
        pictures = []
        for link in links.urls:
            # The signed link expires within minutes: fetch now, and never with the key.
            data_bytes = await download(
                self.client, INFO.display_name, link, self.settings, progress, policy=self.policy
            )
            pictures.append(images.decode_image(data_bytes, INFO.display_name))
        notes = [f"{request.mode} does not take {name}; it was left out." for name in form.ignored]
        if links.withheld:
            notes.append(f"{links.withheld} result(s) were withheld by Ideogram's safety check.")
        return EditResult(provider_id=INFO.id, images=tuple(pictures), notes=tuple(notes))


def create(settings: ProviderSettings, client: httpx.AsyncClient) -> IdeogramProvider:
    return IdeogramProvider(settings, client)
