"""OpenAI's rules that a schema cannot say, as the API enforces them on 2026-12-01, answered like it.

Written here from ../shared/PROVIDERS.md (2026-12-01), OpenAI's deprecations page and the openai
3.51.0 types, NOT imported from the code under test: a stand-in that reads the app's own model
table would agree with the app's mistakes. Each rule turns a request into a ``Refusal``: the
status and error body the real API sends, recorded as a violation so the test that sent it fails.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from tests.providers.loopback import Refusal, Reply

# Shut down: the API answers 404 model_not_found (deprecations page; openai 3.51.0 image_model.py).
RETIRED = {
    "gpt-image-1": "2026-10-23",
    "gpt-image-1-mini": "2026-12-01",
    "gpt-image-1.5": "2026-12-01",
    "gpt-image-1.5-2025-12-16": "2026-12-01",
    "chatgpt-image-latest": "2026-12-01",
    "dall-e-2": "2026-05-12",
    "dall-e-3": "2026-05-12",
}
LIVE = (
    "gpt-image-2.6-flare",
    "gpt-image-2.6-sunburst",
    "gpt-image-2.5-flare",
    "gpt-image-2.5-flare-2026-09-08",
    "gpt-image-2.5-sunburst",
    "gpt-image-2.5-sunburst-2026-09-08",
    "gpt-image-2",
    "gpt-image-2-2026-04-21",
)
FIXED_SIZES = frozenset({"1024x1024", "1536x1024", "1024x1536"})
SIZE = re.compile(r"^(\d+)x(\d+)$")
MIN_PIXELS, MAX_PIXELS, MAX_EDGE, ALIGN = 655_360, 8_294_400, 3840, 16


def family(model: str) -> str:
    """'2.6', '2.5' or '2' for a live model; '' for anything else."""
    if model not in LIVE:
        return ""
    return "2.6" if model.startswith("gpt-image-2.6") else "2.5" if model.startswith("gpt-image-2.5") else "2"


def error(status: int, code: str, message: str, param: str | None = None) -> Reply:
    body = {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}
    return Reply.json(body, status=status, headers={"x-request-id": "req_contract"})


def size_problem(size: str) -> str | None:
    """gpt-image-2 and later: any WxH, 16-aligned, aspect 1:3..3:1, edge <= 3840, 655,360..8,294,400 px."""
    if size == "auto" or size in FIXED_SIZES:
        return None
    match = SIZE.match(size)
    if match is None:
        return f"size {size!r} is not WIDTHxHEIGHT"
    width, height = int(match[1]), int(match[2])
    rules = (
        (width % ALIGN == 0 and height % ALIGN == 0, "both sides must be divisible by 16"),
        (max(width, height) <= 3 * min(width, height), "the aspect ratio must be between 1:3 and 3:1"),
        (max(width, height) <= MAX_EDGE, "the longest edge must be at most 3840"),
        (MIN_PIXELS <= width * height <= MAX_PIXELS, "the pixel count must be between 655,360 and 8,294,400"),
    )
    broken = [words for holds, words in rules if not holds]
    return f"size {size}: {broken[0]}" if broken else None


def refusal(fields: Mapping[str, str], files: frozenset[str]) -> Refusal | None:
    """What today's API refuses in an edit or generation, answered as it answers it."""
    model = fields.get("model", "")
    if not model:
        return Refusal(
            "no model sent (the default has changed several times: always send it)",
            error(400, "missing", "model is required", "model"),
        )
    if model in RETIRED:
        message = f"The model `{model}` does not exist or you do not have access to it."
        return Refusal(
            f"retired model {model} (shut down {RETIRED[model]})", error(404, "model_not_found", message, "model")
        )
    kind = family(model)
    if not kind:
        return Refusal(
            f"unknown model {model}", error(404, "model_not_found", f"The model `{model}` does not exist.", "model")
        )
    checks = (
        ("input_fidelity" in fields, "invalid_input_fidelity_model", f"input_fidelity is not supported on {model}."),
        (
            fields.get("quality") in {"xhigh", "max"} and kind == "2",
            "invalid_value",
            f"quality xhigh/max needs gpt-image-2.5 or 2.6, not {model}.",
        ),
        (
            "complexity" in fields and kind != "2.6",
            "unknown_parameter",
            f"complexity is only supported on gpt-image-2.6, not {model}.",
        ),
        ("markup" in files and kind == "2", "unknown_parameter", f"markup needs gpt-image-2.5 or 2.6, not {model}."),
        ("markup" in files and "mask" in files, "invalid_value", "markup cannot be combined with mask."),
    )
    for broken, code, message in checks:
        if broken:
            return Refusal(message, error(400, code, message))
    problem = size_problem(fields.get("size", "auto"))
    if problem is not None:
        return Refusal(problem, error(400, "invalid_value", problem, "size"))
    return None


def models_answer(*ids: str, shutdown: Mapping[str, str] | None = None) -> Reply:
    """``GET /v1/models`` as OpenAI answers it, text models included (the client must filter them)."""
    dates = shutdown or {}
    data = [
        {"id": model, "object": "model", "created": 1760000000, "owned_by": "system", "shutdown_date": dates.get(model)}
        for model in (*ids, "gpt-6.1-sol", "text-embedding-3-small")
    ]
    return Reply.json({"object": "list", "data": data})


def deprecated(reply: Reply, *, since: int, sunset: str, successor: str = "") -> Reply:
    """``reply`` with the headers a provider sends for a model or endpoint on its way out.

    RFC 9745 ``Deprecation: @epoch``, RFC 8594 ``Sunset: HTTP-date``, and a ``Link`` to the successor,
    as Ideogram's deprecated endpoints send them (PROVIDERS.md); the date here is the test's own.
    """
    headers = {**reply.headers, "deprecation": f"@{since}", "sunset": sunset}
    if successor:
        headers["link"] = f'<{successor}>; rel="successor-version"'
    return Reply(status=reply.status, body=reply.body, headers=headers)
