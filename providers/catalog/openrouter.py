"""OpenRouter, declared as data (issue 15): one key, many image models. Sources and dates: ``providers.openrouter``."""

from __future__ import annotations

from core.schema import choice
from providers.base import InputLimits, ModeInfo, ProviderInfo, Registration

# image_config.aspect_ratio values (OpenRouter's image-generation guide, read 2026-12-01).
ASPECT_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")

INFO = ProviderInfo(
    id="openrouter",
    display_name="OpenRouter",
    key_env_vars=("OPENROUTER_API_KEY",),
    modes=(
        ModeInfo("edit", "Edit as described"),
        ModeInfo("generate", "Generate from the prompt", needs_image=False),
    ),
    default_mode="edit",
    options={
        "aspect_ratio": choice(*ASPECT_RATIOS, help="image_config.aspect_ratio (default: nearest to the selection)"),
        "image_size": choice("1K", "2K", "4K", help="image_config.image_size, where the model takes it (Gemini)"),
    },
    limits=InputLimits(formats=("PNG", "JPEG"), max_bytes=20 * 1024 * 1024),
    default_base_url="https://openrouter.ai",
    # Ids change fast: 'python main.py models openrouter' asks for the live list.
    default_model="black-forest-labs/flux.2-pro",
    models=("black-forest-labs/flux.2-pro", "black-forest-labs/flux.2-flex", "openai/gpt-5-image"),
)

REGISTRATIONS = (
    Registration(INFO, ("providers.openrouter", "create"), ("providers.openrouter_models", "list_models")),
)
