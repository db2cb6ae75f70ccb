"""OpenRouter: ``POST {base}/api/v1/chat/completions`` asking for an image back (issue 15).

Confirmed in OpenRouter's own documentation (openrouter.ai/docs, image-generation guide and
errors page, read 2026-12-01): image models are those with "image" in ``output_modalities``; the
request sets ``modalities`` to ``["image", "text"]`` for models that answer both (Gemini, GPT) and to
``["image"]`` for image-only ones (FLUX, Sourceful), so ``modalities_for`` picks by model family;
``image_config`` takes ``aspect_ratio`` (1:1 ... 21:9) and, on Gemini, ``image_size`` ``1K|2K|4K``;
the images come back as base64 data URLs in ``choices[0].message.images[].image_url.url``. Errors are
``{"error": {"code", "message", "metadata"}}`` with the same HTTP status: 400 bad request, 401 bad
key, 402 out of credits, 403 input flagged by moderation, 408 timeout, 429 rate limit, 502 model
down, 503 no provider; once a model has started, an error comes as a 200 with that ``error`` body.
The attribution headers (``HTTP-Referer``, ``X-Title``) are optional and never sent: a person's use
is nobody's leaderboard. The crop goes as an ``image_url`` content part holding a data URL. Not
confirmed in the docs: which models honour an input image (the live list's ``input_modalities`` says).
"""

from __future__ import annotations

import logging
from types import MappingProxyType
from typing import TYPE_CHECKING

import httpx
from httpx import codes

from core.errors import (
    AuthError,
    BadResponseError,
    BlockedError,
    InputError,
    ProviderError,
    ProviderTimeoutError,
    QuotaError,
    RateLimitError,
    ServerError,
)
from core.models import EditRequest, EditResult
from providers import fitting, images, json_api, painted, uplink
from providers.catalog.openrouter import ASPECT_RATIOS, INFO
from providers.error_rules import StatusRules, shorten
from providers.http import Answer, HttpPolicy

if TYPE_CHECKING:
    from core.config import ProviderSettings
    from core.models import ProgressSink

log = logging.getLogger(__name__)

PROVIDER = INFO.display_name
KEY_FIX = "Set a valid key with 'python main.py keys set openrouter' or the OPENROUTER_API_KEY environment variable."
# Image-only model families (OpenRouter's guide names FLUX and Sourceful): they take ["image"].
IMAGE_ONLY_PREFIXES = ("black-forest-labs/", "sourceful/")
RULES: StatusRules = MappingProxyType(
    {
        codes.UNAUTHORIZED: (AuthError, "the API key was rejected ({words}). " + KEY_FIX),
        codes.PAYMENT_REQUIRED: (
            QuotaError,
            "the account or key is out of credits; add credits at openrouter.ai/settings/credits ({words}).",
        ),
        codes.FORBIDDEN: (BlockedError, "the model's moderation flagged the prompt or image: {words}. Change it."),
        codes.REQUEST_TIMEOUT: (ProviderTimeoutError, "the model did not answer in time ({words}). Try again."),
        codes.TOO_MANY_REQUESTS: (RateLimitError, "too many requests at once ({words})."),
        codes.BAD_GATEWAY: (
            ServerError,
            "the model is down or answered nonsense ({words}). Try again or pick another.",
        ),
        codes.SERVICE_UNAVAILABLE: (ServerError, "no provider can serve this model now ({words}). Try again later."),
    }
)


def classify(answer: Answer) -> ProviderError:
    return json_api.classify(PROVIDER, answer, RULES)


def modalities_for(model: str) -> list[str]:
    return ["image"] if model.startswith(IMAGE_ONLY_PREFIXES) else ["image", "text"]


def image_urls(body: object) -> list[object]:
    """The answered images' data URLs; an error in a 200 or a refusal in the app's words."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        status = error.get("code") if isinstance(error.get("code"), int) else 500
        words = shorten(str(error.get("message") or "no reason given"))
        kind, template = RULES.get(status, (ServerError, "the model failed while answering ({words}). Try again."))
        raise kind(PROVIDER, template.format(words=words), status=status)
    choices = body.get("choices") if isinstance(body, dict) else None
    first = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], dict) else None
    message = first.get("message") if first else None
    if not isinstance(message, dict):
        raise BadResponseError(PROVIDER, "answered without the documented choices[0].message; no image came back.")
    found = message.get("images")
    parts = found if isinstance(found, list) else []
    urls = [
        part["image_url"].get("url")
        for part in parts
        if isinstance(part, dict) and isinstance(part.get("image_url"), dict)
    ]
    if urls:
        return urls
    said = shorten(str(message.get("content") or "")) or "no words either"
    if first and first.get("finish_reason") == "content_filter":
        raise BlockedError(PROVIDER, f"the model's safety filter withheld the image ({said}). Change the prompt.")
    raise BadResponseError(PROVIDER, f"answered without an image ({said}). Try again, or pick an image model.")


class OpenRouterProvider:
    """OpenRouter over the app's shared HTTP client."""

    def __init__(self, settings: ProviderSettings, client: httpx.AsyncClient, policy: HttpPolicy | None = None) -> None:
        self.info = INFO
        self.settings = settings
        self.client = client
        self.policy = policy or HttpPolicy()

    @property
    def model(self) -> str:
        return self.settings.model or INFO.default_model or ""

    def body(self, request: EditRequest) -> dict[str, object]:
        if request.mode not in INFO.mode_ids:
            raise InputError(f"OpenRouter has no mode '{request.mode}' (modes: {', '.join(INFO.mode_ids)}).")
        if not request.prompt.strip():
            raise InputError(f"OpenRouter's {request.mode} mode needs a prompt.")
        content: list[dict[str, object]] = [{"type": "text", "text": request.prompt}]
        options = {**self.settings.options, **request.options}
        config: dict[str, object] = {}
        if request.mode == "edit":
            if request.image is None:
                raise InputError("OpenRouter's edit mode needs an image.")
            url, size = json_api.data_url(
                request.image, INFO.limits, PROVIDER, png=uplink.png_encoding(self.settings.base_url)
            )
            log.info("openrouter: edit %dx%d with %s", *size, self.model)
            content.append({"type": "image_url", "image_url": {"url": url}})
        if request.image is not None:
            config["aspect_ratio"] = fitting.nearest_aspect_ratio(*request.image.size, ASPECT_RATIOS)
        config.update({name: options[name] for name in ("aspect_ratio", "image_size") if options.get(name)})
        body: dict[str, object] = {
            "model": self.model,
            "messages": [{"role": "user", "content": content}],
            "modalities": modalities_for(self.model),
        }
        if config:
            body["image_config"] = config
        return body

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        # Chat completions have no mask field, and models differ in how they read a second image (ADR 033).
        painted.check_marks(INFO, request)
        answer = await json_api.post_json(
            self.client, PROVIDER, f"{self.settings.base_url.rstrip('/')}/api/v1/chat/completions", self.body(request),
            key=key, settings=self.settings, progress=progress, classify=classify, policy=self.policy,
        )  # fmt: skip
        notes: list[str] = []
        urls = images.keep_asked(image_urls(answer.json()), 1, PROVIDER, notes)
        blobs = [json_api.image_from_data_url(item, PROVIDER) for item in urls]
        decoded = images.decode_checked(blobs, PROVIDER)
        return EditResult(INFO.id, decoded.images, model=self.model, notes=tuple(notes), encoded=decoded.pngs)


def create(settings: ProviderSettings, client: httpx.AsyncClient) -> OpenRouterProvider:
    return OpenRouterProvider(settings, client)
