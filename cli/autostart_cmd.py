"""``main.py autostart on|off|status``: start the tray app when the person logs in."""

from __future__ import annotations

import argparse
import sys

from cli.context import CliContext
from desktop.autostart.base import launch_command
from desktop.autostart.choice import autostart_for


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("autostart", help="start the tray app at login: on, off or status")
    parser.add_argument("state", choices=("on", "off", "status"), help="turn it on or off, or show whether it is on")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    autostart = autostart_for(ctx.env, sys.platform)
    if args.state == "on":
        autostart.enable(launch_command())
        ctx.say(f"The tray app will start at login ({autostart.where()}).")
    elif args.state == "off":
        autostart.disable()
        ctx.say("The tray app will no longer start at login.")
    else:
        state = "on" if autostart.is_enabled() else "off"
        print(f"{state}  {autostart.where()}", file=ctx.stdout)
    return 0
