"""What a Gemini key can use: ``GET /v1beta/models``, paged with ``pageToken``, keeping image models.

Each entry is ``{"name": "models/{id}", "displayName", "supportedGenerationMethods": [...]}``; the
answer carries ``nextPageToken`` while more pages follow (ListModelsResponse in Google's API
reference). The list has no "makes images" flag, so a model counts as an image model when it
answers ``generateContent`` and its id says image (``*-image*``) or Nano Banana.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import httpx

from core.errors import BadResponseError
from core.model_list import ListedModel
from core.models import ignore_progress
from providers.google_wire import PROVIDER, classify
from providers.http import HttpPolicy, send

if TYPE_CHECKING:
    from core.config import ProviderSettings

log = logging.getLogger(__name__)

KEY_HEADER = "x-goog-api-key"
LIST_TIMEOUT = 20.0
PAGE_SIZE = 1000
# A server that keeps handing out page tokens must not keep the app asking forever.
MAX_PAGES = 20


def is_image_model(entry: dict[str, object]) -> bool:
    name = str(entry.get("name") or "")
    methods = entry.get("supportedGenerationMethods")
    if not isinstance(methods, list) or "generateContent" not in methods:
        return False
    return "image" in name or "nano-banana" in name


def parse_page(body: object) -> tuple[list[ListedModel], str]:
    """One page: its image models and the token of the next page ("" at the end)."""
    if not isinstance(body, dict):
        raise BadResponseError(PROVIDER, "answered the model list with something that is not JSON.")
    entries = body.get("models", [])
    if not isinstance(entries, list):
        raise BadResponseError(PROVIDER, "answered the model list without a 'models' list.")
    found = [
        ListedModel(str(entry["name"]).removeprefix("models/"), label=str(entry.get("displayName") or ""))
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get("name"), str) and is_image_model(entry)
    ]
    token = body.get("nextPageToken")
    return found, token if isinstance(token, str) else ""


def single_attempt(policy: HttpPolicy | None) -> HttpPolicy:
    """The same limits without retries: a list asked only to word an error must not add waiting."""
    base = policy or HttpPolicy()
    return replace(base, retry=replace(base.retry, max_retries=0))


async def list_models(
    client: httpx.AsyncClient, settings: ProviderSettings, key: str, *, policy: HttpPolicy | None = None
) -> tuple[ListedModel, ...]:
    """Every image model ``key`` can see, across all pages; a ``core.errors`` error otherwise."""
    url = f"{settings.base_url.rstrip('/')}/models"
    bounded = replace(settings, timeout=min(settings.timeout, LIST_TIMEOUT))
    found: list[ListedModel] = []
    token = ""
    for _page in range(MAX_PAGES):
        params = {"pageSize": str(PAGE_SIZE), **({"pageToken": token} if token else {})}

        def build(params: dict[str, str] = params) -> httpx.Request:
            return httpx.Request("GET", url, params=params, headers={KEY_HEADER: key})

        answer = await send(
            client,
            PROVIDER,
            build,
            bounded,
            ignore_progress,
            lambda failed: classify(failed, model="(list)", known_models=()),
            key_headers=(KEY_HEADER,),
            policy=policy,
        )
        page, token = parse_page(answer.json())
        found.extend(page)
        if not token:
            break
    else:
        log.warning("google: the model list had more than %d pages; the rest were not read", MAX_PAGES)
    log.info("google: the key can use %d image models", len(found))
    return tuple(sorted(found, key=lambda model: model.id))
