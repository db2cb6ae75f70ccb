"""``main.py capture``: select a region now and copy, save or send it."""

from __future__ import annotations

import argparse

from cli.context import CliContext
from core.errors import NotYetError


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("capture", help="select a screen region now (hands over to the running tray app)")
    parser.add_argument("--preset", help="preset to apply (default: the active preset)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--from-clipboard", action="store_true", help="select on the image on the clipboard")
    source.add_argument("--file", metavar="FILE", help="select on an image file")
    parser.add_argument("--output", metavar="FILE", help="write the result to FILE")
    parser.add_argument("--copy", action="store_true", help="put the result on the clipboard")


def run(_args: argparse.Namespace, _ctx: CliContext) -> int:
    raise NotYetError("'capture' is not available yet in this version (the overlay is being built: issue 4).")
