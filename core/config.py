"""The settings file: one YAML file, checked key by key, every message naming its line.

The file is the person's: the app writes it once (commented defaults on first run) and afterwards
changes only single values in place (``core.yaml_edit``), never reformatting it. A broken file
never stops the tray: ``load_or_defaults`` hands back the defaults and the reason.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from core import paths
from core.config_defaults import DEFAULT_CONFIG_TEXT
from core.config_values import check_base_url, check_pattern
from core.cost_settings import check_costs
from core.costs import Price
from core.errors import ConfigError
from core.hotkeys import DEFAULT_CAPTURE_HOTKEY, DEFAULT_CLIPBOARD_HOTKEY, DEFAULT_LAST_RESULT_HOTKEY, parse_hotkey
from core.schema import OptionsSpec, SpecError, check_options
from core.settings_file import read_settings_text
from core.yamlnodes import LocatedDocument, Path_, YamlSyntaxError, load_located

log = logging.getLogger(__name__)

OUTPUT_MODES = ("clipboard", "save", "both")
OUTPUT_FORMATS = ("png", "jpeg", "webp")
NO_PROVIDER = "none"
# A preset's ``paint`` (issue 13): must the person paint where to edit, may they, or are the tools off.
PAINT_SETTINGS = ("required", "optional", "off")
DEFAULT_PAINT = "optional"
MAX_CONCURRENT_JOBS = 8
# A million MB (a terabyte): past this a cap is a typo, not a wish.
MAX_HISTORY_MB = 1_000_000


class KnownProvider(Protocol):
    """What the config needs to know of a provider to check its settings (``ProviderInfo``)."""

    @property
    def id(self) -> str: ...
    @property
    def mode_ids(self) -> tuple[str, ...]: ...
    @property
    def options(self) -> OptionsSpec: ...
    @property
    def default_base_url(self) -> str: ...
    @property
    def default_model(self) -> str | None: ...
    def options_for(self, model: str | None) -> OptionsSpec: ...
    def retirement(self, model: str | None) -> Retirement | None: ...


class Retirement(Protocol):
    """A model the provider has shut down (``providers.base.RetiredModel``)."""

    def advice(self, model: str) -> str: ...


def _frozen(mapping: Mapping[str, object] | None = None) -> Mapping[str, object]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class ProviderSettings:
    id: str
    base_url: str
    model: str | None = None
    timeout: float = 180.0
    connect_timeout: float = 10.0
    options: Mapping[str, object] = field(default_factory=_frozen)


@dataclass(frozen=True)
class Preset:
    name: str
    provider: str = NO_PROVIDER
    mode: str | None = None
    prompt: str = ""
    options: Mapping[str, object] = field(default_factory=_frozen)
    hotkey: str | None = None
    paint: str = DEFAULT_PAINT

    @property
    def needs_provider(self) -> bool:
        return self.provider != NO_PROVIDER


@dataclass(frozen=True)
class HotkeySettings:
    capture: str | None = DEFAULT_CAPTURE_HOTKEY
    clipboard: str | None = DEFAULT_CLIPBOARD_HOTKEY
    last_result: str | None = DEFAULT_LAST_RESULT_HOTKEY


@dataclass(frozen=True)
class OutputSettings:
    mode: str = "clipboard"
    folder: Path = field(default_factory=lambda: Path("~/Pictures/AI Image Studio").expanduser())
    pattern: str = "{date}_{time}_{preset}"
    format: str = "png"
    match_size: bool = True


@dataclass(frozen=True)
class PrivacySettings:
    history: bool = False
    # The history's size cap; the oldest records go first once it is passed (issue 18, ADR 031).
    history_max_mb: float = 500.0

    @property
    def history_max_bytes(self) -> int:
        return int(self.history_max_mb * 1024 * 1024)


@dataclass(frozen=True)
class JobSettings:
    max_concurrent: int = 2
    remove_background_after: bool = False
    # With a mask, deliver the original outside it: providers repaint pixels they were not asked to (issue 18).
    keep_unmasked: bool = True


@dataclass(frozen=True)
class Config:
    default_provider: str
    providers: Mapping[str, ProviderSettings]
    presets: tuple[Preset, ...]
    active_preset: str | None = None
    hotkeys: HotkeySettings = field(default_factory=HotkeySettings)
    output: OutputSettings = field(default_factory=OutputSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    jobs: JobSettings = field(default_factory=JobSettings)
    # The person's prices (``costs:``), ahead of the built-in ones (issue 18, ADR 030).
    costs: tuple[Price, ...] = ()
    path: Path | None = None
    # Said by `config check` and the tray: a configured model the provider has shut down (issue 11).
    notices: tuple[str, ...] = ()

    def preset(self, name: str) -> Preset:
        for preset in self.presets:
            if preset.name == name:
                return preset
        known = ", ".join(p.name for p in self.presets)
        raise ConfigError(f"there is no preset named '{name}' (presets: {known})")

    def provider(self, provider_id: str) -> ProviderSettings:
        try:
            return self.providers[provider_id]
        except KeyError:
            raise ConfigError(f"there are no settings for the provider '{provider_id}'") from None


COPY_PRESET = Preset(name="copy", provider=NO_PROVIDER)
DEFAULT_PRESETS = (
    COPY_PRESET,
    Preset(name="restyle", provider="openai", mode="edit", prompt="Redraw this as a watercolor"),
    Preset(name="remove background", provider="photoroom", mode="remove-background"),
)


def resolve_config_path(cli_path: str | os.PathLike[str] | None, env: Mapping[str, str]) -> Path:
    """``--config`` wins, then ``AIIS_CONFIG``, then the platform's config folder."""
    if cli_path:
        return Path(cli_path).expanduser()
    if env.get("AIIS_CONFIG"):
        return Path(env["AIIS_CONFIG"]).expanduser()
    return paths.config_dir() / "config.yaml"


