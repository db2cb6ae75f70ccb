"""xAI Grok Imagine, declared as data (issue 15). Sources and dates: ``providers.xai``."""

from __future__ import annotations

from core.schema import choice, integer
from providers.base import InputLimits, ModeInfo, ProviderInfo, Registration

# The ratios /v1/images/edits takes (xAI API reference, read 2026-12-01); "auto" follows the input.
ASPECT_RATIOS = (
    "auto", "1:1", "3:4", "4:3", "9:16", "16:9", "2:3", "3:2", "9:19.5", "19.5:9", "9:20", "20:9", "1:2", "2:1",
)  # fmt: skip

INFO = ProviderInfo(
    id="xai",
    display_name="xAI Grok Imagine",
    key_env_vars=("XAI_API_KEY",),
    modes=(ModeInfo("edit", "Edit as described"),),
    default_mode="edit",
    options={
        "n": integer(1, 10, help="how many images (xAI allows up to 10 per request)"),
        "aspect_ratio": choice(*ASPECT_RATIOS, help="output shape (default auto: the selection's)"),
        "resolution": choice("1k", "2k", help="output resolution (default 1k)"),
        "response_format": choice("url", "b64_json", help="how the image comes back (default url: fetched at once)"),
    },
    limits=InputLimits(formats=("PNG", "JPEG"), max_bytes=10 * 1024 * 1024),
    default_base_url="https://api.x.ai",
    default_model="grok-imagine-image",
    # The one id xAI's own pages name (2026-12-01); a "pro" variant is named only by resellers.
    models=("grok-imagine-image",),
)

REGISTRATIONS = (Registration(INFO, ("providers.xai", "create")),)
