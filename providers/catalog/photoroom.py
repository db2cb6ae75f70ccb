"""PhotoRoom, declared as data: modes, options, input limits, defaults.

Kept apart from the HTTP code so that checking a settings file or listing providers does not
import httpx (about 100 ms of every cold start).
"""

from __future__ import annotations

from core.schema import choice, flag, integer, text
from providers.base import InputLimits, ModeInfo, ProviderInfo, Registration

INFO = ProviderInfo(
    id="photoroom",
    display_name="PhotoRoom",
    key_env_vars=("PHOTOROOM_API_KEY",),
    modes=(
        ModeInfo("remove-background", "Remove the background", needs_prompt=False),
        ModeInfo("edit", "Edit as described (AI)"),
        ModeInfo("new-background", "New background (colour or prompt)", needs_prompt=False),
        ModeInfo("remove-text", "Remove text and watermarks", needs_prompt=False),
        ModeInfo("relight", "Relight", needs_prompt=False),
        ModeInfo("expand", "Expand to a new size (outputSize)", needs_prompt=False),
        ModeInfo("upscale", "Upscale (up to 4x)", needs_prompt=False),
    ),
    default_mode="remove-background",
    options={
        # /v1/segment (remove-background)
        "format": choice("png", "jpg", "webp", help="remove-background: result format"),
        "channels": choice("rgba", "alpha", help="remove-background: rgba cut-out or the alpha mask only"),
        "bg_color": text(help="remove-background: fill colour, hex (#FF00FF) or a name (red)"),
        "size": choice("preview", "medium", "hd", "full", help="remove-background: result size"),
        "crop": flag(help="remove-background: crop to the cut-out"),
        "despill": flag(help="remove-background: remove green-screen reflections"),
        # /v2/edit (every other mode), named as PhotoRoom names them
        "background.color": text(help="new-background: colour, hex (FFFFFF) or a name"),
        "background.prompt": text(help="new-background: describe it (default: the prompt)"),
        "background.seed": integer(0, 2147483647, help="new-background: seed of the generated background"),
        "editWithAI.seed": integer(0, 2147483647, help="edit: seed of the AI edit"),
        "textRemoval.mode": choice(
            "ai.artificial", "ai.natural", "ai.all", help="remove-text: which text (default all)"
        ),
        "lighting.mode": choice("ai.auto", "ai.preserve-hue-and-saturation", help="relight (default ai.auto)"),
        "expand.seed": integer(0, 2147483647, help="expand: seed of the filled area"),
        "upscale.mode": choice("ai.fast", "ai.slow", help="upscale: fast (input <= 1000 px) or slow (<= 512 px)"),
        "outputSize": text(help="v2 modes: auto, originalImage, croppedSubject or WIDTHxHEIGHT (expand needs it)"),
        "export.format": choice("png", "jpeg", "webp", help="v2 modes: result format"),
    },
    limits=InputLimits(formats=("PNG", "JPEG", "WEBP"), max_bytes=50 * 1024 * 1024, max_side=6000),
    default_base_url="https://sdk.photoroom.com",
)

REGISTRATIONS = (Registration(INFO, ("providers.photoroom", "create")),)
