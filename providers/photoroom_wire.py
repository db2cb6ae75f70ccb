"""PhotoRoom's wire format as pure functions: the two endpoints' fields, and their errors.

``/v1/segment`` (Basic plan, ``sdk.photoroom.com``) takes ``image_file`` and snake_case fields;
``/v2/edit`` (Plus plan, ``image-api.photoroom.com``) takes ``imageFile`` and dotted fields. Both
answer the image bytes. Errors come as ``{detail, status_code, type}`` (v1) or
``{"error": {"message" | "detail"}}`` (v2).

Modes on ``/v2/edit`` (PhotoRoom's OpenAPI, image-api.photoroom.com/openapi, read 2026-12-01; field
names and values in ``tests/providers/specs/photoroom-v2-edit.yaml``): ``edit`` is a natural-language
edit (``editWithAI.mode=ai.auto`` + ``editWithAI.prompt``); ``new-background`` replaces only the
background (``background.prompt`` or ``background.color``); ``remove-text`` (``textRemoval.mode``
``ai.artificial|ai.natural|ai.all``), ``relight`` (``lighting.mode`` ``ai.auto|
ai.preserve-hue-and-saturation``), ``expand`` (``expand.mode=ai.auto``, filling the room an
``outputSize`` makes) and ``upscale`` (``upscale.mode`` ``ai.fast``, input <= 1000x1000, or
``ai.slow``, <= 512x512; up to 4x). Every mode but new-background keeps the picture as it is
(``removeBackground=false``; PhotoRoom's default would cut the subject out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from httpx import codes

from core.errors import (
    AuthError,
    InputError,
    ProviderError,
    QuotaError,
    RateLimitError,
    TooLargeError,
)
from providers.error_rules import StatusRules, by_status, shorten
from providers.http import Answer

PROVIDER = "PhotoRoom"
KEY_FIX = "Set a valid key with 'python main.py keys set photoroom' or the PHOTOROOM_API_KEY environment variable."
OFFICIAL_SEGMENT_HOST = "sdk.photoroom.com"
OFFICIAL_EDIT_BASE = "https://image-api.photoroom.com"

SEGMENT_FIELDS = frozenset({"format", "channels", "bg_color", "size", "crop", "despill"})
_OUTPUT = frozenset({"outputSize", "export.format"})
BACKGROUND_FIELDS = frozenset({"background.color", "background.prompt", "background.seed"})
EDIT_FIELDS = _OUTPUT | BACKGROUND_FIELDS
# Per /v2/edit mode: (fields the person may set, fields the mode sets itself).
V2_MODES: Mapping[str, tuple[frozenset[str], dict[str, str]]] = MappingProxyType(
    {
        "edit": (_OUTPUT | {"editWithAI.seed"}, {"removeBackground": "false", "editWithAI.mode": "ai.auto"}),
        "new-background": (EDIT_FIELDS, {}),
        "remove-text": (_OUTPUT | {"textRemoval.mode"}, {"removeBackground": "false", "textRemoval.mode": "ai.all"}),
        "relight": (_OUTPUT | {"lighting.mode"}, {"removeBackground": "false", "lighting.mode": "ai.auto"}),
        "expand": (
            _OUTPUT | {"expand.seed", "background.color"},
            {"removeBackground": "false", "expand.mode": "ai.auto"},
        ),
        "upscale": (
            frozenset({"upscale.mode", "export.format"}),
            {"removeBackground": "false", "upscale.mode": "ai.fast"},
        ),
    }
)
# upscale.mode's documented input limits (the longest side, in pixels).
UPSCALE_MAX_SIDE = MappingProxyType({"ai.fast": 1000, "ai.slow": 512})


@dataclass(frozen=True)
class FormFields:
    """The text fields of one request, and the options left out because the mode does not take them."""

    fields: tuple[tuple[str, str], ...]
    ignored: tuple[str, ...] = ()


def _text(value: object) -> str:
    # The API spells booleans as the strings 'true' / 'false'.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def segment_fields(options: dict[str, object]) -> FormFields:
    fields = [(name, _text(value)) for name, value in options.items() if name in SEGMENT_FIELDS]
    ignored = sorted(name for name in options if name not in SEGMENT_FIELDS)
    return FormFields(tuple(fields), tuple(ignored))


def v2_fields(mode: str, prompt: str, options: dict[str, object]) -> FormFields:
    """The ``/v2/edit`` fields of ``mode``: what the mode sets, then the person's options it takes."""
    if mode == "new-background":
        return edit_fields(prompt, options, mode)
    allowed, fixed = V2_MODES[mode]
    if mode == "edit":
        if not prompt.strip():
            raise InputError(
                "PhotoRoom's edit mode needs a prompt saying what to change ('remove the cup'); "
                "for a new background use --mode new-background."
            )
        fixed = {**fixed, "editWithAI.prompt": prompt.strip()}
    if mode == "expand" and not options.get("outputSize"):
        raise InputError("PhotoRoom's expand mode needs the size to expand to: --option outputSize=WIDTHxHEIGHT.")
    chosen = {
        **fixed,
        **{name: _text(value) for name, value in options.items() if name in allowed and value is not None},
    }
    ignored = sorted(name for name in options if name not in allowed)
    return FormFields(tuple(chosen.items()), tuple(ignored))


