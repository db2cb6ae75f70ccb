"""``main.py providers``: each provider, its modes and whether its key is set."""

from __future__ import annotations

import argparse

from cli.context import CliContext


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    subparsers.add_parser("providers", help="list providers, their modes and key status")


def run(_args: argparse.Namespace, ctx: CliContext) -> int:
    for provider_id, info in ctx.catalog.items():
        status = ctx.keys.status(provider_id)
        if status.source in {"environment", "keyring"}:
            key = f"key: {status.masked} ({status.source})"
        elif not info.needs_key:
            key = "key: not needed"
        elif status.source == "unavailable":
            key = "key: keyring unavailable"
        elif status.source == "unknown":
            key = "key: unknown (the keyring did not answer; it may be locked)"
        elif status.source == "invalid":
            key = f"key: invalid ({status.problem})"
        else:
            key = f"key: not set (python main.py keys set {provider_id})"
        print(f"{provider_id}  {info.display_name}  [{key}]", file=ctx.stdout)
        for mode in info.modes:
            default = " (default)" if mode.id == info.default_mode else ""
            print(f"    {mode.id:<20} {mode.label}{default}", file=ctx.stdout)
        if info.options:
            print(f"    options: {', '.join(info.options)}", file=ctx.stdout)
    return 0
