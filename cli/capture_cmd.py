"""``main.py capture``: select a region now and copy, save or send it.

Runs one capture in this process, like ``flameshot gui``. The built-in preset ``copy`` (no
provider) copies and/or saves the region as it is, so the command is useful before any key is
set. Handing the request to a running tray app instead is issue 5.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from cli.context import CliContext, end_on_sigterm
from core import paint_rules
from core.config import NO_PROVIDER, Config, Preset, ProviderSettings
from core.delivery import Destination, Naming, PngClipboard
from core.delivery import deliver as deliver_images
from core.errors import CaptureError, ConfigError, InputError, NotYetError
from core.models import EditRequest, EditResult, Monitor, Selection
from core.output import output_target
from core.planning import plan_capture
from providers.base import ModeInfo, ProviderInfo
from tray.painted import NOTHING, Painted, to_send

log = logging.getLogger(__name__)

COPY_PRESET = Preset(name="copy", provider=NO_PROVIDER)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("capture", help="select a screen region now (hands over to the running tray app)")
    parser.add_argument("--preset", help="preset to apply (default: the active preset)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--from-clipboard", action="store_true", help="select on the image on the clipboard")
    source.add_argument("--file", metavar="FILE", help="select on an image file")
    parser.add_argument("--output", metavar="FILE", help="write the result to FILE")
    parser.add_argument("--copy", action="store_true", help="put the result on the clipboard")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if handed_to_tray(args, ctx):
        return 0
    preset = choose_preset(args.preset, ctx)
    delivery = plan_delivery(args, ctx.config)
    # Checked before the screen freezes, so nobody selects a region for nothing.
    job = plan_job(preset, ctx) if preset.needs_provider else None
    selection = select_region(args, ctx)
    if selection is None:
        ctx.say("Cancelled.")
        return 1
    # The overlay is closed: from here on Python runs, so a SIGTERM can end the job and save cleanly.
    end_on_sigterm()
    if job is not None:
        # A preset's ``paint: required|off`` (issue 13), checked as the tray does before anything is sent.
        problem = paint_rules.check(
            plan_capture(ctx.config, ctx.catalog, preset.name), selection.mask, selection.markup
        )
        if problem is not None:
            raise InputError(problem)
    crop = selection.crop()
    result = run_job(job, crop, ctx, painted_for(job, selection)) if job is not None else crop
    deliver(result, preset, delivery, ctx)
    return 0


@dataclass(frozen=True)
class ProviderJob:
    """A preset's provider call, checked (mode, prompt, key) before the overlay opens."""

    info: ProviderInfo
    mode: ModeInfo
    settings: ProviderSettings
    prompt: str
    options: Mapping[str, object]
    key: str


def plan_job(preset: Preset, ctx: CliContext) -> ProviderJob:
    info = ctx.catalog.get(preset.provider)
    if info is None:
        raise ConfigError(f"the preset '{preset.name}' names no known provider '{preset.provider}'")
    try:
        mode = info.mode(preset.mode or info.default_mode)
    except KeyError:
        raise ConfigError(f"{info.display_name} has no mode '{preset.mode}' (preset '{preset.name}')") from None
    if not mode.needs_image:
        raise NotYetError(f"The preset '{preset.name}' makes a new image from text; use 'main.py edit' for that.")
    if mode.needs_prompt and not preset.prompt.strip():
        # The prompt bar that asks for one belongs to the tray app (issue 5).
        raise InputError(f"The preset '{preset.name}' has no prompt: add 'prompt: ...' to it in the settings file.")
    settings = ctx.config.provider(info.id)
    key = ctx.keys.get(info.id)
    options = {**settings.options, **preset.options}
    return ProviderJob(info, mode, settings, preset.prompt, options, key)


def painted_for(job: ProviderJob, selection: Selection) -> Painted:
    """What the painting on the selection is sent as (issue 13), as the tray decides it."""
    if not job.mode.needs_image:
        return NOTHING
    chosen = job.options.get("model")
    model = chosen if isinstance(chosen, str) and chosen else job.settings.model or job.info.default_model
    return to_send(
        selection.mask, selection.markup, selection.marks, takes_markup=job.info.takes_markup(model), model=model or ""
    )


