"""Declared option specs: the config file and the command line check values the same way."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.schema import SpecError, check_options, choice, flag, integer, number, options_from_text, text

SPEC = {
    "size": choice("1024x1024", "auto"),
    "n": integer(1, 10),
    "strength": number(0, 1),
    "crop": flag(),
    "note": text(5),
}


def test_values_of_the_right_kind_pass() -> None:
    given_options = {"size": "auto", "n": 3, "strength": 0.5, "crop": True, "note": "hi"}
    assert check_options(SPEC, given_options) == given_options


@pytest.mark.parametrize(
    ("options", "key", "fragment"),
    [
        ({"size": "big"}, "size", "'big' is not one of 1024x1024, auto"),
        ({"n": 11}, "n", "outside 1 to 10"),
        ({"n": True}, "n", "not a whole number"),
        ({"strength": "x"}, "strength", "not a number"),
        ({"crop": "yes"}, "crop", "not true or false"),
        ({"note": "too long"}, "note", "at most 5"),
        ({"colour": "red"}, "colour", "known options: crop, n, note, size, strength"),
    ],
)
def test_wrong_values_name_the_option_and_the_accepted_ones(
    options: dict[str, object], key: str, fragment: str
) -> None:
    with pytest.raises(SpecError) as caught:
        check_options(SPEC, options)
    assert caught.value.key == key
    assert fragment in str(caught.value)


def test_command_line_pairs_are_converted_to_the_declared_kinds() -> None:
    parsed = options_from_text(SPEC, ["n=2", "strength=0.25", "crop=yes", "size=auto"])
    assert parsed == {"n": 2, "strength": 0.25, "crop": True, "size": "auto"}


@pytest.mark.parametrize(
    ("pair", "fragment"), [("n", "KEY=VALUE"), ("n=two", "not a whole number"), ("crop=perhaps", "not true or false")]
)
def test_bad_command_line_pairs_are_explained(pair: str, fragment: str) -> None:
    with pytest.raises(SpecError, match=fragment):
        options_from_text(SPEC, [pair])


@given(st.integers())
def test_integer_range_accepts_exactly_the_range(value: int) -> None:
    try:
        assert integer(1, 10).check(value) == value
        assert 1 <= value <= 10
    except ValueError:
        assert not 1 <= value <= 10
