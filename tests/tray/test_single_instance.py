"""Single instance over real Unix sockets in a temporary runtime folder, with real second processes."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import AppError
from tray.handoff import HandOff
from tray.instance_channel import SOCKET_NAME, Primary, Secondary, peer_is_allowed, peer_uid
from tray.single_instance import claim

REPO = Path(__file__).resolve().parents[2]
NOBODY = 65534
CHILD_CLAIM = """
import sys, time
sys.path.insert(0, {repo!r})
from pathlib import Path
from tray.handoff import HandOff
from tray.instance_channel import Primary
from tray.single_instance import claim
got = claim(Path({folder!r}))
if isinstance(got, Primary):
    got.serve(lambda request: None)
    print("primary", flush=True)
    time.sleep(60)
else:
    got.send(HandOff("capture", {preset!r}, True))
    print("handed over", flush=True)
"""


@pytest.fixture
def runtime_dir(tmp_path: Path) -> Path:
    return tmp_path / "run" / "ai-image-studio"


@pytest.fixture
def primary(runtime_dir: Path) -> Iterator[tuple[Primary, queue.Queue[HandOff]]]:
    claimed = claim(runtime_dir)
    assert isinstance(claimed, Primary)
    inbox: queue.Queue[HandOff] = queue.Queue()
    claimed.serve(inbox.put)
    yield claimed, inbox
    claimed.close()


def raw_exchange(path: Path, payload: bytes, *, timeout: float = 5.0) -> dict[str, object]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect(str(path))
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.sendall(payload)
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = conn.recv(4096)
            if not chunk:
                break
            reply += chunk
    result = json.loads(reply)
    assert isinstance(result, dict)
    return result


def test_second_claim_is_a_client_whose_request_reaches_the_primary(
    primary: tuple[Primary, queue.Queue[HandOff]], runtime_dir: Path
) -> None:
    _, inbox = primary

    second = claim(runtime_dir)

    assert isinstance(second, Secondary)
    second.send(HandOff("capture", "restyle", from_clipboard=False))
    assert inbox.get(timeout=5) == HandOff("capture", "restyle", False)


def test_a_second_process_hands_over_and_exits_zero(
    primary: tuple[Primary, queue.Queue[HandOff]], runtime_dir: Path
) -> None:
    _, inbox = primary
    script = CHILD_CLAIM.format(repo=str(REPO), folder=str(runtime_dir), preset="copy")

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=30, check=False)

    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == "handed over"
    assert inbox.get(timeout=5) == HandOff("capture", "copy", True)


def test_folder_and_socket_are_private_to_the_user(primary: tuple[Primary, queue.Queue[HandOff]]) -> None:
    server, _ = primary

    assert stat.S_IMODE(server.path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(server.path.stat().st_mode) == 0o600
    assert stat.S_ISSOCK(server.path.stat().st_mode)


def test_a_loose_existing_folder_is_tightened(runtime_dir: Path) -> None:
    runtime_dir.mkdir(parents=True, mode=0o755)
    runtime_dir.chmod(0o755)

    claimed = claim(runtime_dir)
    try:
        assert isinstance(claimed, Primary)
        assert stat.S_IMODE(runtime_dir.stat().st_mode) == 0o700
    finally:
        if isinstance(claimed, Primary):
            claimed.close()


def test_a_stale_socket_left_by_a_killed_tray_is_replaced(runtime_dir: Path) -> None:
    # GIVEN a tray process killed with SIGKILL, which leaves its socket file behind
    script = CHILD_CLAIM.format(repo=str(REPO), folder=str(runtime_dir), preset=None)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert child.stdout is not None
    assert child.stdout.readline().decode().strip() == "primary"
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    child.stdout.close()
    assert (runtime_dir / SOCKET_NAME).exists()

    # WHEN a new tray starts
    claimed = claim(runtime_dir)

    # THEN it becomes the primary on a fresh socket that answers
    assert isinstance(claimed, Primary)
    try:
        inbox: queue.Queue[HandOff] = queue.Queue()
        claimed.serve(inbox.put)
        second = claim(runtime_dir)
        assert isinstance(second, Secondary)
        second.send(HandOff("activate"))
        assert inbox.get(timeout=5) == HandOff("activate")
    finally:
        claimed.close()


def test_a_runtime_folder_that_cannot_be_created_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")

    with pytest.raises(AppError, match="cannot be created"):
        claim(blocker / "ai-image-studio")


def test_closing_the_primary_frees_the_name_for_the_next_tray(runtime_dir: Path) -> None:
    first = claim(runtime_dir)
    assert isinstance(first, Primary)
    first.serve(lambda _request: None)
    first.close()

    assert not (runtime_dir / SOCKET_NAME).exists()
    second = claim(runtime_dir)
    assert isinstance(second, Primary)
    second.close()


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"this is not json\n", "not a line of JSON"),
        (b"\xff\xfe\xfd\n", "not a line of JSON"),
        (b"[1, 2, 3]\n", "must be a JSON object"),
        (b'{"action": "format_disk"}\n', "unknown action"),
        (b'{"action": "capture", "preset": "copy", "command": "rm -rf ~"}\n', "unknown field(s) for capture: command"),
        (b'{"action": "activate", "preset": "copy"}\n', "unknown field(s) for activate: preset"),
        (b'{"action": "capture", "preset": 12}\n', "preset must be a name"),
        (b'{"action": "capture", "from_clipboard": "yes"}\n', "from_clipboard must be true or false"),
        (b'{"action": "capture", "preset": "' + b"p" * 5000 + b'"}\n', "longer than 4096 bytes"),
        (b"x" * 70000, "longer than 4096 bytes"),
    ],
)
def test_bad_requests_are_refused_with_a_reason_and_the_server_keeps_serving(
    primary: tuple[Primary, queue.Queue[HandOff]], payload: bytes, reason: str
) -> None:
    server, inbox = primary

    reply = raw_exchange(server.path, payload)

    assert reply["ok"] is False
    assert reason in str(reply["error"])
    assert inbox.empty()
    assert raw_exchange(server.path, HandOff("activate").to_line()) == {"ok": True}
    assert inbox.get(timeout=5) == HandOff("activate")


def test_a_silent_or_vanishing_client_does_not_block_the_server(
    primary: tuple[Primary, queue.Queue[HandOff]],
) -> None:
    server, inbox = primary
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as silent:
        silent.connect(str(server.path))
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as vanishing:
            vanishing.connect(str(server.path))

        began = time.monotonic()
        assert raw_exchange(server.path, HandOff("capture", None, False).to_line()) == {"ok": True}

    assert time.monotonic() - began < 3.0
    assert inbox.get(timeout=5) == HandOff("capture", None, False)


def test_peer_credentials_of_a_real_socket_pair_name_this_user() -> None:
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with left, right:
        assert peer_uid(left) == os.geteuid()
        assert peer_is_allowed(left, os.geteuid())
        assert not peer_is_allowed(left, os.geteuid() + 1)


def test_a_secondary_with_no_primary_listening_says_so(runtime_dir: Path) -> None:
    runtime_dir.mkdir(parents=True)

    with pytest.raises(AppError, match="does not answer"):
        Secondary(runtime_dir / SOCKET_NAME).send(HandOff("activate"), timeout=0.3)


NOBODY_CLIENT = """
import json, socket, sys
try:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(5)
    conn.connect(sys.argv[1])
    try:
        conn.sendall(b'{"action": "activate"}\\n')
    except OSError:
        pass  # the server may answer and hang up before reading a line from another user
    print(conn.recv(4096).decode().strip())
