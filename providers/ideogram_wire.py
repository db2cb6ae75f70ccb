"""Ideogram's wire format as pure functions: each mode's endpoint and fields, the answer, the errors.

Every endpoint used is multipart and synchronous; the answer lists signed, short-lived result links
(``data[].url``) with an ``is_image_safe`` flag. Endpoints (developer.ideogram.ai, read 2026-12-01):

- v2, ``/v2/image/{action}/{model}``: ``precise-edit/ideogram-4-5`` (the result keeps the source's
  exact width and height, untouched pixels copied from it; optional mask, black = edit, both colours
  needed), ``inpaint/ideogram-3`` (mask required, black = repaint; replaces ``/v1/ideogram-v3/edit``,
  deprecated since 2026-04-29), ``remix/ideogram-3``, ``reframe/ideogram-3``. Images up to 25 MB.
- v1, still answering and not deprecated: ``replace-background`` and ``generate``. Their v2
  replace-background is asynchronous only (a ``generation_id`` to poll), which this client does not do.

Old endpoints say so (deprecations page): ``Link: <...>; rel="successor-version"`` when a v2 endpoint
replaces them, plus ``Deprecation: @UNIX-TIME`` and a ``notice`` body field once deprecated;
``deprecation_notice`` reads them. The field lists mirror each endpoint's request schema (v1:
Ideogram's ``openapi.json``; v2: the per-endpoint references), so an option a mode does not take is
left out instead of being sent and refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from httpx import codes

from core.errors import (
    AuthError,
    BadResponseError,
    BlockedError,
    ProviderError,
    QuotaError,
    RateLimitError,
    TooLargeError,
)
from providers.error_rules import MAX_SAID, StatusRules, by_status, shorten
from providers.http import Answer

PROVIDER = "Ideogram"
KEY_FIX = "Set a valid key with 'python main.py keys set ideogram' or the IDEOGRAM_API_KEY environment variable."

ENDPOINTS = MappingProxyType(
    {
        "precise-edit": "/v2/image/precise-edit/ideogram-4-5",
        "remix": "/v2/image/remix/ideogram-3",
        "edit": "/v2/image/inpaint/ideogram-3",
        "replace-background": "/v1/ideogram-v3/replace-background",
        "reframe": "/v2/image/reframe/ideogram-3",
        "generate": "/v1/ideogram-v3/generate",
    }
)

_COMMON = frozenset({"num_images", "seed", "rendering_speed", "style_preset"})
# Option fields each endpoint's request schema declares (ReframeImageRequestV3 has no prompt, etc.).
MODE_FIELDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "generate": _COMMON | {"resolution", "aspect_ratio", "magic_prompt", "negative_prompt", "style_type"},
        "remix": _COMMON
        | {"image_weight", "resolution", "aspect_ratio", "magic_prompt", "negative_prompt", "style_type"},
        "edit": _COMMON | {"magic_prompt", "style_type"},
        # Precise edit has its own small set: no style, no speed; ``quality`` tiers instead.
        "precise-edit": frozenset({"num_images", "seed", "quality"}),
        "replace-background": _COMMON | {"magic_prompt"},
        "reframe": _COMMON | {"resolution"},
    }
)
MODE_TAKES_PROMPT = frozenset({"generate", "remix", "edit", "replace-background", "precise-edit"})


@dataclass(frozen=True)
class FormFields:
    """The text fields of one request, and the options left out because the mode does not take them."""

    fields: tuple[tuple[str, str], ...]
    ignored: tuple[str, ...] = ()


def form_fields(mode: str, prompt: str, options: dict[str, object]) -> FormFields:
    """The multipart text fields for ``mode``; options are sent as their text form."""
    allowed = MODE_FIELDS[mode]
    fields: list[tuple[str, str]] = []
    if mode in MODE_TAKES_PROMPT:
        fields.append(("prompt", prompt))
    ignored = []
    for name, value in options.items():
        if value is None:
            continue
        if name not in allowed:
            ignored.append(name)
            continue
        fields.append((name, str(value)))
    return FormFields(tuple(fields), tuple(sorted(ignored)))


@dataclass(frozen=True)
class ResultLinks:
    """The links to fetch, and how many results the safety check withheld."""

    urls: tuple[str, ...]
    withheld: int = 0


def parse_answer(body: object) -> ResultLinks:
    """The safe results' links; none safe is a block, an answer without ``data`` a bad response."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise BadResponseError(PROVIDER, "answered with something other than the documented result list.")
    urls: list[str] = []
    withheld = 0
    for item in body["data"]:
        if not isinstance(item, dict):
            continue
        url = item.get("url")
        if item.get("is_image_safe") is False or not url:
            withheld += 1
            continue
        urls.append(str(url))
    if urls:
        return ResultLinks(tuple(urls), withheld)
    if withheld:
        raise BlockedError(
            PROVIDER,
            "Ideogram's safety check withheld the result (is_image_safe: false). Change the prompt or the image.",
        )
    raise BadResponseError(PROVIDER, "answered with an empty result list; no image came back.")


def deprecation_notice(answer: Answer) -> str | None:
    """What an old endpoint says about itself: its ``notice``, else that its ``Deprecation`` header is set."""
    body = answer.json()
    notice = body.get("notice") if isinstance(body, dict) else None
    if isinstance(notice, str) and notice.strip():
        return shorten(notice)
    since = answer.headers.get("deprecation")
    if since:
        return f"this endpoint is deprecated (Deprecation: {shorten(since)})"
    return None


def said(answer: Answer) -> str:
    """The provider's own words from an error body (``error``, ``detail`` or ``message``), shortened."""
    body = answer.json()
    text = ""
    if isinstance(body, dict):
        for key in ("error", "detail", "message"):
            value = body.get(key)
            if isinstance(value, dict):
                value = value.get("message") or value.get("detail") or value.get("code")
            if isinstance(value, str | list) and value:
                text = str(value)
                break
    elif answer.content and not answer.content_type.startswith("text/html"):
        text = answer.content[:MAX_SAID].decode("utf-8", "replace")
    return shorten(text)


def classify(answer: Answer) -> ProviderError:
    """A failed answer as the app's error, each naming the fix."""
    status = answer.status
    words = said(answer) or f"HTTP {status}"
    if status == codes.PAYMENT_REQUIRED:
        if "daily" in words.lower():
            fix = "the daily spending limit is reached; raise it in Ideogram's API settings or wait until tomorrow."
        else:
            fix = "the account is out of credits; top up at https://ideogram.ai/manage-api."
        return QuotaError(PROVIDER, f"{fix} ({words})", status=status)
    return by_status(PROVIDER, status, words, RULES)


_AUTH = (AuthError, "the API key was rejected ({words}). " + KEY_FIX)
# 401 on most endpoints, 403 on remix: both mean the key.
RULES: StatusRules = MappingProxyType(
    {
        codes.UNAUTHORIZED: _AUTH,
        codes.FORBIDDEN: _AUTH,
        codes.REQUEST_ENTITY_TOO_LARGE: (TooLargeError, "the image is larger than Ideogram accepts (25 MB). ({words})"),
        codes.UNPROCESSABLE_ENTITY: (
            BlockedError,
            "Ideogram's safety check refused the prompt or image: {words}. Change it and try again.",
        ),
        codes.TOO_MANY_REQUESTS: (RateLimitError, "too many requests at once ({words})."),
    }
)