def run_job(job: ProviderJob, crop: Image.Image, ctx: CliContext, painted: Painted = NOTHING) -> Image.Image:
    """Send the crop with the preset's prompt; the first image back, sized like the region if set so.

    With a painted mask and ``jobs.keep_unmasked``, the crop's own pixels outside it (issue 18).
    """
    import asyncio

    from cli.edit_cmd import ProgressPrinter
    from core.composite import DEFAULT_FEATHER_PX, composite
    from providers import fitting
    from providers.http import build_http_client
    from providers.registry import create_provider

    if painted.summary:
        ctx.say(f"With the painting: {painted.summary}.")
    request = EditRequest(
        job.mode.id, prompt=job.prompt, image=crop, mask=painted.mask, markup=painted.markup, options=job.options
    )

    async def send() -> EditResult:
        async with build_http_client() as client:
            provider = create_provider(job.info.id, job.settings, client)
            return await provider.run(request, key=job.key, progress=ProgressPrinter(ctx, job.info.display_name))

    result = asyncio.run(send())
    for note in result.notes:
        ctx.say(f"Note: {note}")
    if painted.mask is not None and ctx.config.jobs.keep_unmasked:
        return composite(crop, fitting.match_size(result.image, crop.size), painted.mask, DEFAULT_FEATHER_PX)
    if ctx.config.output.match_size:
        return fitting.match_size(result.image, crop.size)
    return result.image


def handed_to_tray(args: argparse.Namespace, ctx: CliContext) -> bool:
    """If the tray app runs, it does the capture (issue 5: how Wayland users bind a shortcut)."""
    if args.file or args.output or args.copy:
        return False
    from core import paths
    from tray.handoff import HandOff
    from tray.instance_channel import Secondary
    from tray.single_instance import claim

    instance = claim(paths.runtime_dir())
    if not isinstance(instance, Secondary):
        instance.close()
        return False
    instance.send(HandOff("capture", args.preset, args.from_clipboard))
    ctx.say("Handed over to the running AI Image Studio.")
    return True


def choose_preset(name: str | None, ctx: CliContext) -> Preset:
    """``--preset``, else the active preset if it can run (its key is set), else the built-in ``copy``."""
    if name is not None:
        if name == COPY_PRESET.name and all(p.name != name for p in ctx.config.presets):
            return COPY_PRESET
        return ctx.config.preset(name)
    active = ctx.config.active_preset
    if active is None:
        return _configured_copy(ctx.config)
    preset = ctx.config.preset(active)
    if preset.needs_provider and not ctx.keys.has_key(preset.provider):
        # A locked keyring is not "no key": keep the preset, and the key lookup says it is locked.
        if ctx.keys.keyring_stuck:
            return preset
        log.info("the active preset %s has no key set; using 'copy'", preset.name)
        return _configured_copy(ctx.config)
    return preset


def _configured_copy(config: Config) -> Preset:
    try:
        preset = config.preset(COPY_PRESET.name)
    except ConfigError:
        return COPY_PRESET
    return preset if not preset.needs_provider else COPY_PRESET


def plan_delivery(args: argparse.Namespace, config: Config) -> Destination:
    # The same check as edit's, before the screen freezes: a FIFO, device or unknown extension (issue 16).
    if args.output:
        output, fmt = output_target(args.output)
        return Destination(file=output, file_format=fmt, copy=bool(args.copy))
    if args.copy:
        return Destination(copy=True)
    return Destination.from_output(config.output)


def select_region(args: argparse.Namespace, ctx: CliContext) -> Selection | None:
    from overlay import runner, sources

    if args.file:
        image = sources.file_image(Path(args.file).expanduser())
        return runner.run_image_selection(image, "file", _monitors(ctx))
    if args.from_clipboard:
        from desktop.clipboard.system import system_clipboard

        image = sources.clipboard_image(system_clipboard(ctx.env))
        return runner.run_image_selection(image, "clipboard", _monitors(ctx))
    from desktop.capture.system import system_capture

    method = system_capture(ctx.env)
    try:
        return runner.run_screen_selection(method, ctx.env)
    finally:
        method.close()


def _monitors(ctx: CliContext) -> tuple[Monitor, ...]:
    """The monitor layout to fit an image on; Tk's whole screen where capture cannot say."""
    from desktop.capture.system import system_capture

    try:
        method = system_capture(ctx.env)
    except CaptureError as error:
        log.info("no monitor list (%s); fitting to the whole screen", error)
        return ()
    try:
        return method.monitors()
    except CaptureError as error:
        log.info("no monitor list (%s); fitting to the whole screen", error)
        return ()
    finally:
        method.close()


def deliver(image: Image.Image, preset: Preset, destination: Destination, ctx: CliContext) -> None:
    """Through the pipeline the tray uses (core.delivery): nothing changes if any part fails."""

    def clipboard() -> PngClipboard:
        from desktop.clipboard.system import system_clipboard

        return system_clipboard(ctx.env)

    naming = Naming(preset.name, preset.provider, preset.mode or "")
    done = deliver_images([image], destination, naming, clipboard)
    size = f"{done.width}x{done.height}"
    for path in done.files:
        ctx.say(f"Saved {size} to {path}")
    if done.copied:
        ctx.say(f"Copied {size} to the clipboard.")
