"""AI Image Studio: parse the command line, build the parts, start them. Nothing else."""

from __future__ import annotations

import logging
import os
import sys

from cli.app import build_parser, run_command
from cli.context import CliContext
from core.errors import NotYetError
from core.logsetup import configure_logging


def start_tray(_ctx: CliContext) -> int:
    raise NotYetError("the tray app is not available yet in this version (issue 5); try 'main.py --help'.")


def main() -> int:
    args = build_parser().parse_args()
    configure_logging(logging.WARNING - 10 * min(args.verbose, 2))
    ctx = CliContext(env=os.environ, stdin=sys.stdin, stdout=sys.stdout, stderr=sys.stderr, config_arg=args.config)
    return run_command(args, ctx, start_tray)


if __name__ == "__main__":
    sys.exit(main())
