"""Black Forest Labs FLUX.2 and Kontext, declared as data (issue 15). Sources and dates: ``providers.bfl``."""

from __future__ import annotations

from core.schema import choice, integer
from providers.base import InputLimits, ModeInfo, ProviderInfo, Registration

# Kontext takes a shape, not a size: "ratios from 3:7 to 7:3", about 1 MP (docs.bfl.ai Kontext page,
# read 2026-12-01); 21:9 is 7:3.
KONTEXT_RATIOS = ("21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3", "9:16", "9:21")

INFO = ProviderInfo(
    id="bfl",
    display_name="Black Forest Labs",
    key_env_vars=("BFL_API_KEY",),
    modes=(
        ModeInfo("edit", "Edit as described (FLUX)"),
        ModeInfo("generate", "Generate from the prompt", needs_image=False),
    ),
    default_mode="edit",
    options={
        "safety_tolerance": integer(0, 5, help="0 strictest .. 5 most permissive (default 2)"),
        "seed": integer(0, 2147483647),
        "output_format": choice("png", "jpeg", help="result format (default png: no new artefacts)"),
        "aspect_ratio": choice(*KONTEXT_RATIOS, help="Kontext models only (default: nearest to the selection)"),
    },
    limits=InputLimits(formats=("PNG", "JPEG"), max_bytes=20 * 1024 * 1024, max_pixels=4_000_000),
    default_base_url="https://api.bfl.ai",
    default_model="flux-2-pro",
    models=("flux-2-pro", "flux-2-max", "flux-2-flex", "flux-kontext-pro", "flux-kontext-max"),
)

REGISTRATIONS = (Registration(INFO, ("providers.bfl", "create")),)
