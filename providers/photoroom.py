"""PhotoRoom: background removal (``/v1/segment``) and image editing (``/v2/edit``)."""

from __future__ import annotations

from core.schema import choice, flag, text
from providers.base import InputLimits, ModeInfo, ProviderInfo

INFO = ProviderInfo(
    id="photoroom",
    display_name="PhotoRoom",
    key_env_vars=("PHOTOROOM_API_KEY",),
    modes=(
        ModeInfo("remove-background", "Remove the background", needs_prompt=False),
        ModeInfo("edit", "New background (colour or prompt)", needs_prompt=False),
    ),
    default_mode="remove-background",
    options={
        "format": choice("png", "jpg", "webp"),
        "channels": choice("rgba", "alpha"),
        "bg_color": text(),
        "size": choice("preview", "medium", "hd", "full"),
        "crop": flag(),
        "despill": flag(),
        "background_color": text(),
        "background_prompt": text(),
    },
    limits=InputLimits(formats=("PNG", "JPEG", "WEBP"), max_bytes=50 * 1024 * 1024, max_side=6000),
    default_base_url="https://sdk.photoroom.com",
)
