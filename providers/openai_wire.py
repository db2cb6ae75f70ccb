"""OpenAI's image API on the wire: request fields, answer parsing, and errors in plain words.

Kept apart from ``providers.openai`` so the mapping from the published contract (PROVIDERS.md,
``openai-images-subset.yaml``) can be read and tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from types import MappingProxyType
from typing import TypeGuard

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
from core.models import Usage
from providers.http import Answer
from providers.images import decode_base64

_SHARED_FIELDS = ("model", "n", "size", "quality", "complexity", "background", "output_format", "output_compression")
# Sent on the multipart edit as form fields; ``moderation`` is NOT one of them (generations only).
EDIT_FIELDS = (*_SHARED_FIELDS, "input_fidelity")
GENERATE_FIELDS = (*_SHARED_FIELDS, "moderation")
MAX_QUOTED = 300
MAX_PROMPT = 32_000


@dataclass(frozen=True)
class ResultItem:
    """One image of an answer: inline bytes, or a link to fetch (OpenAI-compatible servers)."""

    data: bytes | None = None
    url: str | None = None


def option_fields(
    options: Mapping[str, object], allowed: tuple[str, ...], model: str, refused: Collection[str] = ()
) -> dict[str, object]:
    """The options this endpoint takes, with the model; the rest are left out, never sent.

    So is what the model's family refuses (``input_fidelity`` on gpt-image-2+ answers 400).
    """
    fields: dict[str, object] = {"model": model}
    for name in allowed:
        if name == "model" or name in refused or options.get(name) is None:
            continue
        fields[name] = options[name]
    return fields


def form_text(fields: Mapping[str, object]) -> dict[str, str]:
    """Multipart fields are text: integers as digits, as the spec's examples show; booleans as ``true``/``false``."""
    return {name: _text(value) for name, value in fields.items()}


def _text(value: object) -> str:
    if isinstance(value, bool):
        # str(True) is "True", which a JSON-schema boolean (the stand-in, OpenAI's parser) does not read.
        return "true" if value else "false"
    return str(value)


def parse_answer(answer: Answer, provider: str) -> tuple[list[ResultItem], Usage | None]:
    """The images and the ``usage`` of a JSON answer, its body parsed once (it may be 100 MB of base64)."""
    body = answer.json()
    return parse_items(answer, provider, body), usage_of(body)


def parse_items(answer: Answer, provider: str, body: object = None) -> list[ResultItem]:
    """``{"data": [{"b64_json": ...} | {"url": ...}]}`` as items, or ``BadResponseError``."""
    body = answer.json() if body is None else body
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list) or not data:
        raise BadResponseError(provider, "answered without any image. Try again; check the base_url if it repeats.")
    items: list[ResultItem] = []
    for entry in data:
        if isinstance(entry, dict) and entry.get("b64_json"):
            items.append(ResultItem(data=decode_base64(entry["b64_json"], provider)))
        elif isinstance(entry, dict) and isinstance(entry.get("url"), str) and entry["url"]:
            items.append(ResultItem(url=entry["url"]))
        else:
            raise BadResponseError(provider, "answered with an entry that holds no image.")
    return items


def usage_of(body: object) -> Usage | None:
    """An answer's (or a completed event's) ``usage`` as ``Usage``; None when absent or not numbers.

    ``ImagesUsage``/``ImageGenUsage`` (openai-images.yaml): ``input_tokens_details`` has
    ``text_tokens`` and ``image_tokens``; ``output_tokens`` are image tokens unless the optional
    ``output_tokens_details`` splits them into ``image_tokens`` and ``text_tokens``.
    """
    usage = body.get("usage") if isinstance(body, dict) else None
    if not isinstance(usage, dict):
        return None
    given = usage.get("input_tokens_details")
    split = usage.get("output_tokens_details")
    inputs = given if isinstance(given, dict) else {}
    outputs = split if isinstance(split, dict) else {"image_tokens": usage.get("output_tokens")}
    text_in, image_in = inputs.get("text_tokens"), inputs.get("image_tokens")
    image_out, text_out = outputs.get("image_tokens"), outputs.get("text_tokens", 0)
    if not (_count(text_in) and _count(image_in) and _count(image_out) and _count(text_out)):
        return None
    return Usage(text_in, image_in, image_out, text_out)


