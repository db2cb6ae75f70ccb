"""xAI Grok Imagine: ``POST {base}/v1/images/edits``, JSON only, the crop as a data URL (issue 15).

Confirmed in xAI's own documentation (docs.x.ai/developers/model-capabilities/images, read
2026-12-01): edits take a public URL or a base64 data URI; ``Authorization: Bearer``; at most 10
images per request; answered URLs are temporary (so they are fetched at once, without the key, within
the job's deadline); ``grok-imagine-image`` is the model named there, at 1K and 2K. The edit request
schema (mirrored from xAI's API reference, withone.ai's copy, read 2026-12-01): ``prompt`` required,
``image: {url}`` (or ``images[]``), ``model``, ``n``, ``aspect_ratio`` (list in the catalog),
``response_format`` ``url`` (default) or ``b64_json`` answered as ``data[].url`` / ``data[].b64_json``;
``size`` and ``style`` are not supported. Not confirmed from xAI itself: the error bodies (taken as
OpenAI-like ``{"error": ...}`` or ``{"code", "error"}``, read through ``providers.json_api.said``) and
whether ``grok-imagine-image-pro`` exists (named by Vercel's gateway, not seen in xAI's pages, so
not listed), and any fixed output sizes (none published: the answer's shape is taken as it comes).
"""

from __future__ import annotations

import logging
from types import MappingProxyType
from typing import TYPE_CHECKING

import httpx
from httpx import codes

from core.errors import AuthError, BadResponseError, BlockedError, InputError, ProviderError, QuotaError, RateLimitError
from core.models import EditRequest, EditResult
from providers import images, json_api, painted, uplink
from providers.catalog.xai import INFO
from providers.error_rules import StatusRules
from providers.http import Answer, HttpPolicy, download

if TYPE_CHECKING:
    from core.config import ProviderSettings
    from core.models import ProgressSink

log = logging.getLogger(__name__)

PROVIDER = INFO.display_name
KEY_FIX = "Set a valid key with 'python main.py keys set xai' or the XAI_API_KEY environment variable."
PASSED = ("n", "aspect_ratio", "resolution", "response_format")
RULES: StatusRules = MappingProxyType(
    {
        codes.UNAUTHORIZED: (AuthError, "the API key was rejected ({words}). " + KEY_FIX),
        codes.FORBIDDEN: (AuthError, "the key may not use this (credits or permission: {words}). " + KEY_FIX),
        codes.PAYMENT_REQUIRED: (QuotaError, "the account is out of credits; top up at console.x.ai ({words})."),
        codes.TOO_MANY_REQUESTS: (RateLimitError, "too many requests at once ({words})."),
    }
)


def classify(answer: Answer) -> ProviderError:
    words = json_api.said(answer)
    if answer.status in {codes.BAD_REQUEST, codes.UNPROCESSABLE_ENTITY} and "moderat" in words.lower():
        return BlockedError(PROVIDER, f"xAI's content check refused it: {words}. Change the prompt or the image.")
    return json_api.classify(PROVIDER, answer, RULES)


def results(body: object) -> tuple[list[str], list[str]]:
    """The answer's result links and base64 images, or ``BadResponseError`` for any other shape."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list) or not data:
        raise BadResponseError(PROVIDER, "answered without the documented result list; no image came back.")
    urls = [str(item["url"]) for item in data if isinstance(item, dict) and item.get("url")]
    blobs = [str(item["b64_json"]) for item in data if isinstance(item, dict) and item.get("b64_json")]
    if not urls and not blobs:
        raise BadResponseError(PROVIDER, "answered with an empty result list; no image came back.")
    return urls, blobs


class XaiProvider:
    """xAI over the app's shared HTTP client."""

    def __init__(self, settings: ProviderSettings, client: httpx.AsyncClient, policy: HttpPolicy | None = None) -> None:
        self.info = INFO
        self.settings = settings
        self.client = client
        self.policy = policy or HttpPolicy()

    def body(self, request: EditRequest) -> dict[str, object]:
        if request.mode != "edit":
            raise InputError(f"xAI has no mode '{request.mode}' (modes: {', '.join(INFO.mode_ids)}).")
        if request.image is None:
            raise InputError("xAI's edit mode needs an image.")
        if not request.prompt.strip():
            raise InputError("xAI's edit mode needs a prompt.")
        url, size = json_api.data_url(
            request.image, INFO.limits, PROVIDER, png=uplink.png_encoding(self.settings.base_url)
        )
        log.info("xai: edit %dx%d (%d characters of data URL)", *size, len(url))
        options = {**self.settings.options, **request.options}
        body: dict[str, object] = {
            "model": self.settings.model or INFO.default_model,
            "prompt": request.prompt,
            "image": {"url": url},
        }
        body.update({name: options[name] for name in PASSED if options.get(name) is not None})
        return body

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        # /v1/images/edits takes prompt, image and shape fields only, no mask (docs.x.ai; ADR 033).
        painted.check_marks(INFO, request)
        answer = await json_api.post_json(
            self.client, PROVIDER, f"{self.settings.base_url.rstrip('/')}/v1/images/edits", self.body(request),
            key=key, settings=self.settings, progress=progress, classify=classify, policy=self.policy,
        )  # fmt: skip
        links, encoded = results(answer.json())
        notes: list[str] = []
        asked = {**self.settings.options, **request.options}.get("n")
        blobs = [images.decode_base64(text, PROVIDER) for text in images.keep_asked(encoded, asked, PROVIDER, notes)]
        # xAI's links are temporary: fetched now, with no key, within the job's deadline.
        wanted = images.keep_asked(links, asked, PROVIDER, notes) if not blobs else []
        blobs += [
            await download(
                self.client, PROVIDER, link, self.settings, progress, policy=self.policy, deadline=answer.deadline
            )
            for link in wanted
        ]
        decoded = images.decode_checked(blobs, PROVIDER)
        return EditResult(
            provider_id=INFO.id,
            images=decoded.images,
            encoded=decoded.pngs,
            model=self.settings.model or INFO.default_model or "",
            notes=tuple(notes),
        )


def create(settings: ProviderSettings, client: httpx.AsyncClient) -> XaiProvider:
    return XaiProvider(settings, client)
