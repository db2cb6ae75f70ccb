#!/usr/bin/env bash
# Installs what AI Image Studio needs into .venv of this checkout, and the system packages it uses.
#   bash scripts/install.sh          the app
#   bash scripts/install.sh --dev    the app plus what the tests need (Xvfb, xdotool, a keyring, linters)
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

python=${PYTHON:-python3}

if [ "$(uname -s)" = "Linux" ] && command -v apt-get >/dev/null; then
  # xclip: the X11 clipboard; the gir/cairo packages: PyGObject for a tray icon with a menu.
  packages=(xclip pkg-config libgirepository1.0-dev libcairo2-dev gir1.2-gtk-3.0
            gir1.2-ayatanaappindicator3-0.1 libsecret-tools)
  # Debian's own Python needs its venv, Tk and headers packaged separately; pyenv's has them.
  "$python" -c "import venv, ensurepip, tkinter" 2>/dev/null || packages+=(python3-venv python3-tk)
  "$python" -c "import sysconfig, pathlib, sys; sys.exit(not pathlib.Path(sysconfig.get_paths()['include'], 'Python.h').exists())" \
    || packages+=(python3-dev)
  if [ "$dev" = 1 ]; then
    # A virtual desktop to test on: X server, input, a tray host, a real Secret Service keyring.
    packages+=(xvfb xdotool x11-utils imagemagick dbus dbus-x11 gnome-keyring trayer xserver-xephyr desktop-file-utils)
    # Real window managers: every desktop has one, and focus and grabs behave differently under one
    # (issue 17). The desktop tests run under each of these as well as on a bare X server.
    packages+=(openbox icewm)
    # The peers the benchmark (python -m bench) measures us against.
    packages+=(flameshot maim)
  fi
  missing=()
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

"$python" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"AI Image Studio needs Python 3.11 or newer; this is {sys.version.split()[0]}. Set PYTHON=/path/to/python3.11.")
import tkinter  # noqa: F401  (python3-tk on Debian)
PY
[ -x .venv/bin/python ] || "$python" -m venv .venv
requirements=requirements.txt
[ "$dev" = 1 ] && requirements=requirements-dev.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
