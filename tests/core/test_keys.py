"""Key resolution order, masking, the messages that say how to fix a missing key, keyring time limits
and the characters a key read from the environment or keyring may not have."""

from __future__ import annotations

import threading
import time

import pytest

from core.errors import BadKeyError, KeyringTimeoutError, KeyStoreError, MissingKeyError
from core.keys import KeyStore, key_problem, mask
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


class HangingBackend(MemoryBackend):
    """A keyring that does not answer until ``release`` is set: a locked one waiting on its prompt."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.entered = threading.Event()
        self.calls = 0

    def get_password(self, service_name: str, username: str) -> str | None:
        self.calls += 1
        self.entered.set()
        self.release.wait(30)
        return super().get_password(service_name, username)


def keyring_threads() -> int:
    return sum(thread.name == "aiis-keyring" for thread in threading.enumerate())


def test_a_keyring_that_does_not_answer_gives_a_plain_message_naming_the_variable_in_bounded_time() -> None:
    backend = HangingBackend()
    keys = KeyStore(CATALOG, {}, backend, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(KeyringTimeoutError) as caught:
        keys.get("openai")
    assert time.monotonic() - started < 1.5
    assert str(caught.value) == (
        "The system keyring did not answer in 0.3 s; it may be locked: unlock it (or log in again), "
        "or set OPENAI_API_KEY."
    )
    assert caught.value.exit_code == 2  # a KeyStoreError, like every other keyring problem
    backend.release.set()


def test_while_a_call_is_stuck_later_calls_fail_at_once_on_one_thread_and_recover_when_it_returns() -> None:
    backend = HangingBackend()
    before = keyring_threads()
    keys = KeyStore(CATALOG, {}, backend, timeout=0.3)
    with pytest.raises(KeyringTimeoutError):
        keys.get("openai")
    assert keys.keyring_stuck
    started = time.monotonic()
    for provider_id in ("openai", "google", "ideogram", "photoroom") * 5:
        assert keys.status(provider_id).source == "unknown"
    with pytest.raises(KeyringTimeoutError, match="PHOTOROOM_API_KEY"):
        keys.set("photoroom", "sandbox_sk_0123456789")
    assert time.monotonic() - started < 0.2, "a stuck keyring is not asked again, and not waited for"
    assert backend.calls == 1
    assert keyring_threads() == before + 1, "one worker thread, however many calls"
    backend.release.set()
    deadline = time.monotonic() + 5
    while keys.keyring_stuck and time.monotonic() < deadline:
        time.sleep(0.01)
    keys.set("openai", "sk-after-unlock-12345678")
    assert keys.get("openai") == "sk-after-unlock-12345678"
    assert keyring_threads() == before + 1


def test_environment_keys_are_known_without_waiting_for_a_stuck_keyring() -> None:
    backend = HangingBackend()
    keys = KeyStore(CATALOG, {"OPENAI_API_KEY": "sk-env-key-000011112222"}, backend, timeout=0.3)
    assert keys.get("openai") == "sk-env-key-000011112222"
    assert keys.status("openai").source == "environment"
    assert not backend.entered.is_set(), "the keyring is never asked when the environment has the key"
    status = keys.status("google")
    assert (status.source, status.masked) == ("unknown", "")
    assert "GEMINI_API_KEY" in status.problem
    backend.release.set()


def test_the_worker_is_a_daemon_so_a_hung_keyring_cannot_keep_the_process_alive() -> None:
    backend = HangingBackend()
    keys = KeyStore(CATALOG, {}, backend, timeout=0.1)
    with pytest.raises(KeyringTimeoutError):
        keys.get("openai")
    worker = next(thread for thread in threading.enumerate() if thread.name == "aiis-keyring" and thread.is_alive())
    assert worker.daemon
    backend.release.set()


def test_the_backend_is_opened_on_the_worker_with_the_same_time_limit() -> None:
    # keyring.get_keyring() itself talks to D-Bus to choose a backend: that may hang too.
    opened = threading.Event()

    def never_opens() -> MemoryBackend:
        opened.set()
        threading.Event().wait(2)
        return MemoryBackend()

    keys = KeyStore(CATALOG, {}, open_backend=never_opens, timeout=0.2)
    assert keys.status("ideogram").source == "unknown"
    assert opened.is_set()


BAD_KEYS = [
    ("sk-abc\x00def-0123456789", "contains a control character"),
    ("sk-abc\ndef-0123456789", "contains a control character"),
    ("sk-abc\x1b[31mdef-0123456789", "contains a control character"),
    ("sk-abc def-0123456789", "contains a space inside"),
    ("sk-abc\u00a0def-0123456789", "contains a space inside"),
    ("sk-abc\u200bdef-0123456789", "contains a non-ASCII character"),
    ("sk-\u00e9t\u00e9-0123456789", "contains a non-ASCII character"),
    ("sk-abc\u202edef-0123456789", "contains a non-ASCII character"),
]


@pytest.mark.parametrize(("bad", "problem"), BAD_KEYS)
def test_an_environment_key_with_a_character_no_key_has_is_refused_in_words_without_echoing_it(
    bad: str, problem: str
) -> None:
    backend = MemoryBackend()
    backend.saved[("ai-image-studio", "openai")] = "sk-good-keyring-key-0123"
    keys = store({"OPENAI_API_KEY": bad}, backend)
    with pytest.raises(BadKeyError) as caught:
        keys.get("openai")
    message = str(caught.value)
    assert message == f"The OPENAI_API_KEY value {problem}; set it again with only the key."
    assert "abc" not in message
    assert "0123" not in message
    assert keys.status("openai").source == "invalid", "a broken variable is not silently passed over"


@pytest.mark.parametrize(("bad", "problem"), BAD_KEYS)
def test_a_keyring_key_with_a_character_no_key_has_is_refused_in_words_without_echoing_it(
    bad: str, problem: str
) -> None:
    backend = MemoryBackend()
    backend.saved[("ai-image-studio", "ideogram")] = bad
    keys = store({}, backend)
    with pytest.raises(BadKeyError) as caught:
        keys.get("ideogram")
    message = str(caught.value)
    assert problem in message
    assert "python main.py keys set ideogram" in message
    assert "abc" not in message
    assert "0123" not in message
    status = keys.status("ideogram")
    assert (status.source, status.masked) == ("invalid", "")


@pytest.mark.parametrize(("bad", "problem"), BAD_KEYS)
def test_a_key_with_a_character_no_key_has_is_not_stored(bad: str, problem: str) -> None:
    backend = MemoryBackend()
    with pytest.raises(BadKeyError, match=problem):
        store(backend=backend).set("openai", bad)
    assert backend.saved == {}


def test_surrounding_whitespace_is_not_part_of_a_key() -> None:
    # `export OPENAI_API_KEY=$(cat key.txt)` keeps no newline, but a pasted "sk-... " often has a space.
    keys = store({"OPENAI_API_KEY": "  sk-padded-0123456789 \n"})
    assert keys.get("openai") == "sk-padded-0123456789"
    assert key_problem("sk-proj-AZaz09_-.~+/=") == ""