except PermissionError:
    print("permission denied")
"""


@pytest.fixture
def shared_parent() -> Iterator[Path]:
    """A folder another user can pass through (pytest's tmp_path is 0700 to root)."""
    parent = Path(tempfile.mkdtemp(prefix="aiis-si-"))
    parent.chmod(0o711)
    yield parent
    shutil.rmtree(parent, ignore_errors=True)


needs_root = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None or not Path("/usr/bin/python3").exists(),
    reason="running a client as another user needs root, setpriv and /usr/bin/python3",
)


def run_as_nobody(socket_path: Path) -> str:
    argv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "/usr/bin/python3", "-I"]
    done = subprocess.run([*argv, "-c", NOBODY_CLIENT, str(socket_path)], capture_output=True, timeout=30, check=True)
    return done.stdout.decode().strip()


@needs_root
def test_another_user_cannot_reach_the_socket(shared_parent: Path) -> None:
    claimed = claim(shared_parent / "ai-image-studio")
    assert isinstance(claimed, Primary)
    inbox: queue.Queue[HandOff] = queue.Queue()
    claimed.serve(inbox.put)
    try:
        assert run_as_nobody(claimed.path) == "permission denied"
        assert inbox.empty()
    finally:
        claimed.close()


@needs_root
def test_another_user_is_refused_by_peer_credentials_even_if_the_folder_is_opened(shared_parent: Path) -> None:
    claimed = claim(shared_parent / "ai-image-studio")
    assert isinstance(claimed, Primary)
    inbox: queue.Queue[HandOff] = queue.Queue()
    claimed.serve(inbox.put)
    try:
        # GIVEN the folder and socket loosened by mistake, so that only the uid check is left
        claimed.path.parent.chmod(0o711)
        claimed.path.chmod(0o666)

        reply = json.loads(run_as_nobody(claimed.path))

        assert reply == {"ok": False, "error": "refused: the connection comes from another user"}
        assert inbox.empty()
    finally:
        claimed.close()
