"""The app's version, shown by ``--version`` and the About window."""

from __future__ import annotations

__version__ = "0.1.0"
