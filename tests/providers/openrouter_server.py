"""A stand-in for OpenRouter's chat completions (image output) and models list, checking each request.

The shape (openrouter.ai/docs, image-generation guide, errors page, models API; read 2026-12-01):
``POST /api/v1/chat/completions``, JSON, ``Authorization: Bearer KEY``; ``model``; ``messages`` with one
user message whose content is a text part and, for an edit, an ``image_url`` part holding a data URL
(checked to be a real PNG/JPEG of the crop); ``modalities`` ``["image", "text"]`` or ``["image"]``
(image-only models); ``image_config`` with ``aspect_ratio`` from the documented list and
``image_size`` ``1K|2K|4K``. No attribution headers (``HTTP-Referer``, ``X-Title``): the app's
privacy promise, checked here. ``GET /api/v1/models`` answers ``data[]`` with ``architecture``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx

from core.config import ProviderSettings
from providers.openrouter import OpenRouterProvider
from tests.providers.data_urls import JsonSpec, image_problems
from tests.providers.loopback import LoopbackServer, Recorded, Reply, SleepLog
from tests.providers.provider_run import policy

CHAT = "/api/v1/chat/completions"
MODELS = "/api/v1/models"
RATIOS = {"1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"}
FIELDS = {"model", "messages", "modalities", "image_config", "stream"}
ATTRIBUTION = ("http-referer", "x-title", "referer")


class OpenRouterSpec(JsonSpec):
    """The validator: the problems of one request, or None."""

    def problems(self, recorded: Recorded) -> list[str]:
        problems = [f"attribution header {name} sent" for name in ATTRIBUTION if name in recorded.headers]
        if recorded.headers.get("authorization") != f"Bearer {self.key}":
            problems.append("no Bearer key")
        if recorded.method == "GET" and recorded.path == MODELS:
            return problems
        if recorded.method != "POST" or recorded.path != CHAT:
            return [*problems, f"{recorded.method} {recorded.path} is not POST {CHAT}"]
        body = recorded.json()
        if not isinstance(body, dict):
            return [*problems, "the body is not an object"]
        problems += [f"unknown field {name}" for name in sorted(set(body) - FIELDS)]
        if not isinstance(body.get("model"), str) or "/" not in body["model"]:
            problems.append("model must be an OpenRouter id (author/slug)")
        if body.get("modalities") not in (["image", "text"], ["image"]):
            problems.append(f"modalities {body.get('modalities')!r}")
        problems += self.message_problems(body.get("messages"))
        config = body.get("image_config", {})
        if not isinstance(config, dict) or set(config) - {"aspect_ratio", "image_size"}:
            problems.append(f"image_config {config!r}")
        elif config.get("aspect_ratio", "1:1") not in RATIOS or config.get("image_size", "1K") not in {
            "1K",
            "2K",
            "4K",
        }:
            problems.append(f"image_config values {config!r}")
        return problems

    def message_problems(self, messages: object) -> list[str]:
        if not isinstance(messages, list) or len(messages) != 1 or not isinstance(messages[0], dict):
            return ["messages must be one user message"]
        message = messages[0]
        content = message.get("content")
        if message.get("role") != "user" or not isinstance(content, list):
            return ["the message must be a user message with content parts"]
        texts = [part for part in content if isinstance(part, dict) and part.get("type") == "text"]
        pictures = [part for part in content if isinstance(part, dict) and part.get("type") == "image_url"]
        problems = [] if len(texts) == 1 and str(texts[0].get("text", "")).strip() else ["one non-empty text part"]
        if len(texts) + len(pictures) != len(content):
            problems.append("unknown content part type")
        for part in pictures:
            url = part.get("image_url", {}).get("url") if isinstance(part.get("image_url"), dict) else None
            problems += image_problems(url, self.crop)
        return problems


def data_url(blob: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(blob).decode()}"


def answer(*urls: str, content: str = "Here is the image.", finish: str = "stop") -> Reply:
    images = [{"type": "image_url", "image_url": {"url": url}} for url in urls]
    message = {"role": "assistant", "content": content, "images": images}
    return Reply.json({"id": "gen-1", "choices": [{"index": 0, "finish_reason": finish, "message": message}]})


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply.json({"error": {"code": status, "message": message}}, status=status, headers=headers)


def models(*entries: tuple[str, list[str], list[str]]) -> Reply:
    data = [
        {"id": model, "name": model.upper(), "architecture": {"input_modalities": ins, "output_modalities": outs}}
        for model, ins, outs in entries
    ]
    return Reply.json({"data": data})


def make(
    server: LoopbackServer,
    sleeps: SleepLog | None = None,
    *,
    timeout: float = 5,
    model: str | None = None,
    **options: object,
) -> Callable[[httpx.AsyncClient], OpenRouterProvider]:
    settings = ProviderSettings("openrouter", base_url=server.url, model=model, timeout=timeout, options=options)

    def build(client: httpx.AsyncClient) -> OpenRouterProvider:
        return OpenRouterProvider(settings, client, policy(sleeps or SleepLog()))

    return build
