"""The built-in providers, in menu order. Explicit imports: entry-point discovery breaks when frozen.

The catalog comes from ``providers.catalog`` (declarations only); a provider's HTTP code, and httpx
with it, is imported when a provider is first built, so commands that only read settings start fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from core.errors import ConfigError
from core.model_list import CATALOG, LIVE, ListedModel, ModelList, now_utc
from providers.catalog import google, ideogram, openai, photoroom

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import httpx

    from core.config import ProviderSettings
    from providers.base import Provider, ProviderFactory, ProviderInfo
    from providers.openai_stream import StreamingSupport

    ModelLister = Callable[[httpx.AsyncClient, ProviderSettings, str], Awaitable[tuple[ListedModel, ...]]]

# Provider id -> (module, factory function); module names, not modules, so nothing heavy loads here.
FACTORIES: tuple[tuple[str, str, str], ...] = (
    ("openai", "providers.openai", "create"),
    ("openai-compatible", "providers.openai", "create_compatible"),
    ("google", "providers.google", "create"),
    ("ideogram", "providers.ideogram", "create"),
    ("photoroom", "providers.photoroom", "create"),
)
# The factories that take the session's memory of who refused streaming (ADR 026).
STREAMING_FACTORIES = frozenset({"openai", "openai-compatible"})


def provider_catalog() -> dict[str, ProviderInfo]:
    """A fresh mapping of provider id to its declaration, for the caller to own."""
    infos = (openai.INFO, google.INFO, ideogram.INFO, photoroom.INFO, openai.COMPATIBLE_INFO)
    return {info.id: info for info in infos}


def create_provider(
    provider_id: str,
    settings: ProviderSettings,
    client: httpx.AsyncClient,
    *,
    streaming: StreamingSupport | None = None,
) -> Provider:
    """The provider ``provider_id`` configured with ``settings`` over the app's one HTTP client.

    ``streaming`` is the session's memory of which model refused streaming, built once by the caller
    (main.py) so a refusal is not tried again by the next job; providers that do not stream ignore it.
    """
    for known_id, module_name, function in FACTORIES:
        if known_id == provider_id:
            module = importlib.import_module(module_name)
            if provider_id in STREAMING_FACTORIES and streaming is not None:
                streams: Callable[..., Provider] = getattr(module, function)
                return streams(settings, client, streaming=streaming)
            factory: ProviderFactory = getattr(module, function)
            return factory(settings, client)
    known = ", ".join(known_id for known_id, _, _ in FACTORIES)
    raise ConfigError(f"'{provider_id}' is not a provider this version can run (providers: {known})")


# Provider id -> (module, async list function) for providers that publish what a key can use.
LISTERS: tuple[tuple[str, str, str], ...] = (
    ("openai", "providers.openai_models", "list_openai"),
    ("openai-compatible", "providers.openai_models", "list_compatible"),
    ("google", "providers.google_models", "list_models"),
)


def can_list_models(provider_id: str) -> bool:
    return any(known_id == provider_id for known_id, _, _ in LISTERS)


def catalog_models(info: ProviderInfo) -> ModelList:
    """The built-in list: the fallback when the provider cannot be asked (offline, no key)."""
    models = tuple(ListedModel(model) for model in info.models)
    return ModelList(info.id, models, now_utc(), source=CATALOG)


async def fetch_models(provider_id: str, settings: ProviderSettings, client: httpx.AsyncClient, key: str) -> ModelList:
    """Ask the provider which models ``key`` can use; a ``core.errors.ProviderError`` when it cannot answer."""
    for known_id, module_name, function in LISTERS:
        if known_id == provider_id:
            lister: ModelLister = getattr(importlib.import_module(module_name), function)
            models = await lister(client, settings, key)
            return ModelList(provider_id, models, now_utc(), source=LIVE, base_url=settings.base_url)
    raise ConfigError(f"'{provider_id}' does not publish a model list")
