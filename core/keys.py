"""API keys: environment variables first, then the OS keyring. Never the config file.

The key store is built in ``main.py`` and handed to whoever needs a key; providers receive the key
string itself, resolved here. Keys are never logged; ``mask`` is the only form that is shown.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from core.errors import KeyStoreError, MissingKeyError

log = logging.getLogger(__name__)

SERVICE = "ai-image-studio"
# Keys shorter than this show only two characters: four of a short key would give too much away.
MASK_MIN_LENGTH = 12
MASK_SHORT_LENGTH = 4

NO_BACKEND_HINT = (
    "No OS keyring is available to store API keys. On Linux, install and unlock a Secret Service "
    "(for example: sudo apt install gnome-keyring, then log in to a desktop session, or run "
    "'gnome-keyring-daemon --unlock --components=secrets' in a D-Bus session), "
    "or set the provider's environment variable instead (for example OPENAI_API_KEY)."
)


class KeyBackend(Protocol):
    """The part of the ``keyring`` module that the store uses (a seam for tests)."""

    def get_password(self, service_name: str, username: str) -> str | None: ...
    def set_password(self, service_name: str, username: str, password: str) -> None: ...
    def delete_password(self, service_name: str, username: str) -> None: ...


class KeyedProvider(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def key_env_vars(self) -> tuple[str, ...]: ...
    @property
    def needs_key(self) -> bool: ...


@dataclass(frozen=True)
class KeyStatus:
    provider_id: str
    source: Literal["environment", "keyring", "none", "unavailable"]
    masked: str = ""
    env_var: str = ""


def mask(key: str) -> str:
    """``sk-proj-abc...wxyz`` -> ``sk-...wxyz``; short keys show only their last two characters."""
    key = key.strip()
    if len(key) < MASK_MIN_LENGTH:
        return "..." + key[-2:] if len(key) > MASK_SHORT_LENGTH else "****"
    return f"{key[:3]}...{key[-4:]}"


def system_backend() -> KeyBackend | None:
    """The OS keyring, or None where no backend works (the store then says how to get one)."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return None
    return backend


class KeyStore:
    """Finds and stores provider keys. ``env`` is passed in so tests and the app share one path."""

    def __init__(
        self, providers: Mapping[str, KeyedProvider], env: Mapping[str, str], backend: KeyBackend | None
    ) -> None:
        self._providers = providers
        self._env = env
        self._backend = backend

    def _provider(self, provider_id: str) -> KeyedProvider:
        try:
            return self._providers[provider_id]
        except KeyError:
            known = ", ".join(self._providers)
            raise KeyStoreError(f"'{provider_id}' is not a provider (known providers: {known})") from None

    def _require_backend(self) -> KeyBackend:
        if self._backend is None:
            raise KeyStoreError(NO_BACKEND_HINT)
        return self._backend

    def _from_env(self, provider: KeyedProvider) -> tuple[str, str] | None:
        for name in provider.key_env_vars:
            value = self._env.get(name, "").strip()
            if value:
                return name, value
        return None

    def _from_keyring(self, provider_id: str) -> str | None:
        backend = self._require_backend()
        try:
            value = backend.get_password(SERVICE, provider_id)
        except Exception as error:
            raise KeyStoreError(
                f"The OS keyring could not be read ({error.__class__.__name__}). {NO_BACKEND_HINT}"
            ) from None
        return value or None

    def get(self, provider_id: str) -> str:
        """The key to use for ``provider_id``, or ``MissingKeyError`` that says how to set one."""
        provider = self._provider(provider_id)
        found = self._from_env(provider)
        if found:
            return found[1]
        key = self._from_keyring(provider_id) if self._backend is not None else None
        if key:
            return key
        if not provider.needs_key:
            return ""
        if self._backend is None:
            raise KeyStoreError(NO_BACKEND_HINT)
        raise MissingKeyError(provider.display_name, provider.id, provider.key_env_vars[0])

    def status(self, provider_id: str) -> KeyStatus:
        provider = self._provider(provider_id)
        found = self._from_env(provider)
        if found:
            return KeyStatus(provider_id, "environment", mask(found[1]), found[0])
        if self._backend is None:
            return KeyStatus(provider_id, "unavailable")
        try:
            key = self._from_keyring(provider_id)
        except KeyStoreError:
            return KeyStatus(provider_id, "unavailable")
        if key:
            return KeyStatus(provider_id, "keyring", mask(key))
        return KeyStatus(provider_id, "none")

    def has_key(self, provider_id: str) -> bool:
        return (
            self.status(provider_id).source in {"environment", "keyring"} or not self._provider(provider_id).needs_key
        )

    def set(self, provider_id: str, key: str) -> None:
        self._provider(provider_id)
        key = key.strip()
        if not key:
            raise KeyStoreError("The key is empty; nothing was stored.")
        if any(ch.isspace() for ch in key) or not key.isprintable():
            raise KeyStoreError("The key contains spaces or control characters; paste only the key itself.")
        backend = self._require_backend()
        try:
            backend.set_password(SERVICE, provider_id, key)
        except Exception as error:
            raise KeyStoreError(
                f"The OS keyring refused to store the key ({error.__class__.__name__}). {NO_BACKEND_HINT}"
            ) from None
        log.info("stored a key for %s in the OS keyring", provider_id)

    def delete(self, provider_id: str) -> bool:
        """Remove the stored key; False when there was none."""
        self._provider(provider_id)
        backend = self._require_backend()
        if not self._from_keyring(provider_id):
            return False
        try:
            backend.delete_password(SERVICE, provider_id)
        except Exception as error:
            raise KeyStoreError(f"The OS keyring refused to delete the key ({error.__class__.__name__}).") from None
        log.info("deleted the key for %s from the OS keyring", provider_id)
        return True
