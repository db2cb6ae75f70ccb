"""The built-in providers, in menu order. Explicit imports: entry-point discovery breaks when frozen."""

from __future__ import annotations

from providers import google, ideogram, openai, photoroom
from providers.base import ProviderInfo


def provider_catalog() -> dict[str, ProviderInfo]:
    """A fresh mapping of provider id to its declaration, for the caller to own."""
    infos = (openai.INFO, google.INFO, ideogram.INFO, photoroom.INFO, openai.COMPATIBLE_INFO)
    return {info.id: info for info in infos}
