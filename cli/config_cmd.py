"""``main.py config check|path``: check the settings file, or say where it is.

``check`` also tries each hotkey where an X display is reachable (grabbed and released at once),
so a hotkey another program holds is named before the tray starts (issue 17).
"""

from __future__ import annotations

import argparse

from cli.context import CliContext
from tray.hotkeys import bindings_from_config, probe_hotkeys


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("config", help="check the settings file or show where it is")
    actions = parser.add_subparsers(dest="config_action", required=True, metavar="ACTION")
    actions.add_parser("check", help="check the settings file; exit 2 with the line of the first problem")
    actions.add_parser("path", help="print the settings file's path")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.config_action == "path":
        print(ctx.config_path, file=ctx.stdout)
        return 0
    if not ctx.config_explicit and not ctx.config_path.exists():
        ctx.say(f"{ctx.config_path} does not exist yet; the defaults are used (the app writes it on first start).")
        return 0
    config = ctx.config  # raises ConfigError, which main turns into exit code 2
    for notice in config.notices:
        ctx.say(f"Warning: {notice}")
    presets = len(config.presets)
    print(f"{ctx.config_path}: OK ({presets} presets, default provider {config.default_provider})", file=ctx.stdout)
    _check_hotkeys(ctx)
    return 0


def _check_hotkeys(ctx: CliContext) -> None:
    """Where an X display is reachable, whether each hotkey can be taken; elsewhere nothing is said."""
    bindings = bindings_from_config(ctx.config)
    problems = probe_hotkeys(bindings, ctx.env) if bindings else None
    if problems is None:
        return
    if not problems:
        print(f"hotkeys: all {len(bindings)} can be taken on this display", file=ctx.stdout)
        return
    for problem in problems:
        print(f"hotkeys: {problem}", file=ctx.stdout)
    # X cannot say who holds a grab; the one holder we can name is our own running tray.
    print(
        "hotkeys: if AI Image Studio's tray is running, it holds its own hotkeys: quit it, then check again.",
        file=ctx.stdout,
    )
