"""Which OS keyring backend to open, without importing every backend keyring ships.

``keyring.get_keyring()`` imports all of its backends to rank them. On Linux that means GLib through
``gi`` (the libsecret backend) and the macOS backend, whose ``find_library('Security')`` runs gcc:
about 7 MB of the idle tray and 90 ms of its start (issue 14). And its Secret Service backend brings
secretstorage and ``cryptography`` (another 9.3 MB) for an encrypted session. So on Linux the Secret
Service is our own jeepney client (``secret_service``, ADR 038), ranked where keyring ranks its backend
(5); KWallet still goes through keyring (5.1 on KDE, else 4.9, as keyring's ``kwallet`` backend says),
imported only when it could win. A backend the person configured (``PYTHON_KEYRING_BACKEND`` or
keyringrc.cfg) is honoured as keyring would; elsewhere keyring's own detection runs as before. Called
on the keyring worker, so a Secret Service that does not answer is bounded by its time limit (ADR 017).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from core.keyring_worker import KeyBackend
from desktop.secrets.secret_service import SecretServiceKeyring, service_available

log = logging.getLogger(__name__)

SECRET_SERVICE_PRIORITY = 5.0
# The KWallet backends keyring ranks around the Secret Service, as (module, class).
KWALLET_BACKENDS = (("keyring.backends.kwallet", "DBusKeyring"), ("keyring.backends.kwallet", "DBusKeyringKWallet4"))


def system_backend(env: Mapping[str, str] | None = None, platform: str = sys.platform) -> KeyBackend | None:
    """The OS keyring, or None where no backend works (the store then says how to get one)."""
    env = os.environ if env is None else env
    if platform.startswith("linux") and not _configured(env):
        return _best_linux_backend(env)
    import keyring.core
    from keyring.backends import fail

    backend = keyring.core.load_env() or keyring.core.load_config() or keyring.get_keyring()
    return None if isinstance(backend, fail.Keyring) else backend


def _configured(env: Mapping[str, str]) -> bool:
    """Did the person pick a backend? keyring's own places: its variable, then its config file."""
    if env.get("PYTHON_KEYRING_BACKEND"):
        return True
    # keyring.util.platform_.config_root on Linux; a file without a [backend] section picks nothing,
    # which keyring.core.load_config then says (returns None) and detection runs as usual.
    root = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return (root / "python_keyring" / "keyringrc.cfg").is_file()


def _best_linux_backend(env: Mapping[str, str]) -> KeyBackend | None:
    on_kde = "KDE" in env.get("XDG_CURRENT_DESKTOP", "").split(":")
    if on_kde:  # only there does KWallet (5.1) outrank the Secret Service
        kwallet = _kwallet()
        if kwallet is not None:
            return kwallet
    address = env.get("DBUS_SESSION_BUS_ADDRESS", "")
    if address and service_available(address):
        log.debug("keyring backend SecretServiceKeyring (priority %.1f)", SECRET_SERVICE_PRIORITY)
        return SecretServiceKeyring(address)
    return None if on_kde else _kwallet()


def _kwallet() -> KeyBackend | None:
    if importlib.util.find_spec("dbus") is None:
        # keyring's KWallet backends need python-dbus; without it they cannot work, and asking them
        # would import keyring for nothing.
        log.debug("keyring backend kwallet not usable: python-dbus is not installed")
        return None
    viable: list[tuple[float, type[KeyBackend]]] = []
    for module_name, class_name in KWALLET_BACKENDS:
        try:
            backend_class = getattr(importlib.import_module(module_name), class_name)
            # keyring's own viability test: ``priority`` raises when the service is not there.
            viable.append((float(backend_class.priority), backend_class))
        except Exception as error:  # any failure means "not this backend", as keyring itself treats it
            log.debug("keyring backend %s.%s not usable: %s", module_name, class_name, error.__class__.__name__)
    if not viable:
        return None
    priority, best = max(viable, key=lambda pair: pair[0])
    log.debug("keyring backend %s (priority %.1f)", best.__name__, priority)
    return best()
