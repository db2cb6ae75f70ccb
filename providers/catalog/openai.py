"""OpenAI GPT Image and OpenAI-compatible servers, declared as data: modes, options, input limits, defaults.

Kept apart from the HTTP code so that checking a settings file or listing providers does not
import httpx (about 100 ms of every cold start).
"""

from __future__ import annotations

from core.schema import choice, integer, text
from providers.base import InputLimits, ModeInfo, ProviderInfo
from providers.sizing import GPT_IMAGE_2, GPT_IMAGE_FIXED

OPTIONS = {
    "size": choice("1024x1024", "1536x1024", "1024x1536", "auto", help="output size (default: nearest to the crop)"),
    "quality": choice("low", "medium", "high", "auto"),
    "background": choice("transparent", "opaque", "auto", help="transparent needs png or webp output"),
    "output_format": choice("png", "jpeg", "webp"),
    "output_compression": integer(0, 100, help="for jpeg and webp output"),
    "input_fidelity": choice("high", "low", help="edit only; not on gpt-image-1-mini"),
    "moderation": choice("low", "auto", help="generate only"),
    "n": integer(1, 10, help="number of images"),
    "model": text(help="model id (default: the configured model)"),
}

LIMITS = InputLimits(
    formats=("PNG", "WEBP", "JPEG"),
    max_bytes=50 * 1024 * 1024,
    sizes=("1024x1024", "1536x1024", "1024x1536"),
)

# gpt-image-2, 2.5 and 2.6 take any 16-aligned size; older ids only the three fixed ones (issue 11).
SIZE_RULES = (("gpt-image-2", GPT_IMAGE_2),)

MODES = (
    ModeInfo("edit", "Edit the selection", accepts_mask=True),
    ModeInfo("generate", "Generate from the prompt", needs_image=False),
)

INFO = ProviderInfo(
    id="openai",
    display_name="OpenAI",
    key_env_vars=("OPENAI_API_KEY",),
    modes=MODES,
    default_mode="edit",
    options=OPTIONS,
    limits=LIMITS,
    default_base_url="https://api.openai.com/v1",
    default_model="gpt-image-1",
    models=("gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5"),
    size_rule=GPT_IMAGE_FIXED,
    size_rules=SIZE_RULES,
)

COMPATIBLE_INFO = ProviderInfo(
    id="openai-compatible",
    display_name="OpenAI-compatible server",
    key_env_vars=("OPENAI_COMPATIBLE_API_KEY",),
    modes=MODES,
    default_mode="edit",
    options=OPTIONS,
    limits=LIMITS,
    default_base_url="http://localhost:8080/v1",
    default_model="gpt-image-1",
    needs_key=False,
    size_rule=GPT_IMAGE_FIXED,
    size_rules=SIZE_RULES,
)
