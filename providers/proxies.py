"""Which way a request goes: whether it may go at all, straight to this computer, or through a proxy.

A request goes only over https, or plain http to this computer, and only to a real port.

httpx's own ``trust_env`` sends every request through ``HTTP_PROXY``/``HTTPS_PROXY``, loopback ones
too: with a local ``base_url`` over plain http that put ``Authorization: Bearer <key>`` in clear text
on the proxy (issue 16). So the client trusts no environment and this transport decides instead:

- a loopback host (``localhost``, 127.0.0.0/8, ``::1``) is always reached directly;
- an https request goes through ``HTTPS_PROXY`` (or ``ALL_PROXY``) unless ``NO_PROXY`` names its host,
  as people behind a corporate proxy need; the key then travels inside the TLS tunnel (CONNECT);
- a plain http request to another computer is never sent at all (``providers.http`` refuses it
  first; this is the second lock on the same door).

Transports are built on first use, so a malformed proxy variable is reported when it matters, in words.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Mapping

import httpx

from core.errors import ConfigError

log = logging.getLogger(__name__)

LOOPBACK_NAMES = frozenset({"localhost", "::1"})
MAX_PORT = 65535


def is_loopback(host: str) -> bool:
    # Exactly the names and addresses that never leave this computer; nothing that only looks like one.
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_secure(url: httpx.URL) -> bool:
    """Https anywhere, plain http only to this computer: a key never crosses a network in clear text."""
    return url.scheme == "https" or (url.scheme == "http" and is_loopback(url.host))


def has_real_port(url: httpx.URL) -> bool:
    """A port a socket can take; httpx parses ``:99999`` and the socket layer then raises OverflowError."""
    return url.port is None or 0 < url.port <= MAX_PORT


def require_secure(url: httpx.URL, provider: str) -> None:
    if not is_secure(url):
        raise ConfigError(
            f"{provider}: refusing to send a request to {url.scheme}://{url.host}: only https is allowed "
            "(plain http only for servers on this computer). Fix the base_url in the settings file."
        )
    if not has_real_port(url):
        raise ConfigError(f"{provider}: the port {url.port} in the base_url is not a port (1-65535). Fix the settings.")


def same_origin(first: httpx.URL, second: httpx.URL) -> bool:
    return (first.scheme, first.host, first.port) == (second.scheme, second.host, second.port)


def proxy_for(url: httpx.URL, env: Mapping[str, str]) -> str | None:
    """The proxy URL the environment names for ``url``, or None to go direct."""
    if is_loopback(url.host) or url.scheme != "https":
        return None
    chosen = ""
    for name in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        chosen = env.get(name, "").strip()
        if chosen:
            break
    if not chosen:
        return None
    if bypassed(url.host, env.get("no_proxy") or env.get("NO_PROXY") or ""):
        return None
    return chosen if "://" in chosen else f"http://{chosen}"


def bypassed(host: str, no_proxy: str) -> bool:
    """Does ``NO_PROXY`` name ``host``: ``*``, the host itself, or a domain it is in (``.corp``/``corp``)?"""
    host = host.strip("[]").lower().rstrip(".")
    for entry in no_proxy.lower().split(","):
        name = entry.strip()
        if name.startswith("[") and "]" in name:
            name = name[1 : name.index("]")]
        elif name.count(":") == 1:
            name = name.partition(":")[0]
        name = name.lstrip("*").lstrip(".").rstrip(".")
        if entry.strip() == "*" or (name and (host == name or host.endswith("." + name))):
            return True
    return False


def _proxy_transport(proxy: str, limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """A transport through ``proxy``, or ``ConfigError`` in words (never quoting it: it may hold a password)."""
    unusable = ConfigError(
        "The proxy named by HTTPS_PROXY/ALL_PROXY cannot be used (only http:// and https:// proxies on a "
        "real port are supported). Fix the variable, or add the host to NO_PROXY."
    )
    try:
        url = httpx.URL(proxy)
    except httpx.InvalidURL:
        raise unusable from None
    # A port past 65535 reaches the socket layer as an OverflowError, not as a connect error.
    if url.scheme not in {"http", "https"} or not url.host or not has_real_port(url):
        raise unusable
    try:
        return httpx.AsyncHTTPTransport(proxy=proxy, limits=limits, trust_env=True)
    except (ValueError, ImportError):
        raise unusable from None


class RoutedTransport(httpx.AsyncBaseTransport):
    """Direct for loopback, the environment's proxy for https elsewhere (see the module docstring)."""

    def __init__(self, env: Mapping[str, str], limits: httpx.Limits) -> None:
        self._env = dict(env)
        self._limits = limits
        # trust_env on a transport only reads SSL_CERT_FILE/SSL_CERT_DIR (corporate CAs), never proxies.
        self._direct = httpx.AsyncHTTPTransport(limits=limits, trust_env=True)
        self._proxied: dict[str, httpx.AsyncHTTPTransport] = {}

    def _through(self, proxy: str) -> httpx.AsyncHTTPTransport:
        transport = self._proxied.get(proxy)
        if transport is None:
            transport = _proxy_transport(proxy, self._limits)
            self._proxied[proxy] = transport
        return transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme == "http" and not is_loopback(url.host):
            raise httpx.UnsupportedProtocol("plain http is only sent to this computer", request=request)
        proxy = proxy_for(url, self._env)
        if proxy is None:
            return await self._direct.handle_async_request(request)
        log.debug("via the environment's proxy to %s", url.host)
        return await self._through(proxy).handle_async_request(request)

    async def aclose(self) -> None:
        await self._direct.aclose()
        for transport in self._proxied.values():
            await transport.aclose()
