"""``main.py install-desktop-entry [--remove]``: put the app in this person's Linux application menu."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from cli.context import CliContext
from core.errors import InputError
from desktop import desktop_entry
from desktop.autostart.base import launch_command


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "install-desktop-entry", help="add the app and its icon to your application menu (Linux, per user)"
    )
    parser.add_argument("--remove", action="store_true", help="remove the entry and icons again")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if sys.platform in {"win32", "darwin"}:
        raise InputError("Desktop entries are for Linux menus; on Windows and macOS use 'autostart on' or pin the app.")
    data = desktop_entry.data_home(ctx.env)
    files = desktop_entry.DesktopEntryFiles.under(data)
    if args.remove:
        removed = desktop_entry.remove(files)
        ctx.say(f"Removed {len(removed)} files." if removed else "No desktop entry was installed.")
    else:
        desktop_entry.install(files, launch_command(), desktop_entry.assets_dir())
        ctx.say(f"Installed {files.entry} and its icon; it appears in the application menu as 'AI Image Studio'.")
    _refresh_menu_cache(data, ctx)
    return 0


def _refresh_menu_cache(data: Path, ctx: CliContext) -> None:
    # Menus watch the folder themselves; the cache only matters on desktops that read it, and the
    # tool is optional, so its absence or failure is not an error.
    tool = shutil.which("update-desktop-database", path=ctx.env.get("PATH"))
    if tool is None:
        return
    subprocess.run(  # noqa: S603 - a fixed tool and our own folder
        [tool, "-q", str(data / "applications")], env=dict(ctx.env), check=False, capture_output=True, timeout=20
    )
