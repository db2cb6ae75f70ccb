"""API keys: environment variables first, then the OS keyring. Never the config file.

The key store is built in ``main.py`` and handed to whoever needs a key; providers receive the key
string itself, resolved here. Keys are never logged; ``mask`` is the only form that is shown.
Every keyring call goes through one ``KeyringWorker`` with a time limit (docs/adr/017), and every
key read is checked for characters no key has before anything else sees it (issue 16).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from core.errors import BadKeyError, KeyringTimeoutError, KeyStoreError, MissingKeyError
from core.keyring_worker import DEFAULT_TIMEOUT, KeyBackend, KeyringWorker

log = logging.getLogger(__name__)
T = TypeVar("T")

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
    """Where a provider's key comes from.

    ``unknown``: the keyring did not answer in time; ``invalid``: the key found has characters no
    key has. ``problem`` says either in words.
    """

    provider_id: str
    source: Literal["environment", "keyring", "none", "unavailable", "unknown", "invalid"]
    masked: str = ""
    env_var: str = ""
    problem: str = ""


def mask(key: str) -> str:
    """``sk-proj-abc...wxyz`` -> ``sk-...wxyz``; short keys show only their last two characters."""
    key = key.strip()
    if len(key) < MASK_MIN_LENGTH:
        return "..." + key[-2:] if len(key) > MASK_SHORT_LENGTH else "****"
    return f"{key[:3]}...{key[-4:]}"


def key_problem(key: str) -> str:
    """What is wrong with ``key`` in words (never quoting it), or "" when it could be a key.

    Every provider's keys are printable ASCII without spaces. Anything else is a paste accident (a
    newline inside, a zero-width or non-breaking space, a smart quote), and httpx would raise on it
    as a header value, with the value in its message.
    """
    for char in key:
        if unicodedata.category(char) == "Cc":
            return "contains a control character"
        if char.isspace():
            return "contains a space inside"
        if not char.isascii():
            return "contains a non-ASCII character"
        if not char.isprintable():
            return "contains a character that cannot be printed"
    return ""


class KeyStore:
    """Finds and stores provider keys. ``env`` is passed in so tests and the app share one path.

    ``backend`` is a ready keyring backend (tests) or None for none; ``open_backend`` instead opens
    one on the keyring worker at first use (``system_backend`` in the app). Any method that reads
    the keyring may wait up to ``timeout`` seconds and then raise ``KeyringTimeoutError``; it never
    blocks longer, so call it off the Tk thread where a few seconds matter (the tray does).
    """

    def __init__(
        self,
        providers: Mapping[str, KeyedProvider],
        env: Mapping[str, str],
        backend: KeyBackend | None = None,
        *,
        open_backend: Callable[[], KeyBackend | None] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self._providers = providers
        self._env = env
        self._worker = KeyringWorker(open_backend or (lambda: backend), timeout)

    @property
    def timeout(self) -> float:
        """Seconds a keyring call may take before it is given up."""
        return self._worker.timeout

    @property
    def keyring_stuck(self) -> bool:
        """True while a keyring call is past its time limit: the next ones fail at once."""
        return self._worker.stuck

    def _provider(self, provider_id: str) -> KeyedProvider:
        try:
            return self._providers[provider_id]
        except KeyError:
            known = ", ".join(self._providers)
            raise KeyStoreError(f"'{provider_id}' is not a provider (known providers: {known})") from None

    def _keyring(self, provider: KeyedProvider, operation: Callable[[KeyBackend], T]) -> T:
        """``operation`` on the worker with the backend; no backend at all is a ``KeyStoreError``."""

        def run(backend: KeyBackend | None) -> T:
            if backend is None:
                raise KeyStoreError(NO_BACKEND_HINT)
            return operation(backend)

        return self._worker.call(run, provider.key_env_vars[0] if provider.key_env_vars else "")

    def _from_env(self, provider: KeyedProvider) -> tuple[str, str] | None:
        for name in provider.key_env_vars:
            value = self._env.get(name, "").strip()
            if value:
                problem = key_problem(value)
                if problem:
                    raise BadKeyError(f"The {name} value {problem}; set it again with only the key.")
                return name, value
        return None

    def _from_keyring(self, provider: KeyedProvider) -> str | None:
        def read(backend: KeyBackend) -> str | None:
            try:
                return backend.get_password(SERVICE, provider.id)
            except Exception as error:
                raise KeyStoreError(
                    f"The OS keyring could not be read ({error.__class__.__name__}). {NO_BACKEND_HINT}"
                ) from None

        value = (self._keyring(provider, read) or "").strip()
        problem = key_problem(value)
        if problem:
            raise BadKeyError(
                f"The key stored for {provider.id} in the OS keyring {problem}; store it again with "
                f"'python main.py keys set {provider.id}'."
            )
        return value or None

    def get(self, provider_id: str) -> str:
        """The key to use for ``provider_id``, or ``MissingKeyError`` that says how to set one."""
        provider = self._provider(provider_id)
        found = self._from_env(provider)
        if found:
            return found[1]
        try:
            key = self._from_keyring(provider)
        except BadKeyError:
            raise
        except KeyStoreError:
            # A self-hosted server that needs no key still works with no (or a locked) keyring.
            if provider.needs_key:
                raise
            key = None
        if key:
            return key
        if not provider.needs_key:
            return ""
        raise MissingKeyError(provider.display_name, provider.id, provider.key_env_vars[0])

    def env_status(self, provider_id: str) -> KeyStatus | None:
        """The status when the environment decides it (a key, or a bad one), without the keyring."""
        provider = self._provider(provider_id)
        try:
            found = self._from_env(provider)
        except BadKeyError as error:
            return KeyStatus(provider_id, "invalid", problem=str(error))
        return KeyStatus(provider_id, "environment", mask(found[1]), found[0]) if found else None

    def status(self, provider_id: str) -> KeyStatus:
        known = self.env_status(provider_id)
        if known is not None:
            return known
        try:
            key = self._from_keyring(self._provider(provider_id))
        except KeyringTimeoutError as error:
            return KeyStatus(provider_id, "unknown", problem=str(error))
        except BadKeyError as error:
            return KeyStatus(provider_id, "invalid", problem=str(error))
        except KeyStoreError as error:
            return KeyStatus(provider_id, "unavailable", problem=str(error))
        if key:
            return KeyStatus(provider_id, "keyring", mask(key))
        return KeyStatus(provider_id, "none")

    def has_key(self, provider_id: str) -> bool:
        return (
            self.status(provider_id).source in {"environment", "keyring"} or not self._provider(provider_id).needs_key
        )

    def set(self, provider_id: str, key: str) -> None:
        provider = self._provider(provider_id)
        key = key.strip()
        if not key:
            raise KeyStoreError("The key is empty; nothing was stored.")
        problem = key_problem(key)
        if problem:
            raise BadKeyError(
                f"The key {problem} (spaces or control characters are never part of a key); "
                "paste only the key itself. Nothing was stored."
            )

        def store(backend: KeyBackend) -> None:
            try:
                backend.set_password(SERVICE, provider_id, key)
            except Exception as error:
                raise KeyStoreError(
                    f"The OS keyring refused to store the key ({error.__class__.__name__}). {NO_BACKEND_HINT}"
                ) from None

        self._keyring(provider, store)
        log.info("stored a key for %s in the OS keyring", provider_id)

    def delete(self, provider_id: str) -> bool:
        """Remove the stored key; False when there was none."""
        provider = self._provider(provider_id)

        def remove(backend: KeyBackend) -> bool:
            try:
                if not backend.get_password(SERVICE, provider_id):
                    return False
                backend.delete_password(SERVICE, provider_id)
            except Exception as error:
                raise KeyStoreError(f"The OS keyring refused to delete the key ({error.__class__.__name__}).") from None
            return True

        deleted = self._keyring(provider, remove)
        if deleted:
            log.info("deleted the key for %s from the OS keyring", provider_id)
        return deleted
