"""``main.py edit INPUT --provider ID ...``: one provider job from the command line.

Usage problems (unknown provider or mode, missing prompt, bad option, unreadable input) are found
before anything is sent and exit 2; a failed job (any ``ProviderError``) exits 1. The output file is
written only once the result is checked and complete, so a failure leaves an existing file as it was.
``--output -`` into a reader that leaves early (``| head -c1``) ends quietly with 141, as a program
stopped by SIGPIPE does in a shell.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from PIL import Image, UnidentifiedImageError

from cli.context import CliContext
from cli.marks_input import read_marks
from core import pixels
from core.composite import DEFAULT_FEATHER_PX, composite
from core.costs import PriceTable, from_usage
from core.delivery import Destination, Naming, PngClipboard, deliver
from core.errors import InputError, NoImageError
from core.models import EditRequest, EditResult, ProgressEvent
from core.output import encode_image, output_target
from core.schema import SpecError, options_from_text
from providers import fitting, sizing
from providers.registry import create_provider

if TYPE_CHECKING:
    from core.config import Config, ProviderSettings
    from providers.base import ModeInfo, ProviderInfo

log = logging.getLogger(__name__)

STDIO = "-"
# 128 + SIGPIPE: what a shell reports for a writer whose reader went away.
PIPE_CLOSED_EXIT = 141
QUARTERS = 4
MB = 1024 * 1024
OUTPUT_HELP = (
    "where to write the result, or - for standard output. Without --output (and without --copy) the "
    "result is saved as a new file next to INPUT, named INPUT-PROVIDER-MODE.FORMAT, never replacing a file"
)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "edit",
        help="send an image file to a provider and write the result",
        description="Send INPUT to an AI image provider and write the result. Progress goes to standard error. "
        "Exit codes: 0 done, 1 the provider job failed, 2 usage or settings problem, "
        "141 standard output was closed before the result was written.",
    )
    parser.add_argument("input", help="image file, or - for standard input")
    parser.add_argument("--provider", required=True, help="provider id (see 'main.py providers')")
    parser.add_argument("--mode", help="provider mode (default: the provider's default)")
    parser.add_argument("--prompt", default="", help="what to do with the image")
    parser.add_argument(
        "--mask",
        metavar="FILE",
        help="mask image: transparent pixels (or, without transparency, black ones) are the area to edit",
    )
    parser.add_argument(
        "--markup",
        metavar="FILE",
        help="PNG of marks (arrows, circles) on a transparent background, INPUT's size: sent as markup to "
        "GPT Image 2.5/2.6, widened into a mask for other models",
    )
    parser.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE", help="provider option; repeatable"
    )
    parser.add_argument(
        "--keep-unmasked",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="with --mask: keep INPUT's own pixels outside the mask (default: jobs.keep_unmasked, true)",
    )
    parser.add_argument("--n", type=int, metavar="N", help="how many variants to ask for (where the provider can)")
    parser.add_argument("--output", metavar="FILE", help=OUTPUT_HELP)
    parser.add_argument(
        "--output-dir",
        metavar="DIR",
        help="save every variant in DIR as new files (NAME-1.png, NAME-2.png ...), never replacing one",
    )
    parser.add_argument("--copy", action="store_true", help="also put the result on the clipboard (as PNG)")
    # SUPPRESS keeps the top-level --config when this one is not given after the subcommand.
    parser.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help="settings file to use")


@dataclass(frozen=True)
class Job:
    """Everything checked before a byte is sent."""

    info: ProviderInfo
    mode: ModeInfo
    settings: ProviderSettings
    request: EditRequest
    source_size: tuple[int, int] | None
    keep_unmasked: bool = True


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    info = _provider(args.provider, ctx)
    mode = _mode(info, args.mode)
    if mode.needs_prompt and not args.prompt.strip():
        raise InputError(f"{info.display_name} '{mode.id}' needs a prompt: add --prompt \"what to do\".")
    if args.output is not None and args.output_dir is not None:
        raise InputError("Give --output FILE or --output-dir DIR, not both.")
    if args.input == STDIO and args.output is None and args.output_dir is None and not args.copy:
        raise InputError(
            "When INPUT is - (standard input), say where the result goes: --output FILE, -, --output-dir DIR or --copy."
        )
    # Before a byte is sent: a FIFO, a device or an unknown extension would only fail after the job was paid.
    target = output_target(args.output) if args.output not in {None, STDIO} else None
    config = ctx.config
    settings = config.provider(info.id)
    try:
        given = options_from_text(info.options, [*args.option, *_variants_option(info, args.n)])
    except SpecError as error:
        raise InputError(f"--option {error}") from None
    image = _read_image(args.input, ctx) if mode.needs_image or args.input != STDIO else None
    # The model the provider will use (its own rule: options, then settings, then the catalog's default).
    model = str(given.get("model") or settings.options.get("model") or settings.model or info.default_model or "")
    painted = read_marks(args.mask, args.markup, image, info, mode, model, lambda name: _read_image(name, ctx))
    for line in painted.said:
        ctx.say(f"Note: {line}")
    request = EditRequest(
        mode.id,
        prompt=args.prompt,
        image=image if mode.needs_image else None,
        mask=painted.mask,
        markup=painted.markup,
        options={
            **settings.options,
            **given,
            **_size_hint(info, image if not mode.needs_image else None, given, settings),
        },
    )
    key = ctx.keys.get(info.id)
    keep = config.jobs.keep_unmasked if args.keep_unmasked is None else bool(args.keep_unmasked)
    job = Job(info, mode, settings, request, image.size if image is not None else None, keep)
    import asyncio  # not at import: the tray imports this module for its parser (core/jobs.py says why)

    result = asyncio.run(_run_job(job, key, ProgressPrinter(ctx, info.display_name)))
    for note in result.notes:
        ctx.say(f"Note: {note}")
    cost = from_usage(PriceTable.of(info.prices, config.costs), info.id, result.model, result.usage)
    if cost is not None:  # issue 18: the answer's own token count, priced; no price, no number
        ctx.say(f"Cost: {cost.label} (from the answer's token count; an estimate, not your bill)")
    images = _final_images(job, result, config)
    # The provider's own PNG for each result delivered as it came (ADR 036).
    pngs = [result.png_for(image) for image in images]
    return _deliver(images, pngs, args, ctx, config, job, target)


def _variants_option(info: ProviderInfo, count: int | None) -> list[str]:
    """``--n 3`` is ``--option n=3`` for a provider that makes variants; said plainly for one that cannot."""
    if count is None:
        return []
    if "n" not in info.options:
        raise InputError(f"{info.display_name} makes one image per job; leave out --n.")
    return [f"n={count}"]


def _provider(provider_id: str, ctx: CliContext) -> ProviderInfo:
    info = ctx.catalog.get(provider_id)
    if info is None:
        raise InputError(f"'{provider_id}' is not a provider (providers: {', '.join(ctx.catalog)}).")
    return info


def _mode(info: ProviderInfo, mode_id: str | None) -> ModeInfo:
    try:
        return info.mode(mode_id or info.default_mode)
    except KeyError:
        raise InputError(f"{info.display_name} has no mode '{mode_id}' (modes: {', '.join(info.mode_ids)}).") from None


def _size_hint(
    info: ProviderInfo, image: Image.Image | None, given: dict[str, object], settings: ProviderSettings
) -> dict[str, object]:
    """For text-to-image with an INPUT: its shape picks the size, as a crop's would.

    Only there: an edit's provider picks the size from the crop itself (issue 11, ADR 020).
    """
    if image is None or "size" not in info.options or "size" in given or "size" in settings.options:
        return {}
    model = str(given.get("model") or settings.model or info.default_model or "")
    rule = info.size_rule_for(model)
    requested = sizing.plan(image.size, rule).request if rule is not None else None
    if requested is not None:
        return {"size": requested}
    if not info.limits.sizes:
        return {}
    return {"size": fitting.nearest_size(*image.size, info.limits.sizes)}


def _read_image(name: str, ctx: CliContext) -> Image.Image:
    label = "standard input" if name == STDIO else name
    try:
        data = _binary_in(ctx).read() if name == STDIO else Path(name).read_bytes()
    except OSError as error:
        raise InputError(f"Cannot read {label} ({error.strerror or error}).") from None
    if not data:
        raise NoImageError(f"{label} is empty; expected an image.")
    try:
        with warnings.catch_warnings():
            # Pillow warns on stderr past 89 MP; a big photo is no attack, and fitting shrinks it (issue 6).
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # Named formats only: %!PS must never reach Ghostscript (issue 16).
            image = pixels.open_lazily(data, pixels.INPUT_FORMATS)
            image.load()
            # A phone photo is sent the way it is shown; odd modes become ones every encoder takes.
            image = pixels.storable(pixels.upright(image))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise NoImageError(f"{label} is not an image this app can open (png, jpeg, webp, bmp, tiff or gif).") from None
    return image


def _binary_in(ctx: CliContext) -> IO[bytes]:
    stream = getattr(ctx.stdin, "buffer", None)
    if stream is None:
        raise InputError("Standard input cannot be read as binary here; give a file instead of -.")
    return stream  # type: ignore[no-any-return]


async def _run_job(job: Job, key: str, progress: ProgressPrinter) -> EditResult:
    from providers.http import build_http_client  # httpx: only for the command that sends

    async with build_http_client() as client:
        provider = create_provider(job.info.id, job.settings, client)
        return await provider.run(job.request, key=key, progress=progress)


def _final_images(job: Job, result: EditResult, config: Config) -> list[Image.Image]:
    images = list(result.images)
    if config.output.match_size and job.mode.needs_image and job.source_size is not None:
        images = [fitting.match_size(image, job.source_size) for image in images]
    original, mask = job.request.image, job.request.mask
    if job.keep_unmasked and original is not None and mask is not None:
        # Providers repaint outside the mask too; the person asked for that area only (issue 18).
        images = [
            composite(original, fitting.match_size(image, original.size), mask, DEFAULT_FEATHER_PX) for image in images
        ]
    return images


def _deliver(
    images: list[Image.Image],
    pngs: list[bytes | None],
    args: argparse.Namespace,
    ctx: CliContext,
    config: Config,
    job: Job,
    checked: tuple[Path, str] | None,
) -> int:
    """Standard output here; files and the clipboard through the tray's pipeline (core.delivery)."""
    fmt = checked[1] if checked is not None else "png" if args.output == STDIO else config.output.format
    code = 0
    if args.output == STDIO:
        stream = getattr(ctx.stdout, "buffer", None)
        if stream is None:
            raise InputError("Standard output cannot take binary data here; use --output FILE.")
        data = pngs[0] if fmt == "png" and pngs[0] else encode_image(images[0], fmt)
        code = 0 if _write_out(stream, data) else PIPE_CLOSED_EXIT
        destination = Destination(copy=bool(args.copy))
    elif checked is not None:
        destination = Destination(file=checked[0], file_format=fmt, copy=bool(args.copy))
    elif args.output_dir is not None:
        destination = Destination(
            folder=Path(args.output_dir).expanduser(),
            folder_format=fmt,
            stem=_stem(args, job),
            numbered=len(images) > 1,
            copy=bool(args.copy),
        )
    elif not args.copy:
        folder = Path.cwd() if args.input == STDIO else Path(args.input).resolve().parent
        destination = Destination(folder=folder, folder_format=fmt, stem=_stem(args, job))
    else:
        destination = Destination(copy=True)

    def clipboard() -> PngClipboard:
        from desktop.clipboard.system import system_clipboard

        return system_clipboard(ctx.env)

    chosen = [images[0]] if args.output == STDIO else images
    done = deliver(chosen, destination, _naming(job), clipboard, encoded=pngs)
    for path in done.files:
        ctx.say(f"Saved {path}")
    if done.copied:
        ctx.say("Copied the result to the clipboard.")
    return code


