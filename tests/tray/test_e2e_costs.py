"""The cost of two real jobs, end to end (issue 18): the tray app as a person starts it, its OpenAI
``base_url`` on a loopback stand-in that answers with ``usage`` as the spec has it, and the session's
total in the app's own log, priced at the table's rates. No window manager: the cost path does not
depend on one (the WM matrix is test_e2e_tray's)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.providers.loopback import LoopbackServer, Reply
from tests.providers.openai_server import OpenAISpec
from tests.tray.openai_stand_in import EditChecks
from tests.tray.test_e2e_tray import select_and_prompt
from tests.tray.tray_session import CROP_BOX, KEY, PATTERN, running_tray, tray_desktop
from tests.virtual_desktop import VirtualDesktop

pytestmark = pytest.mark.desktop

PROMPT = "make it look like night"


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with tray_desktop(None) as running:
        yield running


def test_two_jobs_add_up_to_the_answers_own_token_counts(desktop: VirtualDesktop) -> None:
    checks = EditChecks(expected_crop=PATTERN.crop(CROP_BOX), expected_prompt=PROMPT)
    server = LoopbackServer([Reply(respond=checks.respond)] * 2, validator=OpenAISpec(KEY))
    with server, running_tray(desktop, server.url + "/v1") as tray:
        select_and_prompt(tray, PROMPT)
        # 10 text tokens x $5 + 40 image tokens x $8 + 1000 image tokens x $30 per million = $0.03037.
        tray.wait_log("job cost $0.03; this session about $0.03 over 1 jobs", timeout=30)
        select_and_prompt(tray, PROMPT)
        tray.wait_log("job cost $0.03; this session about $0.06 over 2 jobs", timeout=30)
        assert tray.stop() == 0
    assert server.invalid == []
    assert checks.problems == []
    assert len(checks.prompts) == 2
