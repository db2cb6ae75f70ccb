"""The built-in providers, in menu order. Explicit imports: entry-point discovery breaks when frozen.

The catalog comes from ``providers.catalog`` (declarations only); a provider's HTTP code, and httpx
with it, is imported when a provider is first built, so commands that only read settings start fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from core.errors import ConfigError
from providers.catalog import google, ideogram, openai, photoroom

if TYPE_CHECKING:
    import httpx

    from core.config import ProviderSettings
    from providers.base import Provider, ProviderFactory, ProviderInfo

# Provider id -> (module, factory function); module names, not modules, so nothing heavy loads here.
FACTORIES: tuple[tuple[str, str, str], ...] = (
    ("openai", "providers.openai", "create"),
    ("openai-compatible", "providers.openai", "create_compatible"),
    ("google", "providers.google", "create"),
    ("ideogram", "providers.ideogram", "create"),
    ("photoroom", "providers.photoroom", "create"),
)


def provider_catalog() -> dict[str, ProviderInfo]:
    """A fresh mapping of provider id to its declaration, for the caller to own."""
    infos = (openai.INFO, google.INFO, ideogram.INFO, photoroom.INFO, openai.COMPATIBLE_INFO)
    return {info.id: info for info in infos}


def create_provider(provider_id: str, settings: ProviderSettings, client: httpx.AsyncClient) -> Provider:
    """The provider ``provider_id`` configured with ``settings`` over the app's one HTTP client."""
    for known_id, module_name, function in FACTORIES:
        if known_id == provider_id:
            factory: ProviderFactory = getattr(importlib.import_module(module_name), function)
            return factory(settings, client)
    known = ", ".join(known_id for known_id, _, _ in FACTORIES)
    raise ConfigError(f"'{provider_id}' is not a provider this version can run (providers: {known})")
