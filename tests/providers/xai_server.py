"""A stand-in for xAI's ``POST /v1/images/edits``: checks each request against the published shape.

The shape (docs.x.ai image editing and xAI's API reference, read 2026-12-01): JSON only, ``Authorization:
Bearer KEY``; ``prompt`` (required, non-empty), ``image: {url}`` (a data URL here: a real PNG/JPEG of
the crop), optional ``model``, ``n`` 1-10, ``aspect_ratio`` from the documented list,
``resolution`` ``1k|2k``, ``response_format`` ``url|b64_json``; ``size`` and ``style`` are not
supported and any other field is refused. Answers: ``{"data": [{"url"}]}`` or ``[{"b64_json"}]``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx

from core.config import ProviderSettings
from providers.xai import XaiProvider
from tests.providers.data_urls import JsonSpec, image_problems
from tests.providers.loopback import LoopbackServer, Recorded, Reply, SleepLog
from tests.providers.provider_run import policy

PATH = "/v1/images/edits"
RATIOS = {"auto", "1:1", "3:4", "4:3", "9:16", "16:9", "2:3", "3:2", "9:19.5", "19.5:9", "9:20", "20:9", "1:2", "2:1"}
FIELDS = {"model", "prompt", "image", "n", "aspect_ratio", "resolution", "response_format"}


class XaiSpec(JsonSpec):
    """The validator: the problems of one request, or None."""

    def problems(self, recorded: Recorded) -> list[str]:
        if recorded.method != "POST" or recorded.path != PATH:
            return [f"{recorded.method} {recorded.path} is not {PATH}"]
        problems = []
        if recorded.headers.get("authorization") != f"Bearer {self.key}":
            problems.append("no Bearer key")
        if not recorded.headers.get("content-type", "").startswith("application/json"):
            problems.append("not JSON")
            return problems
        body = recorded.json()
        if not isinstance(body, dict):
            return [*problems, "the body is not an object"]
        problems += [f"unknown field {name}" for name in sorted(set(body) - FIELDS)]
        if not isinstance(body.get("prompt"), str) or not body["prompt"].strip():
            problems.append("prompt missing")
        image = body.get("image")
        if not isinstance(image, dict) or set(image) - {"url", "type"}:
            problems.append("image must be {url}")
        else:
            problems += image_problems(image.get("url"), self.crop)
        n = body.get("n", 1)
        if not isinstance(n, int) or not 1 <= n <= 10:
            problems.append(f"n {n!r} outside 1-10")
        if body.get("aspect_ratio", "auto") not in RATIOS:
            problems.append(f"aspect_ratio {body['aspect_ratio']!r}")
        if body.get("resolution", "1k") not in {"1k", "2k"}:
            problems.append(f"resolution {body['resolution']!r}")
        if body.get("response_format", "url") not in {"url", "b64_json"}:
            problems.append(f"response_format {body['response_format']!r}")
        return problems


def url_answer(*links: str) -> Reply:
    return Reply.json({"data": [{"url": link, "revised_prompt": ""} for link in links]})


def b64_answer(*blobs: bytes) -> Reply:
    return Reply.json({"data": [{"b64_json": base64.b64encode(blob).decode()} for blob in blobs]})


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    """xAI's error body (an OpenAI-like ``{"code", "error"}``)."""
    return Reply.json({"code": "error", "error": message}, status=status, headers=headers)


def make(
    server: LoopbackServer, sleeps: SleepLog | None = None, *, timeout: float = 5, **options: object
) -> Callable[[httpx.AsyncClient], XaiProvider]:
    settings = ProviderSettings("xai", base_url=server.url, timeout=timeout, options=options)

    def build(client: httpx.AsyncClient) -> XaiProvider:
        return XaiProvider(settings, client, policy(sleeps or SleepLog()))

    return build
