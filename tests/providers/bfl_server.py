"""A stand-in for Black Forest Labs: task submission, the polling endpoint, checked against BFL's reference.

The shape (docs.bfl.ai API reference for flux-2-pro/max/flex, flux-kontext-pro/max and get_result; read
2026-12-01): ``POST /v1/{model}``, JSON, ``x-key: KEY``; FLUX.2 takes ``prompt`` (required),
``input_image`` (base64: checked to be a real PNG/JPEG of the crop), ``seed``, ``width``/``height``
(>= 64; multiples of 16 per the FLUX.2 guide; at most 4 MP here), ``safety_tolerance`` 0-5,
``output_format`` ``jpeg|png``; Kontext takes ``aspect_ratio`` (21:9 .. 9:21) instead of a size. Any
other field is refused. ``GET /v1/get_result?id=...`` must carry the key too. Answers: ``{id,
polling_url, cost, input_mp, output_mp}`` (the polling URL on this server), then poll answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from core.config import ProviderSettings
from providers.bfl import BflProvider
from tests.providers.data_urls import JsonSpec, image_problems
from tests.providers.loopback import LoopbackServer, Recorded, Reply, SleepLog
from tests.providers.provider_run import policy

MODELS = {"flux-2-pro", "flux-2-max", "flux-2-flex", "flux-kontext-pro", "flux-kontext-max"}
FLUX2_FIELDS = {"prompt", "input_image", "seed", "width", "height", "safety_tolerance", "output_format"}
KONTEXT_FIELDS = {"prompt", "input_image", "seed", "aspect_ratio", "safety_tolerance", "output_format"}
RATIOS = {"21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3", "9:16", "9:21"}
TASK = "task-0123"


class BflSpec(JsonSpec):
    """The validator: the problems of one request, or None."""

    def problems(self, recorded: Recorded) -> list[str]:
        problems = [] if recorded.headers.get("x-key") == self.key else ["no x-key"]
        if "authorization" in recorded.headers:
            problems.append("BFL takes x-key, not Authorization")
        if recorded.method == "GET" and recorded.path == "/v1/get_result":
            return problems + ([] if recorded.query.get("id") else ["get_result without id"])
        model = recorded.path.removeprefix("/v1/")
        if recorded.method != "POST" or model not in MODELS:
            return [*problems, f"{recorded.method} {recorded.path} is not a documented model endpoint"]
        body = recorded.json()
        if not isinstance(body, dict):
            return [*problems, "the body is not an object"]
        allowed = KONTEXT_FIELDS if model.startswith("flux-kontext") else FLUX2_FIELDS
        problems += [f"{model} does not take {name}" for name in sorted(set(body) - allowed)]
        if not isinstance(body.get("prompt"), str) or not body["prompt"].strip():
            problems.append("prompt missing")
        if "input_image" in body:
            problems += image_problems(body["input_image"], self.crop, bare=True)
        return problems + value_problems(body)


def value_problems(body: dict[str, object]) -> list[str]:
    """The documented ranges of the size, ratio, tolerance and format fields."""
    problems = []
    for side in ("width", "height"):
        value = body.get(side, 64)
        if not isinstance(value, int) or value < 64 or value % 16:
            problems.append(f"{side} {value!r}: at least 64, a multiple of 16")
    width, height = body.get("width", 64), body.get("height", 64)
    if isinstance(width, int) and isinstance(height, int) and width * height > 4_000_000:
        problems.append("more than 4 MP")
    if body.get("aspect_ratio", "1:1") not in RATIOS:
        problems.append(f"aspect_ratio {body['aspect_ratio']!r}")
    if body.get("safety_tolerance", 2) not in range(6):
        problems.append("safety_tolerance outside 0-5")
    if body.get("output_format", "jpeg") not in {"jpeg", "png"}:
        problems.append("output_format")
    return problems


def submitted(polling_host: str | None = None) -> Reply:
    """The task answer, its polling URL on this server (or on ``polling_host``)."""

    def respond(recorded: Recorded) -> Reply:
        host = polling_host or f"http://127.0.0.1:{recorded.port}"
        url = f"{host}/v1/get_result?id={TASK}"
        return Reply.json({"id": TASK, "polling_url": url, "cost": 3.0, "input_mp": 0.0, "output_mp": 0.0})

    return Reply(respond=respond)


def status(name: str, *, progress: float | None = None, result: object = None) -> Reply:
    return Reply.json({"id": TASK, "status": name, "result": result, "progress": progress})


def ready(sample: str) -> Reply:
    return status("Ready", result={"sample": sample, "prompt": "", "seed": 1})


def error(status_code: int, detail: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply.json({"detail": detail}, status=status_code, headers=headers)


class Sleeps:
    """Records the poll intervals asked for and waits only a moment."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        import asyncio

        self.delays.append(seconds)
        await asyncio.sleep(0.001)


def make(
    server: LoopbackServer,
    sleeps: SleepLog | None = None,
    *,
    timeout: float = 5,
    model: str | None = None,
    polls: Callable[[float], Awaitable[None]] | None = None,
    **options: object,
) -> Callable[[httpx.AsyncClient], BflProvider]:
    settings = ProviderSettings("bfl", base_url=server.url, model=model, timeout=timeout, options=options)

    def build(client: httpx.AsyncClient) -> BflProvider:
        return BflProvider(settings, client, policy(sleeps or SleepLog()), sleep=polls or Sleeps())

    return build