def _count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _error_fields(answer: Answer) -> tuple[str, str, str]:
    body = answer.json()
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return "", "", ""
    return (str(error.get("code") or ""), str(error.get("type") or ""), str(error.get("message") or ""))


def _quoted(message: str, key: str) -> str:
    """The server's own words, shortened, with the key blanked out should a server echo it."""
    if key:
        message = message.replace(key, "***")
    message = " ".join(message.split())
    return message[:MAX_QUOTED] + ("..." if len(message) > MAX_QUOTED else "")


@dataclass(frozen=True)
class _Failure:
    """What one error answer said, with what the messages need."""

    provider: str
    provider_id: str
    model: str
    status: int
    code: str
    said: str


def _bad_request(f: _Failure) -> ProviderError:
    if f.code == "moderation_blocked" or "safety system" in f.said.lower():
        return BlockedError(
            f.provider,
            "the safety system blocked this request. Change the prompt or the image and try again.",
            status=f.status,
        )
    return BadRequestError(f.provider, f"the request was refused{f.said}. Check the options given.", status=f.status)


def _unauthorized(f: _Failure) -> ProviderError:
    # The server's words are not quoted: OpenAI's 401 message repeats part of the key.
    return AuthError(
        f.provider,
        f"the API key was rejected. Set a valid key with 'python main.py keys set {f.provider_id}'.",
        status=f.status,
    )


def _forbidden(f: _Failure) -> ProviderError:
    return AuthError(
        f.provider,
        f"this key may not use {f.model}: the organization may need to be verified "
        f"(platform.openai.com, Settings > Organization > General), or pick another model{f.said}.",
        status=f.status,
    )


def _not_found(f: _Failure) -> ProviderError:
    return BadRequestError(
        f.provider,
        f"the endpoint or the model {f.model} was not found. Check base_url and model in the settings file{f.said}.",
        status=f.status,
    )


def _too_large(f: _Failure) -> ProviderError:
    return TooLargeError(f.provider, "the image was too large to send. Select a smaller region.", status=f.status)


def _too_many(f: _Failure) -> ProviderError:
    if f.code == "insufficient_quota":
        return QuotaError(
            f.provider,
            "the account is out of credits or over its quota. Add credits in the billing settings "
            "(platform.openai.com, Settings > Billing); retrying will not help.",
            status=f.status,
        )
    return RateLimitError(f.provider, "too many requests right now (rate limited). Wait a minute and try again.")


BY_STATUS: Mapping[int, Callable[[_Failure], ProviderError]] = MappingProxyType(
    {
        HTTPStatus.BAD_REQUEST: _bad_request,
        HTTPStatus.UNAUTHORIZED: _unauthorized,
        HTTPStatus.FORBIDDEN: _forbidden,
        HTTPStatus.NOT_FOUND: _not_found,
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE: _too_large,
        HTTPStatus.TOO_MANY_REQUESTS: _too_many,
    }
)


def classify(answer: Answer, *, provider: str, provider_id: str, model: str, key: str) -> ProviderError:
    """An error answer as the matching ``core.errors`` type, with the fix in plain words."""
    code, kind, message = _error_fields(answer)
    said = f" ({_quoted(message, key)})" if message else ""
    failure = _Failure(provider, provider_id, model, answer.status, code or kind, said)
    handler = BY_STATUS.get(answer.status)
    if handler is not None:
        return handler(failure)
    if answer.status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        return ServerError(
            provider,
            f"the service failed on its side (HTTP {answer.status}). Try again in a few minutes.",
            status=answer.status,
        )
    return BadRequestError(
        provider,
        f"the request was refused (HTTP {answer.status}){said}. Check the options given.",
        status=answer.status,
    )
