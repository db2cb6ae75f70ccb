"""What the tray menu knows about each provider's key, asked of the keyring off the Tk thread.

The menu marks providers without a key. Asking the keyring on the Tk thread froze the tray for as
long as a locked keyring waited on its prompt: hotkeys were bound 17 s after start (issue 17). So
the Tk thread only reads this board; the keyring is asked by one short-lived daemon thread at a
time, whose answer comes back as a ``KeyStatusesFetched`` event. Until it does, or when the keyring
did not answer in time, a provider's key is "unknown" and the menu says so.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from core.keys import KeyStatus, KeyStore
from tray.events import Event, KeyStatusesFetched

log = logging.getLogger(__name__)

# A keyring that did not answer is asked again at the next menu refresh after this long: the
# person may have unlocked it meanwhile.
RETRY_UNKNOWN_SECONDS = 30.0
ASKING = "asking the keyring"
LOCKED = "keyring locked"


class KeyStatusBoard:
    """Lives on the Tk thread; ``fetch`` starts the one asking thread, ``arrived`` takes its answer."""

    def __init__(
        self,
        keys: KeyStore,
        provider_ids: Sequence[str],
        post: Callable[[Event], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._keys = keys
        self._ids = tuple(provider_ids)
        self._post = post
        self._clock = clock
        self._statuses: dict[str, KeyStatus] = {}
        self._fetching = False
        self._asked_at: float | None = None

    @property
    def answered(self) -> bool:
        """True once the keyring was asked and its answer (or its silence) arrived."""
        return bool(self._statuses)

    def has_key(self, provider_id: str) -> bool | None:
        """True or False when known; None while the keyring has not answered."""
        status = self._keys.env_status(provider_id) or self._statuses.get(provider_id)
        if status is None or status.source == "unknown":
            return None
        return status.source in {"environment", "keyring"}

    def unknown_why(self, provider_id: str) -> str:
        status = self._statuses.get(provider_id)
        return LOCKED if status is not None and status.source == "unknown" else ASKING

    def stored(self, provider_id: str) -> None:
        """The key dialog just stored a key: known without asking again."""
        self._statuses[provider_id] = KeyStatus(provider_id, "keyring")

    def fetch_if_stale(self) -> None:
        """Ask the keyring if it was never asked, or did not answer a while ago."""
        if self._fetching:
            return
        unknown = any(status.source == "unknown" for status in self._statuses.values())
        if self._asked_at is None or (unknown and self._clock() - self._asked_at >= RETRY_UNKNOWN_SECONDS):
            self.fetch()

    def fetch(self) -> None:
        """Ask again now (after a key was stored); at most one asking thread runs at a time."""
        if self._fetching:
            return
        self._fetching = True
        self._asked_at = self._clock()
        threading.Thread(target=self._ask, name="aiis-key-status", daemon=True).start()

    def _ask(self) -> None:
        statuses: list[KeyStatus] = []
        try:
            # Each call is bounded by the key store's time limit, and after one times out the
            # others fail at once: a locked keyring costs this thread one limit, not one per provider.
            statuses = [self._keys.status(provider_id) for provider_id in self._ids]
        except Exception:
            log.exception("asking the keyring for the menu failed (a bug)")
        finally:
            self._post(KeyStatusesFetched(tuple(statuses)))

    def arrived(self, event: KeyStatusesFetched) -> None:
        self._fetching = False
        self._statuses.update((status.provider_id, status) for status in event.statuses)
        unknown = [status.provider_id for status in event.statuses if status.source == "unknown"]
        if unknown:
            log.info("key status unknown for %s: the keyring did not answer", ", ".join(unknown))
        else:
            log.info("key status known for %d provider(s)", len(event.statuses))