def edit_fields(prompt: str, options: dict[str, object], mode: str = "new-background") -> FormFields:
    """The v2 fields: the prompt (or ``background.prompt``) or ``background.color`` sets the new background."""
    chosen = {name: value for name, value in options.items() if name in EDIT_FIELDS and value is not None}
    if prompt.strip() and "background.prompt" not in chosen:
        chosen["background.prompt"] = prompt.strip()
    if "background.prompt" not in chosen and "background.color" not in chosen:
        raise InputError(
            f"PhotoRoom's {mode} mode needs a new background: give a prompt (--prompt 'on a marble table') "
            "or a colour (--option background.color=FFFFFF)."
        )
    color = chosen.get("background.color")
    if isinstance(color, str):
        # v2 wants hex without '#', unlike v1's bg_color; accept both spellings from the person.
        chosen["background.color"] = color.removeprefix("#")
    fields = [(name, _text(value)) for name, value in chosen.items()]
    ignored = sorted(name for name in options if name not in EDIT_FIELDS)
    return FormFields(tuple(fields), tuple(ignored))


def edit_base_url(base_url: str) -> str:
    """Where ``/v2/edit`` lives: PhotoRoom's image-api host for the official base, else the same base.

    The two plans live on two hosts. A person who points ``base_url`` elsewhere (a proxy, a test
    server) means that server for both endpoints; their paths do not collide.
    """
    host = base_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
    if host == OFFICIAL_SEGMENT_HOST:
        return OFFICIAL_EDIT_BASE
    return base_url.rstrip("/")


def said(answer: Answer) -> str:
    """The provider's own words from either error shape, shortened."""
    body = answer.json()
    text = ""
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict):
            text = str(inner.get("message") or inner.get("detail") or "")
        text = text or str(body.get("detail") or body.get("message") or "")
    return shorten(text)


def classify(answer: Answer) -> ProviderError:
    """A failed answer as the app's error, each naming the fix."""
    status = answer.status
    words = said(answer) or f"HTTP {status}"
    return by_status(PROVIDER, status, words, RULES)


_AUTH = (AuthError, "the API key was rejected ({words}). " + KEY_FIX)
RULES: StatusRules = MappingProxyType(
    {
        codes.UNAUTHORIZED: _AUTH,
        codes.FORBIDDEN: _AUTH,
        codes.PAYMENT_REQUIRED: (
            QuotaError,
            "the account is out of API credits, or its plan does not include this ({words}). "
            "Buy credits at https://app.photoroom.com/api-dashboard.",
        ),
        codes.REQUEST_ENTITY_TOO_LARGE: (TooLargeError, "the image is larger than PhotoRoom accepts ({words})."),
        codes.TOO_MANY_REQUESTS: (RateLimitError, "too many requests ({words})."),
    }
)
