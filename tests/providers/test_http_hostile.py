"""The mechanisms behind issue 16's HTTP policy, against loopback: decoding, one deadline, routes, redaction."""

from __future__ import annotations

import asyncio
import base64
import gzip
import time
import zlib

import httpx
import pytest

from core.config import ProviderSettings
from core.errors import BadResponseError, ConfigError, ProviderTimeoutError
from providers.http import build_http_client, download, require_secure, send
from providers.proxies import RoutedTransport, bypassed, proxy_for
from providers.redact import blank, key_variants
from providers.retry import header_delay
from tests.faults.hostile import stand_ins as hostile
from tests.providers.loopback import LoopbackServer, ProgressLog, Reply
from tests.providers.send_helpers import KEY, MB, classify, fast_policy, run_send, settings_for


def test_the_request_asks_for_an_uncompressed_answer() -> None:
    with LoopbackServer([Reply(body=b"{}")]) as server:
        run_send(server)
    assert server.requests[0].headers["accept-encoding"] == "identity"


@pytest.mark.parametrize("encoding", ["gzip, gzip", "gzip,deflate", "br", "zstd", "compress"])
def test_stacked_or_unknown_encodings_are_refused_unread(encoding: str) -> None:
    refused = Reply(body=hostile.gzip_of_gzip(), headers={"content-encoding": encoding})
    with LoopbackServer([refused]) as server, pytest.raises(BadResponseError, match="encoding this app does not read"):
        run_send(server)


@pytest.mark.parametrize(
    ("encoding", "packed"),
    [("gzip", gzip.compress(b'{"ok": 1}')), ("deflate", zlib.compress(b'{"ok": 1}')),
     ("deflate", zlib.compress(b'{"ok": 1}')[2:-4]), ("identity", b'{"ok": 1}')],
)  # fmt: skip
def test_one_layer_of_gzip_or_deflate_zlib_or_raw_is_read(encoding: str, packed: bytes) -> None:
    with LoopbackServer([Reply(body=packed, headers={"content-encoding": encoding})]) as server:
        assert run_send(server).content == b'{"ok": 1}'


def test_a_gzip_bomb_stops_at_the_limit_without_unpacking_further() -> None:
    bomb = hostile.gzip_bomb()
    started = time.monotonic()
    with (
        LoopbackServer([Reply(body=bomb, headers={"content-encoding": "gzip"})]) as server,
        pytest.raises(BadResponseError, match="more than 1 MB"),
    ):
        run_send(server, policy=fast_policy(max_response_bytes=MB))
    # Unpacking all 300 MB takes seconds; stopping after 1 MB takes milliseconds.
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("body", [b"\x1f\x8b\x08\x00garbage", b"not gzip at all", gzip.compress(b"{}" * 99)[:-12]])
def test_a_broken_or_cut_gzip_body_is_a_bad_response_in_words(body: bytes) -> None:
    broken = Reply(body=body, headers={"content-encoding": "gzip"})
    with LoopbackServer([broken]) as server, pytest.raises(BadResponseError, match="compressed body that is broken"):
        run_send(server)


def test_result_links_share_the_jobs_deadline_instead_of_starting_their_own() -> None:
    timeout = 1.5

    async def job(api: LoopbackServer, link: str) -> None:
        settings = settings_for(api, timeout)
        async with build_http_client() as client:

            def build() -> httpx.Request:
                return client.build_request("POST", api.url + "/v1/things")

            answer = await send(client, "Test", build, settings, ProgressLog(), classify, policy=fast_policy())
            await download(
                client, "Test", link, settings, ProgressLog(), policy=fast_policy(), deadline=answer.deadline
            )

    with (
        LoopbackServer([Reply(body=b"x" * 100, chunk=1, trickle=0.1)]) as drip,
        LoopbackServer([Reply(delay=1.0, body=b"{}")]) as api,
    ):
        started = time.monotonic()
        with pytest.raises(ProviderTimeoutError, match=r"within 1\.5 seconds"):
            asyncio.run(job(api, drip.url + "/image.png"))
        elapsed = time.monotonic() - started
    # A deadline per link would end at 1.0 + 1.5 s; one for the job ends at 1.5 s.
    assert elapsed < 2.2, elapsed


@pytest.mark.parametrize("port", [0, 99999, 70000])
def test_a_base_url_with_an_impossible_port_is_a_config_error(port: int) -> None:
    with pytest.raises(ConfigError, match="not a port"):
        require_secure(httpx.URL(f"http://127.0.0.1:{port}/v1"), "Test")


def test_echoed_keys_are_blanked_in_every_spelling() -> None:
    secret = key_variants([f"Bearer {KEY}"])
    spellings = [
        KEY, hostile.json_escaped(KEY), hostile.json_escaped(KEY).upper().replace("\\U", "\\u"),
        hostile.percent_encoded(KEY), hostile.percent_encoded(KEY).lower(),
        "".join(f"&#{ord(char)};" for char in KEY), "".join(f"&#x{ord(char):x};" for char in KEY),
        KEY[:5] + hostile.percent_encoded(KEY[5:9]) + hostile.json_escaped(KEY[9:]),
        base64.b64encode(KEY.encode()).decode(), base64.urlsafe_b64encode(KEY.encode()).decode().rstrip("="),
    ]  # fmt: skip
    for spelling in spellings:
        body = f'{{"error": {{"message": "bad key {spelling} given"}}}}'.encode()
        blanked = blank(body, secret)
        assert b"***" in blanked, spelling
        assert KEY not in blanked.decode("unicode_escape"), spelling
    wide = f'{{"message": "key {KEY}"}}'.encode("utf-16")
    assert KEY not in blank(wide, secret).decode("utf-8")


