"""``main.py edit INPUT --provider ID ...``: one provider job from the command line."""

from __future__ import annotations

import argparse

from cli.context import CliContext
from core.errors import NotYetError


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("edit", help="send an image file to a provider and write the result")
    parser.add_argument("input", help="image file, or - for standard input")
    parser.add_argument("--provider", required=True, help="provider id (see 'main.py providers')")
    parser.add_argument("--mode", help="provider mode (default: the provider's default)")
    parser.add_argument("--prompt", default="", help="what to do with the image")
    parser.add_argument("--mask", metavar="FILE", help="mask image (transparent or black = area to edit)")
    parser.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE", help="provider option; repeatable"
    )
    parser.add_argument("--output", metavar="FILE", help="where to write the result, or - for standard output")
    parser.add_argument("--copy", action="store_true", help="also put the result on the clipboard")


def run(_args: argparse.Namespace, _ctx: CliContext) -> int:
    raise NotYetError("'edit' is not available yet in this version (providers are being built: issue 3).")
