"""The Windows hand-off transport (loopback TCP + per-user token file), run for real on Linux.

Only the lock differs on Windows (msvcrt.locking instead of flock); the sockets, the token file
and the checks are the same code.
"""

from __future__ import annotations

import json
import queue
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import AppError
from tray.handoff import HandOff
from tray.instance_channel import Primary
from tray.single_instance_win import INSTANCE_FILE, WindowsSecondary, claim_windows, read_instance_file


@pytest.fixture
def primary(tmp_path: Path) -> Iterator[tuple[Primary, queue.Queue[HandOff]]]:
    claimed = claim_windows(tmp_path)
    assert isinstance(claimed, Primary)
    inbox: queue.Queue[HandOff] = queue.Queue()
    claimed.serve(inbox.put)
    yield claimed, inbox
    claimed.close()


def exchange(port: int, *lines: bytes) -> dict[str, object]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"".join(line + b"\n" for line in lines))
        reply = conn.recv(4096)
    result = json.loads(reply)
    assert isinstance(result, dict)
    return result


def test_a_second_claim_hands_over_with_the_token(
    primary: tuple[Primary, queue.Queue[HandOff]], tmp_path: Path
) -> None:
    _, inbox = primary

    second = claim_windows(tmp_path)

    assert isinstance(second, WindowsSecondary)
    second.send(HandOff("capture", "restyle", True))
    assert inbox.get(timeout=5) == HandOff("capture", "restyle", True)


def test_the_instance_file_holds_a_long_random_token_readable_only_by_the_user(
    primary: tuple[Primary, queue.Queue[HandOff]], tmp_path: Path
) -> None:
    port, token = read_instance_file(tmp_path / INSTANCE_FILE)

    assert 0 < port < 65536
    assert len(token) == 64
    int(token, 16)
    # On Windows the profile's ACL does this; here the temporary-file write gives 0600.
    assert stat.S_IMODE((tmp_path / INSTANCE_FILE).stat().st_mode) == 0o600


def test_a_client_without_the_right_token_is_refused(
    primary: tuple[Primary, queue.Queue[HandOff]], tmp_path: Path
) -> None:
    _, inbox = primary
    port, token = read_instance_file(tmp_path / INSTANCE_FILE)

    assert exchange(port, b"0" * 64, HandOff("activate").to_line().strip()) == {
        "ok": False,
        "error": "refused: wrong token",
    }
    assert exchange(port, HandOff("activate").to_line().strip()) == {"ok": False, "error": "refused: wrong token"}
    assert inbox.empty()
    assert exchange(port, token, HandOff("activate").to_line().strip()) == {"ok": True}
    assert inbox.get(timeout=5) == HandOff("activate")


def test_closing_removes_the_instance_file(tmp_path: Path) -> None:
    claimed = claim_windows(tmp_path)
    assert isinstance(claimed, Primary)
    claimed.serve(lambda _request: None)

    claimed.close()

    assert not (tmp_path / INSTANCE_FILE).exists()
    with pytest.raises(AppError, match="does not answer"):
        WindowsSecondary(tmp_path / INSTANCE_FILE).send(HandOff("activate"), timeout=0.3)


def test_a_corrupt_instance_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / INSTANCE_FILE).write_text('{"port": "x"}', encoding="utf-8")

    with pytest.raises(AppError, match="instance file is not valid"):
        WindowsSecondary(tmp_path / INSTANCE_FILE).send(HandOff("activate"), timeout=0.3)
