"""Gemini's ``generateContent`` wire format as pure functions: the body, the answer, the errors.

Kept apart from the HTTP flow so each rule (where the image is, what a block looks like, which 429
is a quota) is tested on plain dictionaries as well as over a loopback server.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from types import MappingProxyType

from httpx import codes

from core.errors import (
    AuthError,
    BadRequestError,
    BadResponseError,
    BlockedError,
    ProviderError,
    QuotaError,
    RateLimitError,
    ServerError,
    TooLargeError,
)
from providers.http import Answer
from providers.images import decode_base64
from providers.retry import retry_info_delay

PROVIDER = "Google Gemini"
KEY_FIX = "Set a valid key with 'python main.py keys set google' or the GEMINI_API_KEY environment variable."
RPC = "type.googleapis.com/google.rpc."
MAX_NOTE = 300

# What each finishReason / blockReason means, in words a person can act on.
REASONS = MappingProxyType(
    {
        "IMAGE_SAFETY": "Google's safety filters blocked the generated image",
        "IMAGE_PROHIBITED_CONTENT": "Google blocked the generated image as prohibited content",
        "PROHIBITED_CONTENT": "Google blocked the request as prohibited content",
        "SAFETY": "Google's safety filters blocked the request",
        "BLOCKLIST": "the prompt contains a term Google blocks",
        "SPII": "the request seems to contain sensitive personal information, which Google blocks",
        "RECITATION": "the result was too close to existing material, which Google blocks",
        "IMAGE_RECITATION": "the generated image was too close to existing material, which Google blocks",
        "NO_IMAGE": "the model did not produce an image for this prompt",
        "IMAGE_OTHER": "the model could not produce an image",
        "MAX_TOKENS": "the answer was cut off before an image was produced",
        "STOP": "the model answered with text only",
        "OTHER": "Google stopped the request for an unspecified reason",
    }
)


@dataclass(frozen=True)
class FoundImages:
    """The image bytes of an answer, and the model's own words (if any) for the person to read."""

    images: tuple[bytes, ...]
    notes: tuple[str, ...] = ()


def build_body(
    prompt: str,
    inline: tuple[str, str] | None,
    *,
    aspect_ratio: str | None,
    image_size: str | None,
    thinking_level: str | None = None,
    mask: tuple[str, str] | None = None,
    mask_instruction: str = "",
) -> dict[str, object]:
    """The documented request: text part, then the image as ``inline_data`` (mime type, base64).

    Gemini has no mask field: a painted mask (issue 13) follows as a second image, then the words that
    say what it means (``providers.painted.MASK_INSTRUCTION``).
    """
    parts: list[dict[str, object]] = [{"text": prompt}]
    for blob in (inline, mask):
        if blob is not None:
            mime_type, data = blob
            parts.append({"inline_data": {"mime_type": mime_type, "data": data}})
    if mask is not None and mask_instruction:
        parts.append({"text": mask_instruction})
    image_config: dict[str, str] = {}
    if aspect_ratio:
        image_config["aspectRatio"] = aspect_ratio
    if image_size:
        image_config["imageSize"] = image_size
    config: dict[str, object] = {"responseModalities": ["TEXT", "IMAGE"]}
    if image_config:
        config["imageConfig"] = image_config
    if thinking_level:
        # nano-banana-2.1: "minimal" is the speed setting, "medium" the default (PROVIDERS.md). Sent as
        # the enum's own name (ThinkingConfig.ThinkingLevel: MINIMAL, LOW, MEDIUM, HIGH in Google's
        # API reference), the form proto-JSON always accepts.
        config["thinkingConfig"] = {"thinkingLevel": thinking_level.upper()}
    return {"contents": [{"role": "user", "parts": parts}], "generationConfig": config}


