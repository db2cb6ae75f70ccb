"""One tray per user: the first ``main.py`` listens, later ones hand their request over and exit.

The channel's ends are in ``instance_channel``; opening it is per OS (docs/adr/010).
"""

from __future__ import annotations

import sys
from pathlib import Path

from tray.instance_channel import Primary, Secondary


def claim(folder: Path) -> Primary | Secondary:
    """Become the tray (listening, not yet serving) or get a client for the one that runs."""
    if sys.platform == "win32":
        from tray.single_instance_win import claim_windows

        return claim_windows(folder)
    from tray.single_instance_posix import claim_posix

    return claim_posix(folder)
