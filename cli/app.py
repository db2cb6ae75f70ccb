"""Parse the command line and run one subcommand; map errors to exit codes.

Exit codes: 0 success, 1 the job failed, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Mapping

from cli import (
    autostart_cmd,
    capture_cmd,
    config_cmd,
    desktop_entry_cmd,
    edit_cmd,
    keys_cmd,
    models_cmd,
    providers_cmd,
)
from cli.context import CliContext
from core.errors import AppError
from core.version import __version__

log = logging.getLogger(__name__)

Runner = Callable[[argparse.Namespace, CliContext], int]

COMMANDS: tuple[tuple[str, object], ...] = (
    ("capture", capture_cmd),
    ("edit", edit_cmd),
    ("keys", keys_cmd),
    ("config", config_cmd),
    ("providers", providers_cmd),
    ("models", models_cmd),
    ("autostart", autostart_cmd),
    ("install-desktop-entry", desktop_entry_cmd),
)


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors already; this only keeps messages in plain words."""


PINS = (
    ("capture", "AIIS_CAPTURE"),
    ("clipboard", "AIIS_CLIPBOARD"),
    ("notify", "AIIS_NOTIFY"),
    ("overlay", "AIIS_OVERLAY"),  # server | tk: who draws the frozen screen (ADR 034)
)


def pinned_methods(args: argparse.Namespace, env: Mapping[str, str]) -> dict[str, str]:
    """The environment with ``--capture`` & co. written as the variables every part reads."""
    pins = {variable: getattr(args, flag) for flag, variable in PINS if getattr(args, flag, None)}
    return {**env, **pins}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="main.py",
        description="AI Image Studio: select a screen region, send it to an AI image provider, paste the result. "
        "With no command, starts the tray app.",
    )
    parser.add_argument("--version", action="version", version=f"AI Image Studio {__version__}")
    parser.add_argument(
        "--config", metavar="FILE", help="settings file to use (default: $AIIS_CONFIG, then the config folder)"
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output on stderr (-vv: debug)")
    # Pin an OS method by name, as the AIIS_* variables do; the first usable one takes over if it fails.
    for flag, variable in PINS:
        parser.add_argument(f"--{flag}", metavar="METHOD", help=f"{flag} method to use (same as ${variable})")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for _name, module in COMMANDS:
        module.add_parser(subparsers)  # type: ignore[attr-defined]
    return parser


def run_command(args: argparse.Namespace, ctx: CliContext, start_tray: Callable[[CliContext], int]) -> int:
    """Run the parsed command; every ``AppError`` becomes its plain message and exit code."""
    try:
        if args.command is None:
            return start_tray(ctx)
        module = dict(COMMANDS)[args.command]
        runner: Runner = module.run  # type: ignore[attr-defined]
        return runner(args, ctx)
    except AppError as error:
        print(f"Error: {error}", file=ctx.stderr, flush=True)
        return error.exit_code
    except KeyboardInterrupt:
        print("Cancelled.", file=ctx.stderr)
        return 1
