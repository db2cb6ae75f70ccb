"""Ideogram, declared as data: modes, options, input limits, the shape each mode answers in.

Kept apart from the HTTP code so that checking a settings file or listing providers does not
import httpx (about 100 ms of every cold start). Sources and dates: ``providers.ideogram_wire``.
"""

from __future__ import annotations

from types import MappingProxyType

from core.schema import choice, integer, text
from providers.base import InputLimits, ModeInfo, ProviderInfo, Registration
from providers.sizing import SizeRule

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

# How each mode's answer relates to the crop (issue 11, ADR 020). Precise edit answers at the
# source's own size and takes 1:6 to 6:1 (ComfyUI's and Replicate's precise-edit nodes state the
# ratio; Ideogram's page the size); remix crops its input to ``aspect_ratio``, so the crop is padded
# to the nearest listed one; inpaint and replace-background answer the input's shape. Reframe changes
# the shape on purpose and generate has no crop: neither is mapped back.
MODE_SIZE_RULES = MappingProxyType(
    {
        "precise-edit": SizeRule("ideogram-precise-edit", max_ratio=6.0),
        "remix": SizeRule("ideogram-remix", ratios=ASPECT_RATIOS),
        "edit": SizeRule("ideogram-inpaint"),
        "replace-background": SizeRule("ideogram-replace-background"),
    }
)

INFO = ProviderInfo(
    id="ideogram",
    display_name="Ideogram",
    key_env_vars=("IDEOGRAM_API_KEY",),
    modes=(
        ModeInfo("precise-edit", "Edit as described (keeps everything else)", accepts_mask=True),
        ModeInfo("remix", "Remix the selection"),
        ModeInfo("edit", "Repaint inside a mask (inpaint)", accepts_mask=True),
        ModeInfo("replace-background", "Replace the background"),
        ModeInfo("reframe", "Reframe to a new size", needs_prompt=False),
        ModeInfo("generate", "Generate from the prompt", needs_image=False),
    ),
    default_mode="precise-edit",
    options={
        "rendering_speed": choice("FLASH", "TURBO", "BALANCED", "DEFAULT", "QUALITY", help="not precise-edit"),
        "quality": choice("very_low", "low", "medium", "high", help="precise-edit only: cost and time tier"),
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
        max_bytes=25 * 1024 * 1024,
        aspect_ratios=tuple(r.replace("x", ":") for r in ASPECT_RATIOS),
    ),
    default_base_url="https://api.ideogram.ai",
)

REGISTRATIONS = (Registration(INFO, ("providers.ideogram", "create")),)
