"""The provider protocol: what every AI provider declares as data, and the one call it answers.

A provider never looks up its own key or settings: both are resolved outside (``core.keys``,
``core.config``) and handed in, so a provider is a pure function of (settings, client, request).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from providers.sizing import SizeRule

if TYPE_CHECKING:
    import httpx

    from core.config import ProviderSettings
    from core.models import EditRequest, EditResult, ProgressSink
    from core.schema import OptionsSpec


@dataclass(frozen=True)
class ModeInfo:
    """One thing a provider can do with an image."""

    id: str
    label: str
    needs_image: bool = True
    needs_prompt: bool = True
    accepts_mask: bool = False


@dataclass(frozen=True)
class InputLimits:
    """What a provider accepts as input, so the crop can be fitted before upload.

    ``formats`` are Pillow format names in order of preference (the first one that keeps what
    the image needs is used). ``sizes`` are exact output sizes (``WxH``) and ``aspect_ratios``
    the ratios (``W:H``) the provider supports; the nearest to the crop's own is picked.
    """

    formats: tuple[str, ...] = ("PNG",)
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int | None = None
    max_side: int | None = None
    sizes: tuple[str, ...] = ()
    aspect_ratios: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProviderInfo:
    """A provider described as data: shown in menus, checked by the config, used by fitting."""

    id: str
    display_name: str
    key_env_vars: tuple[str, ...]
    modes: tuple[ModeInfo, ...]
    default_mode: str
    options: OptionsSpec
    limits: InputLimits = field(default_factory=InputLimits)
    default_base_url: str = ""
    default_model: str | None = None
    models: tuple[str, ...] = ()
    needs_key: bool = True
    # Which shapes a model answers in (issue 11, ADR 020): ``size_rules`` by model-id prefix, the
    # longest match winning, else ``size_rule``; None keeps the legacy ``limits.sizes`` behaviour.
    size_rule: SizeRule | None = None
    size_rules: tuple[tuple[str, SizeRule], ...] = ()

    @property
    def mode_ids(self) -> tuple[str, ...]:
        return tuple(mode.id for mode in self.modes)

    def size_rule_for(self, model: str | None) -> SizeRule | None:
        """The size rule of ``model``'s family (a catalog names it by id prefix), else the provider's."""
        matches = [(prefix, rule) for prefix, rule in self.size_rules if model and model.startswith(prefix)]
        if matches:
            return max(matches, key=lambda match: len(match[0]))[1]
        return self.size_rule

    def mode(self, mode_id: str) -> ModeInfo:
        for mode in self.modes:
            if mode.id == mode_id:
                return mode
        raise KeyError(mode_id)


class Provider(Protocol):
    """One configured provider, ready to run requests over a shared HTTP client."""

    info: ProviderInfo

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        """Send ``request`` and return checked images, or raise a ``core.errors.ProviderError``."""
        ...


class ProviderFactory(Protocol):
    """Builds a provider from its settings and the app's one HTTP client."""

    def __call__(self, settings: ProviderSettings, client: httpx.AsyncClient) -> Provider: ...
