"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.virtual_desktop import VirtualDesktop, virtual_desktop


@pytest.fixture(scope="session")
def desktop() -> Iterator[VirtualDesktop]:
    """One 1920x1080 Xvfb with a private keyring for the session's desktop tests."""
    with virtual_desktop(1920, 1080, keyring=True) as running:
        yield running
