"""Issue 16, hostile answers that must be refused: ``main.py edit --output out.png --copy`` against each.

GIVEN an existing out.png, a sentinel on the X clipboard and a fresh TMPDIR, WHEN the loopback
stand-in answers with something no provider sends (a PostScript program, a compression bomb, a
pixel bomb, 100,000 levels of JSON, a date in year 99999, a redirect to port 99999 ...), THEN the
command exits 1 with the reason in words and no traceback, the file, folder, TMPDIR and clipboard
are as they were, no key is in any output or file, and it ends in bounded time (``outcome``).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from tests.faults.harness import PROVIDER_PATHS, Scene
from tests.faults.hostile import stand_ins as hostile
from tests.faults.hostile.outcome import refused, timed_edit
from tests.providers import ideogram_server as ideo
from tests.providers.loopback import LoopbackServer, Reply
from tests.providers.openai_server import error_answer
from tests.virtual_desktop import VirtualDesktop

pytestmark = pytest.mark.desktop

Start = Callable[[ExitStack], tuple[str, Callable[[], None]]]


def scripted(*replies: Reply, requests: int | None = None) -> Start:
    def start(stack: ExitStack) -> tuple[str, Callable[[], None]]:
        server = stack.enter_context(LoopbackServer(replies))

        def check() -> None:
            if requests is not None:
                assert len(server.requests) == requests, [r.path for r in server.requests]

        return server.url, check

    return start


def encoded_answer(encoding: str, body: bytes) -> Start:
    return scripted(Reply(body=body, headers={**hostile.JSON, "content-encoding": encoding}), requests=1)


def slow_drip_link(stack: ExitStack) -> tuple[str, Callable[[], None]]:
    """The API answers after 2 s with a link; the link drips a byte every 0.2 s: each alone fits 3 s."""
    drip = stack.enter_context(LoopbackServer([Reply(body=b"\x89PNG" + b"x" * 200, chunk=1, trickle=0.2)]))
    api = stack.enter_context(LoopbackServer([replace(ideo.answer(ideo.result_link(drip.url)), delay=2.0)]))

    def check() -> None:
        assert len(api.requests) == 1
        assert len(drip.requests) == 1
        assert "api-key" not in drip.requests[0].headers

    return api.url, check


def three(reply: Reply) -> Start:
    """The same answer for the first attempt and both retries."""
    return scripted(reply, reply, reply, requests=3)


@dataclass(frozen=True)
class Case:
    provider: str
    start: Start
    words: str
    within: float  # seconds the job itself may take, before start-up
    args: tuple[str, ...] = ()
    timeout: float = 10


RATE = "rate limited"
CASES: dict[str, Case] = {
    "eps-answer": Case("openai", scripted(hostile.b64_answer(hostile.EPS), requests=1), "not an image", 5),
    "eps-answer-photoroom": Case(
        "photoroom", scripted(Reply(body=hostile.EPS, headers={"content-type": "image/png"}), requests=1),
        "not an image", 5,
    ),
    "pdf-answer": Case("openai", scripted(hostile.b64_answer(hostile.PDF), requests=1), "not an image", 5),
    "gzip-of-gzip-stacked": Case("openai", encoded_answer("gzip, gzip", hostile.gzip_of_gzip()),
                                 "encoding this app does not read", 5),
    "gzip-of-gzip-one-header": Case("openai", encoded_answer("gzip", hostile.gzip_of_gzip()), "without any image", 5),
    "gzip-bomb": Case("openai", encoded_answer("gzip", hostile.gzip_bomb()), "more than 100 MB", 10),
    "deflate-bomb": Case("openai", encoded_answer("deflate", hostile.deflate_bomb()), "more than 100 MB", 10),
    "brotli": Case("openai", encoded_answer("br", b"\x1b\x03\x00\xf8\xa5\x40\x02"),
                   "encoding this app does not read", 5),
    "unknown-encoding": Case("openai", encoded_answer("x-evil", b"{}"), "encoding this app does not read", 5),
    "twelve-huge-pngs": Case(
        "openai", scripted(hostile.b64_answer(*[hostile.huge_png()] * 12), requests=1), "million one job may hold",
        10, ("--option", "n=10"),
    ),
    "pixel-bomb-png": Case("openai", scripted(hostile.b64_answer(hostile.pixel_bomb_png()), requests=1),
                           "too large to open safely", 5),
    "nested-json-success": Case("openai", scripted(Reply(body=hostile.nested(), headers=hostile.JSON), requests=1),
                                "without any image", 5),
    "nested-json-error": Case(
        "openai", scripted(Reply(status=400, body=hostile.nested_error(), headers=hostile.JSON), requests=1),
        "refused", 5,
    ),
    "nested-json-error-google": Case(
        "google", scripted(Reply(status=400, body=hostile.nested_error(), headers=hostile.JSON), requests=1),
        "HTTP 400", 5,
    ),
    "undecodable-error-body": Case(
        "ideogram", scripted(Reply(status=400, body=b"\xff\xfe\xfa\x00\xc3(", headers={"content-type": "text/plain"}),
                             requests=1),
        "HTTP 400", 5,
    ),
    "retry-after-far-future": Case(
        "openai", scripted(error_answer(429, "rate_limit_exceeded", "Slow down.", "requests",
                                        **{"retry-after": "Fri, 31 Dec 9999 23:59:59 GMT"}), requests=1),
        RATE, 3,
    ),
    "retry-after-overflow": Case(
        "openai", three(error_answer(429, "rate_limit_exceeded", "Slow down.", "requests",
                                     **{"retry-after": "Fri, 31 Dec 99999 23:59:59 GMT", "retry-after-ms": "nan"})),
        RATE, 5,
    ),
    "retry-after-huge-number": Case(
        "openai", scripted(error_answer(429, "rate_limit_exceeded", "Slow down.", "requests",
                                        **{"retry-after": "1e999"}), requests=1),
        RATE, 3,
    ),
    "redirect-to-port-99999": Case(
        "openai", scripted(Reply(status=307, headers={"location": "http://127.0.0.1:99999/v1/images/edits"}),
                           requests=1),
        "redirected to an address that is not valid", 3,
    ),
    "result-link-to-port-99999": Case(
        "ideogram", scripted(ideo.answer("https://127.0.0.1:99999/image.png"), requests=1), "not a valid URL", 3
    ),
    "slow-drip-download": Case("ideogram", slow_drip_link, "did not answer within 3 seconds", 3.5, timeout=3),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_answer_is_refused_in_words_losing_and_leaking_nothing_in_bounded_time(
    name: str, tmp_path: Path, desktop: VirtualDesktop
) -> None:
    case = CASES[name]
    scene = Scene(tmp_path, desktop)
    with ExitStack() as stack:
        url, check = case.start(stack)
        run = timed_edit(scene, case.provider, url + PROVIDER_PATHS[case.provider], *case.args, timeout=case.timeout)
    refused(scene, run, case.provider, case.words, within=case.within)
    check()
