"""An answer that says its model or endpoint is going away (RFC 9745 ``Deprecation``, RFC 8594 ``Sunset``).

Providers announce retirements months ahead (issue 11: every image model the app shipped with was
shut down within a year). When an answer carries these headers the job still succeeds, but the
person is told, in the job's notes and the log, with where to look for a replacement.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

log = logging.getLogger(__name__)

# RFC 9745: "Deprecation: @1688169599" (a Unix time); older servers send "true" or an HTTP date.
EPOCH = re.compile(r"^@(\d{1,12})$")
SUCCESSOR = re.compile(r'<([^>]+)>\s*;\s*rel="?(?:successor-version|deprecation)"?')


def _when(value: str) -> str:
    """A date as YYYY-MM-DD where it can be read (``@epoch`` or an HTTP date), else as sent."""
    match = EPOCH.match(value.strip())
    if match is not None:
        return datetime.fromtimestamp(int(match[1]), UTC).date().isoformat()
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return value.strip()[:40]


def deprecation_note(headers: Mapping[str, str], *, provider: str, what: str, fix: str) -> str | None:
    """A note in words when ``headers`` announce a deprecation or sunset of ``what``; None otherwise."""
    deprecated = headers.get("deprecation")
    sunset = headers.get("sunset")
    if not deprecated and not sunset:
        return None
    parts = [f"{provider} says {what} is deprecated"]
    if deprecated and deprecated.strip().lower() != "true":
        parts.append(f" (since {_when(deprecated)})")
    if sunset:
        parts.append(f" and will stop working on {_when(sunset)}")
    link = SUCCESSOR.search(headers.get("link", ""))
    note = "".join(parts) + f". {fix}" + (f" See {link[1]}" if link else "")
    log.warning("%s", note)
    return note
