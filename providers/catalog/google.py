"""Google Gemini image models, declared as data: modes, options per model family, input limits, defaults.

Kept apart from the HTTP code so that checking a settings file or listing providers does not
import httpx (about 100 ms of every cold start).

Sources, read 2026-12-01:
- ../shared/PROVIDERS.md (2026-12-01): gemini-nano-banana-2.1 GA 2026-10-06, the default for new
  work; gemini-3-pro-image for quality; ratios 1:1 2:3 3:2 3:4 4:3 4:5 5:4 9:16 16:9 21:9 on all,
  2.1 adds 1:4 4:1 1:8 8:1; ``imageSize`` 1K|2K|4K; thinking level on 2.1 minimal|medium|high.
- Firebase AI Logic, "Migrate from Imagen" (firebase.google.com/docs/ai-logic/imagen-models-migration,
  2026): Imagen shut down 2026-08-17; replacements gemini-nano-banana-2.1 "with thinking level
  MINIMAL" (fast) or HIGH, and gemini-3-pro-image.
- Gemini deprecations (ai.google.dev/gemini-api/docs/deprecations): gemini-2.5-flash-image,
  shutdown "earliest October 2026" (PROVIDERS.md: listed for 2026-10-02); preview image ids shut
  down 2026-06-25 (third-party digest of the same page, dev.to 2026-09).
- laozhang.ai's 2.1 guide (2026-10-14): 2.1 answers 400 to a 512 imageSize; 1K/2K/4K accepted.
- Google's API reference, GenerationConfig.ThinkingConfig.ThinkingLevel (docs.cloud.google.com,
  aiplatform v1, 2026): MINIMAL, LOW, MEDIUM, HIGH; the wire sends the upper-case enum name.
Not confirmed from Google's own page: thinkingLevel on gemini-3-pro-image and the lite model, and
the lite model's imageSize choices; here thinkingLevel is offered on 2.1 only.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from core.schema import Field, choice, text
from providers.base import InputLimits, ModeInfo, ModelFamily, ProviderInfo, Registration, RetiredModel
from providers.sizing import GEMINI, GEMINI_STRIPS

DEFAULT_MODEL = "gemini-nano-banana-2.1"
QUALITY_MODEL = "gemini-3-pro-image"
BASE_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
STRIP_RATIOS = ("1:4", "4:1", "1:8", "8:1")
# Every ratio some live model takes; the provider-wide choice, narrowed per family.
ASPECT_RATIOS = BASE_RATIOS + STRIP_RATIOS
IMAGE_SIZES = ("1K", "2K", "4K")
THINKING_LEVELS = ("minimal", "medium", "high")

OPTIONS = MappingProxyType(
    {
        "model": text(help="Gemini image model (default: the configured model; see 'main.py models google')"),
        "aspectRatio": choice(*ASPECT_RATIOS, help="output shape (default: the nearest to the selection's)"),
        "imageSize": choice(*IMAGE_SIZES, help="output resolution (default 1K)"),
        "thinkingLevel": choice(*THINKING_LEVELS, help="nano-banana-2.1: minimal is fastest, medium the default"),
    }
)


def _ratios(*ratios: str) -> Mapping[str, Field]:
    return MappingProxyType({"aspectRatio": choice(*ratios, help="output shape")})


FAMILIES = (
    ModelFamily(
        "nano-banana-2.1",
        ("gemini-nano-banana-2.1",),
        options=_ratios(*ASPECT_RATIOS),
        aspect_ratios=ASPECT_RATIOS,
    ),
    ModelFamily(
        "gemini-3-pro-image",
        ("gemini-3-pro-image",),
        options=_ratios(*BASE_RATIOS),
        refused=frozenset({"thinkingLevel"}),
        aspect_ratios=BASE_RATIOS,
    ),
    ModelFamily(
        "gemini-3.1-flash-lite-image",
        ("gemini-3.1-flash-lite-image",),
        options=_ratios(*BASE_RATIOS),
        refused=frozenset({"thinkingLevel"}),
        aspect_ratios=BASE_RATIOS,
    ),
)

_DEPRECATIONS = "ai.google.dev/gemini-api/docs/deprecations and PROVIDERS.md (read 2026-12-01)"
RETIRED = (
    RetiredModel("gemini-2.5-flash-image", "2026-10-02", DEFAULT_MODEL, _DEPRECATIONS),
    RetiredModel("gemini-3.1-flash-image", "2026-10-29", DEFAULT_MODEL, _DEPRECATIONS),
    RetiredModel("gemini-3-pro-image-preview", "2026-06-25", QUALITY_MODEL, _DEPRECATIONS),
    RetiredModel("*-image-preview*", "2026-06-25", DEFAULT_MODEL, _DEPRECATIONS),
    RetiredModel("imagen-*", "2026-08-17", DEFAULT_MODEL, "firebase.google.com/docs/ai-logic/imagen-models-migration"),
)

MODELS = (DEFAULT_MODEL, QUALITY_MODEL, "gemini-3.1-flash-lite-image")

INFO = ProviderInfo(
    id="google",
    display_name="Google Gemini",
    key_env_vars=("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    modes=(
        # No mask field: a painted mask goes as a second image with words (providers.painted, issue 13).
        ModeInfo("edit", "Edit the selection", accepts_mask=True),
        ModeInfo("generate", "Generate from the prompt", needs_image=False),
    ),
    default_mode="edit",
    options=OPTIONS,
    # The whole request may be 20 MB; base64 grows the image by a third.
    limits=InputLimits(formats=("PNG", "JPEG", "WEBP"), max_bytes=14 * 1024 * 1024, aspect_ratios=BASE_RATIOS),
    default_base_url="https://generativelanguage.googleapis.com/v1beta",
    default_model=DEFAULT_MODEL,
    models=MODELS,
    families=FAMILIES,
    retired=RETIRED,
    # The ratio list per model (issue 11): nano-banana-2.1 adds 1:4, 4:1, 1:8, 8:1.
    size_rule=GEMINI,
    size_rules=(("gemini-nano-banana-2.1", GEMINI_STRIPS),),
)


def aspect_ratios_for(model: str) -> tuple[str, ...]:
    """The ratios ``model`` takes: its family's, else the ones every Gemini image model takes."""
    family = INFO.family(model)
    return family.aspect_ratios if family is not None and family.aspect_ratios else BASE_RATIOS


REGISTRATIONS = (Registration(INFO, ("providers.google", "create"), ("providers.google_models", "list_models")),)
