"""Key resolution order, masking and the messages that say how to fix a missing key."""

from __future__ import annotations

import pytest

from core.errors import KeyStoreError, MissingKeyError
from core.keys import KeyStore, mask
from providers.registry import provider_catalog

CATALOG = provider_catalog()


class MemoryBackend:
    """A keyring backend that keeps passwords in a dict: the seam the real keyring fills."""

    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service_name: str, username: str) -> str | None:
        return self.saved.get((service_name, username))

    def set_password(self, service_name: str, username: str, password: str) -> None:
        self.saved[(service_name, username)] = password

    def delete_password(self, service_name: str, username: str) -> None:
        del self.saved[(service_name, username)]


def store(env: dict[str, str] | None = None, backend: MemoryBackend | None = None) -> KeyStore:
    return KeyStore(CATALOG, env or {}, backend if backend is not None else MemoryBackend())


def test_environment_wins_over_the_keyring() -> None:
    backend = MemoryBackend()
    keys = store({"OPENAI_API_KEY": "sk-from-environment-1234"}, backend)
    keys.set("openai", "sk-from-keyring-5678abcd")
    assert keys.get("openai") == "sk-from-environment-1234"
    assert keys.status("openai").source == "environment"
    assert keys.status("openai").env_var == "OPENAI_API_KEY"


def test_keyring_is_used_when_no_variable_is_set() -> None:
    keys = store()
    keys.set("ideogram", "ideo-key-0123456789")
    assert keys.get("ideogram") == "ideo-key-0123456789"
    assert keys.status("ideogram").source == "keyring"


def test_gemini_variable_wins_over_google_variable() -> None:
    both = store({"GEMINI_API_KEY": "gemini-key-aaaa1111", "GOOGLE_API_KEY": "google-key-bbbb2222"})
    assert both.get("google") == "gemini-key-aaaa1111"
    only_google = store({"GOOGLE_API_KEY": "google-key-bbbb2222"})
    assert only_google.get("google") == "google-key-bbbb2222"
    assert only_google.status("google").env_var == "GOOGLE_API_KEY"


def test_missing_key_message_says_which_command_and_variable_fix_it() -> None:
    with pytest.raises(MissingKeyError) as caught:
        store().get("photoroom")
    message = str(caught.value)
    assert "python main.py keys set photoroom" in message
    assert "PHOTOROOM_API_KEY" in message


def test_no_keyring_backend_explains_how_to_get_one() -> None:
    keys = KeyStore(CATALOG, {}, None)
    with pytest.raises(KeyStoreError) as caught:
        keys.get("openai")
    assert "Secret Service" in str(caught.value)
    assert "OPENAI_API_KEY" in str(caught.value)
    assert keys.status("openai").source == "unavailable"


def test_environment_keys_work_without_a_keyring() -> None:
    keys = KeyStore(CATALOG, {"OPENAI_API_KEY": "sk-only-env-00001111"}, None)
    assert keys.get("openai") == "sk-only-env-00001111"


def test_a_self_hosted_server_needs_no_key() -> None:
    assert store().get("openai-compatible") == ""


@pytest.mark.parametrize("bad", ["", "   ", "sk-with space", "sk-\x07bell"])
def test_empty_or_garbled_keys_are_refused_and_nothing_is_stored(bad: str) -> None:
    backend = MemoryBackend()
    with pytest.raises(KeyStoreError):
        store(backend=backend).set("openai", bad)
    assert backend.saved == {}


def test_delete_says_whether_there_was_a_key() -> None:
    keys = store()
    keys.set("openai", "sk-delete-me-12345678")
    assert keys.delete("openai") is True
    assert keys.delete("openai") is False
    assert keys.status("openai").source == "none"


def test_unknown_provider_is_named() -> None:
    with pytest.raises(KeyStoreError, match="'dalle' is not a provider"):
        store().set("dalle", "x")


@pytest.mark.parametrize(
    ("key", "masked"),
    [
        ("sk-proj-abcdefghijklmnopqrstuvwxyz0123abcd", "sk-...abcd"),
        ("AIzaSyExampleExampleExample9876", "AIz...9876"),
        ("shortkey9", "...y9"),
        ("abc", "****"),
    ],
)
def test_masking_shows_at_most_a_prefix_and_the_last_four(key: str, masked: str) -> None:
    assert mask(key) == masked
    assert key not in mask(key) or len(key) <= 4
