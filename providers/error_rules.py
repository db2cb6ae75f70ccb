"""Turning a failed answer's status into the app's error, by a table of rules per provider.

Ideogram and PhotoRoom answer errors the same way: a status that means one thing, and a few words of
their own. Each keeps its table (status -> error type and a template with ``{words}``); this module
applies it, with the same fallbacks for server failures and anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus

from core.errors import BadRequestError, ProviderError, ServerError

StatusRules = Mapping[int, tuple[type[ProviderError], str]]

MAX_SAID = 300


def shorten(text: str) -> str:
    """The provider's words on one line and at most ``MAX_SAID`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_SAID else text[: MAX_SAID - 1] + "…"


def by_status(provider: str, status: int, words: str, rules: StatusRules) -> ProviderError:
    """The rule for ``status``; otherwise a server failure (5xx) or a refused request, quoting ``words``."""
    rule = rules.get(status)
    if rule is not None:
        kind, template = rule
        return kind(provider, template.format(words=words), status=status)
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        return ServerError(
            provider, f"{provider}'s servers failed (HTTP {status}: {words}). Try again later.", status=status
        )
    return BadRequestError(provider, f"the request was refused (HTTP {status}: {words}).", status=status)
