"""desktop.secrets.system: on Linux the Secret Service is opened without keyring, secretstorage or cryptography.

Each case runs in a fresh interpreter, since what matters is which modules an import pulls in.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.virtual_desktop import VirtualDesktop, virtual_desktop

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
from desktop.secrets.system import system_backend
backend = system_backend()
heavy = sorted(name for name in ("gi", "keyring", "secretstorage", "cryptography") if name in sys.modules)
print(json.dumps({"backend": type(backend).__module__ + "." + type(backend).__name__ if backend else None,
                  "heavy": heavy}))
"""


@pytest.fixture(scope="module")
def keyring_desktop() -> Iterator[VirtualDesktop]:
    with virtual_desktop(320, 240, keyring=True) as desktop:
        yield desktop


def _probe(env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_secret_service_is_opened_without_keyring_secretstorage_cryptography_or_glib(
    keyring_desktop: VirtualDesktop,
) -> None:
    # Those were 9.3 MB (cryptography) + GLib of the idle tray (issue 14); ours speaks D-Bus itself.
    result = _probe(dict(keyring_desktop.env))
    assert result == {"backend": "desktop.secrets.secret_service.SecretServiceKeyring", "heavy": []}


def test_a_session_with_no_keyring_service_has_no_backend(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={tmp_path / 'no-bus'}"
    assert _probe(env) == {"backend": None, "heavy": []}


def test_a_backend_the_person_configured_wins(tmp_path: Path) -> None:
    config = tmp_path / "config" / "python_keyring"
    config.mkdir(parents=True)
    (config / "keyringrc.cfg").write_text("[backend]\ndefault-keyring=keyring.backends.null.Keyring\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    assert _probe(env)["backend"] == "keyring.backends.null.Keyring"
    env_pinned = {**env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    (config / "keyringrc.cfg").unlink()
    assert _probe(env_pinned)["backend"] is None
