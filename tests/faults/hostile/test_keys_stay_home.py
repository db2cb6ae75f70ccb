"""Issue 16, key hygiene: the key goes to the provider and nowhere else, whatever the route or the answer.

Through ``main.py edit`` on Xvfb: a proxy in the environment never sees a request for a loopback
``base_url``; a redirect to another origin carries no Authorization, Cookie or userinfo; a key echoed
back as ``\\u`` escapes, percent-encoding, base64 or UTF-16 is blanked in the error text; and the
clipboard and notification helpers run without any key or token in their environment (a stub on PATH
records it, and the real xclip owner's /proc/<pid>/environ is read).
"""

from __future__ import annotations

import base64
import json
import os
import socket
import sys
from pathlib import Path

import pytest

from desktop.notify.base import Notification
from desktop.notify.notify_send import NotifySendNotifier
from tests.faults.harness import KEYS, PROVIDER_PATHS, RawServer, Scene, read_head
from tests.faults.hostile import stand_ins as hostile
from tests.faults.hostile.outcome import leaked_keys, refused, timed_edit
from tests.faults.hostile.test_odd_answers_delivered import delivered
from tests.providers.loopback import LoopbackServer, Reply
from tests.providers.openai_server import error_answer
from tests.virtual_desktop import VirtualDesktop

pytestmark = pytest.mark.desktop

SECRETS = {"GITHUB_TOKEN": "ghp-fault-token-Zq81", "AIIS_SECRET": "fault-secret-Wm42", "AWS_SECRET_ACCESS_KEY": "x9"}


