"""Which OS keyring backend to open, without importing every backend keyring ships.

``keyring.get_keyring()`` imports all of its backends to rank them. On Linux that means GLib through
``gi`` (the libsecret backend) and the macOS backend, whose ``find_library('Security')`` runs gcc:
about 7 MB of the idle tray and 90 ms of its start (issue 14), for backends that never win there.
So on Linux only the two that can (Secret Service, KWallet) are imported and ranked the way keyring
ranks them. A backend the person configured (``PYTHON_KEYRING_BACKEND`` or keyringrc.cfg) is
honoured as keyring would; elsewhere keyring's own detection runs as before. Called on the keyring
worker, so a Secret Service that does not answer is bounded by its time limit (ADR 017).
"""

from __future__ import annotations

import importlib
import logging
import sys

from core.keyring_worker import KeyBackend

log = logging.getLogger(__name__)

# The backends that can win on Linux, as (module, class); the highest priority among viable ones is used.
LINUX_BACKENDS = (
    ("keyring.backends.SecretService", "Keyring"),
    ("keyring.backends.kwallet", "DBusKeyring"),
    ("keyring.backends.kwallet", "DBusKeyringKWallet4"),
)


def system_backend(platform: str = sys.platform) -> KeyBackend | None:
    """The OS keyring, or None where no backend works (the store then says how to get one)."""
    import keyring.core
    from keyring.backends import fail

    configured = keyring.core.load_env() or keyring.core.load_config()
    if configured is None and platform.startswith("linux"):
        return _best_linux_backend()
    backend = configured or keyring.get_keyring()
    return None if isinstance(backend, fail.Keyring) else backend


def _best_linux_backend() -> KeyBackend | None:
    viable: list[tuple[float, type[KeyBackend]]] = []
    for module_name, class_name in LINUX_BACKENDS:
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
