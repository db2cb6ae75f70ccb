"""The one rule every OS-facing capability follows: take the first method that fits and is installed.

Capture, clipboard, notifications and hotkeys each keep a list of methods (one module per method,
NormCap's pattern). A person may pin one by name (``AIIS_CAPTURE=grim``, or ``--capture grim``):
a pinned method that does not fit or is not installed here is said in the log, and the first usable
one is taken instead. When nothing is usable, the caller's error names what would have fitted and
how to install it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from core.errors import AppError

log = logging.getLogger(__name__)


class OsMethod(Protocol):
    """What every method says of itself."""

    @property
    def name(self) -> str: ...
    @property
    def install_hint(self) -> str: ...
    def fits_this_system(self) -> bool: ...
    def is_installed(self) -> bool: ...


M = TypeVar("M", bound=OsMethod)


@dataclass(frozen=True)
class Capability:
    """How one capability is named to the person: in the log, in errors, and the variable that pins it."""

    what: str
    env_var: str
    error: type[AppError]
    no_fit: str


def session_type(env: Mapping[str, str]) -> str:
    """``wayland``, ``x11`` or ``""``, from the variables a desktop session sets."""
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    if env.get("DISPLAY"):
        return "x11"
    return ""


def first_usable(methods: Sequence[M]) -> tuple[M | None, list[M]]:
    """The first method that fits and is installed, and the fitting ones (for their install hints)."""
    fitting = [method for method in methods if method.fits_this_system()]
    for method in fitting:
        if method.is_installed():
            return method, fitting
    return None, fitting


def usable(methods: Sequence[M], capability: Capability, env: Mapping[str, str]) -> list[M]:
    """Every usable method, best first, a pinned one (``capability.env_var``) ahead of the rest.

    Raises ``capability.error`` naming what to install when none is usable, or the known names when
    the pinned name is none of them.
    """
    pinned = env.get(capability.env_var, "").strip().lower()
    names = [method.name for method in methods]
    if pinned and pinned not in {name.lower() for name in names}:
        raise capability.error(
            f"{capability.env_var}={pinned} names no {capability.what} method; known: {', '.join(names)}."
        )
    fitting = [method for method in methods if method.fits_this_system()]
    ready = [method for method in fitting if method.is_installed()]
    if pinned:
        chosen = [method for method in ready if method.name.lower() == pinned]
        if not chosen:
            log.warning(
                "%s %s was asked for (%s) but does not work here; using the first usable one",
                capability.what,
                pinned,
                capability.env_var,
            )
        ready = chosen + [method for method in ready if method not in chosen]
    if ready:
        log.info("%s through %s", capability.what, ready[0].name)
        return ready
    if fitting:
        hints = " ".join(method.install_hint for method in fitting)
        tried = ", ".join(method.name for method in fitting)
        raise capability.error(f"No {capability.what} method is installed for this desktop (tried {tried}). {hints}")
    raise capability.error(capability.no_fit)


class FallbackChain(Generic[M]):
    """Usable methods, best first: the first serves until it fails, then the next takes over (issue 12).

    Subclasses speak their capability's protocol and call ``hand_over`` when the current method
    failed; ``retire`` releases what a dropped method holds.
    """

    def __init__(self, methods: Sequence[M], capability: Capability) -> None:
        self._methods = list(methods)
        self._capability = capability
        self.take(self._methods[0])

    @property
    def current(self) -> M:
        return self._methods[0]

    def take(self, method: M) -> None:
        self.name = method.name
        self.install_hint = method.install_hint

    def retire(self, method: M) -> None:
        """Nothing to release by default."""

    def fits_this_system(self) -> bool:
        return True

    def is_installed(self) -> bool:
        return True

    def hand_over(self, error: Exception) -> bool:
        """Drop the current method for the next usable one, said in the log; False if it was the last."""
        if len(self._methods) == 1:
            return False
        failed = self._methods.pop(0)
        self.retire(failed)
        self.take(self._methods[0])
        log.warning("%s through %s failed (%s); using %s", self._capability.what, failed.name, error, self.name)
        return True
