"""The built-in providers, in menu order: one line each in ``CATALOG_MODULES`` registers one (issue 15).

Each module named there is a declaration (``providers.catalog.*``) that exports ``REGISTRATIONS``: its
``ProviderInfo`` and the names of its factory and, if it publishes one, its model lister. Everything
that shows or checks providers (menu, ``models``, ``providers``, config check, key dialog) reads the
catalog built here, so no other file names a provider. A provider's HTTP code, and httpx with it, is
imported when a provider is first built, so commands that only read settings start fast. The names
are listed, not discovered: entry-point discovery breaks when frozen (``pyinstaller.spec`` collects
``providers`` whole). See docs/adr/027-one-module-per-provider.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from core.errors import ConfigError
from core.model_list import CATALOG, LIVE, ListedModel, ModelList, now_utc

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import httpx

    from core.config import ProviderSettings
    from providers.base import Provider, ProviderFactory, ProviderInfo, Registration
    from providers.openai_stream import StreamingSupport

    ModelLister = Callable[[httpx.AsyncClient, ProviderSettings, str], Awaitable[tuple[ListedModel, ...]]]

CATALOG_MODULES = (
    "providers.catalog.openai",
    "providers.catalog.google",
    "providers.catalog.ideogram",
    "providers.catalog.photoroom",
    "providers.catalog.bfl",
    "providers.catalog.openrouter",
    "providers.catalog.xai",
)


def registrations() -> tuple[Registration, ...]:
    """Every registered provider, in menu order (the self-hosted OpenAI-compatible one last)."""
    found: list[Registration] = []
    for name in CATALOG_MODULES:
        found.extend(importlib.import_module(name).REGISTRATIONS)
    # A self-hosted server is the odd one out in the menu: it goes after the hosted providers.
    return tuple(sorted(found, key=lambda entry: not entry.info.needs_key))


def _registration(provider_id: str) -> Registration | None:
    return next((entry for entry in registrations() if entry.info.id == provider_id), None)


def provider_catalog() -> dict[str, ProviderInfo]:
    """A fresh mapping of provider id to its declaration, for the caller to own."""
    return {entry.info.id: entry.info for entry in registrations()}


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
    entry = _registration(provider_id)
    if entry is None:
        known = ", ".join(entry.info.id for entry in registrations())
        raise ConfigError(f"'{provider_id}' is not a provider this version can run (providers: {known})")
    module_name, function = entry.factory
    module = importlib.import_module(module_name)
    if entry.takes_streaming and streaming is not None:
        streams: Callable[..., Provider] = getattr(module, function)
        return streams(settings, client, streaming=streaming)
    factory: ProviderFactory = getattr(module, function)
    return factory(settings, client)


def can_list_models(provider_id: str) -> bool:
    entry = _registration(provider_id)
    return entry is not None and entry.lister is not None


def catalog_models(info: ProviderInfo) -> ModelList:
    """The built-in list: the fallback when the provider cannot be asked (offline, no key)."""
    models = tuple(ListedModel(model) for model in info.models)
    return ModelList(info.id, models, now_utc(), source=CATALOG)


async def fetch_models(provider_id: str, settings: ProviderSettings, client: httpx.AsyncClient, key: str) -> ModelList:
    """Ask the provider which models ``key`` can use; a ``core.errors.ProviderError`` when it cannot answer."""
    entry = _registration(provider_id)
    if entry is None or entry.lister is None:
        raise ConfigError(f"'{provider_id}' does not publish a model list")
    module_name, function = entry.lister
    lister: ModelLister = getattr(importlib.import_module(module_name), function)
    models = await lister(client, settings, key)
    return ModelList(provider_id, models, now_utc(), source=LIVE, base_url=settings.base_url)
