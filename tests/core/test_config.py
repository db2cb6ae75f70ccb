"""The settings file: defaults, validation with line numbers, and never touching the person's file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.config import (
    Config,
    config_path_is_explicit,
    default_config,
    load_config,
    load_or_defaults,
    parse_config,
    resolve_config_path,
    write_defaults_if_missing,
)
from core.config_defaults import DEFAULT_CONFIG_TEXT
from core.config_values import check_pattern, is_loopback_host
from core.errors import ConfigError
from core.yamlnodes import MAX_DEPTH
from providers.registry import provider_catalog

CATALOG = provider_catalog()


def parse(text: str) -> Config:
    return parse_config(text, CATALOG, source="config.yaml")


def error_of(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse(text)
    return caught.value


def test_defaults_have_the_documented_shape() -> None:
    config = default_config(CATALOG)
    assert config.default_provider == "openai"
    assert config.providers["openai"].model == "gpt-image-2.6-flare"
    assert config.providers["openai"].base_url == "https://api.openai.com/v1"
    assert config.providers["openai"].timeout == 180
    assert config.providers["google"].model == "gemini-nano-banana-2.1"
    assert config.providers["photoroom"].base_url == "https://sdk.photoroom.com"
    assert config.hotkeys.capture == "<ctrl>+<print_screen>"
    assert config.hotkeys.clipboard == "<ctrl>+<shift>+<print_screen>"
    assert [preset.name for preset in config.presets][:2] == ["copy", "restyle"]
    assert config.preset("restyle").prompt == "Redraw this as a watercolor"
    assert config.output.mode == "clipboard"
    assert config.output.folder == Path("~/Pictures/AI Image Studio").expanduser()
    assert config.output.format == "png"
    assert config.privacy.history is False


def test_default_text_is_commented_and_names_every_provider_in_the_catalog() -> None:
    comments = [line for line in DEFAULT_CONFIG_TEXT.splitlines() if line.strip().startswith("#")]
    assert len(comments) >= 10
    # Issue 15: a provider registers in its own module and runs on its catalog defaults (below) without
    # a line here; every line here must still name a registered provider.
    assert set(yaml.safe_load(DEFAULT_CONFIG_TEXT)["providers"]) <= set(CATALOG)
    for provider_id, info in CATALOG.items():
        assert default_config(CATALOG).providers[provider_id].base_url == info.default_base_url


def test_bad_hotkey_on_line_7_names_file_line_and_key() -> None:
    text = "\n".join(
        [
            "default_provider: openai",
            "providers:",
            "  openai: {model: gpt-image-2.6-flare}",
            "presets:",
            "  - {name: copy, provider: none}",
            "hotkeys:",
            '  capture: "<ctrl>+<bogus>"',
        ]
    )
    error = error_of(text)
    assert str(error).startswith("config.yaml:7: hotkeys.capture: '<ctrl>+<bogus>' is not a valid hotkey")
    assert error.line == 7


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("output:\n  mode: clipboard\n  colour: red\n", 3, "output.colour: is not a known setting"),
        ("frobnicate: 1\n", 1, "frobnicate: is not a known setting"),
        (
            "providers:\n  openai:\n    model: gpt-image-2.6-flare\n    temperature: 2\n",
            4,
            "providers.openai.temperature",
        ),
        ("providers:\n  dalle: {}\n", 2, "providers.dalle: is not a known setting"),
        ("presets:\n  - {name: a, provider: openai, mode: paint}\n", 2, "'paint' is not a mode of openai"),
        ("presets:\n  - {name: a, provider: openai, options: {size: 12x12}}\n", 2, "presets[0].options.size"),
        ("presets:\n  - {name: a, provider: openai, options: {bogus: 1}}\n", 2, "is not an option here"),
        ("presets:\n  - {name: a}\n  - {name: a}\n", 3, "already defined above"),
        ("presets:\n  - {name: a, provider: midjourney}\n", 2, "'midjourney' is not a provider"),
        ("output: {mode: print}\n", 1, "'print' is not one of clipboard, save, both"),
        ("output: {format: gif}\n", 1, "'gif' is not one of png, jpeg, webp"),
        ("output: {pattern: '{date}/{user}'}\n", 1, "must be a file name, not a path"),
        ("output: {pattern: '{date}_{user}'}\n", 1, "'{user}' is not a placeholder"),
        ("privacy: {history: maybe}\n", 1, "'maybe' is not true or false"),
        ("jobs: {max_concurrent: 0}\n", 1, "from 1 to 8"),
        ("providers:\n  openai: {timeout: -1}\n", 2, "must be a number of seconds above 0"),
        ("default_provider: dalle\n", 1, "'dalle' is not a provider"),
        ("hotkeys: {capture: '<ctrl>+e', clipboard: '<ctrl>+e'}\n", 1, "is already used by hotkeys.capture"),
        ("presets:\n  - {name: x, provider: none, mode: edit}\n", 2, "takes no mode, options or paint"),
        ("active_preset: nope\n", 1, "'nope' is not the name of a preset"),
        ("providers: [1, 2]\n", 1, "must be a mapping"),
    ],
)
def test_each_bad_value_is_refused_with_its_line(text: str, line: int, fragment: str) -> None:
    error = error_of(text)
    assert error.line == line, str(error)
    assert fragment in str(error)
    assert str(error).startswith(f"config.yaml:{line}: ")


def test_a_tab_in_the_indentation_is_explained_in_plain_words() -> None:
    error = error_of("output:\n\tmode: save\n")
    assert error.line == 2
    assert "tab character" in str(error)


def test_text_that_is_not_yaml_gives_its_line() -> None:
    error = error_of("output: {mode: save\nprivacy: [\n")
    assert error.line is not None
    assert "not valid YAML" in str(error)


def test_a_key_given_twice_is_refused() -> None:
    error = error_of("default_provider: openai\ndefault_provider: google\n")
    assert error.line == 2
    assert "given twice" in str(error)


@pytest.mark.parametrize(
    "url",
    ["http://api.example.com/v1", "http://192.168.1.20:8080/v1", "ftp://localhost/x", "not a url"],
)
def test_base_url_must_be_https_unless_loopback(url: str) -> None:
    error = error_of(f"providers:\n  openai: {{base_url: '{url}'}}\n")
    assert error.line == 2
    assert "providers.openai.base_url" in str(error)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/v1", "http://localhost:1234", "http://[::1]:9/v1", "https://x.example"]
)
def test_https_and_loopback_base_urls_are_accepted(url: str) -> None:
    assert parse(f"providers:\n  openai: {{base_url: '{url}'}}\n").providers["openai"].base_url == url.rstrip("/")


def test_empty_file_means_defaults() -> None:
    assert parse("") == default_config(CATALOG)


def test_first_run_writes_the_commented_defaults_once(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.yaml"
    assert write_defaults_if_missing(path) is True
    assert path.read_text() == DEFAULT_CONFIG_TEXT
    path.write_text("# mine\ndefault_provider: google\n")
    assert write_defaults_if_missing(path) is False
    assert path.read_text() == "# mine\ndefault_provider: google\n"


def test_broken_file_gives_defaults_and_the_reason_and_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    broken = "hotkeys:\n  capture: '<ctrl>+<nope>'\n"
    path.write_text(broken)
    config, problem = load_or_defaults(path, CATALOG)
    assert config.presets == default_config(CATALOG).presets
    assert problem is not None
    assert problem.line == 2
    assert path.read_text() == broken


def test_load_config_names_the_real_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("output: {mode: fax}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, CATALOG)
    assert str(caught.value).startswith(f"{path}:1: output.mode:")


def test_config_path_prefers_the_option_then_the_environment(tmp_path: Path) -> None:
    assert resolve_config_path(str(tmp_path / "a.yaml"), {"AIIS_CONFIG": "/x/b.yaml"}) == tmp_path / "a.yaml"
    assert resolve_config_path(None, {"AIIS_CONFIG": "/x/b.yaml"}) == Path("/x/b.yaml")
    assert resolve_config_path(None, {}).name == "config.yaml"


def test_the_copy_preset_is_always_there() -> None:
    config = parse("presets:\n  - {name: mine, provider: openai, mode: generate, prompt: a cat}\n")
    assert [preset.name for preset in config.presets] == ["copy", "mine"]
    assert not config.preset("copy").needs_provider


def test_defaults_text_and_built_in_presets_agree() -> None:
    from core.config import DEFAULT_PRESETS

    assert parse(DEFAULT_CONFIG_TEXT).presets == DEFAULT_PRESETS


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True), ("127.0.0.1", True), ("127.8.9.10", True), ("[::1]", True), ("LOCALHOST", True),
        ("127.evil.example", False), ("localhost.evil.example", False), ("0x7f.1", False), ("127.1", False),
        ("0177.0.0.1", False), ("localhost.", False), ("2130706433", False), ("::ffff:8.8.8.8", False),
    ],
)  # fmt: skip
def test_only_localhost_and_loopback_literals_count_as_this_computer(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


@pytest.mark.parametrize("url", ["https://x.example:99999/v1", "https://x.example:0", "https://x.example:port"])
def test_a_port_that_does_not_exist_is_refused_with_its_line(url: str) -> None:
    error = error_of(f"default_provider: openai\nproviders:\n  openai: {{base_url: '{url}'}}\n")
    assert error.line == 3
    assert "port that does not exist" in str(error)


@pytest.mark.parametrize(
    "pattern", ["{date:>999999}", "{preset.__class__}", "{preset[0]}", "{0}", "{}", "{date!s}", "{date:{time}}"]
)
def test_patterns_take_plain_placeholders_only(pattern: str) -> None:
    with pytest.raises(ValueError, match="placeholder"):
        check_pattern(pattern)
    assert check_pattern("{{date}}_{date}") == "{{date}}_{date}"


def test_a_named_file_must_exist_but_the_usual_one_may_be_missing(tmp_path: Path) -> None:
    missing = tmp_path / "typo.yaml"
    assert config_path_is_explicit(str(missing), {}) is True
    assert config_path_is_explicit(None, {"AIIS_CONFIG": str(missing)}) is True
    assert config_path_is_explicit(None, {"AIIS_CONFIG": ""}) is False
    assert load_config(missing, CATALOG) == default_config(CATALOG)
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(missing, CATALOG, must_exist=True)
    config, problem = load_or_defaults(missing, CATALOG)
    assert config.presets == default_config(CATALOG).presets
    assert problem is not None
    assert "does not exist" in str(problem)
    assert not missing.exists()


def test_nesting_is_refused_at_its_line_before_the_composer_recurses_too_deep() -> None:
    deep = "presets:\n" + "  - " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    error = error_of(deep)
    assert error.line == 2
    assert f"nested more than {MAX_DEPTH} levels" in str(error)


def test_a_few_aliases_still_work() -> None:
    text = "presets:\n  - &mine {name: a, provider: none}\n  - {name: b, provider: none}\nactive_preset: a\n"
    assert [p.name for p in parse(text).presets] == ["copy", "a", "b"]
