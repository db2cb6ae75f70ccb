"""The environment a spawned helper (xclip, wl-copy, notify-send, osascript ...) is given: a short list.

The app's own environment holds ``OPENAI_API_KEY`` and its kin, and a child inherits whatever it is
given; any helper that crashes with a core dump, logs its environment or is replaced on PATH would
then carry the keys away (issue 16). A helper needs to find its programs, its display and its
session bus, and to speak the user's language; it is given that and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping

# What clipboard and notification tools read: the display and session (X11, Wayland, D-Bus), the
# user's home and locale, where to put temporary files; SYSTEMROOT because Windows programs need it.
KEPT = frozenset(
    {
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP",
        "DISPLAY", "XAUTHORITY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS",
        "XDG_RUNTIME_DIR", "XDG_SESSION_TYPE", "XDG_CURRENT_DESKTOP", "XDG_DATA_DIRS", "XDG_CONFIG_DIRS",
        "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "SYSTEMROOT", "WINDIR", "__CF_USER_TEXT_ENCODING",
    }
)  # fmt: skip
KEPT_PREFIXES = ("LC_",)


def helper_env(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` cut down to what a desktop helper needs (``KEPT``); never a key, token or password."""
    return {name: value for name, value in env.items() if name in KEPT or name.startswith(KEPT_PREFIXES)}
