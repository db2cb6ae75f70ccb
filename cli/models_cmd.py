"""``main.py models [PROVIDER]``: the models the key can use, asked of the provider, the configured one marked.

OpenAI, Gemini and OpenRouter publish the list (``GET /v1/models``, ``GET /v1beta/models``,
``GET /api/v1/models`` filtered to image output: each provider whose catalog module registers a lister,
issue 15); the answer is kept in the state folder with its date, for the tray's Model menu. When the
provider cannot be reached (or no key is set) the built-in catalog is shown instead, and the output says
so. Providers that publish no list show the models they declare. See docs/adr/018-live-model-lists.md.
"""

from __future__ import annotations

import argparse
import logging
from datetime import date

from cli.context import CliContext
from core import model_list, paths
from core.errors import AppError, ConnectionFailedError, InputError, ProviderError, ProviderTimeoutError
from core.model_list import ModelList
from providers.base import ProviderInfo
from providers.registry import can_list_models, catalog_models, fetch_models

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "models",
        help="list the models your key can use (asks the provider; offline, the built-in list)",
        description="Ask each provider which image models the key can use, and mark the configured one. "
        "Exit codes: 0 listed (live or built-in), 1 a provider refused the list (e.g. a bad key).",
    )
    parser.add_argument("provider", nargs="?", help="provider id (default: every provider)")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.provider is not None and args.provider not in ctx.catalog:
        raise InputError(f"'{args.provider}' is not a provider (providers: {', '.join(ctx.catalog)}).")
    chosen = [ctx.catalog[args.provider]] if args.provider else list(ctx.catalog.values())
    failed = False
    for info in chosen:
        failed |= _show(info, ctx)
    return 1 if failed else 0


def _show(info: ProviderInfo, ctx: CliContext) -> bool:
    """Print one provider's list; True when the provider refused to answer."""
    configured = ctx.config.provider(info.id).model
    if not can_list_models(info.id):
        print(f"{info.id}: models this provider declares (it publishes no list)", file=ctx.stdout)
        listed = catalog_models(info)
        _print(listed, configured, info, ctx)
        if not listed.models:
            print("    (no model to choose: the mode decides)", file=ctx.stdout)
        return False
    listed, reason, refused = _fetch(info, ctx)
    if listed.source == model_list.LIVE:
        model_list.save(paths.state_dir(), listed)
        print(f"{info.id}: models this key can use (asked {listed.fetched_at:%Y-%m-%d %H:%M} UTC)", file=ctx.stdout)
    else:
        print(f"{info.id}: {reason}; showing the built-in list, which may be out of date", file=ctx.stdout)
    _print(listed, configured, info, ctx)
    return refused


def _fetch(info: ProviderInfo, ctx: CliContext) -> tuple[ModelList, str, bool]:
    try:
        key = ctx.keys.get(info.id)
    except AppError as error:
        return catalog_models(info), f"no key ({error})", False
    try:
        import asyncio  # not at import: the tray imports this module for its parser (core/jobs.py says why)

        return asyncio.run(_ask(info, ctx, key)), "", False
    except (ConnectionFailedError, ProviderTimeoutError) as error:
        log.info("models: %s offline: %s", info.id, error)
        return catalog_models(info), f"could not reach the provider ({error})", False
    except ProviderError as error:
        return catalog_models(info), f"the provider refused the list ({error})", True


async def _ask(info: ProviderInfo, ctx: CliContext, key: str) -> ModelList:
    from providers.http import build_http_client  # httpx: only for the command that sends

    async with build_http_client() as client:
        return await fetch_models(info.id, ctx.config.provider(info.id), client, key)


def _print(listed: ModelList, configured: str | None, info: ProviderInfo, ctx: CliContext) -> None:
    today = date.today().isoformat()
    for model in listed.models:
        words = []
        if model.id == configured:
            words.append("configured")
        if model.shutdown_date:
            words.append(f"{'shut down' if model.shutdown_date <= today else 'shuts down'} {model.shutdown_date}")
        elif info.retirement(model.id) is not None:
            words.append("retired")
        mark = "*" if model.id == configured else " "
        print(f"  {mark} {model.id}" + (f"  ({', '.join(words)})" if words else ""), file=ctx.stdout)
    if configured and listed.find(configured) is None:
        retired = info.retirement(configured)
        why = f": {retired.advice(configured)}" if retired is not None else ""
        where = "offered to this key" if listed.source == model_list.LIVE else "in the built-in list"
        print(f"  The configured model {configured} is not {where}{why}.", file=ctx.stdout)
        print(f"  Set providers.{info.id}.model in the settings file ('python main.py config path').", file=ctx.stdout)
