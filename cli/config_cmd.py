"""``main.py config check|path``: check the settings file, or say where it is."""

from __future__ import annotations

import argparse

from cli.context import CliContext


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("config", help="check the settings file or show where it is")
    actions = parser.add_subparsers(dest="config_action", required=True, metavar="ACTION")
    actions.add_parser("check", help="check the settings file; exit 2 with the line of the first problem")
    actions.add_parser("path", help="print the settings file's path")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.config_action == "path":
        print(ctx.config_path, file=ctx.stdout)
        return 0
    if not ctx.config_path.exists():
        ctx.say(f"{ctx.config_path} does not exist yet; the defaults are used (the app writes it on first start).")
        return 0
    config = ctx.config  # raises ConfigError, which main turns into exit code 2
    for notice in config.notices:
        ctx.say(f"Warning: {notice}")
    presets = len(config.presets)
    print(f"{ctx.config_path}: OK ({presets} presets, default provider {config.default_provider})", file=ctx.stdout)
    return 0