def config_path_is_explicit(cli_path: str | os.PathLike[str] | None, env: Mapping[str, str]) -> bool:
    """A file the person named must exist: a typo must not mean the defaults (issue 16).

    The defaults send an image to api.openai.com; someone who named a file pointing at a local server
    would otherwise send their image to the internet because of a misspelt path.
    """
    return bool(cli_path) or bool(env.get("AIIS_CONFIG"))


def write_defaults_if_missing(path: Path) -> bool:
    """Write the commented default file on first run; never touch an existing one."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(DEFAULT_CONFIG_TEXT)
    except FileExistsError:
        return False
    log.info("wrote default settings to %s", path)
    return True


def load_config(path: Path, catalog: Mapping[str, KnownProvider], *, must_exist: bool = False) -> Config:
    """Read and check ``path``; a missing file means the defaults unless ``must_exist``. Raises ``ConfigError``."""
    text = read_settings_text(path)
    if text is None:
        if must_exist:
            raise missing_file_error(path)
        return parse_config(DEFAULT_CONFIG_TEXT, catalog, source="(defaults)")
    config = parse_config(text, catalog, source=str(path))
    return _with_path(config, path)


def missing_file_error(path: Path) -> ConfigError:
    return ConfigError(
        "does not exist (it was named with --config or AIIS_CONFIG); check the name, or leave both out "
        "to use the usual settings file",
        path=str(path),
    )


def load_or_defaults(path: Path, catalog: Mapping[str, KnownProvider]) -> tuple[Config, ConfigError | None]:
    """For the tray: the file's settings, or the defaults and why the file could not be used.

    The tray writes the usual file before this is called, so a missing file here is one the person
    named (or one that could not be written): said, not silently replaced by the defaults.
    """
    try:
        return load_config(path, catalog, must_exist=True), None
    except ConfigError as error:
        log.warning("settings file not used: %s", error)
        defaults = parse_config(DEFAULT_CONFIG_TEXT, catalog, source="(defaults)")
        return _with_path(defaults, path), error


def default_config(catalog: Mapping[str, KnownProvider]) -> Config:
    return parse_config(DEFAULT_CONFIG_TEXT, catalog, source="(defaults)")


def _with_path(config: Config, path: Path) -> Config:
    return replace(config, path=path)


def parse_config(text: str, catalog: Mapping[str, KnownProvider], *, source: str) -> Config:
    try:
        document = load_located(text)
    except YamlSyntaxError as error:
        raise ConfigError(error.message, path=source, line=error.line) from None
    return _Checker(document, catalog, source).config()


class _Checker:
    """Walks the located document; the first problem found is raised with its line."""

    TOP_KEYS = frozenset(
        {"default_provider", "active_preset", "providers", "hotkeys", "presets", "output", "privacy", "jobs", "costs"}
    )

    def __init__(self, document: LocatedDocument, catalog: Mapping[str, KnownProvider], source: str) -> None:
        self.doc = document
        self.catalog = catalog
        self.source = source
        self.models: dict[str, str | None] = {}

    def fail(self, path: Path_, message: str, *, at_key: bool = False) -> ConfigError:
        line = self.doc.key_line_of(path) if at_key else self.doc.line_of(path)
        dotted = ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in path)
        return ConfigError(message, path=self.source, line=line, key=dotted.replace(".[", "["))

    def mapping(self, value: object, path: Path_, allowed: frozenset[str]) -> dict[str, object]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, "must be a mapping of names to values")
        for key in value:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail((*path, key), f"is not a known setting (known here: {known})", at_key=True)
        return value

    def check(self, path: Path_, value: object, checker: object) -> object:
        try:
            return checker(value)  # type: ignore[operator]
        except ValueError as error:
            raise self.fail(path, str(error)) from None

    def config(self) -> Config:
        top = self.mapping(self.doc.value, (), self.TOP_KEYS)
        providers = self.providers(top.get("providers"))
        default = top.get("default_provider", "openai")
        if not isinstance(default, str) or default not in self.catalog:
            raise self.fail(("default_provider",), f"{default!r} is not a provider ({self.provider_list()})")
        self.models = {provider_id: settings.model for provider_id, settings in providers.items()}
        presets = self.presets(top.get("presets"))
        active = top.get("active_preset")
        if active is not None and (not isinstance(active, str) or active not in {p.name for p in presets}):
            raise self.fail(("active_preset",), f"{active!r} is not the name of a preset")
        hotkeys = self.hotkeys(top.get("hotkeys"))
        self.check_hotkeys_unique(hotkeys, presets)
        return Config(
            notices=self.retired_models(providers, presets),
            default_provider=str(default),
            providers=MappingProxyType(providers),
            presets=presets,
            active_preset=active if isinstance(active, str) else None,
            hotkeys=hotkeys,
            output=self.output(top.get("output")),
            privacy=self.privacy(top.get("privacy")),
            jobs=self.jobs(top.get("jobs")),
            costs=check_costs(top.get("costs"), self.fail, self.mapping, tuple(self.catalog)),
        )

    def provider_list(self) -> str:
        return "known providers: " + ", ".join(self.catalog)

    def providers(self, value: object) -> dict[str, ProviderSettings]:
        given = self.mapping(value, ("providers",), frozenset(self.catalog))
        result = {}
        for provider_id, known in self.catalog.items():
            path: Path_ = ("providers", provider_id)
            entry = self.mapping(
                given.get(provider_id), path, frozenset({"model", "base_url", "timeout", "connect_timeout", "options"})
            )
            base_url = entry.get("base_url", known.default_base_url)
            self.check((*path, "base_url"), base_url, check_base_url)
            model = entry.get("model", known.default_model)
            if model is not None and (not isinstance(model, str) or not model.strip()):
                raise self.fail((*path, "model"), f"{model!r} is not a model name")
            timeout = self.positive((*path, "timeout"), entry.get("timeout", 180))
            connect = self.positive((*path, "connect_timeout"), entry.get("connect_timeout", 10))
            options = self.options((*path, "options"), known, entry.get("options"), model)
            result[provider_id] = ProviderSettings(
                id=provider_id,
                base_url=str(base_url).rstrip("/"),
                model=model,
                timeout=timeout,
                connect_timeout=connect,
                options=MappingProxyType(options),
            )
        return result

    def positive(self, path: Path_, value: object) -> float:
        # Written as a range so that .nan and .inf (both valid YAML floats) are refused too (issue 6).
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
            raise self.fail(path, f"{value!r} must be a number of seconds above 0")
        return float(value)

    def options(self, path: Path_, known: KnownProvider, value: object, model: str | None) -> dict[str, object]:
        """The options, checked against what ``model`` takes (options are per model family, issue 11)."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, "must be a mapping of option names to values")
        own_model = value.get("model")
        model = own_model if isinstance(own_model, str) and own_model.strip() else model
        spec = known.options_for(model)
        try:
            return check_options(spec, value)
        except SpecError as error:
            if error.key in known.options and error.key not in spec:
                message = f"is not taken by the model {model} (pick another model, or leave this option out)"
                raise self.fail((*path, error.key), message) from None
            raise self.fail((*path, error.key), error.message) from None

    def presets(self, value: object) -> tuple[Preset, ...]:
        if value is None:
            return DEFAULT_PRESETS
        if not isinstance(value, list):
            raise self.fail(("presets",), "must be a list of presets")
        allowed = frozenset({"name", "provider", "mode", "prompt", "options", "hotkey", "paint"})
        presets: list[Preset] = []
        for index, item in enumerate(value):
            path: Path_ = ("presets", index)
            entry = self.mapping(item, path, allowed)
            name = entry.get("name")
            if not isinstance(name, str) or not name.strip():
                raise self.fail(path, "every preset needs a name")
            if name in {p.name for p in presets}:
                raise self.fail((*path, "name"), f"a preset named '{name}' is already defined above")
            presets.append(self.preset(path, entry, name))
        # `copy` is built in: the app must be useful before any key is set (capture --preset copy).
        if all(preset.name != COPY_PRESET.name for preset in presets):
            presets.insert(0, COPY_PRESET)
        return tuple(presets)

    def preset(self, path: Path_, entry: dict[str, object], name: str) -> Preset:
        provider = entry.get("provider", NO_PROVIDER)
        if provider != NO_PROVIDER and (not isinstance(provider, str) or provider not in self.catalog):
            raise self.fail(
                (*path, "provider"), f"{provider!r} is not a provider (use none, or {self.provider_list()})"
            )
        mode = entry.get("mode")
        prompt = entry.get("prompt") or ""
        if not isinstance(prompt, str):
            raise self.fail((*path, "prompt"), "must be text")
        options: dict[str, object] = {}
        if provider != NO_PROVIDER:
            known = self.catalog[str(provider)]
            if mode is not None and mode not in known.mode_ids:
                raise self.fail((*path, "mode"), f"{mode!r} is not a mode of {provider} ({', '.join(known.mode_ids)})")
            options = self.options((*path, "options"), known, entry.get("options"), self.models.get(str(provider)))
        elif mode is not None or entry.get("options") or entry.get("paint") is not None:
            raise self.fail(path, "a preset without a provider takes no mode, options or paint")
        paint = entry.get("paint", DEFAULT_PAINT)
        if paint not in PAINT_SETTINGS:
            raise self.fail((*path, "paint"), f"{paint!r} is not one of {', '.join(PAINT_SETTINGS)}")
        hotkey = entry.get("hotkey")
        if hotkey is not None:
            hotkey = str(self.check((*path, "hotkey"), hotkey, lambda v: str(parse_hotkey(v))))
        return Preset(
            name=name,
            provider=str(provider),
            mode=mode if isinstance(mode, str) else None,
            prompt=prompt,
            options=MappingProxyType(options),
            hotkey=hotkey,
            paint=str(paint),
        )

    def retired_models(self, providers: Mapping[str, ProviderSettings], presets: tuple[Preset, ...]) -> tuple[str, ...]:
        """Each configured model the provider has shut down, with the model to use instead.

        A notice, not an error: the rest of the file is still good, and the job's own 404 names the fix too.
        """
        found: list[str] = []
        for provider_id, settings in providers.items():
            retired = self.catalog[provider_id].retirement(settings.model)
            if retired is not None:
                line = self.doc.line_of(("providers", provider_id, "model"))
                where = f"line {line}, " if line else ""
                found.append(f"{where}providers.{provider_id}.model: {retired.advice(str(settings.model))}.")
        for preset in presets:
            model = preset.options.get("model")
            retired = self.catalog[preset.provider].retirement(str(model)) if preset.needs_provider and model else None
            if retired is not None:
                found.append(f"preset '{preset.name}' options.model: {retired.advice(str(model))}.")
        for notice in found:
            log.info("settings: %s", notice)
        return tuple(found)

    def hotkeys(self, value: object) -> HotkeySettings:
        entry = self.mapping(value, ("hotkeys",), frozenset({"capture", "clipboard", "last_result"}))
        defaults = HotkeySettings()
        result = {}
        for name in ("capture", "clipboard", "last_result"):
            raw = entry.get(name, getattr(defaults, name))
            result[name] = (
                None if raw is None else str(self.check(("hotkeys", name), raw, lambda v: str(parse_hotkey(v))))
            )
        return HotkeySettings(**result)

    def check_hotkeys_unique(self, hotkeys: HotkeySettings, presets: tuple[Preset, ...]) -> None:
        seen: dict[str, str] = {}
        bindings: list[tuple[Path_, str | None]] = [
            (("hotkeys", "capture"), hotkeys.capture),
            (("hotkeys", "clipboard"), hotkeys.clipboard),
            (("hotkeys", "last_result"), hotkeys.last_result),
        ]
        bindings += [(("presets", index, "hotkey"), p.hotkey) for index, p in enumerate(presets)]
        for path, hotkey in bindings:
            if hotkey is None:
                continue
            where = ".".join(str(part) for part in path)
            if hotkey in seen:
                raise self.fail(path, f"'{hotkey}' is already used by {seen[hotkey]}")
            seen[hotkey] = where

    def output(self, value: object) -> OutputSettings:
        allowed = frozenset({"mode", "folder", "pattern", "format", "match_size"})
        entry = self.mapping(value, ("output",), allowed)
        defaults = OutputSettings()
        mode = entry.get("mode", defaults.mode)
        if mode not in OUTPUT_MODES:
            raise self.fail(("output", "mode"), f"{mode!r} is not one of {', '.join(OUTPUT_MODES)}")
        fmt = str(entry.get("format", defaults.format)).lower()
        if fmt == "jpg":
            fmt = "jpeg"
        if fmt not in OUTPUT_FORMATS:
            raise self.fail(("output", "format"), f"{entry.get('format')!r} is not one of {', '.join(OUTPUT_FORMATS)}")
        folder = entry.get("folder", "~/Pictures/AI Image Studio")
        if not isinstance(folder, str) or not folder.strip():
            raise self.fail(("output", "folder"), "must be a folder path")
        pattern = entry.get("pattern", defaults.pattern)
        self.check(("output", "pattern"), pattern, check_pattern)
        match_size = entry.get("match_size", True)
        if not isinstance(match_size, bool):
            raise self.fail(("output", "match_size"), f"{match_size!r} is not true or false")
        return OutputSettings(
            mode=str(mode),
            folder=Path(os.path.expandvars(folder)).expanduser(),
            pattern=str(pattern),
            format=fmt,
            match_size=match_size,
        )

    def privacy(self, value: object) -> PrivacySettings:
        entry = self.mapping(value, ("privacy",), frozenset({"history", "history_max_mb"}))
        history = entry.get("history", False)
        if not isinstance(history, bool):
            raise self.fail(("privacy", "history"), f"{history!r} is not true or false")
        cap = entry.get("history_max_mb", PrivacySettings.history_max_mb)
        # A range test, so .nan and .inf are refused too; the bool test keeps `true` from meaning 1 MB.
        if isinstance(cap, bool) or not isinstance(cap, int | float) or not 0 < cap <= MAX_HISTORY_MB:
            raise self.fail(
                ("privacy", "history_max_mb"),
                f"{cap!r} must be a number of megabytes above 0 and at most {MAX_HISTORY_MB}",
            )
        return PrivacySettings(history=history, history_max_mb=float(cap))

    def jobs(self, value: object) -> JobSettings:
        entry = self.mapping(
            value, ("jobs",), frozenset({"max_concurrent", "remove_background_after", "keep_unmasked"})
        )
        limit = entry.get("max_concurrent", 2)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_CONCURRENT_JOBS:
            raise self.fail(
                ("jobs", "max_concurrent"), f"{limit!r} must be a whole number from 1 to {MAX_CONCURRENT_JOBS}"
            )
        after = entry.get("remove_background_after", False)
        if not isinstance(after, bool):
            raise self.fail(("jobs", "remove_background_after"), f"{after!r} is not true or false")
        keep = entry.get("keep_unmasked", True)
        if not isinstance(keep, bool):
            raise self.fail(("jobs", "keep_unmasked"), f"{keep!r} is not true or false")
        return JobSettings(max_concurrent=limit, remove_background_after=after, keep_unmasked=keep)
