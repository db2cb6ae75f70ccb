"""What the JSON providers added in issue 15 (BFL, OpenRouter, xAI) share: data URLs and error words.

- ``data_url`` is the crop, fitted to the provider's limits, as ``data:image/...;base64,...``.
- ``image_from_data_url`` takes an answered data URL only when it says it is PNG, JPEG or WebP and
  is base64: anything else (``text/html``, SVG, a bare string) is refused in plain words before any
  decoding; the bytes are then checked by ``providers.images`` like every other result.
- ``said`` reads the provider's own words from the error shapes these APIs use: ``{"error": {"message"}}``
  (OpenRouter, xAI), ``{"error": "..."}`` (xAI), ``{"detail": ...}`` (BFL's FastAPI answers).
- ``classify`` applies a provider's status table (``providers.error_rules``) to those words.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING

from core.errors import BadResponseError, ProviderError
from providers import fitting, images
from providers.error_rules import MAX_SAID, StatusRules, by_status, shorten

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx
    from PIL import Image

    from core.config import ProviderSettings
    from core.models import ProgressSink
    from providers.base import InputLimits
    from providers.http import Answer, HttpPolicy

IMAGE_DATA_PREFIXES = (
    "data:image/png;base64,",
    "data:image/jpeg;base64,",
    "data:image/jpg;base64,",
    "data:image/webp;base64,",
)


def data_url(
    image: Image.Image, limits: InputLimits, provider: str, png: fitting.PngEncoding = fitting.INTERNET_PNG
) -> tuple[str, tuple[int, int]]:
    """The image as a data URL within ``limits``, and the size actually sent (``png``: how a PNG is written)."""
    fitted = fitting.fit_image(image, limits, provider, png=png)
    return f"data:{fitted.mime};base64,{base64.b64encode(fitted.data).decode('ascii')}", fitted.size


def image_from_data_url(url: object, provider: str) -> bytes:
    """The bytes of an answered image data URL; a ``BadResponseError`` for any other kind of data."""
    if not isinstance(url, str) or not url.lower().startswith(IMAGE_DATA_PREFIXES):
        raise BadResponseError(provider, images.NOT_AN_IMAGE)
    return images.decode_base64(url, provider)


def said(answer: Answer) -> str:
    """The provider's own words from an error body, on one line and shortened."""
    body = answer.json()
    text = ""
    if isinstance(body, dict):
        for key in ("error", "detail", "message", "status"):
            value = body.get(key)
            if isinstance(value, dict):
                value = value.get("message") or value.get("code")
            if isinstance(value, list) and value:
                first = value[0]
                value = first.get("msg") if isinstance(first, dict) else str(first)
            if isinstance(value, str) and value:
                text = value
                break
    elif answer.content and not answer.content_type.startswith("text/html"):
        text = answer.content[:MAX_SAID].decode("utf-8", "replace")
    return shorten(text)


def classify(provider: str, answer: Answer, rules: StatusRules) -> ProviderError:
    """A failed answer as the app's error, by ``rules`` (5xx and the rest by ``error_rules``' fallbacks)."""
    return by_status(provider, answer.status, said(answer) or f"HTTP {answer.status}", rules)


async def post_json(
    client: httpx.AsyncClient,
    provider: str,
    url: str,
    body: object,
    *,
    key: str,
    settings: ProviderSettings,
    progress: ProgressSink,
    classify: Callable[[Answer], ProviderError],
    policy: HttpPolicy,
) -> Answer:
    """POST ``body`` as JSON with a Bearer key, through the shared HTTP policy (providers.http.send)."""
    import httpx

    from providers.http import send

    payload = json.dumps(body).encode("utf-8")

    def build() -> httpx.Request:
        # Only what the API needs: no attribution or tracking headers (privacy).
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        return httpx.Request("POST", url, content=payload, headers=headers)

    return await send(
        client, provider, build, settings, progress, classify, key_headers=("authorization",), policy=policy
    )
