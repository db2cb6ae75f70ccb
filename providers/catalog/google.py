"""Google Gemini image models, declared as data: modes, options, input limits, defaults.

Kept apart from the HTTP code so that checking a settings file or listing providers does not
import httpx (about 100 ms of every cold start).
"""

from __future__ import annotations

from core.schema import choice, text
from providers.base import InputLimits, ModeInfo, ProviderInfo
from providers.sizing import GEMINI, GEMINI_STRIPS

# gemini-2.5-flash-image and the Gemini 3 image models share these; 4:5 and 5:4 included.
ASPECT_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")

INFO = ProviderInfo(
    id="google",
    display_name="Google Gemini",
    key_env_vars=("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    modes=(
        ModeInfo("edit", "Edit the selection"),
        ModeInfo("generate", "Generate from the prompt", needs_image=False),
    ),
    default_mode="edit",
    options={
        "model": text(help="Gemini image model, e.g. gemini-2.5-flash-image (default: the configured model)"),
        "aspectRatio": choice(*ASPECT_RATIOS, help="output shape (default: the nearest to the selection's)"),
        "imageSize": choice("1K", "2K", "4K", help="output resolution; Gemini 3 image models only"),
    },
    # The whole request may be 20 MB; base64 grows the image by a third.
    limits=InputLimits(formats=("PNG", "JPEG", "WEBP"), max_bytes=14 * 1024 * 1024, aspect_ratios=ASPECT_RATIOS),
    default_base_url="https://generativelanguage.googleapis.com/v1beta",
    default_model="gemini-2.5-flash-image",
    models=("gemini-2.5-flash-image", "gemini-3.1-flash-image", "gemini-3-pro-image"),
    # The ratio list per model (issue 11): nano-banana-2.1 adds 1:4, 4:1, 1:8, 8:1.
    size_rule=GEMINI,
    size_rules=(("gemini-nano-banana-2.1", GEMINI_STRIPS),),
)
