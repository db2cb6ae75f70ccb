"""What an OpenAI key can use: ``GET /v1/models``, keeping the image models and their ``shutdown_date``.

OpenAI's deprecations page asks clients to watch ``shutdown_date`` (``YYYY-MM-DD`` or null) on this
list; openai 3.51.0 ``types/model.py`` declares it. The list is free (no image is billed), so it is
also asked after a 404 ``model_not_found``, to name the models the key can use instead.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import httpx

from core.errors import BadRequestError, BadResponseError, ProviderError
from core.model_list import ListedModel
from core.models import ignore_progress
from providers import openai_wire
from providers.http import Answer, HttpPolicy, send

if TYPE_CHECKING:
    from core.config import ProviderSettings

log = logging.getLogger(__name__)

LIST_TIMEOUT = 20.0
# Image models by name: OpenAI's list has no capability field, and every image id so far has one
# of these shapes (gpt-image-*, chatgpt-image-*, dall-e-*).
IMAGE_MARKERS = ("image", "dall-e")


def is_image_model(model_id: str) -> bool:
    return any(marker in model_id for marker in IMAGE_MARKERS)


def parse_models(body: object, provider: str, *, images_only: bool = True) -> tuple[ListedModel, ...]:
    """``{"object": "list", "data": [{"id", "shutdown_date"?}, ...]}`` as listed models, sorted by id."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise BadResponseError(provider, "answered the model list without a 'data' list.")
    found = []
    for entry in data:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        shutdown = entry.get("shutdown_date")
        found.append(ListedModel(entry["id"], shutdown if isinstance(shutdown, str) and shutdown else None))
    images = [model for model in found if is_image_model(model.id)]
    # A self-hosted server may name its models anything (flux, sdxl ...): then all of them are offered.
    chosen = images if images or images_only else found
    return tuple(sorted(chosen, key=lambda model: model.id))


def single_attempt(policy: HttpPolicy | None) -> HttpPolicy:
    """The same limits without retries: a list asked only to word an error must not add waiting."""
    base = policy or HttpPolicy()
    return replace(base, retry=replace(base.retry, max_retries=0))


async def list_models(
    client: httpx.AsyncClient,
    settings: ProviderSettings,
    key: str,
    *,
    provider: str = "OpenAI",
    provider_id: str = "openai",
    policy: HttpPolicy | None = None,
) -> tuple[ListedModel, ...]:
    """The image models ``key`` may use at ``settings.base_url``; a ``core.errors`` error otherwise."""
    url = f"{settings.base_url.rstrip('/')}/models"
    headers = {"Authorization": f"Bearer {key}"} if key else {}

    def build() -> httpx.Request:
        return client.build_request("GET", url, headers=headers)

    def classify(answer: Answer) -> ProviderError:
        return openai_wire.classify(answer, provider=provider, provider_id=provider_id, model="(list)", key=key)

    bounded = replace(settings, timeout=min(settings.timeout, LIST_TIMEOUT))
    answer = await send(
        client, provider, build, bounded, ignore_progress, classify, key_headers=("authorization",), policy=policy
    )
    models = parse_models(answer.json(), provider, images_only=provider_id == "openai")
    log.info("%s: the key can use %d image models", provider_id, len(models))
    return models


async def list_openai(client: httpx.AsyncClient, settings: ProviderSettings, key: str) -> tuple[ListedModel, ...]:
    return await list_models(client, settings, key)


async def list_compatible(client: httpx.AsyncClient, settings: ProviderSettings, key: str) -> tuple[ListedModel, ...]:
    return await list_models(
        client, settings, key, provider="OpenAI-compatible server", provider_id="openai-compatible"
    )


async def not_found_with_models(
    error: BadRequestError,
    client: httpx.AsyncClient,
    settings: ProviderSettings,
    key: str,
    *,
    model: str,
    provider: str,
    provider_id: str,
    policy: HttpPolicy | None = None,
) -> BadRequestError:
    """A 404 for ``model`` said again with the models the key can use (from one list call)."""
    try:
        usable = await list_models(
            client, settings, key, provider=provider, provider_id=provider_id, policy=single_attempt(policy)
        )
    except ProviderError as failure:
        log.info("%s: could not list models after a 404: %s", provider_id, failure)
        return error
    live = [m.id for m in usable if m.shutdown_date is None] or [m.id for m in usable]
    if not live:
        return error
    return BadRequestError(
        provider,
        f"the model {model} is not available to this key (it may have been shut down). "
        f"Models this key can use: {', '.join(live)}. "
        f"Set providers.{provider_id}.model in the settings file, or run 'python main.py models {provider_id}'.",
        status=error.status,
    )
