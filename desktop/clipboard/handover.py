"""Hand image bytes to a clipboard tool that forks an owner process (xclip, wl-copy).

stderr is read only when the tool failed: on success its forked owner keeps the pipe open for as
long as it serves the selection, and reading would block until someone else copies.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence

from core.errors import ClipboardError
from desktop.child_env import helper_env

TIMEOUT = 5.0


def hand_to_owner(argv: Sequence[str], data: bytes, env: Mapping[str, str], tool: str) -> None:
    """Run ``argv`` with ``data`` on stdin; a ``ClipboardError`` naming ``tool`` if it did not take it."""
    process = subprocess.Popen(  # noqa: S603 - fixed argv from the calling method, no shell
        list(argv), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=helper_env(env)
    )
    assert process.stdin is not None  # noqa: S101 - Popen contract with stdin=PIPE
    assert process.stderr is not None  # noqa: S101
    try:
        process.stdin.write(data)
        process.stdin.close()
        code = process.wait(timeout=TIMEOUT)
    except (BrokenPipeError, subprocess.TimeoutExpired) as error:
        process.kill()
        process.stderr.close()
        raise ClipboardError(f"{tool} did not take the image ({error.__class__.__name__}).") from None
    if code != 0:
        message = process.stderr.read().decode(errors="replace").strip()
        process.stderr.close()
        raise ClipboardError(f"{tool} could not set the clipboard: {message or f'exit code {code}'}")
    process.stderr.close()