def _stem(args: argparse.Namespace, job: Job) -> str:
    name = "stdin" if args.input == STDIO else Path(args.input).stem
    return f"{name}-{job.info.id}-{job.mode.id}"


def _naming(job: Job) -> Naming:
    return Naming(preset="", provider=job.info.id, mode=job.mode.id)


def _write_out(stream: IO[bytes], data: bytes) -> bool:
    """Write to standard output; False if the reader had gone (a closed pipe is no error of the job)."""
    try:
        stream.write(data)
        stream.flush()
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit: point the descriptor at devnull.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        return False
    return True


class ProgressPrinter:
    """Progress in plain words on stderr: each stage once, uploads by quarters, every retry, every draft."""

    def __init__(self, ctx: CliContext, provider: str) -> None:
        self.ctx = ctx
        self.provider = provider
        self.last_stage = ""
        self.last_quarter = -1
        self.last_detail = ""

    def __call__(self, event: ProgressEvent) -> None:
        if event.preview is not None:
            # A draft (OpenAI's partial image, ADR 026) is told, not shown; the stage line is not repeated.
            self.ctx.say(f"{(event.detail or 'a draft').capitalize()} received.")
            return
        if event.stage == "uploading" and event.total_bytes:
            quarter = QUARTERS * event.sent_bytes // event.total_bytes
            if quarter != self.last_quarter or self.last_stage != "uploading":
                self.last_quarter = quarter
                self.ctx.say(f"Uploading to {self.provider}: {_size(event.sent_bytes)} of {_size(event.total_bytes)}")
        elif event.stage == "retrying":
            self.ctx.say(f"{event.detail} Retrying in {event.retry_in or 0:.0f} s (attempt {event.attempt}).")
        elif event.stage == "waiting" and event.detail:
            # A queued provider's own stage, each change once (BFL: "queued", "generating 40%"; issue 15).
            if event.detail != self.last_detail:
                self.ctx.say(f"Waiting for {self.provider}: {event.detail}")
            self.last_detail = event.detail
        elif event.stage != self.last_stage:
            words = {
                "preparing": "Preparing the image...",
                "waiting": f"Waiting for {self.provider}...",
                "downloading": f"Receiving the result from {self.provider}...",
                "done": "Done.",
            }
            self.ctx.say(words.get(event.stage, event.stage))
        self.last_stage = event.stage


def _size(count: int) -> str:
    return f"{count / MB:.1f} MB" if count >= MB // 10 else f"{count / 1024:.0f} KB"
