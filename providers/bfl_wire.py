"""Black Forest Labs' wire format as pure functions: the body, the task, the poll answer, the errors.

From BFL's own reference (docs.bfl.ai / docs.bfl.ml, the ``api.bfl.ai/openapi.json`` it renders; read
2026-12-01): ``POST /v1/{model}`` with ``x-key``; FLUX.2 bodies take ``prompt``, ``input_image``
(base64 or a URL), ``seed``, ``width``/``height`` (at least 64; FLUX.2 sizes are multiples of 16),
``safety_tolerance`` 0-5 (default 2), ``output_format`` ``jpeg|png``; Kontext takes ``aspect_ratio``
(3:7 to 7:3, about 1 MP; its tolerance goes to 6, kept at 0-5 here) instead of a size. The answer is
``{id, polling_url, cost, input_mp, output_mp}``; ``GET polling_url`` answers ``{id, status, result,
progress}`` where status is one of ``Task not found``, ``Pending``, ``Request Moderated``, ``Content
Moderated``, ``Ready``, ``Error``; on Ready ``result.sample`` is a signed link valid for 10 minutes.
Errors are FastAPI's ``{"detail": ...}``: 422 validation (OpenAPI); BFL's help centre ("Why did my
request fail?", help.bfl.ai, updated 2026-06-12) adds 402 insufficient credits, 403 key without access,
429 over the concurrency limit, 500/503 worth a retry, and that both moderated statuses are not charged.
"""

from __future__ import annotations

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
    ServerError,
)
from providers import json_api, sizing
from providers.catalog.bfl import KONTEXT_RATIOS
from providers.error_rules import StatusRules, shorten
from providers.http import Answer
from providers.sizing import SizeRule

PROVIDER = "Black Forest Labs"
KEY_FIX = "Set a valid key with 'python main.py keys set bfl' or the BFL_API_KEY environment variable."
PASSED = ("seed", "safety_tolerance", "output_format")
RULES: StatusRules = MappingProxyType(
    {
        codes.UNAUTHORIZED: (AuthError, "the API key was rejected ({words}). " + KEY_FIX),
        codes.FORBIDDEN: (AuthError, "the API key was rejected ({words}). " + KEY_FIX),
        codes.PAYMENT_REQUIRED: (
            QuotaError,
            "the account is out of credits; add credits at dashboard.bfl.ai ({words}).",
        ),
        codes.TOO_MANY_REQUESTS: (RateLimitError, "too many tasks at once ({words})."),
    }
)


def classify(answer: Answer) -> ProviderError:
    return json_api.classify(PROVIDER, answer, RULES)


# How each family's answer relates to the crop (ADR 020): FLUX.2 answers the width and height asked
# (multiples of 16, at least 64 a side: a ratio of at most 4 and 16,384 pixels guarantee that), Kontext
# the listed ratio nearest to the crop. The crop is padded to that frame and the padding cut off again.
FLUX2_RULE = SizeRule("flux-2", multiple=16, max_ratio=4.0, min_pixels=16_384, max_pixels=4_000_000)
KONTEXT_RULE = SizeRule("flux-kontext", ratios=KONTEXT_RATIOS)


def size_rule(model: str) -> SizeRule:
    return KONTEXT_RULE if model.startswith("flux-kontext") else FLUX2_RULE


def body(
    model: str, prompt: str, image_b64: str | None, shape: str | None, options: dict[str, object]
) -> dict[str, object]:
    """The JSON body for ``model``; ``shape`` is the plan's ``WxH`` (FLUX.2) or ``W:H`` (Kontext)."""
    sent: dict[str, object] = {"prompt": prompt, "output_format": "png"}
    if image_b64 is not None:
        sent["input_image"] = image_b64
    if model.startswith("flux-kontext"):
        ratio = options.get("aspect_ratio") or shape
        if ratio:
            sent["aspect_ratio"] = ratio
    elif shape is not None:
        width, height = sizing.parse_shape(shape)
        sent["width"], sent["height"] = width, height
    sent.update({name: options[name] for name in PASSED if options.get(name) is not None})
    return sent


@dataclass(frozen=True)
class Task:
    id: str
    polling_url: str


def parse_task(payload: object) -> Task:
    if not isinstance(payload, dict) or not isinstance(payload.get("polling_url"), str) or not payload["polling_url"]:
        raise BadResponseError(PROVIDER, "answered without the documented polling_url; nothing to wait for.")
    return Task(str(payload.get("id", "")), payload["polling_url"])


@dataclass(frozen=True)
class Poll:
    """One poll answer: ``sample`` once ready, else the stage to show ("queued", "generating 40%")."""

    sample: str | None = None
    stage: str = "queued"


def parse_poll(payload: object) -> Poll:
    """A poll answer as the next step, or the app's error for a final status other than Ready."""
    if not isinstance(payload, dict):
        raise BadResponseError(PROVIDER, "answered the status check with something other than the documented object.")
    status = str(payload.get("status", ""))
    result = payload.get("result")
    if status == "Ready":
        sample = result.get("sample") if isinstance(result, dict) else None
        if not isinstance(sample, str) or not sample:
            raise BadResponseError(PROVIDER, "said the image is ready but gave no link to it.")
        return Poll(sample=sample)
    if status == "Request Moderated":
        raise BlockedError(PROVIDER, "BFL's moderation refused the prompt or the image before starting. Change them.")
    if status == "Content Moderated":
        raise BlockedError(PROVIDER, "BFL's moderation withheld the result it made. Change the prompt and try again.")
    if status == "Error":
        words = shorten(str(result)) if result else "no reason given"
        raise ServerError(PROVIDER, f"the task failed on BFL's side ({words}). Try again.")
    if status == "Task not found":
        raise BadResponseError(
            PROVIDER, "no longer knows the task (it expired or went to another region). Run it again."
        )
    progress = payload.get("progress")
    if isinstance(progress, int | float) and not isinstance(progress, bool) and progress > 0:
        return Poll(stage=f"generating {min(100, round(progress * 100 if progress <= 1 else progress))}%")
    # "Pending" (and any status this version does not know yet) means: keep waiting, within the deadline.
    return Poll(stage="queued" if status == "Pending" and progress is None else "generating")