def _dict(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def parse_answer(body: object, provider: str = PROVIDER) -> FoundImages:
    """Every final image part of the first candidate; a 200 without one is a block, said in words."""
    if not isinstance(body, dict):
        raise BadResponseError(provider, "answered with something that is not JSON; no image came back.")
    candidates = _list(body.get("candidates"))
    first = _dict(candidates[0]) if candidates else {}
    found: list[bytes] = []
    notes: list[str] = []
    for raw in _list(_dict(first.get("content")).get("parts")):
        part = _dict(raw)
        inline = _dict(part.get("inlineData") or part.get("inline_data"))
        if part.get("thought") is True:
            # Gemini 3 may show its "thinking" drafts; only the final image is the answer.
            continue
        if inline:
            mime = str(inline.get("mimeType") or inline.get("mime_type") or "")
            if mime and not mime.startswith("image/"):
                continue
            found.append(decode_base64(inline.get("data"), provider))
        elif str(part.get("text") or "").strip():
            notes.append(_short(str(part["text"])))
    if found:
        return FoundImages(tuple(found), tuple(notes))
    raise BlockedError(provider, block_message(body, first, notes))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_NOTE else text[: MAX_NOTE - 1] + "…"


def block_message(body: dict[str, object], candidate: dict[str, object], notes: list[str]) -> str:
    """Why no image came back: the prompt's block reason, else the candidate's finish reason."""
    feedback = _dict(body.get("promptFeedback"))
    code = str(feedback.get("blockReason") or "")
    if not code:
        code = str(candidate.get("finishReason") or "") if candidate else ""
    if not candidate and not code:
        return "no image came back (the answer had no candidates). Try again or change the prompt."
    reason = REASONS.get(code, "no image came back")
    message = f"no image came back: {reason}"
    message += f" (reason {code})." if code else "."
    said = notes[0] if notes else str(candidate.get("finishMessage") or "")
    if said:
        message += f" The model said: “{_short(said)}”"
    return message + " Change the prompt or the image and try again."


def _error(body: object) -> dict[str, object]:
    return _dict(_dict(body).get("error"))


def _details(error: dict[str, object], kind: str) -> list[dict[str, object]]:
    return [_dict(d) for d in _list(error.get("details")) if str(_dict(d).get("@type", "")) == RPC + kind]


def _reasons(error: dict[str, object]) -> set[str]:
    return {str(d.get("reason", "")) for d in _details(error, "ErrorInfo")}


def is_quota_exhausted(error: dict[str, object]) -> bool:
    """A daily or zero quota cannot recover within a retry; a per-minute rate limit can."""
    for failure in _details(error, "QuotaFailure"):
        for raw in _list(failure.get("violations")):
            violation = _dict(raw)
            quota_id = str(violation.get("quotaId", ""))
            if "PerDay" in quota_id or str(violation.get("quotaValue", "")) == "0":
                return True
    message = str(error.get("message", "")).lower()
    return "billing" in message and "quota" in message and not _details(error, "RetryInfo")


def classify(answer: Answer, *, model: str, known_models: Collection[str]) -> ProviderError:
    """A failed answer as the app's error, each naming the fix."""
    body = answer.json()
    error = _error(body)
    status = answer.status
    rpc_status = str(error.get("status", ""))
    said = _short(str(error.get("message") or "")) or f"HTTP {status}"
    if status == codes.TOO_MANY_REQUESTS:
        if is_quota_exhausted(error):
            return QuotaError(
                PROVIDER,
                f"the key's quota is used up ({said}). Wait for it to reset or enable billing for the project.",
                status=status,
            )
        return RateLimitError(
            PROVIDER, f"too many requests ({said}).", status=status, retry_after=retry_info_delay(body)
        )
    if status >= codes.INTERNAL_SERVER_ERROR:
        return ServerError(
            PROVIDER,
            f"Google's servers failed ({status} {rpc_status}: {said}). Try again later.",
            status=status,
            retry_after=retry_info_delay(body),
        )
    return _refused(error, status, said, model, known_models)


def _refused(
    error: dict[str, object], status: int, said: str, model: str, known_models: Collection[str]
) -> ProviderError:
    """A 4xx other than 429: the request itself was not accepted."""
    rpc_status = str(error.get("status", "")) or str(status)
    if "API_KEY_INVALID" in _reasons(error) or status == codes.UNAUTHORIZED:
        return AuthError(PROVIDER, f"the API key was rejected ({said}). {KEY_FIX}", status=status)
    if status == codes.FORBIDDEN:
        return AuthError(
            PROVIDER,
            f"the key is not allowed to do this ({rpc_status}: {said}). Check that the Generative Language "
            f"API is enabled for the key's project and the key is not restricted. {KEY_FIX}",
            status=status,
        )
    if status == codes.NOT_FOUND:
        return BadRequestError(
            PROVIDER,
            f"the model '{model}' was not found. Known image models: {', '.join(known_models)}. "
            "Set providers.google.model in the settings file or pass --option model=NAME.",
            status=status,
        )
    if status == codes.REQUEST_ENTITY_TOO_LARGE or "payload size exceeds" in said.lower():
        return TooLargeError(PROVIDER, f"the request is larger than Google accepts (20 MB): {said}", status=status)
    return BadRequestError(PROVIDER, f"the request was refused ({rpc_status}: {said}).", status=status)
