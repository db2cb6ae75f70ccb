"""Small declarative value checks shared by the config file and provider options.

A spec is data (what a provider accepts is declared, not coded), and every failure names the value
and what would have been accepted, in plain words. Kept by hand rather than with a validation
library: the needs are a handful of scalar kinds, and the messages must carry YAML line numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


class SpecError(ValueError):
    """A value does not fit its spec. ``key`` is the dotted name within the checked mapping."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key
        self.message = message


@dataclass(frozen=True)
class Field:
    """One accepted value: its kind, and its bounds or choices.

    ``kind`` is one of ``str``, ``int``, ``float``, ``bool``, ``choice``. ``from_text`` turns a
    command-line string into the kind first, so ``--option n=2`` and ``n: 2`` mean the same.
    """

    kind: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    nullable: bool = False
    help: str = ""
    # A text rule data cannot say (a provider's size rule): the reason in words, or None when it fits.
    rule: Callable[[str], str | None] | None = field(default=None, compare=False)

    def check(self, value: object) -> object:
        if value is None:
            if self.nullable:
                return None
            raise ValueError("a value is required here")
        checker = getattr(self, f"_check_{self.kind}")
        result: object = checker(value)
        return result

    def from_text(self, text: str) -> object:
        if self.kind == "int":
            try:
                return self.check(int(text))
            except ValueError as error:
                if "whole number" in str(error) or not text.strip().lstrip("-").isdigit():
                    raise ValueError(f"{text!r} is not a whole number") from None
                raise
        if self.kind == "float":
            try:
                number = float(text)
            except ValueError:
                raise ValueError(f"{text!r} is not a number") from None
            return self.check(number)
        if self.kind == "bool":
            lowered = text.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ValueError(f"{text!r} is not true or false")
        if self.nullable and text.strip().lower() in {"null", "none", ""}:
            return None
        return self.check(text)

    def _check_str(self, value: object) -> str:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not text")
        if self.max_length is not None and len(value) > self.max_length:
            raise ValueError(f"is {len(value)} characters long; at most {self.max_length} are accepted")
        problem = self.rule(value) if self.rule is not None else None
        if problem is not None:
            raise ValueError(problem)
        return value

    def _check_choice(self, value: object) -> str:
        text = str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        if not isinstance(text, str) or text not in self.choices:
            raise ValueError(f"{value!r} is not one of {', '.join(self.choices)}")
        return text

    def _check_bool(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not true or false")
        return value

    def _check_int(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{value!r} is not a whole number")
        self._check_range(value)
        return value

    def _check_float(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{value!r} is not a number")
        self._check_range(value)
        return float(value)

    def _check_range(self, value: float) -> None:
        low, high = self.minimum, self.maximum
        if low is not None and high is not None and not low <= value <= high:
            raise ValueError(f"{value!r} is outside {_num(low)} to {_num(high)}")
        if low is not None and value < low:
            raise ValueError(f"{value!r} is below the minimum of {_num(low)}")
        if high is not None and value > high:
            raise ValueError(f"{value!r} is above the maximum of {_num(high)}")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def choice(*values: str, help: str = "", nullable: bool = False) -> Field:  # noqa: A002
    return Field("choice", choices=values, help=help, nullable=nullable)


def integer(minimum: int | None = None, maximum: int | None = None, help: str = "") -> Field:  # noqa: A002
    return Field("int", minimum=minimum, maximum=maximum, help=help)


def number(minimum: float | None = None, maximum: float | None = None, help: str = "") -> Field:  # noqa: A002
    return Field("float", minimum=minimum, maximum=maximum, help=help)


def text(
    max_length: int | None = None,
    help: str = "",  # noqa: A002
    nullable: bool = False,
    rule: Callable[[str], str | None] | None = None,
) -> Field:
    return Field("str", max_length=max_length, help=help, nullable=nullable, rule=rule)


def flag(help: str = "") -> Field:  # noqa: A002
    return Field("bool", help=help)


OptionsSpec = Mapping[str, Field]


def check_options(spec: OptionsSpec, options: Mapping[str, object]) -> dict[str, object]:
    """Check every option against ``spec``; unknown names are refused, listing the known ones."""
    checked: dict[str, object] = {}
    for key, value in options.items():
        field = spec.get(key)
        if field is None:
            known = ", ".join(sorted(spec)) or "none"
            raise SpecError(key, f"is not an option here (known options: {known})")
        try:
            checked[key] = field.check(value)
        except ValueError as error:
            raise SpecError(key, str(error)) from None
    return checked


def options_from_text(spec: OptionsSpec, pairs: list[str]) -> dict[str, object]:
    """Parse ``KEY=VALUE`` strings from the command line against ``spec``."""
    parsed: dict[str, object] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise SpecError(pair, "write options as KEY=VALUE")
        field = spec.get(key)
        if field is None:
            known = ", ".join(sorted(spec)) or "none"
            raise SpecError(key, f"is not an option here (known options: {known})")
        try:
            parsed[key] = field.from_text(raw)
        except ValueError as error:
            raise SpecError(key, str(error)) from None
    return parsed
