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
# A success body up to this is blanked whole, in every spelling; a longer one (an image as base64)
# is parsed and only its strings' quotable starts are: 24 ms of every 1024x1024 job went to running
# the every-spelling pattern over the image's base64 (bench.profile job, issue 14).
WHOLE_SUCCESS_BYTES = 64 * 1024
# In a successful answer only the start of a string is ever quoted (a note, a refusal); the rest of a
# long one is image data, checked for the key as it is, not in every spelling (1.7 s per 20 MB).
QUOTED_PREFIX = 64 * 1024
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


def success_without_secrets(answer: Answer, secrets: Collection[str]) -> Answer:
    """A 2xx answer with the key blanked wherever a parser could quote it (Gemini's text parts ...)."""
    if not secrets or not answer.content or answer.content_type.startswith("image/"):
        return answer
    if len(answer.content) <= WHOLE_SUCCESS_BYTES:
        return replace(answer, content=blank(answer.content, secrets))
    literal = answer.content
    for secret in secrets:
        literal = literal.replace(secret.encode(), BLANK)
    try:
        body = json.loads(literal)
        cleaned, changed = _scrubbed(body, secrets)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # Not JSON: no image data to spare, so a body a classifier may quote is blanked whole.
        whole = len(answer.content) <= MAX_ERROR_BYTES
        return replace(answer, content=blank(answer.content, secrets) if whole else literal)
    if not changed:
        return replace(answer, content=literal)
    return replace(answer, content=json.dumps(cleaned, ensure_ascii=False).encode())


def _scrubbed(value: object, secrets: Collection[str]) -> tuple[object, bool]:
    if isinstance(value, str):
        head = value[:QUOTED_PREFIX].encode("utf-8", "surrogatepass")
        clean = blank(head, secrets)
        if clean == head:
            return value, False
        return clean.decode("utf-8", "replace") + value[QUOTED_PREFIX:], True
    if isinstance(value, list):
        pairs = [_scrubbed(item, secrets) for item in value]
        return [item for item, _ in pairs], any(changed for _, changed in pairs)
    if isinstance(value, dict):
        entries = {key: _scrubbed(item, secrets) for key, item in value.items()}
        return {key: item for key, (item, _) in entries.items()}, any(changed for _, changed in entries.values())
    return value, False


def without_secrets(answer: Answer, secrets: Collection[str]) -> Answer:
    """The answer, cut to ``MAX_ERROR_BYTES`` and with every key blanked, for a classifier to quote."""
    return replace(answer, content=blank(answer.content[:MAX_ERROR_BYTES], secrets))
