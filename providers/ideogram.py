"""Ideogram v3: remix, edit (mask), replace-background, reframe and generate, all multipart."""

from __future__ import annotations

from core.schema import choice, integer, text
from providers.base import InputLimits, ModeInfo, ProviderInfo

ASPECT_RATIOS = (
    "1x3",
    "3x1",
    "1x2",
    "2x1",
    "9x16",
    "16x9",
    "10x16",
    "16x10",
    "2x3",
    "3x2",
    "3x4",
    "4x3",
    "4x5",
    "5x4",
    "1x1",
)

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
        "style_type": choice("AUTO", "GENERAL", "REALISTIC", "DESIGN", "FICTION"),
        "magic_prompt": choice("AUTO", "ON", "OFF"),
        "aspect_ratio": choice(*ASPECT_RATIOS),
        "resolution": text(),
        "image_weight": integer(1, 100),
        "negative_prompt": text(),
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
