"""Checks of single settings values that would otherwise fail only later, mid-job (issue 16).

``config check`` must catch what a job would trip over after the person selected a region: a port
no socket can use, a host that merely looks like this computer, a file-name pattern that Python's
``str.format`` would turn into a million spaces or an attribute lookup.
"""

from __future__ import annotations

import ipaddress
import string
from urllib.parse import urlsplit

PATTERN_FIELDS = frozenset({"date", "time", "preset", "provider", "mode", "width", "height"})
MAX_PORT = 65535


def is_loopback_host(host: str) -> bool:
    """Only ``localhost`` and real loopback address literals (127.0.0.0/8 written as four numbers, ::1).

    ``127.evil.example`` and ``localhost.evil.example`` are names anyone can point anywhere;
    ``0x7f.1`` and ``127.1`` are spellings some resolvers accept and others send to DNS. None is
    trusted with a key in clear text.
    """
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(value: object) -> str:
    """Https anywhere; plain http only to this computer, so a key never crosses a network unencrypted."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a URL such as https://api.openai.com/v1")
    parts = urlsplit(value.strip())
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ValueError(f"'{value}' is not an http(s) URL")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 1 <= port <= MAX_PORT:
        raise ValueError(f"'{value}' has a port that does not exist (ports run from 1 to {MAX_PORT})")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ValueError(
            f"'{value}' uses plain http to another computer, which would send your API key unencrypted; "
            "use https (plain http is allowed only for localhost, 127.0.0.1 and ::1)"
        )
    return value


def check_pattern(value: object) -> str:
    """Only ``{name}`` placeholders: no format specs, conversions, attributes or indexes."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a file-name pattern such as {date}_{time}_{preset}")
    if "/" in value or "\\" in value:
        raise ValueError(f"'{value}' must be a file name, not a path (set output.folder for the folder)")
    for name, spec, conversion in _fields(value):
        placeholder = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if name not in PATTERN_FIELDS:
            known = ", ".join("{" + n + "}" for n in sorted(PATTERN_FIELDS))
            raise ValueError(f"'{placeholder}' is not a placeholder (use {known})")
        if spec or conversion:
            # '{date:>999999}' would write a name of a million spaces; the placeholders are plain words.
            raise ValueError(f"'{placeholder}' has a format part; write the placeholder plainly, as {{{name}}}")
    return value


def _fields(pattern: str) -> list[tuple[str, str, str | None]]:
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as error:
        raise ValueError(f"'{pattern}' is not a valid pattern ({error})") from None
    fields = []
    for _literal, name, spec, conversion in parsed:
        if name is not None:
            fields.append((name, spec or "", conversion))
            if spec and "{" in spec:
                # A nested '{...}' inside a spec is a placeholder of its own.
                fields.extend(_fields(spec))
    return fields
