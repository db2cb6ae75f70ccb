"""Saved results get the permissions the person's umask gives; private files stay 0600 (issue 17)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.output import write_file, write_new_file


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_022")
def test_a_saved_result_is_0644_under_umask_022_not_0600(tmp_path: Path) -> None:
    saved = write_new_file(b"png", tmp_path, "result", ".png")

    assert mode(saved) == 0o644
    assert [path.name for path in tmp_path.iterdir()] == ["result.png"], "no temporary file is left"


@pytest.mark.usefixtures("umask_022")
def test_a_result_written_to_a_named_file_follows_the_umask_and_a_private_file_stays_0600(tmp_path: Path) -> None:
    result = write_file(b"png", tmp_path / "out.png", private=False)
    token = write_file(b"secret", tmp_path / "token.json")

    assert mode(result) == 0o644
    assert mode(token) == 0o600


def test_a_stricter_umask_is_honoured_too(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        saved = write_new_file(b"png", tmp_path, "result", ".png")
    finally:
        os.umask(old)

    assert mode(saved) == 0o600
