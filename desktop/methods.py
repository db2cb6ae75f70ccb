"""The one rule every OS-facing capability follows: take the first method that fits and is installed.

Capture, clipboard and notifications each keep a list of methods (one module per method, NormCap's
pattern); each caller turns "nothing usable" into its own error, with the hints of the methods that
would have fitted, so the person learns what to install.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar


class OsMethod(Protocol):
    """What every method says of itself."""

    @property
    def name(self) -> str: ...
    @property
    def install_hint(self) -> str: ...
    def fits_this_system(self) -> bool: ...
    def is_installed(self) -> bool: ...


M = TypeVar("M", bound=OsMethod)


def first_usable(methods: Sequence[M]) -> tuple[M | None, list[M]]:
    """The first method that fits and is installed, and the fitting ones (for their install hints)."""
    fitting = [method for method in methods if method.fits_this_system()]
    for method in fitting:
        if method.is_installed():
            return method, fitting
    return None, fitting