def test_a_key_echoed_in_a_successful_answer_is_blanked_in_its_text_but_image_data_is_kept() -> None:
    image = base64.b64encode(b"\x89PNG" + bytes(range(256)) * 8000).decode()
    body = f'{{"data": [{{"b64_json": "{image}"}}], "note": "used {hostile.json_escaped(KEY)}"}}'
    with LoopbackServer([Reply(body=body.encode(), headers=hostile.JSON)]) as server:
        answer = run_send(server)
    assert answer.json()["note"] == "used ***"
    assert answer.json()["data"][0]["b64_json"] == image


def test_a_mid_sized_answer_is_scrubbed_through_its_strings_and_a_non_json_one_whole() -> None:
    # 64 KB to 1 MB: parsed, each string's start blanked in every spelling (issue 14: not the image data).
    image = base64.b64encode(bytes(range(256)) * 600).decode()
    body = f'{{"data": [{{"b64_json": "{image}"}}], "note": "used {hostile.percent_encoded(KEY)}"}}'
    with LoopbackServer([Reply(body=body.encode(), headers=hostile.JSON)]) as server:
        answer = run_send(server)
    assert answer.json()["note"] == "used ***"
    assert answer.json()["data"][0]["b64_json"] == image
    text = ("x" * 100_000 + f" used {hostile.json_escaped(KEY)}").encode()
    with LoopbackServer([Reply(body=text, headers={"Content-Type": "text/plain"})]) as server:
        plain = run_send(server)
    assert plain.content.endswith(b" used ***")


def test_retry_after_values_a_server_may_send_never_raise() -> None:
    assert header_delay({"retry-after": "Fri, 31 Dec 99999 23:59:59 GMT"}) is None
    assert header_delay({"retry-after": "nan"}) is None
    assert header_delay({"retry-after": "-5"}) == 0.0
    assert header_delay({"retry-after": "1e999"}) == 365 * 24 * 3600.0
    assert header_delay({"retry-after-ms": "nan", "retry-after": "2"}) == 2.0
    assert (header_delay({"retry-after": "Fri, 31 Dec 9999 23:59:59 GMT"}) or 0) > 3600


def test_proxies_from_the_environment_are_used_only_for_https_elsewhere() -> None:
    env = {"HTTPS_PROXY": "proxy.corp:3128", "HTTP_PROXY": "http://proxy.corp:3128", "NO_PROXY": ".internal,10.1.2.3"}
    assert proxy_for(httpx.URL("https://api.openai.com/v1"), env) == "http://proxy.corp:3128"
    for url in ("http://127.0.0.1:8080/v1", "https://localhost/v1", "http://[::1]:99/v1", "https://127.8.9.10/v1",
                "https://models.internal/v1", "https://10.1.2.3/v1", "http://api.openai.com/v1"):  # fmt: skip
        assert proxy_for(httpx.URL(url), env) is None, url
    assert bypassed("api.example.com", "*")
    assert bypassed("api.example.com", "example.com:443")
    assert not bypassed("evilexample.com", "example.com")


def test_the_routed_transport_never_sends_plain_http_to_another_computer() -> None:
    async def go() -> None:
        transport = RoutedTransport({"HTTP_PROXY": "http://127.0.0.1:9"}, httpx.Limits())
        try:
            await transport.handle_async_request(httpx.Request("GET", "http://example.com/", headers={"a": KEY}))
        finally:
            await transport.aclose()

    with pytest.raises(httpx.UnsupportedProtocol):
        asyncio.run(go())


def test_a_loopback_request_ignores_every_proxy_variable() -> None:
    env = dict.fromkeys(("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy"), "http://127.0.0.1:9")

    async def go(server: LoopbackServer) -> int:
        async with build_http_client(env) as client:
            settings = ProviderSettings("test", base_url=server.url, timeout=5, connect_timeout=2)

            def build() -> httpx.Request:
                return client.build_request("GET", server.url + "/x", headers={"authorization": f"Bearer {KEY}"})

            answer = await send(client, "Test", build, settings, ProgressLog(), classify, policy=fast_policy())
            return answer.status

    with LoopbackServer([Reply(body=b"{}")]) as server:
        assert asyncio.run(go(server)) == 200
    assert len(server.requests) == 1


@pytest.mark.parametrize("proxy", ["socks5://127.0.0.1:1080", "http://127.0.0.1:99999", "http://:80", "ftp://proxy"])
def test_a_proxy_variable_that_cannot_work_is_a_config_error_in_words(proxy: str) -> None:
    async def go() -> None:
        transport = RoutedTransport({"HTTPS_PROXY": f"{proxy}", "NO_PROXY": ""}, httpx.Limits())
        try:
            await transport.handle_async_request(httpx.Request("GET", "https://api.example.com/"))
        finally:
            await transport.aclose()

    with pytest.raises(ConfigError, match="HTTPS_PROXY/ALL_PROXY cannot be used") as caught:
        asyncio.run(go())
    assert proxy not in str(caught.value)
