"""What OpenRouter offers for images: ``GET {base}/api/v1/models``, keeping models whose output includes "image".

OpenRouter's models API (openrouter.ai/docs, models guide and SDK ``Architecture`` type, read
2026-12-01) lists ``data[]`` with ``id``, ``name`` and ``architecture.input_modalities`` /
``output_modalities``. The list needs no key, but the key is sent when set, as the docs show; the
filter is applied here even though ``?output_modalities=image`` asks the server for it, so a server
that ignores the parameter cannot fill the menu with text models.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import httpx

from core.errors import BadResponseError
from core.model_list import ListedModel
from core.models import ignore_progress
from providers.http import send
from providers.openrouter import PROVIDER, classify

if TYPE_CHECKING:
    from core.config import ProviderSettings

log = logging.getLogger(__name__)

LIST_TIMEOUT = 20.0


def parse_models(body: object) -> tuple[ListedModel, ...]:
    """The image-output models of ``{"data": [{"id", "name", "architecture": {...}}]}``, sorted by id."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise BadResponseError(PROVIDER, "answered the model list without a 'data' list.")
    found = []
    for entry in data:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        architecture = entry.get("architecture")
        outputs = architecture.get("output_modalities") if isinstance(architecture, dict) else None
        if isinstance(outputs, list) and "image" in outputs:
            inputs = architecture.get("input_modalities") if isinstance(architecture, dict) else None
            edits = isinstance(inputs, list) and "image" in inputs
            name = str(entry.get("name") or "")
            found.append(ListedModel(entry["id"], label=f"{name} (edits images)" if edits else name))
    return tuple(sorted(found, key=lambda model: model.id))


async def list_models(client: httpx.AsyncClient, settings: ProviderSettings, key: str) -> tuple[ListedModel, ...]:
    """The image models OpenRouter offers; a ``core.errors`` error when it cannot say."""
    url = f"{settings.base_url.rstrip('/')}/api/v1/models"
    headers = {"Authorization": f"Bearer {key}"} if key else {}

    def build() -> httpx.Request:
        return httpx.Request("GET", url, params={"output_modalities": "image"}, headers=headers)

    bounded = replace(settings, timeout=min(settings.timeout, LIST_TIMEOUT))
    answer = await send(client, PROVIDER, build, bounded, ignore_progress, classify, key_headers=("authorization",))
    models = parse_models(answer.json())
    log.info("openrouter: %d image models listed", len(models))
    return models
