"""The one error hierarchy of the app.

Every failure a person can cause or meet is one of these; anything else is a bug and is logged
with its traceback. Each error carries a message in plain words that the app shows as it is.

AppError
 ├── ConfigError            the settings file is not valid (names file, line and key)
 ├── KeyStoreError          the OS keyring cannot be used
 │    ├── KeyringTimeoutError   the keyring did not answer in time (locked, or its service hangs)
 │    ├── SecretServiceError    the Secret Service refused a call, or its unlock prompt was dismissed
 │    └── BadKeyError           a key read from the environment or keyring has characters no key has
 ├── MissingKeyError        a provider needs a key that is not set (says how to set it)
 ├── InputError             the image, selection or clipboard given to us is unusable
 │    └── NoImageError      there is no image where one was expected (e.g. on the clipboard)
 ├── CaptureError           the screen could not be captured on this system
 ├── ClipboardError         the clipboard could not be read or written
 ├── OutputError            the result could not be saved
 │    └── HistoryError      the opt-in history could not be written, read or removed
 ├── DesktopError           the desktop refused a request of ours (outside a job)
 │    ├── NotificationError     a notification could not be shown
 │    ├── AutostartError        start-at-login could not be turned on or off
 │    ├── DesktopEntryError     the application-menu entry could not be installed or removed
 │    ├── OpenError             a result or folder could not be opened in another program
 │    └── TrayIconError         no tray icon can be shown in this session
 ├── InstanceError          the single-instance channel cannot be opened or used
 ├── CancelledError         the person cancelled the job
 ├── BusyError              too many jobs are running already (says the limit and how to change it)
 ├── NotYetError            the feature is planned but not built in this version
 └── ProviderError          the AI provider refused or failed (names the provider)
      ├── AuthError         the key was rejected
      ├── BlockedError      the provider's safety system blocked the request
      ├── QuotaError        out of credits or quota; never retried
      ├── RateLimitError    too many requests; retried with the server's delay
      ├── TooLargeError     the request was too large for the provider
      ├── ProviderTimeoutError   no answer in time
      ├── ConnectionFailedError  the provider could not be reached
      ├── ServerError       the provider failed (5xx)
      ├── BadRequestError   the provider rejected the request's parameters
      └── BadResponseError  the answer is not a usable image
"""

from __future__ import annotations


class AppError(Exception):
    """Base of every error the app reports to a person.

    ``str(error)`` is the plain-words message. ``exit_code`` is what the command line returns.
    """

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(AppError):
    """The settings file is not valid; the message names the file, the line and the key."""

    exit_code = 2

    def __init__(self, message: str, *, path: str = "", line: int | None = None, key: str = "") -> None:
        location = path
        if path and line is not None:
            location = f"{path}:{line}"
        prefix = f"{location}: " if location else ""
        keypart = f"{key}: " if key else ""
        super().__init__(f"{prefix}{keypart}{message}")
        self.path = path
        self.line = line
        self.key = key
        self.detail = message


class KeyStoreError(AppError):
    """The OS keyring cannot be used (no backend, locked, refused)."""

    exit_code = 2


class KeyringTimeoutError(KeyStoreError):
    """The OS keyring did not answer within its time limit: often a locked keyring waiting on a prompt."""

    def __init__(self, seconds: float, env_var: str = "") -> None:
        alternative = env_var or "the provider's environment variable (for example OPENAI_API_KEY)"
        super().__init__(
            f"The system keyring did not answer in {seconds:g} s; it may be locked: unlock it "
            f"(or log in again), or set {alternative}."
        )
        self.seconds = seconds


class SecretServiceError(KeyStoreError):
    """The Secret Service (over D-Bus) refused a call or its unlock prompt was dismissed (ADR 038)."""


class BadKeyError(KeyStoreError):
    """A key from the environment or the keyring has a control, space or non-ASCII character.

    Refused before any HTTP library sees it (httpx raises on such header values, and its message
    would carry the key); the message never contains the key.
    """


class MissingKeyError(AppError):
    """A provider needs an API key and none is set; the message says how to set one."""

    exit_code = 2

    def __init__(self, provider_name: str, provider_id: str, env_var: str) -> None:
        super().__init__(
            f"No API key is set for {provider_name}. Run 'python main.py keys set {provider_id}' "
            f"or set the environment variable {env_var}."
        )
        self.provider_id = provider_id


class InputError(AppError):
    """The image, selection, option or clipboard content given to us is unusable."""

    exit_code = 2


class NoImageError(InputError):
    """There is no image where one was expected."""


class CaptureError(AppError):
    """The screen could not be captured on this system."""


class ClipboardError(AppError):
    """The clipboard could not be read or written."""


class OutputError(AppError):
    """The result could not be saved; nothing existing was overwritten."""


class HistoryError(OutputError):
    """The opt-in history (``privacy.history``) could not be written, read or removed; the job's result was not."""


class DesktopError(AppError):
    """The desktop refused something the app asked of it outside a job."""


class NotificationError(DesktopError):
    """A notification could not be shown (the app then tells the person another way)."""


class AutostartError(DesktopError):
    """Start-at-login could not be turned on or off."""


class DesktopEntryError(DesktopError):
    """The application-menu entry could not be installed or removed."""


class OpenError(DesktopError):
    """A result or a folder could not be opened in another program."""


class TrayIconError(DesktopError):
    """No tray icon can be shown in this session (no display, no tray host)."""


class InstanceError(AppError):
    """The single-instance channel cannot be opened, or the running tray cannot be reached."""


class CancelledError(AppError):
    """The person cancelled the job."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class BusyError(AppError):
    """A new job was refused because the configured number of jobs is already running."""


class NotYetError(AppError):
    """A feature that a later version brings."""

    exit_code = 2


class ProviderError(AppError):
    """The AI provider refused or failed. ``provider`` is its display name."""

    retryable = False

    def __init__(self, provider: str, message: str, *, status: int | None = None) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider
        self.status = status


class AuthError(ProviderError):
    """The provider rejected the API key."""


class BlockedError(ProviderError):
    """The provider's safety system blocked the request or the result."""


class QuotaError(ProviderError):
    """Out of credits or quota. Retrying costs money and cannot help."""


class RateLimitError(ProviderError):
    """Too many requests; worth retrying after ``retry_after`` seconds."""

    retryable = True

    def __init__(
        self, provider: str, message: str, *, status: int | None = 429, retry_after: float | None = None
    ) -> None:
        super().__init__(provider, message, status=status)
        self.retry_after = retry_after


class TooLargeError(ProviderError):
    """The request was larger than the provider accepts."""


class ProviderTimeoutError(ProviderError):
    """No answer in time."""

    retryable = True


class ConnectionFailedError(ProviderError):
    """The provider could not be reached."""

    retryable = True


class ServerError(ProviderError):
    """The provider failed on its side (5xx)."""

    retryable = True

    def __init__(
        self, provider: str, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(provider, message, status=status)
        self.retry_after = retry_after


class BadRequestError(ProviderError):
    """The provider rejected the request's parameters."""


class BadResponseError(ProviderError):
    """The provider answered something that is not a usable image."""
