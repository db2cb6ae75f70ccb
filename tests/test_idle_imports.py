"""What an idle tray must not load: each of these was measured in the idle tray's RSS (issue 14).

- asyncio imports ssl, which maps libssl and libcrypto: 9.1 MiB; the job loop starts at the first job.
- secrets and hmac import _hashlib, which maps OpenSSL's libcrypto: 3.3 MiB, for temp-file names.
- keyring's SecretService backend imports secretstorage and cryptography: 9.3 MiB (ADR 038).
- httpx and its TLS context: the HTTP client is built at the first job.

Checked in a fresh interpreter that imports what ``main.py`` imports to run the tray.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("asyncio", "ssl", "_hashlib", "hmac", "secrets", "httpx", "keyring", "secretstorage", "cryptography")
TRAY_MODULES = (
    "main",
    "cli.app",
    "tray.tray_choice",
    "tray.app",
    "tray.sni_icon",
    "overlay.selector",
    "desktop.capture.system",
    "desktop.capture.overlay_method",
    "desktop.clipboard.system",
    "desktop.notify.system",
    "desktop.secrets.system",
    "tray.hotkeys",
    "tray.model_menu",
    "core.jobs",
    "core.history",
    "providers.registry",
)


def test_the_idle_trays_modules_load_no_asyncio_ssl_libcrypto_keyring_or_httpx() -> None:
    probe = (
        "import importlib, json, sys\n"
        f"for name in {TRAY_MODULES!r}: importlib.import_module(name)\n"
        f"print(json.dumps(sorted(name for name in {HEAVY!r} if name in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
