"""D-Bus notifications for real: a notification server on a private bus receives them and clicks back."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator

import pytest

from core.errors import AppError
from desktop.notify.base import Notification, NotificationAction
from desktop.notify.freedesktop import FreedesktopNotifier
from tests.desktop.notify.notify_server import NotificationServer, notification_server, session_bus

RETRY = NotificationAction("retry", "Retry")
OPEN = NotificationAction("open", "Open")


@pytest.fixture(scope="module")
def bus() -> Iterator[str]:
    with session_bus() as address:
        yield address


@pytest.fixture
def server(bus: str) -> Iterator[NotificationServer]:
    with notification_server(bus) as running:
        yield running


@pytest.fixture
def notifier(bus: str) -> Iterator[FreedesktopNotifier]:
    method = FreedesktopNotifier({"DBUS_SESSION_BUS_ADDRESS": bus})
    yield method
    method.close()


def wait_until(condition: object, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def test_the_server_receives_the_summary_body_and_actions(
    server: NotificationServer, notifier: FreedesktopNotifier
) -> None:
    assert notifier.fits_this_system()
    assert notifier.is_installed()

    notifier.show(
        Notification("Edit failed", "OpenAI: too many requests <wait> & retry", actions=(RETRY,), urgency="critical"),
        on_action=lambda _action: None,
    )

    got = server.received.get(timeout=5)
    assert got.app_name == "AI Image Studio"
    assert got.summary == "Edit failed"
    # Bodies may be read as markup: special characters arrive escaped, so they show as written.
    assert got.body == "OpenAI: too many requests &lt;wait&gt; &amp; retry"
    assert got.actions == ["default", "Retry", "retry", "Retry"]
    assert got.hints["urgency"] == ("y", 2)


def test_clicking_an_action_calls_back_with_its_id(server: NotificationServer, notifier: FreedesktopNotifier) -> None:
    clicks: queue.Queue[str] = queue.Queue()
    notifier.show(Notification("Copied 1024x1024 from OpenAI in 14.2 s", actions=(OPEN, RETRY)), clicks.put)
    server.received.get(timeout=5)
    notification_id = server._next_id

    server.emit_action(notification_id, "retry")
    assert clicks.get(timeout=5) == "retry"

    # A click on the notification itself is its first action.
    server.emit_action(notification_id, "default")
    assert clicks.get(timeout=5) == "open"


def test_a_closed_notification_forgets_its_callback(server: NotificationServer, notifier: FreedesktopNotifier) -> None:
    clicks: queue.Queue[str] = queue.Queue()
    notifier.show(Notification("Edit failed", actions=(RETRY,)), clicks.put)
    server.received.get(timeout=5)
    notification_id = server._next_id
    assert notifier.pending() == 1

    server.emit_closed(notification_id)

    assert wait_until(lambda: notifier.pending() == 0)
    server.emit_action(notification_id, "retry")
    with pytest.raises(queue.Empty):
        clicks.get(timeout=0.5)


def test_clicks_on_other_notifications_are_ignored(server: NotificationServer, notifier: FreedesktopNotifier) -> None:
    clicks: queue.Queue[str] = queue.Queue()
    notifier.show(Notification("Edit failed", actions=(RETRY,)), clicks.put)
    server.received.get(timeout=5)

    server.emit_action(server._next_id + 100, "retry")

    with pytest.raises(queue.Empty):
        clicks.get(timeout=0.5)


def test_a_notification_without_actions_keeps_no_callback(
    server: NotificationServer, notifier: FreedesktopNotifier
) -> None:
    notifier.show(Notification("Saved", "image.png"))

    assert server.received.get(timeout=5).actions == []
    assert notifier.pending() == 0


def test_long_texts_are_clipped(server: NotificationServer, notifier: FreedesktopNotifier) -> None:
    notifier.show(Notification("T" * 500, "B" * 5000))

    got = server.received.get(timeout=5)
    assert len(got.summary) == 120
    assert len(got.body) == 1000


def test_close_ends_the_threads_it_started(server: NotificationServer, bus: str) -> None:
    before = {thread.ident for thread in threading.enumerate()}
    method = FreedesktopNotifier({"DBUS_SESSION_BUS_ADDRESS": bus})
    method.show(Notification("x", actions=(RETRY,)), lambda _action: None)
    server.received.get(timeout=5)

    method.close()

    started = [thread for thread in threading.enumerate() if thread.ident not in before]
    assert wait_until(lambda: not any(thread.is_alive() for thread in started))


def test_without_a_notification_service_it_is_not_installed_and_show_says_why(bus: str) -> None:
    method = FreedesktopNotifier({"DBUS_SESSION_BUS_ADDRESS": bus})
    try:
        assert not method.is_installed()
        with pytest.raises(AppError, match="notification service"):
            method.show(Notification("nobody listens"))
    finally:
        method.close()


def test_without_a_session_bus_it_does_not_fit() -> None:
    assert not FreedesktopNotifier({}).fits_this_system()


def test_callbacks_are_bounded_when_the_server_never_reports_closing(
    server: NotificationServer, notifier: FreedesktopNotifier
) -> None:
    for index in range(40):
        notifier.show(Notification(f"failed {index}", actions=(RETRY,)), lambda _action: None)
        server.received.get(timeout=5)

    assert notifier.pending() == 32


def test_a_bus_that_went_away_gives_a_plain_error_and_no_hang() -> None:
    with session_bus() as address:
        method = FreedesktopNotifier({"DBUS_SESSION_BUS_ADDRESS": address})
        with notification_server(address) as server:
            method.show(Notification("first", actions=(RETRY,)), lambda _action: None)
            server.received.get(timeout=5)
    # The bus process has ended here.

    began = time.monotonic()
    with pytest.raises(AppError, match=r"notification service did not answer|cannot be reached"):
        method.show(Notification("second"))
    assert time.monotonic() - began < 6
    assert notifier_threads_gone()
    method.close()


def notifier_threads_gone() -> bool:
    return wait_until(lambda: not any(thread.name == "aiis-notify" for thread in threading.enumerate()))
