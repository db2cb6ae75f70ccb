"""What a capture will do, decided from the settings before the overlay opens (tray and CLI alike).

The rule: a named preset (from a hotkey or the hand-off) wins, then the active preset, and with
no preset the provider chosen in the menu (``default_provider``) runs its default mode. A preset
with ``provider: none`` copies the region as it is; presets whose mode takes no prompt skip the
prompt bar. ``paint`` (issue 13) is the preset's: whether the person must, may or cannot paint where
to edit; a mode that takes no image, or no mask in any form (PhotoRoom's, BFL's), has nothing to
paint for, so it is ``off`` there. Pure, so the rule
is tested without a display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from core.config import DEFAULT_PAINT, Config


class ModeDescription(Protocol):
    """What planning reads of one of a provider's modes (``providers.base.ModeInfo`` is one)."""

    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def needs_prompt(self) -> bool: ...
    @property
    def needs_image(self) -> bool: ...
    @property
    def accepts_mask(self) -> bool: ...


class ProviderDescription(Protocol):
    """What planning reads of a provider's declaration; ``core`` knows no provider (issue 12)."""

    @property
    def id(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def default_mode(self) -> str: ...
    def mode(self, mode_id: str) -> ModeDescription: ...


REMOVE_BACKGROUND_PROVIDER = "photoroom"
REMOVE_BACKGROUND_MODE = "remove-background"
NO_PRESET = "(provider's default)"
PAINT_OFF = "off"


@dataclass(frozen=True)
class Plan:
    """``provider_id`` None means: no provider, deliver the region as it is."""

    preset: str
    provider_id: str | None
    provider_name: str
    mode: str
    mode_label: str
    prompt: str = ""
    needs_prompt: bool = False
    needs_image: bool = True
    options: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    remove_background_after: bool = False
    paint: str = PAINT_OFF

    @property
    def shows_prompt_bar(self) -> bool:
        return self.provider_id is not None and self.needs_prompt


def plan_capture(config: Config, catalog: Mapping[str, ProviderDescription], preset_name: str | None = None) -> Plan:
    """Raises ``ConfigError`` when ``preset_name`` names no preset (the message lists them)."""
    name = preset_name or config.active_preset
    after = config.jobs.remove_background_after
    if name is None:
        info = catalog[config.default_provider]
        return provider_plan(
            info,
            preset=NO_PRESET,
            paint=DEFAULT_PAINT,
            remove_background_after=after and info.id != REMOVE_BACKGROUND_PROVIDER,
        )
    preset = config.preset(name)
    if not preset.needs_provider:
        return Plan(preset=preset.name, provider_id=None, provider_name="", mode="copy", mode_label="Copy as it is")
    info = catalog[preset.provider]
    mode_id = preset.mode or info.default_mode
    return provider_plan(
        info,
        preset=preset.name,
        mode_id=mode_id,
        prompt=preset.prompt,
        options=preset.options,
        paint=preset.paint,
        remove_background_after=after and mode_id != REMOVE_BACKGROUND_MODE,
    )


def provider_plan(
    info: ProviderDescription,
    *,
    preset: str,
    mode_id: str | None = None,
    prompt: str = "",
    options: Mapping[str, object] | None = None,
    paint: str = PAINT_OFF,
    remove_background_after: bool = False,
) -> Plan:
    """A plan that runs ``info``'s mode (its default one unless named); ``paint`` only where it takes a mask."""
    mode = info.mode(mode_id or info.default_mode)
    return Plan(
        preset=preset,
        provider_id=info.id,
        provider_name=info.display_name,
        mode=mode.id,
        mode_label=mode.label,
        prompt=prompt,
        needs_prompt=mode.needs_prompt,
        needs_image=mode.needs_image,
        options=MappingProxyType(dict(options or {})),
        remove_background_after=remove_background_after,
        paint=paint if mode.needs_image and mode.accepts_mask else PAINT_OFF,
    )
