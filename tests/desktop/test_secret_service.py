"""desktop.secrets.secret_service against the real gnome-keyring on a private session bus (ADR 038).

Our client speaks the Secret Service with the "plain" session instead of keyring + secretstorage +
cryptography. It must find what keyring stored (keys saved by earlier versions of the app) and keyring
must find what it stores, and a locked keyring must still meet the key store's time limit (ADR 017).
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest

from core.errors import KeyringTimeoutError, SecretServiceError
from core.keys import SERVICE, KeyStore
from desktop.secrets.secret_service import SecretServiceKeyring
from desktop.secrets.system import system_backend
from providers.registry import provider_catalog
from tests.locked_keyring import PASSWORD, locked_gnome_keyring, silent_bus
from tests.virtual_desktop import VirtualDesktop, virtual_desktop

pytestmark = pytest.mark.desktop

KEY = "sk-proj-ours-abcdefghijklmnop0123456789"
LOCKED_MESSAGE = "The system keyring did not answer in 5 s; it may be locked"


@pytest.fixture(scope="module")
def keyring_desktop() -> Iterator[VirtualDesktop]:
    with virtual_desktop(320, 240, keyring=True) as desktop:
        yield desktop


@pytest.fixture
def ours(keyring_desktop: VirtualDesktop) -> Iterator[SecretServiceKeyring]:
    backend = SecretServiceKeyring(keyring_desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    yield backend
    for user in ("openai", "photoroom", "ideogram"):
        with contextlib.suppress(SecretServiceError):
            backend.delete_password(SERVICE, user)


def _theirs(desktop: VirtualDesktop, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    from keyring.backends.SecretService import Keyring

    return Keyring()  # type: ignore[no-untyped-call]


def test_a_key_is_stored_read_listed_replaced_and_deleted_through_the_key_store(
    keyring_desktop: VirtualDesktop, ours: SecretServiceKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = KeyStore(provider_catalog(), {}, open_backend=lambda: system_backend(keyring_desktop.env))
    assert store.status("openai").source == "none"
    store.set("openai", "sk-first-0123456789abcdef")
    store.set("openai", KEY)  # replaces: one item, the new value
    assert store.get("openai") == KEY
    statuses = {pid: store.status(pid).source for pid in ("openai", "photoroom")}
    assert statuses == {"openai": "keyring", "photoroom": "none"}
    assert store.status("openai").masked == "sk-...6789"
    found = keyring_desktop.run("secret-tool", "search", "--all", "service", SERVICE, "username", "openai")
    assert found.stdout.count(b"secret = ") == 1
    assert f"secret = {KEY}".encode() in found.stdout
    assert b"label = Password for 'openai' on 'ai-image-studio'" in found.stdout
    assert store.delete("openai") is True
    assert store.delete("openai") is False
    assert store.status("openai").source == "none"
    assert "SecretServiceKeyring" in caplog.text, "debug logging reached our client"
    assert KEY not in caplog.text
    assert KEY[-12:] not in caplog.text


def test_a_key_stored_by_the_keyring_library_is_read_by_ours_and_ours_by_it(
    keyring_desktop: VirtualDesktop, ours: SecretServiceKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = _theirs(keyring_desktop, monkeypatch)
    # GIVEN a key saved by an earlier version of the app, through keyring + secretstorage
    theirs.set_password(SERVICE, "photoroom", "photoroom-key-from-keyring-0123")  # type: ignore[attr-defined]
    # THEN ours reads it, and replaces it in place (keyring then reads the new one)
    assert ours.get_password(SERVICE, "photoroom") == "photoroom-key-from-keyring-0123"
    ours.set_password(SERVICE, "photoroom", "photoroom-key-from-ours-4567")
    assert theirs.get_password(SERVICE, "photoroom") == "photoroom-key-from-ours-4567"  # type: ignore[attr-defined]
    found = keyring_desktop.run("secret-tool", "search", "--all", "service", SERVICE, "username", "photoroom")
    assert found.stdout.count(b"secret = ") == 1, "ours replaced keyring's item, not added a second"
    assert b"attribute.application = Python keyring library" in found.stderr  # secret-tool puts attributes there
    # AND a key stored by ours alone, keyring finds and deletes
    ours.set_password(SERVICE, "ideogram", "ideogram-key-ours-0123456789")
    assert theirs.get_password(SERVICE, "ideogram") == "ideogram-key-ours-0123456789"  # type: ignore[attr-defined]
    theirs.delete_password(SERVICE, "ideogram")  # type: ignore[attr-defined]
    assert ours.get_password(SERVICE, "ideogram") is None


def test_deleting_a_key_that_is_not_there_says_so_without_a_dbus_body(ours: SecretServiceKeyring) -> None:
    with pytest.raises(SecretServiceError, match=r"^No such key in the keyring\.$"):
        ours.delete_password(SERVICE, "openai")


def test_no_key_is_in_the_process_list_while_ours_stores_and_reads(
    keyring_desktop: VirtualDesktop, ours: SecretServiceKeyring
) -> None:
    # Ours never starts a process: the key goes over the bus socket only. The daemon's and every
    # other command line stay free of it while the item exists.
    ours.set_password(SERVICE, "openai", KEY)
    assert ours.get_password(SERVICE, "openai") == KEY
    listing = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, timeout=10, check=True)
    assert "gnome-keyring-daemon" in listing.stdout
    assert KEY not in listing.stdout


@pytest.mark.parametrize("kind", ["silent", "gnome-keyring"])
def test_a_locked_keyring_meets_the_time_limit_with_the_plain_words_message(kind: str) -> None:
    # GIVEN a Secret Service that never answers, or a real gnome-keyring whose login collection is
    # locked and whose prompt nobody answers; WHEN the store asks for a key through our client
    if kind == "silent":
        with virtual_desktop(64, 64) as desktop, silent_bus(desktop.env) as address:
            env = {**desktop.env, "DBUS_SESSION_BUS_ADDRESS": address}
            _assert_times_out(env)
    else:
        with locked_gnome_keyring(64, 64) as desktop:
            _assert_times_out(desktop.env)


def _assert_times_out(env: dict[str, str]) -> None:
    opened: list[object] = []

    def open_backend() -> object:
        opened.append(system_backend(env))
        return opened[-1]

    store = KeyStore(provider_catalog(), {}, open_backend=open_backend)  # type: ignore[arg-type]
    with pytest.raises(KeyringTimeoutError) as raised:
        store.get("ideogram")
    # THEN it is our client that was asked, and the message says what to do, in words
    assert [type(backend).__name__ for backend in opened] == ["SecretServiceKeyring"]
    assert str(raised.value).startswith(LOCKED_MESSAGE)
    assert "IDEOGRAM_API_KEY" in str(raised.value)
    assert "ideo-key-0123456789" not in str(raised.value)
    status = store.status("openai")
    assert (status.source, status.problem.startswith(LOCKED_MESSAGE)) == ("unknown", True)


@pytest.mark.parametrize("answer", ["password", "escape"])
def test_a_locked_keyring_is_unlocked_through_its_prompt_or_stays_locked_when_it_is_dismissed(answer: str) -> None:
    # GIVEN a real locked gnome-keyring whose gcr-prompter window is a real X window on the test
    # display; WHEN our client asks for a key and the person types the password (or presses Escape)
    with locked_gnome_keyring(800, 600) as desktop:
        ours = SecretServiceKeyring(desktop.env["DBUS_SESSION_BUS_ADDRESS"])
        outcome: dict[str, object] = {}

        def ask() -> None:
            try:
                outcome["key"] = ours.get_password(SERVICE, "ideogram")
            except SecretServiceError as error:
                outcome["error"] = str(error)

        asking = threading.Thread(target=ask, daemon=True)
        asking.start()
        prompt = _prompt_window(desktop)
        desktop.run("xdotool", "windowfocus", "--sync", prompt, timeout=10)
        if answer == "password":
            desktop.run("xdotool", "type", "--delay", "5", PASSWORD.decode(), timeout=20)
        desktop.run("xdotool", "key", "Return" if answer == "password" else "Escape", timeout=10)
        asking.join(20)
    # THEN the Completed signal ends the wait: the key, or a plain-words refusal that quotes nothing
    if answer == "password":
        assert outcome == {"key": "ideo-key-0123456789"}
    else:
        assert outcome == {"error": "The keyring's unlock prompt was dismissed; the keyring stays locked."}


def _prompt_window(desktop: VirtualDesktop) -> str:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = desktop.run("xdotool", "search", "--onlyvisible", "--name", "Unlock", check=False, timeout=5)
        if found.stdout.split():
            return found.stdout.split()[0].decode()
        time.sleep(0.1)
    raise AssertionError("no unlock prompt appeared within 15 s")
