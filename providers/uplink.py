"""How an upload PNG is written, from where the provider's server is (ADR 036, ADR 037).

Over the internet the bytes cost more than the encode: ``INTERNET_PNG`` is Pillow's PNG at the
level fastest end to end on the 10 Mbit/s uplink model. A server on this computer or the LAN (an
OpenAI-compatible server at ``http://127.0.0.1:8080/v1`` or ``https://192.168.1.20/v1``) takes the
bytes at a gigabit or more, so the encode is nearly all of the cost: ``LOCAL_PNG`` is the PNG
fastest on the 1 Gbit/s model, rows left unfiltered (``providers.fast_png``; ``python -m bench.upload``).

Only the base URL's host as written decides: ``localhost`` or an IP literal in a loopback,
private or link-local range. No name is looked up (no DNS, no network call), so a name that only
resolves to a LAN address counts as the internet; that costs at most the internet encoding's time.
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from providers.fitting import INTERNET_PNG, PngEncoding

log = logging.getLogger(__name__)

# bench.upload, 1 Gbit/s, six screenshots (ADR 037): unfiltered rows at level 2 were the fastest PNG.
LOCAL_PNG = PngEncoding(level=2, filtered=False)
LOCAL_NAMES = frozenset({"localhost"})


def is_local_host(host: str) -> bool:
    """``localhost``, or an IP literal that is loopback, private (RFC 1918, fc00::/7) or link-local."""
    host = host.strip("[]").lower().partition("%")[0]  # an IPv6 zone ("fe80::1%eth0") names no address
    if host in LOCAL_NAMES:
        # Not "*.localhost" or "127.x.example": some resolvers send those names to DNS (core.config_values).
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_private or address.is_link_local


def png_encoding(base_url: str) -> PngEncoding:
    """How upload PNGs to the server at ``base_url`` are written."""
    try:
        host = urlsplit(base_url).hostname or ""
    except ValueError:
        host = ""
    local = bool(host) and is_local_host(host)
    png = LOCAL_PNG if local else INTERNET_PNG
    log.debug(
        "upload PNG at zlib level %d, rows %s: the provider's host is %s",
        png.level,
        "filtered" if png.filtered else "unfiltered",
        "local" if local else "on the internet",
    )
    return png
