"""``main.py keys set|delete|list``: API keys in the OS keyring, never on the command line."""

from __future__ import annotations

import argparse
import getpass

from cli.context import CliContext
from core.errors import KeyringTimeoutError


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("keys", help="store, delete or list API keys (kept in the OS keyring)")
    actions = parser.add_subparsers(dest="keys_action", required=True, metavar="ACTION")
    set_parser = actions.add_parser("set", help="store a key: typed at a hidden prompt, or piped on standard input")
    set_parser.add_argument("provider", help="provider id, e.g. openai")
    delete_parser = actions.add_parser("delete", help="remove a stored key")
    delete_parser.add_argument("provider")
    actions.add_parser("list", help="show where each provider's key comes from, masked")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.keys_action == "list":
        return _list(ctx)
    if args.keys_action == "delete":
        deleted = ctx.keys.delete(args.provider)
        ctx.say(f"Deleted the key for {args.provider}." if deleted else f"No key was stored for {args.provider}.")
        return 0
    key = _read_key(ctx, args.provider)
    ctx.keys.set(args.provider, key)
    status = ctx.keys.status(args.provider)
    ctx.say(f"Stored the key for {args.provider} in the OS keyring ({status.masked}).")
    if status.source == "environment":
        ctx.say(f"Note: {status.env_var} is set and wins over the keyring while it is set.")
    return 0


def _read_key(ctx: CliContext, provider_id: str) -> str:
    # A key on the command line would show in `ps` and shell history: hidden prompt or stdin only.
    if ctx.stdin.isatty():
        return getpass.getpass(f"API key for {provider_id} (input is hidden): ")
    return ctx.stdin.readline().strip()


def _list(ctx: CliContext) -> int:
    rows = []
    problems: list[str] = []
    locked = False
    for provider_id, info in ctx.catalog.items():
        # After one keyring call times out the others fail at once (core/keyring_worker.py), so a
        # locked keyring costs one time limit for the whole list, not one per provider.
        status = ctx.keys.status(provider_id)
        if status.source == "environment":
            where = f"environment ({status.env_var})"
        elif status.source == "keyring":
            where = "OS keyring"
        elif status.source == "unavailable":
            where = "keyring unavailable"
        elif status.source == "unknown":
            where = "unknown (keyring locked?)"
            locked = True
        elif status.source == "invalid":
            where = "invalid (see below)"
            problems.append(status.problem)
        else:
            where = "not set" if info.needs_key else "not needed"
        rows.append((provider_id, where, status.masked))
    width = max(len(row[0]) for row in rows)
    for provider_id, where, masked in rows:
        print(f"{provider_id:<{width}}  {where:<28}  {masked}".rstrip(), file=ctx.stdout)
    for problem in problems:
        ctx.say(problem)
    if locked:
        # The list above is incomplete: say why, with the exit code of a keyring error.
        raise KeyringTimeoutError(ctx.keys.timeout)
    return 0
