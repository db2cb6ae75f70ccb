"""Black Forest Labs (FLUX.2, Kontext): submit a task, poll it, fetch the result link at once (issue 15).

``POST {base}/v1/{model}`` with ``x-key`` answers a task; its ``polling_url`` is asked every 0.5 s,
growing by half to at most 2 s (ADR 027: a result usually takes seconds, and BFL counts tasks, not
polls), until a final status. Every poll carries the key, so the polling URL must be https (or
loopback) on the base URL's own site: the same host, or, for ``api.bfl.ai``, a regional host of
``bfl.ai`` such as ``api.eu2.bfl.ai`` (that is where BFL sends it); anywhere else is refused unsent.
The whole job (submit, every poll, the download) keeps to one deadline, the provider's ``timeout``,
and cancelling stops it between polls. Progress shows "queued" / "generating N%". The result link
(valid 10 minutes) is fetched at once, without the key. Wire details and sources: ``providers.bfl_wire``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import httpx

from core.errors import BadResponseError, CancelledError, InputError, ProviderTimeoutError
from core.models import EditRequest, EditResult, ProgressEvent
from providers import bfl_wire, fitting, images, painted, sizing, uplink
from providers.catalog.bfl import INFO
from providers.http import HttpPolicy, download, is_loopback, is_secure, send

if TYPE_CHECKING:
    from core.config import ProviderSettings
    from core.models import ProgressSink

log = logging.getLogger(__name__)

PROVIDER = bfl_wire.PROVIDER
KEY_HEADER = "x-key"
FIRST_POLL = 0.5
POLL_GROWTH = 1.5
LAST_POLL = 2.0
Sleep = Callable[[float], Awaitable[None]]


def same_site(base: httpx.URL, target: httpx.URL) -> bool:
    """May the key go to ``target``? Its host is the base's, or a sibling under the base's parent domain."""
    if target.scheme != base.scheme or target.port != base.port:
        return False
    if target.host == base.host:
        return True
    parent = base.host.partition(".")[2]
    return not is_loopback(base.host) and parent.count(".") >= 1 and target.host.endswith("." + parent)


def poll_delays() -> list[float]:
    """0.5, 0.75, 1.125, ... up to 2 s; then 2 s for every later poll (see ``delay``)."""
    delays = [FIRST_POLL]
    while delays[-1] < LAST_POLL:
        delays.append(min(LAST_POLL, delays[-1] * POLL_GROWTH))
    return delays


class BflProvider:
    """Black Forest Labs over the app's shared HTTP client."""

    def __init__(
        self,
        settings: ProviderSettings,
        client: httpx.AsyncClient,
        policy: HttpPolicy | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.info = INFO
        self.settings = settings
        self.client = client
        self.policy = policy or HttpPolicy()
        self.sleep = sleep or asyncio.sleep

    @property
    def model(self) -> str:
        return self.settings.model or INFO.default_model or ""

    def plan(self, request: EditRequest) -> sizing.Plan | None:
        """The crop's frame, unless the person fixed Kontext's ratio (then the answer is theirs as it comes)."""
        chosen = {**self.settings.options, **request.options}
        if request.image is None or (self.model.startswith("flux-kontext") and chosen.get("aspect_ratio")):
            return None
        return sizing.plan(request.image.size, bfl_wire.size_rule(self.model))

    def body(self, request: EditRequest, plan: sizing.Plan | None) -> dict[str, object]:
        if request.mode not in INFO.mode_ids:
            raise InputError(f"Black Forest Labs has no mode '{request.mode}' (modes: {', '.join(INFO.mode_ids)}).")
        if not request.prompt.strip():
            raise InputError(f"Black Forest Labs' {request.mode} mode needs a prompt.")
        options = {**self.settings.options, **request.options}
        encoded = None
        if request.mode == "edit":
            if request.image is None:
                raise InputError("Black Forest Labs' edit mode needs an image.")
            framed = fitting.frame(request.image, plan) if plan is not None else request.image
            fitted = fitting.fit_image(framed, INFO.limits, PROVIDER, png=uplink.png_encoding(self.settings.base_url))
            encoded = base64.b64encode(fitted.data).decode("ascii")
            log.info("bfl: edit %dx%d with %s", *fitted.size, self.model)
        return bfl_wire.body(self.model, request.prompt, encoded, plan.request if plan else None, options)

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        # FLUX.2 and Kontext take no mask (only the retired Fill endpoint did): said, not dropped (ADR 033).
        painted.check_marks(INFO, request, self.model)
        plan = self.plan(request)
        payload = json.dumps(self.body(request, plan)).encode("utf-8")
        base = httpx.URL(self.settings.base_url)
        url = f"{self.settings.base_url.rstrip('/')}/v1/{self.model}"

        def build() -> httpx.Request:
            headers = {KEY_HEADER: key, "Content-Type": "application/json", "Accept": "application/json"}
            return httpx.Request("POST", url, content=payload, headers=headers)

        answer = await send(
            self.client, PROVIDER, build, self.settings, progress, bfl_wire.classify,
            key_headers=(KEY_HEADER,), policy=self.policy,
        )  # fmt: skip
        task = bfl_wire.parse_task(answer.json())
        try:
            target = httpx.URL(task.polling_url)
        except httpx.InvalidURL:
            raise BadResponseError(PROVIDER, "answered with a polling link that is not a valid URL.") from None
        if not is_secure(target) or not same_site(base, target):
            raise BadResponseError(
                PROVIDER, f"answered with a polling link on another site ({target.host}); the key was not sent there."
            )
        deadline = answer.deadline or asyncio.get_running_loop().time() + self.settings.timeout
        sample = await self.wait(target, key, progress, deadline)
        # The link is signed and lives 10 minutes: fetched now, without the key, within the same deadline.
        blob = await download(
            self.client, PROVIDER, sample, self.settings, progress, policy=self.policy, deadline=deadline
        )
        decoded = images.decode_checked([blob], PROVIDER)
        pictures = tuple(fitting.unframe(picture, plan) if plan is not None else picture for picture in decoded.images)
        return EditResult(INFO.id, pictures, model=self.model, encoded=decoded.kept_for(pictures))

    async def wait(self, target: httpx.URL, key: str, progress: ProgressSink, deadline: float) -> str:
        """Poll until Ready; the result link, or the app's error for any other ending."""

        def build() -> httpx.Request:
            return httpx.Request("GET", target, headers={KEY_HEADER: key, "Accept": "application/json"})

        delays = poll_delays()
        loop = asyncio.get_running_loop()
        for number in range(1_000_000):
            # Each poll keeps to the job's deadline itself (a ProviderTimeoutError past it).
            answer = await send(
                self.client, PROVIDER, build, self.settings, lambda _event: None, bfl_wire.classify,
                key_headers=(KEY_HEADER,), policy=self.policy, deadline=deadline,
            )  # fmt: skip
            poll = bfl_wire.parse_poll(answer.json())
            if poll.sample is not None:
                return poll.sample
            progress(ProgressEvent("waiting", detail=poll.stage))
            left = deadline - loop.time()
            if left <= 0:
                break
            try:
                await self.sleep(min(delays[min(number, len(delays) - 1)], left))
            except asyncio.CancelledError:
                raise CancelledError(f"{PROVIDER}: cancelled; stopped waiting for the result.") from None
        raise ProviderTimeoutError(
            PROVIDER,
            f"the image was not ready within {self.settings.timeout:g} seconds. Try again, or raise 'timeout' "
            "for this provider in the settings file.",
        )


def create(settings: ProviderSettings, client: httpx.AsyncClient) -> BflProvider:
    return BflProvider(settings, client)
