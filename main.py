"""AI Image Studio: parse the command line, build the parts, start them. Nothing else."""

from __future__ import annotations

import logging
import os
import sys

from cli.app import run_cli
from cli.context import CliContext
from core.errors import NotYetError
from core.logsetup import configure_logging


def start_tray(_ctx: CliContext) -> int:
    raise NotYetError("the tray app is not available yet in this version (issue 5); try 'main.py --help'.")


def main() -> int:
    argv = sys.argv[1:]
    verbosity = sum(arg.count("v") for arg in argv if arg.startswith("-") and set(arg[1:]) == {"v"})
    verbosity += argv.count("--verbose")
    configure_logging(logging.WARNING - 10 * min(verbosity, 2))
    return run_cli(argv, os.environ, (sys.stdin, sys.stdout, sys.stderr), start_tray)


if __name__ == "__main__":
    sys.exit(main())
