"""AI Image Studio: parse the command line, build the parts, start them. Nothing else."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, NamedTuple

from cli.app import build_parser, pinned_methods, run_command
from cli.context import CliContext, end_on_sigterm
from core.logsetup import configure_logging

if TYPE_CHECKING:
    import httpx

    from providers.openai_stream import StreamingSupport
    from tray.instance_channel import Primary


def start_tray(ctx: CliContext) -> int:
    """Become the one tray of this user (or hand over to it and exit 0), then build the parts and run."""
    from core import paths
    from tray.handoff import HandOff
    from tray.instance_channel import Secondary
    from tray.single_instance import claim

    instance = claim(paths.runtime_dir())
    if isinstance(instance, Secondary):
        instance.send(HandOff("activate"))
        ctx.say("AI Image Studio is already running; it was told about this start.")
        return 0
    try:
        return _run_tray(ctx, instance)
    finally:
        instance.close()


def _run_tray(ctx: CliContext, instance: Primary) -> int:
    import tkinter as tk

    from core import paths
    from core.config import write_defaults_if_missing
    from core.jobs import JobRunner
    from core.yaml_edit import set_value_in_file
    from desktop.autostart.choice import autostart_for
    from desktop.capture.overlay_method import screen_freezer
    from desktop.capture.system import system_capture
    from desktop.clipboard.system import system_clipboard
    from overlay.selector import SelectorHost
    from providers.registry import create_provider
    from tray.app import TrayApp
    from tray.events import EventQueue, event_for_handoff, event_for_hotkey
    from tray.hotkeys import GlobalHotkeys
    from tray.icon import IconImages
    from tray.opener import SystemOpener
    from tray.parts import AppParts, Lazy, choose_notifier
    from tray.tray_choice import choose_tray_icon

    log_file = paths.state_dir() / "tray.log"
    configure_logging(logging.getLogger().level, log_file)
    events = EventQueue()
    # Before anything else is built: no tray icon at all is a reason not to start (the choice is logged).
    tray_icon = choose_tray_icon(ctx.env, IconImages(), events.post, paths.runtime_dir() / "icons")
    if not ctx.config_explicit:
        # A file named with --config/AIIS_CONFIG is never created here: a typo would otherwise become a
        # new file of defaults beside the one meant. The tray says it is missing and runs on defaults.
        write_defaults_if_missing(ctx.config_path)
    # Its loop thread starts at the first job: asyncio (with ssl) is 9 MiB of an idle tray (core/jobs.py).
    jobs = JobRunner()
    # Built at the first job, not at start: httpx and its TLS context are ~10 MB of an idle tray and
    # ~100 ms of its start, for a client a person may not use for hours (issue 14).
    network = Lazy(_network)
    capture = Lazy(lambda: system_capture(ctx.env))
    # The tray serves X11's clipboard from its own thread and hands it to xclip at quit (ADR 039).
    clipboard = Lazy(lambda: system_clipboard(ctx.env, serve=True))
    parts = AppParts(
        env=ctx.env,
        config_path=ctx.config_path,
        catalog=ctx.catalog,
        keys=ctx.keys,
        jobs=jobs,
        make_provider=lambda provider_id, settings: create_provider(
            provider_id, settings, network.get().client, streaming=network.get().streaming
        ),
        capture=capture.get,
        clipboard=clipboard.get,
        notifier=choose_notifier(ctx.env),
        events=events,
        tray_icon=tray_icon,
        hotkeys=GlobalHotkeys(lambda binding: events.post(event_for_hotkey(binding)), ctx.env),
        make_selector=lambda root: SelectorHost(root, freezer=screen_freezer(ctx.env)),
        start_at_login=autostart_for(ctx.env, sys.platform),
        open_path=SystemOpener(ctx.env),
        save_setting=set_value_in_file,
        history_file=paths.state_dir() / "prompt-history.txt",
        history_dir=paths.state_dir() / "history",
        log_file=log_file,
        models_dir=paths.state_dir(),
    )
    instance.serve(lambda request: events.post(event_for_handoff(request)))
    root = tk.Tk(className="ai-image-studio")
    root.withdraw()
    try:
        return TrayApp(root, parts).run()
    finally:
        if network.built:
            jobs.call(network.get().client.aclose(), timeout=5)
        jobs.stop()
        parts.notifier.close()
        capture.close()
        clipboard.close()
        root.destroy()
        events.close()


class _Network(NamedTuple):
    client: httpx.AsyncClient
    # Which models refused streaming this session: one plain retry, then never asked again (ADR 026).
    streaming: StreamingSupport


def _network() -> _Network:
    from providers.http import build_http_client
    from providers.openai_stream import StreamingSupport

    return _Network(build_http_client(), StreamingSupport())


PIL_BLOCK_SIZE = 64 * 1024 * 1024


def set_process_switches() -> None:
    """Settings that hold for the whole process, made once where it starts (issue 12), each for a reason."""
    from PIL import Image

    from overlay.memory import one_malloc_arena

    # Before any thread allocates: the trim after each job then gives the job thread's buffers back
    # too (issue 14; overlay.memory says why glibc would keep them).
    one_malloc_arena()
    # Pillow stores big images in 16 MB blocks; a 4K frame (33 MB) then needs a copy into one
    # contiguous block before Tk can read it: 52-82 ms to make the overlay's photo instead of 20-28 ms.
    # 64 MB blocks hold a 4K frame whole, and glibc gives such large blocks back on free.
    Image.core.set_block_size(PIL_BLOCK_SIZE)  # type: ignore[attr-defined]
    # GTK (the tray icon's menu) opens GL at start-up to choose visuals, which maps Mesa and LLVM
    # (55 MB resident) for an icon and a menu that never draw with GL. Only a default: a person's own
    # GDK_GL setting wins (docs/adr/004-resident-memory.md).
    os.environ.setdefault("GDK_GL", "disable")


def main() -> int:
    from desktop.capture.dpi import declare_dpi_awareness

    # Windows: before the first window, or every capture and overlay is scaled by the DPI (no-op elsewhere).
    declare_dpi_awareness()
    set_process_switches()
    args = build_parser().parse_args()
    if args.command not in {None, "capture"}:
        # The tray and capture's overlay wait inside Tk, where a Python handler would not run until
        # the next X event: they keep SIGTERM's default (the tray installs its own, capture after its overlay).
        end_on_sigterm()
    configure_logging(logging.WARNING - 10 * min(args.verbose, 2))
    env = pinned_methods(args, os.environ)
    ctx = CliContext(env=env, stdin=sys.stdin, stdout=sys.stdout, stderr=sys.stderr, config_arg=args.config)
    return run_command(args, ctx, start_tray)


if __name__ == "__main__":
    sys.exit(main())