def _record_and_close(connection: socket.socket) -> None:
    read_head(connection)
    connection.sendall(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")


def test_a_proxy_in_the_environment_never_sees_a_loopback_request(tmp_path: Path, desktop: VirtualDesktop) -> None:
    with RawServer(_record_and_close) as proxy:
        variables = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
        scene = Scene(
            tmp_path, desktop, env_extra={**dict.fromkeys(variables, proxy.url), "NO_PROXY": "", "no_proxy": ""}
        )
        with LoopbackServer([hostile.b64_answer(hostile.tiny_png())]) as server:
            run = timed_edit(scene, "openai", server.url + "/v1")
        delivered(scene, desktop, run)
        assert server.requests[0].headers["authorization"] == f"Bearer {KEYS['OPENAI_API_KEY']}"
        assert proxy.connections == 0


def test_a_redirect_to_another_origin_carries_no_authorization_cookie_or_userinfo(
    tmp_path: Path, desktop: VirtualDesktop
) -> None:
    scene = Scene(tmp_path, desktop)
    with LoopbackServer([error_answer(401, "invalid_api_key", "You didn't provide an API key.")]) as other:
        target = other.url.replace("http://", "http://mallory:hunter2@") + "/v1/images/edits"
        moved = Reply(status=307, headers={"location": target, "set-cookie": "session=cookie-secret-42; Path=/"})
        with LoopbackServer([moved]) as server:
            run = timed_edit(scene, "openai", server.url + "/v1")
    refused(scene, run, "openai", "the API key was rejected", within=3)
    assert len(other.requests) == 1
    headers = other.requests[0].headers
    assert "authorization" not in headers
    assert "cookie" not in headers
    assert all(KEYS["OPENAI_API_KEY"] not in value and "cookie-secret" not in value for value in headers.values())


def _openai_echo(key: str) -> Reply:
    body = '{"error": {"message": "Incorrect API key provided: ' + hostile.json_escaped(key) + '.", '
    body += '"type": "invalid_request_error", "param": null, "code": "invalid_value"}}'
    return Reply(status=400, body=body.encode(), headers=hostile.JSON)


def _ideogram_echo(key: str) -> Reply:
    text = f"Bad request for https://api.example/v1?api_key={hostile.percent_encoded(key)}"
    return Reply(status=400, body=text.encode(), headers={"content-type": "text/plain"})


def _photoroom_echo(key: str) -> Reply:
    said = f"key {base64.b64encode(key.encode()).decode()} is not valid for this call"
    return Reply.json({"detail": said}, status=400)


def _google_echo(key: str) -> Reply:
    payload = {"error": {"code": 400, "message": f"API key {key} is not valid here.", "status": "INVALID_ARGUMENT"}}
    return Reply(status=400, body=json.dumps(payload).encode("utf-16"), headers=hostile.JSON)


def _google_200_echo(key: str) -> Reply:
    """A 200 without an image whose text part quotes the key: its words become the refusal's message."""
    padding = '{"inlineData": {"mimeType": "text/plain", "data": "' + "A" * (2 * 1024 * 1024) + '"}}'
    text = '{"text": "I cannot use the key ' + hostile.json_escaped(key) + '."}'
    body = '{"candidates": [{"content": {"parts": [' + padding + ", " + text + ']}, "finishReason": "STOP"}]}'
    return Reply(body=body.encode(), headers=hostile.JSON)


ECHOES = {
    "openai-json-u-escapes": ("openai", "OPENAI_API_KEY", _openai_echo),
    "ideogram-percent-encoded": ("ideogram", "IDEOGRAM_API_KEY", _ideogram_echo),
    "photoroom-base64": ("photoroom", "PHOTOROOM_API_KEY", _photoroom_echo),
    "google-utf16-json": ("google", "GEMINI_API_KEY", _google_echo),
    "google-200-text-part-past-1-mb": ("google", "GEMINI_API_KEY", _google_200_echo),
}


@pytest.mark.parametrize("name", list(ECHOES))
def test_a_key_echoed_back_in_any_spelling_is_blanked_in_the_error(
    name: str, tmp_path: Path, desktop: VirtualDesktop
) -> None:
    provider, variable, echo = ECHOES[name]
    scene = Scene(tmp_path, desktop)
    with LoopbackServer([echo(KEYS[variable])]) as server:
        run = timed_edit(scene, provider, server.url + PROVIDER_PATHS[provider])
    refused(scene, run, provider, "***", within=3)


STUB = """#!/bin/sh
env > "$(dirname "$0")/env-$$.txt"
exec /usr/bin/xclip "$@"
"""


def test_xclip_runs_without_any_key_or_token_in_its_environment(tmp_path: Path, desktop: VirtualDesktop) -> None:
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "xclip").write_text(STUB, encoding="utf-8")
    (stubs / "xclip").chmod(0o755)
    path = f"{stubs}{os.pathsep}{desktop.env.get('PATH', '/usr/bin:/bin')}"
    scene = Scene(tmp_path / "scene", desktop, env_extra={**SECRETS, "PATH": path})
    with LoopbackServer([hostile.b64_answer(hostile.tiny_png())]) as server:
        run = timed_edit(scene, "openai", server.url + "/v1")
    delivered(scene, desktop, run)
    recorded = [path.read_text(encoding="utf-8") for path in stubs.glob("env-*.txt")]
    assert recorded, "the xclip stub was never run"
    for environment in recorded:
        assert "DISPLAY=" in environment
        assert [value for value in (*KEYS.values(), *SECRETS.values()) if value in environment] == []
        assert "_API_KEY=" not in environment
        assert "_TOKEN=" not in environment
    # The real xclip that now owns the clipboard: its environment as the kernel keeps it.
    owners = [environ for environ in _xclip_environs() if f"TMPDIR={scene.tmp}".encode() in environ]
    assert owners, "no running xclip owner started by this run"
    assert [value for value in (*KEYS.values(), *SECRETS.values()) for env in owners if value.encode() in env] == []
    assert leaked_keys(scene, run) == []


def _xclip_environs() -> list[bytes]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == "xclip":
                found.append((entry / "environ").read_bytes())
        except OSError:
            continue
    return found


RECORDER = f"""#!{sys.executable}
import os, sys
with open(os.path.join(os.path.dirname(os.path.abspath(sys.argv[0])), "env.txt"), "w") as out:
    out.write("\\n".join(f"{{k}}={{v}}" for k, v in os.environ.items()))
"""


def test_notify_send_runs_without_any_key_or_token_in_its_environment(tmp_path: Path) -> None:
    program = tmp_path / "notify-send"
    program.write_text(RECORDER, encoding="utf-8")
    program.chmod(0o755)
    env = {"PATH": f"{tmp_path}{os.pathsep}/usr/bin:/bin", "LANG": "C.UTF-8", **KEYS, **SECRETS}
    NotifySendNotifier(env).show(Notification("Done", "The result is on the clipboard."))
    recorded = (tmp_path / "env.txt").read_text(encoding="utf-8")
    assert "LANG=C.UTF-8" in recorded
    assert [value for value in (*KEYS.values(), *SECRETS.values()) if value in recorded] == []
