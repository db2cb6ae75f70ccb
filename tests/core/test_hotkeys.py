"""Hotkey strings in pynput's notation: accepted forms, canonical order, and plain refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.hotkeys import MODIFIERS, NAMED_KEYS, parse_hotkey


@pytest.mark.parametrize(
    ("text", "canonical", "label"),
    [
        ("<ctrl>+<shift>+e", "<ctrl>+<shift>+e", "Ctrl+Shift+E"),
        ("<shift>+<ctrl>+E", "<ctrl>+<shift>+e", "Ctrl+Shift+E"),
        ("<alt>+<f9>", "<alt>+<f9>", "Alt+F9"),
        ("<cmd>+<shift>+4", "<shift>+<cmd>+4", "Shift+Cmd+4"),
        ("<print_screen>", "<print_screen>", "Print Screen"),
        ("<ctrl_l>+x", "<ctrl>+x", "Ctrl+X"),
    ],
)
def test_valid_hotkeys_parse_to_a_canonical_form(text: str, canonical: str, label: str) -> None:
    hotkey = parse_hotkey(text)
    assert str(hotkey) == canonical
    assert hotkey.label() == label


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<ctrl>+<bogus>", "<bogus> is not a key name"),
        ("<ctrl>+<shift>", "no main key"),
        ("<ctrl>+a+b", "two main keys"),
        ("<ctrl>++a", "empty part"),
        ("ctrl+e", "must be one character"),
        ("<ctrl>+<ctrl_r>+e", "given twice"),
        ("", "empty"),
    ],
)
def test_invalid_hotkeys_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match="is not a valid hotkey") as caught:
        parse_hotkey(text)
    assert reason in str(caught.value)


@given(
    st.lists(
        st.sampled_from(sorted(MODIFIERS)), unique_by=lambda m: m.split("_")[0] if m != "alt_gr" else m, max_size=3
    ),
    st.one_of(st.sampled_from(sorted(NAMED_KEYS)), st.characters(whitelist_categories=("Ll", "Nd"))),
)
def test_canonical_form_parses_back_to_itself(modifiers: list[str], key: str) -> None:
    main = f"<{key}>" if len(key) > 1 else key
    hotkey = parse_hotkey("+".join([*(f"<{m}>" for m in modifiers), main]))
    assert parse_hotkey(str(hotkey)) == hotkey


@given(st.text(max_size=30))
def test_any_text_either_parses_or_raises_value_error(text: str) -> None:
    try:
        hotkey = parse_hotkey(text)
    except ValueError as error:
        message = str(error)
        hotkey = None
    if hotkey is None:
        assert "is not a valid hotkey" in message
    else:
        assert hotkey.key


def test_the_default_hotkeys_in_the_settings_file_are_the_ones_the_code_falls_back_to() -> None:
    # A settings file without a hotkeys: section must get the same keys the written file names.
    from core.config_defaults import DEFAULT_CONFIG_TEXT
    from core.hotkeys import DEFAULT_CAPTURE_HOTKEY, DEFAULT_CLIPBOARD_HOTKEY, DEFAULT_LAST_RESULT_HOTKEY

    lines = (
        f'\n  capture: "{DEFAULT_CAPTURE_HOTKEY}"\n  clipboard: "{DEFAULT_CLIPBOARD_HOTKEY}"\n'
        f'  last_result: "{DEFAULT_LAST_RESULT_HOTKEY}"\n'
    )
    assert "\nhotkeys:" + lines in DEFAULT_CONFIG_TEXT
    assert parse_hotkey(DEFAULT_CAPTURE_HOTKEY).label() == "Ctrl+Print Screen"
    assert parse_hotkey(DEFAULT_CLIPBOARD_HOTKEY).label() == "Ctrl+Shift+Print Screen"
    assert parse_hotkey(DEFAULT_LAST_RESULT_HOTKEY).label() == "Ctrl+Shift+Alt+Print Screen"
