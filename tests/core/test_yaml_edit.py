"""yaml_edit on the real settings file and its odd corners: comments kept, file only written when sound."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
import yaml

from core.config import parse_config
from core.config_defaults import DEFAULT_CONFIG_TEXT
from core.errors import ConfigError
from core.yaml_edit import render_scalar, set_value, set_value_in_file, set_values_in_file
from providers.registry import provider_catalog


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("default_provider",), "google"),
        (("active_preset",), "restyle"),
        (("output", "mode"), "both"),
        (("jobs", "remove_background_after"), True),
        (("jobs", "max_concurrent"), 4),
        (("privacy", "history"), True),
        (("presets", 1, "hotkey"), "<ctrl>+<alt>+r"),
        (("presets", 0, "prompt"), 'a "quoted", {odd} prompt: # not a comment'),
    ],
)
def test_menu_choices_change_one_value_of_the_default_file_and_keep_every_comment(
    path: tuple[str | int, ...], value: object
) -> None:
    edited = set_value(DEFAULT_CONFIG_TEXT, path, value)  # type: ignore[arg-type]

    document = yaml.safe_load(edited)
    node = document
    for part in path:
        node = node[part]
    assert node == value
    assert comment_lines(edited) == comment_lines(DEFAULT_CONFIG_TEXT)
    changed = [
        (old, new)
        for old, new in zip(DEFAULT_CONFIG_TEXT.splitlines(), edited.splitlines(), strict=False)
        if old != new
    ]
    assert len(changed) <= 1
    # The app's own checker still accepts the file.
    parse_config(edited, provider_catalog(), source="edited")


def test_a_value_in_a_nested_block_mapping_keeps_trailing_comments_and_indentation() -> None:
    text = "output:\n  mode: clipboard   # where results go\n  folder: ~/Pictures  # here\n# end\n"

    edited = set_value(text, ("output", "mode"), "save")

    assert edited == "output:\n  mode: save   # where results go\n  folder: ~/Pictures  # here\n# end\n"


def test_a_missing_key_is_inserted_after_the_last_child_with_its_indentation() -> None:
    text = "jobs:\n    max_concurrent: 2  # at most\n# trailing comment about output\noutput:\n    mode: save\n"

    edited = set_value(text, ("jobs", "remove_background_after"), True)

    assert edited == (
        "jobs:\n    max_concurrent: 2  # at most\n    remove_background_after: true\n"
        "# trailing comment about output\noutput:\n    mode: save\n"
    )


def test_a_missing_key_in_a_flow_mapping_is_added_before_the_brace() -> None:
    assert (
        set_value("jobs: {max_concurrent: 2}  # c\n", ("jobs", "x"), "y z")
        == "jobs: {max_concurrent: 2, x: y z}  # c\n"
    )
    assert set_value("jobs: {}\n", ("jobs", "x"), 1) == "jobs: {x: 1}\n"


def test_a_missing_top_level_key_is_appended_as_a_line() -> None:
    assert set_value("# only a comment", ("active_preset",), "copy") == "# only a comment\nactive_preset: copy\n"
    assert set_value("", ("output", "mode"), "both") == "output:\n  mode: both\n"


def test_document_markers_and_a_missing_final_newline_are_respected() -> None:
    assert set_value("---\na: 1\n...\n", ("b",), True) == "---\na: 1\nb: true\n...\n"
    assert set_value("a:\n  x: 1", ("a", "y"), 3) == "a:\n  x: 1\n  y: 3\n"
    assert set_value("a:\n  x: 1\n# about b\nb: 2", ("a", "y"), 3) == "a:\n  x: 1\n  y: 3\n# about b\nb: 2"


def test_an_empty_group_becomes_a_flow_mapping_on_its_own_line() -> None:
    assert set_value("jobs:   # later\nz: 1\n", ("jobs", "max_concurrent"), 3) == (
        "jobs: {max_concurrent: 3}   # later\nz: 1\n"
    )


def test_block_scalars_are_replaced_without_eating_the_next_key() -> None:
    text = "prompt: |\n  line one\n  line two\n\nnext: 1\n"

    edited = set_value(text, ("prompt",), "short")

    assert yaml.safe_load(edited) == {"prompt": "short", "next": 1}
    assert edited.endswith("\n\nnext: 1\n")


def test_windows_line_endings_are_kept() -> None:
    edited = set_value("a: 1\r\nb:\r\n  c: 2\r\n", ("b", "d"), 3)

    assert edited == "a: 1\r\nb:\r\n  c: 2\r\n  d: 3\r\n"


def test_strings_that_look_like_other_types_stay_strings() -> None:
    for value in ["yes", "null", "123", "1.5", "~", "- item", "key: value", "#hash", " padded ", "", "a\nb", "é"]:
        assert yaml.safe_load(f"k: {render_scalar(value)}") == {"k": value}
        assert yaml.safe_load(f"k: [{render_scalar(value)}]") == {"k": [value]}


def test_anchored_values_are_refused_rather_than_changing_two_settings() -> None:
    text = "base: &b clipboard\noutput:\n  mode: *b\n"

    with pytest.raises(ConfigError, match="anchors"):
        set_value(text, ("base",), "save")


def test_paths_through_a_value_or_a_missing_list_item_are_refused() -> None:
    with pytest.raises(ConfigError, match="not a group"):
        set_value("output: clipboard\n", ("output", "mode"), "save")
    with pytest.raises(ConfigError, match="item 5 does not exist"):
        set_value("presets:\n  - {name: a}\n", ("presets", 5, "hotkey"), "x")
    with pytest.raises(ConfigError, match="group of settings"):
        set_value("output: {mode: save}\n", ("output",), "x")


def test_a_file_that_does_not_parse_is_never_written(tmp_path: Path) -> None:
    settings = tmp_path / "config.yaml"
    broken = "output:\n\tmode: save\n"
    settings.write_text(broken, encoding="utf-8")
    before = settings.stat().st_mtime_ns

    with pytest.raises(ConfigError, match="not valid YAML") as caught:
        set_value_in_file(settings, ("output", "mode"), "both")

    assert str(settings) in str(caught.value)
    assert settings.read_text(encoding="utf-8") == broken
    assert settings.stat().st_mtime_ns == before
    assert [entry.name for entry in tmp_path.iterdir()] == ["config.yaml"]


def test_changes_are_written_atomically_and_leave_no_temporary_file(tmp_path: Path) -> None:
    settings = tmp_path / "config.yaml"
    settings.write_text(DEFAULT_CONFIG_TEXT, encoding="utf-8")

    set_values_in_file(settings, [(("output", "mode"), "save"), (("default_provider",), "ideogram")])

    loaded = yaml.safe_load(settings.read_text(encoding="utf-8"))
    assert loaded["output"]["mode"] == "save"
    assert loaded["default_provider"] == "ideogram"
    assert [entry.name for entry in tmp_path.iterdir()] == ["config.yaml"]


def test_a_refused_change_in_a_batch_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    settings = tmp_path / "config.yaml"
    settings.write_text(DEFAULT_CONFIG_TEXT, encoding="utf-8")

    with pytest.raises(ConfigError, match=r"output\.mode"):
        set_values_in_file(settings, [(("default_provider",), "google"), (("output", "mode", "deeper"), 1)])

    assert settings.read_text(encoding="utf-8") == DEFAULT_CONFIG_TEXT


def test_a_missing_file_is_created_with_the_value(tmp_path: Path) -> None:
    settings = tmp_path / "new" / "config.yaml"

    set_value_in_file(settings, ("output", "mode"), "both")

    assert yaml.safe_load(settings.read_text(encoding="utf-8")) == {"output": {"mode": "both"}}


def test_a_billion_laughs_file_is_refused_by_a_menu_choice_without_expanding_it(tmp_path: Path) -> None:
    # safe_load keeps aliases shared, but comparing the documents before and after walks 10^9 items.
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{n}: &{n} [{', '.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)]
    file = tmp_path / "config.yaml"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = file.read_bytes()
    start = time.monotonic()
    with pytest.raises(ConfigError, match="more than 10000 values"):
        set_value_in_file(file, ("output", "mode"), "both")
    assert time.monotonic() - start < 2
    assert file.read_bytes() == before


def test_a_fifo_as_the_settings_file_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "config.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="named pipe"):
        set_value_in_file(fifo, ("output", "mode"), "both")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_plain_file_keeps_its_mode_and_a_link_its_target(tmp_path: Path) -> None:
    plain = tmp_path / "plain.yaml"
    plain.write_text("jobs: {max_concurrent: 2}\n", encoding="utf-8")
    plain.chmod(0o600)
    set_value_in_file(plain, ("jobs", "max_concurrent"), 3)
    assert stat.S_IMODE(plain.stat().st_mode) == 0o600
    chain = tmp_path / "link-to-link.yaml"
    (tmp_path / "link.yaml").symlink_to(plain)
    chain.symlink_to(tmp_path / "link.yaml")
    set_value_in_file(chain, ("jobs", "max_concurrent"), 4)
    assert chain.is_symlink()
    assert (tmp_path / "link.yaml").is_symlink()
    assert plain.read_text(encoding="utf-8") == "jobs: {max_concurrent: 4}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link-to-link.yaml", "link.yaml", "plain.yaml"]
