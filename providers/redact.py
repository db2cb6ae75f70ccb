r"""Blanking a key that a server echoes back, in whatever spelling it chose, before anyone quotes it.

Classifiers quote a provider's error words, after decoding them: a JSON ``\u0073k-...`` becomes the
key again, and so does ``%73k-...`` in a URL the error names (issue 16). So each character of the
key is matched in any of the spellings a text format gives it (itself, ``%hh``, ``\uXXXX``, ``\xhh``,
``&#nn;``, ``&#xhh;``), and the whole key in base64 too. A body in UTF-16 or UTF-32 (which
``json.loads`` accepts) is read as text first and handed on as UTF-8.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Collection, Iterable
from dataclasses import replace

from providers.transfer import Answer

BLANK = b"***"
# Classifiers quote a few hundred characters; an error body is never needed past this.
MAX_ERROR_BYTES = 1024 * 1024
LATIN_1_END = 0x100
_WIDE = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})


def key_variants(values: Iterable[str]) -> tuple[str, ...]:
    """Each header value and its last word (``Bearer sk-...`` -> ``sk-...``), longest first."""
    found = {part for value in values for part in {value, *value.split()[-1:]} if part.strip()}
    return tuple(sorted(found, key=len, reverse=True))


def _char(char: str) -> bytes:
    code = ord(char)
    spellings = [re.escape(char.encode())]
    if code < LATIN_1_END:
        spellings += [b"%%%02x" % code, b"\\\\x%02x" % code, b"&#x0*%x;" % code]
    spellings += [b"\\\\u%04x" % code, b"&#0*%d;" % code]
    if char == "/":
        spellings.append(rb"\\/")
    return b"(?:" + b"|".join(spellings) + b")"


def _pattern(secret: str) -> re.Pattern[bytes]:
    whole = b"".join(_char(char) for char in secret)
    raw = secret.encode()
    encoded = {base64.b64encode(raw).rstrip(b"="), base64.urlsafe_b64encode(raw).rstrip(b"=")}
    alternatives = [whole, *(re.escape(item) for item in sorted(encoded, key=len, reverse=True))]
    return re.compile(b"|".join(alternatives), re.IGNORECASE)


def blank(content: bytes, secrets: Collection[str]) -> bytes:
    """``content`` with every spelling of every secret replaced by ``***``."""
    if not secrets or not content:
        return content
    try:
        encoding = json.detect_encoding(content)
    except (ValueError, UnicodeDecodeError):
        encoding = "utf-8"
    if encoding in _WIDE:
        content = content.decode(encoding, "replace").encode("utf-8")
    for secret in secrets:
        content = _pattern(secret).sub(BLANK, content)
    return content


def without_secrets(answer: Answer, secrets: Collection[str]) -> Answer:
    """The answer, cut to ``MAX_ERROR_BYTES`` and with every key blanked, for a classifier to quote."""
    return replace(answer, content=blank(answer.content[:MAX_ERROR_BYTES], secrets))
