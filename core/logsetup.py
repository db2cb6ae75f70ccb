"""Logging: to stderr and, for the tray, a rotating file in the state folder. Never keys or image bytes."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path


def configure_logging(level: int = logging.WARNING, log_file: Path | None = None) -> None:
    """Called once from ``main.py``; library modules only ever call ``getLogger(__name__)``."""
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
        )
    logging.basicConfig(
        level=level, handlers=handlers, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
