"""Tests of desktop/ (mirroring the source tree); also re-exports the virtual desktop helpers.

``from tests.desktop import virtual_desktop`` keeps working for every test folder.
"""

from tests.virtual_desktop import VirtualDesktop, virtual_desktop

__all__ = ["VirtualDesktop", "virtual_desktop"]
