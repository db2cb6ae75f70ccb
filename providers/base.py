"""The provider protocol: what every AI provider declares as data, and the one call it answers.

A provider never looks up its own key or settings: both are resolved outside (``core.keys``,
``core.config``) and handed in, so a provider is a pure function of (settings, client, request).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

from core.costs import Price
from providers.sizing import SizeRule

if TYPE_CHECKING:
    import httpx

    from core.config import ProviderSettings
    from core.models import EditRequest, EditResult, ProgressSink
    from core.schema import Field, OptionsSpec


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


def _no_options() -> Mapping[str, Field]:
    return MappingProxyType({})


@dataclass(frozen=True)
class ModelFamily:
    """What one family of a provider's models takes: options are declared per family, not per provider.

    A model belongs to the family with the longest matching prefix. ``options`` replace the
    provider-wide field of the same name (``quality`` gains ``xhigh|max`` on gpt-image-2.5/2.6);
    ``refused`` are options the family answers 400 to, so they are refused in words before sending;
    ``dropped`` are ones the provider documents as "omit this parameter" for the family: they are
    left out with a log line and a note (``input_fidelity`` on gpt-image-2+);
    ``aspect_ratios`` are the output shapes it takes, where the provider speaks in ratios;
    ``accepts_markup``: the family takes drawn marks natively (GPT Image 2.5/2.6's ``markup``).
    """

    name: str
    prefixes: tuple[str, ...]
    options: Mapping[str, Field] = field(default_factory=_no_options)
    refused: frozenset[str] = frozenset()
    dropped: frozenset[str] = frozenset()
    aspect_ratios: tuple[str, ...] = ()
    accepts_markup: bool = False

    def matches(self, model: str) -> int:
        """The length of the longest prefix of ``model`` this family claims (0: not this family)."""
        return max((len(prefix) for prefix in self.prefixes if model.startswith(prefix)), default=0)


@dataclass(frozen=True)
class RetiredModel:
    """A model id the provider has shut down (``id`` may be a glob such as ``*-image-preview``)."""

    id: str
    shutdown: str
    successor: str
    source: str = ""

    def matches(self, model: str) -> bool:
        return fnmatchcase(model, self.id)

    def advice(self, model: str) -> str:
        """``model`` (one id this record covers) in words, with what to use instead."""
        return f"{model} was shut down on {self.shutdown}; use {self.successor} instead"


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
    families: tuple[ModelFamily, ...] = ()
    retired: tuple[RetiredModel, ...] = ()
    # The price table's built-in rows, each with its date and source (issue 18, ADR 030).
    prices: tuple[Price, ...] = ()

    @property
    def mode_ids(self) -> tuple[str, ...]:
        return tuple(mode.id for mode in self.modes)

    def size_rule_for(self, model: str | None) -> SizeRule | None:
        """The size rule of ``model``'s family (a catalog names it by id prefix), else the provider's."""
        matches = [(prefix, rule) for prefix, rule in self.size_rules if model and model.startswith(prefix)]
        if matches:
            return max(matches, key=lambda match: len(match[0]))[1]
        return self.size_rule

    def family(self, model: str | None) -> ModelFamily | None:
        """The family ``model`` belongs to, or None for a model this version does not know.

        Then every provider-wide option is allowed: the live list may name models newer than this code.
        """
        if not model:
            return None
        scored = [(family.matches(model), family) for family in self.families]
        best = max(scored, key=lambda pair: pair[0], default=(0, None))
        return best[1] if best[0] else None

    def takes_markup(self, model: str | None) -> bool:
        """Whether ``model`` takes strokes as markup; for every other one they become a mask (issue 13)."""
        family = self.family(model)
        return family is not None and family.accepts_markup

    def options_for(self, model: str | None) -> OptionsSpec:
        """The options ``model`` takes: the provider's, with its family's choices and refusals applied."""
        family = self.family(model)
        if family is None:
            return self.options
        left_out = family.refused | family.dropped
        merged = {name: spec for name, spec in self.options.items() if name not in left_out}
        merged.update(family.options)
        return MappingProxyType(merged)

    def retirement(self, model: str | None) -> RetiredModel | None:
        """The shutdown record for ``model``, if it is one this provider has retired."""
        if not model:
            return None
        name = model.strip().removeprefix("models/")
        return next((entry for entry in self.retired if entry.matches(name)), None)

    def mode(self, mode_id: str) -> ModeInfo:
        for mode in self.modes:
            if mode.id == mode_id:
                return mode
        raise KeyError(mode_id)


@dataclass(frozen=True)
class Registration:
    """How a catalog module registers a provider (issue 15): its declaration and where its code lives.

    ``factory`` and ``lister`` are (module, function) names, imported only when first used, so that
    reading the catalog never imports httpx. ``lister`` is set for providers that publish a model list.
    """

    info: ProviderInfo
    factory: tuple[str, str]
    lister: tuple[str, str] | None = None
    # The factory takes ``streaming=``, the session's memory of who refused streaming (ADR 026).
    takes_streaming: bool = False


class Provider(Protocol):
    """One configured provider, ready to run requests over a shared HTTP client."""

    info: ProviderInfo

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        """Send ``request`` and return checked images, or raise a ``core.errors.ProviderError``."""
        ...


class ProviderFactory(Protocol):
    """Builds a provider from its settings and the app's one HTTP client."""

    def __call__(self, settings: ProviderSettings, client: httpx.AsyncClient) -> Provider: ...
