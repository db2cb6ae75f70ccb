"""The built-in providers, in menu order. Explicit imports: entry-point discovery breaks when frozen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import ConfigError
from providers import google, ideogram, openai, photoroom
from providers.base import Provider, ProviderFactory, ProviderInfo

if TYPE_CHECKING:
    import httpx

    from core.config import ProviderSettings


def provider_catalog() -> dict[str, ProviderInfo]:
    """A fresh mapping of provider id to its declaration, for the caller to own."""
    infos = (openai.INFO, google.INFO, ideogram.INFO, photoroom.INFO, openai.COMPATIBLE_INFO)
    return {info.id: info for info in infos}


def create_provider(provider_id: str, settings: ProviderSettings, client: httpx.AsyncClient) -> Provider:
    """The provider ``provider_id`` configured with ``settings`` over the app's one HTTP client."""
    factories: dict[str, ProviderFactory] = {
        "openai": openai.create,
        "openai-compatible": openai.create_compatible,
        "google": google.create,
        "ideogram": ideogram.create,
        "photoroom": photoroom.create,
    }
    factory = factories.get(provider_id)
    if factory is None:
        known = ", ".join(factories)
        raise ConfigError(f"'{provider_id}' is not a provider this version can run (providers: {known})")
    return factory(settings, client)
