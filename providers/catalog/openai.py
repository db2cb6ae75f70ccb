"""OpenAI GPT Image and OpenAI-compatible servers, declared as data: modes, options, input limits, defaults.

Kept apart from the HTTP code so that checking a settings file or listing providers does not
import httpx (about 100 ms of every cold start).

Sources, read 2026-12-01:
- OpenAI deprecations page (developers.openai.com/api/docs/deprecations): gpt-image-1-mini,
  gpt-image-1.5 (and -2025-12-16), chatgpt-image-latest shut down 2026-12-01, "recommended
  replacement gpt-image-2.6-sunburst or gpt-image-2.6-flare".
- ``openai`` Python package 3.51.0 (2026-11, generated from OpenAI's spec): ``types/image_model.py``
  (gpt-image-1 shut down 2026-10-23; dall-e-2/3 retired 2026-05-12; the live ids listed below),
  ``types/image_edit_params.py`` (``quality`` ``xhigh|max`` on 2.5; ``complexity``; ``input_fidelity``
  "for gpt-image-2, omit this parameter"; ``markup`` "cannot be combined with mask"), ``types/model.py``
  (``shutdown_date`` on ``GET /v1/models``).
- ComfyUI's GPT Image 2.6 node docs (docs.comfy.org, 2026-11): ``complexity`` exists only on
  gpt-image-2.6-*; 2.5 has a fixed planning depth. ../shared/PROVIDERS.md (2026-12-01): 2.6 takes
  ``xhigh|max`` like 2.5; gpt-image-2+ answer 400 ``invalid_input_fidelity_model``.
- Streaming (``stream``, ``partial_images`` 0-3): openai 3.51.0 ``types/image_edit_params.py`` and
  ``image_generate_params.py``; PROVIDERS.md: gpt-image-2 family edits take 10-150 s, "show progress
  (partial images)". Drafts are asked for by default on gpt-image-2 and later (ADR 026).
- Default: gpt-image-2.6-flare, which PROVIDERS.md recommends for an interactive edit tool (drafts in
  seconds at low quality, per OpenAI's 2026-11-04 launch as reported by APIYI and ComfyUI);
  gpt-image-2.6-sunburst for precise edits.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from core.schema import choice, flag, integer, text
from providers.base import InputLimits, ModeInfo, ModelFamily, ProviderInfo, Registration, RetiredModel
from providers.catalog.openai_prices import PRICES
from providers.sizing import GPT_IMAGE_2, GPT_IMAGE_FIXED, size_problem

DEFAULT_MODEL = "gpt-image-2.6-flare"
PRECISE_MODEL = "gpt-image-2.6-sunburst"
BASE_QUALITY = ("low", "medium", "high", "auto")
HIGHER_QUALITY = ("low", "medium", "high", "xhigh", "max", "auto")

OPTIONS = MappingProxyType(
    {
        "size": choice(
            "1024x1024", "1536x1024", "1024x1536", "auto", help="output size (default: nearest to the crop)"
        ),
        "quality": choice(*HIGHER_QUALITY, help="xhigh and max on gpt-image-2.5 and 2.6 only"),
        "complexity": choice("low", "medium", "high", help="gpt-image-2.6 only; low suits small local edits"),
        "background": choice("transparent", "opaque", "auto", help="transparent needs png or webp output"),
        "output_format": choice("png", "jpeg", "webp"),
        "output_compression": integer(0, 100, help="for jpeg and webp output"),
        "input_fidelity": choice("high", "low", help="only the retired gpt-image-1.5; never sent to gpt-image-2+"),
        "moderation": choice("low", "auto", help="generate only"),
        "n": integer(1, 10, help="number of images"),
        "stream": flag(help="show drafts while the image is made (default: on for gpt-image-2 and later)"),
        "partial_images": integer(0, 3, help="how many drafts to show while streaming (default 2; 0: none)"),
        "model": text(help="model id (default: the configured model; see 'main.py models openai')"),
    }
)

# gpt-image-2, 2.5, 2.6 and any later major version stream partial images; the retired 1.x did too,
# but nothing older than 2 is live (PROVIDERS.md, 2026-12-01).
STREAMING_MODEL = re.compile(r"gpt-image-(\d+)")
FIRST_STREAMING_MAJOR = 2


def streams_drafts(model: str) -> bool:
    """Whether drafts are asked for by default with ``model`` (the person's ``stream`` option wins)."""
    match = STREAMING_MODEL.match(model)
    return match is not None and int(match[1]) >= FIRST_STREAMING_MAJOR


# The provider-wide options are the union (a model newer than this list may take any of them);
# each family narrows them. Longest prefix wins, so "gpt-image-2.6-flare" is 2.6, not 2.
# gpt-image-2 and later answer 400 invalid_input_fidelity_model to input_fidelity; only 2.6 plans
# with `complexity`; only 2.5 and 2.6 render at xhigh|max.
# gpt-image-2 and later take any size within their rule (providers/sizing.py GPT_IMAGE_2); the
# provider checks a given WxH against it and says why before anything is sent.
FREE_SIZE = text(
    help="auto or WxH: sides divisible by 16, at most 3:1, longest 3840, 655,360-8,294,400 pixels",
    rule=lambda value: size_problem(value, GPT_IMAGE_2),
)
FAMILIES = (
    ModelFamily(
        "gpt-image-2.6",
        ("gpt-image-2.6",),
        options=MappingProxyType({"size": FREE_SIZE}),
        dropped=frozenset({"input_fidelity"}),
        accepts_markup=True,
    ),
    ModelFamily(
        "gpt-image-2.5",
        ("gpt-image-2.5",),
        options=MappingProxyType({"size": FREE_SIZE}),
        refused=frozenset({"complexity"}),
        dropped=frozenset({"input_fidelity"}),
        accepts_markup=True,
    ),
    ModelFamily(
        "gpt-image-2",
        ("gpt-image-2",),
        options=MappingProxyType({"quality": choice(*BASE_QUALITY), "size": FREE_SIZE}),
        refused=frozenset({"complexity"}),
        dropped=frozenset({"input_fidelity"}),
    ),
)

_DEPRECATIONS = "developers.openai.com/api/docs/deprecations (read 2026-12-01)"
_SDK = "openai 3.51.0 types/image_model.py"
RETIRED = (
    RetiredModel("gpt-image-1", "2026-10-23", DEFAULT_MODEL, _SDK),
    RetiredModel("gpt-image-1-mini", "2026-12-01", DEFAULT_MODEL, _DEPRECATIONS),
    RetiredModel("gpt-image-1.5", "2026-12-01", PRECISE_MODEL, _DEPRECATIONS),
    RetiredModel("gpt-image-1.5-*", "2026-12-01", PRECISE_MODEL, _DEPRECATIONS),
    RetiredModel("chatgpt-image-latest", "2026-12-01", DEFAULT_MODEL, _DEPRECATIONS),
    RetiredModel("dall-e-*", "2026-05-12", DEFAULT_MODEL, _SDK),
)

# What the app offers when the live list (GET /v1/models) cannot be had: the ids in openai 3.51.0
# that are not shut down.
MODELS = (
    DEFAULT_MODEL,
    PRECISE_MODEL,
    "gpt-image-2.5-flare",
    "gpt-image-2.5-sunburst",
    "gpt-image-2",
)

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
    default_model=DEFAULT_MODEL,
    models=MODELS,
    families=FAMILIES,
    retired=RETIRED,
    size_rule=GPT_IMAGE_FIXED,
    size_rules=SIZE_RULES,
    prices=PRICES,
)

# A self-hosted server (LiteLLM, LocalAI, ...) often proxies OpenAI itself, so OpenAI's current
# default is the likeliest name to work; the same family rules apply to the same ids.
COMPATIBLE_INFO = ProviderInfo(
    id="openai-compatible",
    display_name="OpenAI-compatible server",
    key_env_vars=("OPENAI_COMPATIBLE_API_KEY",),
    modes=MODES,
    default_mode="edit",
    options=OPTIONS,
    limits=LIMITS,
    default_base_url="http://localhost:8080/v1",
    default_model=DEFAULT_MODEL,
    needs_key=False,
    families=FAMILIES,
    size_rule=GPT_IMAGE_FIXED,
    size_rules=SIZE_RULES,
)

REGISTRATIONS = (
    Registration(
        INFO, ("providers.openai", "create"), ("providers.openai_models", "list_openai"), takes_streaming=True
    ),
    Registration(
        COMPATIBLE_INFO,
        ("providers.openai", "create_compatible"),
        ("providers.openai_models", "list_compatible"),
        takes_streaming=True,
    ),
)
