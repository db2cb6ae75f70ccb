"""Google Gemini image models through ``models/{model}:generateContent``.

The request is JSON: the prompt as a text part and, for ``edit``, the crop as an ``inline_data`` part
(base64). The key goes in the ``x-goog-api-key`` header, never in the URL, where proxies and logs
would keep it. Gemini reports a safety block as a 200 without an image part, so the answer is read
for ``finishReason`` / ``promptFeedback.blockReason`` and turned into a ``BlockedError``.
Wire format and error mapping: ``providers.google_wire``.
"""

from __future__ import annotations

import base64
import logging
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx

from core.errors import ConfigError
from core.models import EditRequest, EditResult
from providers import fitting, images
from providers.catalog.google import ASPECT_RATIOS, INFO
from providers.google_wire import build_body, classify, parse_answer
from providers.http import HttpPolicy, send

if TYPE_CHECKING:
    from core.config import ProviderSettings
    from core.models import ProgressSink

log = logging.getLogger(__name__)

KEY_HEADER = "x-goog-api-key"


def generate_url(base_url: str, model: str) -> str:
    """``{base}/models/{model}:generateContent``; a ``models/`` prefix in the name is tolerated."""
    name = model.strip().removeprefix("models/")
    return f"{base_url.rstrip('/')}/models/{quote(name, safe='.-_')}:generateContent"


class GoogleProvider:
    """Gemini image generation and editing over the app's shared HTTP client."""

    def __init__(self, settings: ProviderSettings, client: httpx.AsyncClient, policy: HttpPolicy | None = None) -> None:
        self.info = INFO
        self.settings = settings
        self.client = client
        self.policy = policy or HttpPolicy()

    def model_for(self, options: dict[str, object]) -> str:
        chosen = options.get("model") or self.settings.model or INFO.default_model
        if not isinstance(chosen, str) or not chosen.strip():
            message = "no Gemini model is set; name one such as gemini-2.5-flash-image"
            raise ConfigError(message, key="providers.google.model")
        return chosen.strip()

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        options = {**self.settings.options, **request.options}
        model = self.model_for(options)
        aspect = options.get("aspectRatio")
        inline: tuple[str, str] | None = None
        if request.image is not None:
            if aspect is None:
                aspect = fitting.nearest_aspect_ratio(*request.image.size, ASPECT_RATIOS)
            if request.mode == "edit":
                fitted = fitting.fit_image(request.image, INFO.limits, INFO.display_name)
                inline = (fitted.mime, base64.b64encode(fitted.data).decode("ascii"))
        body = build_body(
            request.prompt,
            inline,
            aspect_ratio=str(aspect) if aspect else None,
            image_size=str(options["imageSize"]) if options.get("imageSize") else None,
        )
        url = generate_url(self.settings.base_url, model)

        def build() -> httpx.Request:
            return httpx.Request("POST", url, json=body, headers={KEY_HEADER: key})

        log.info("google: %s with %s (aspect %s)", request.mode, model, aspect or "model default")
        answer = await send(
            self.client,
            INFO.display_name,
            build,
            self.settings,
            progress,
            lambda failed: classify(failed, model=model, known_models=INFO.models),
            key_headers=(KEY_HEADER,),
            policy=self.policy,
        )
        found = parse_answer(answer.json(), INFO.display_name)
        notes = list(found.notes)
        # Gemini draws one image per request; a longer list is kept to it, as with OpenAI's n (issue 16).
        kept = images.keep_asked(found.images, 1, INFO.display_name, notes)
        pictures = images.decode_all(kept, INFO.display_name)
        return EditResult(provider_id=INFO.id, images=pictures, model=model, notes=tuple(notes))


def create(settings: ProviderSettings, client: httpx.AsyncClient) -> GoogleProvider:
    return GoogleProvider(settings, client)
