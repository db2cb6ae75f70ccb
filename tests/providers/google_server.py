"""A stand-in for Gemini's ``generateContent``: checks each request against the documented shape, answers like it.

Google publishes no OpenAPI file for the Gemini API, so the check is written from its REST reference
(``models.generateContent``, ``Content``/``Part``/``Blob``, ``GenerationConfig.imageConfig``) and
``../shared/PROVIDERS.md`` (2026-12-01; see specs/README.md):
the model in the path, the key only in ``x-goog-api-key``, the prompt as a
text part, the image as ``inline_data`` with ``mime_type`` and base64 ``data`` that really is that
kind of image, ``responseModalities`` asking for images, and only documented ``imageConfig`` values.
It answers like today's API: 404 NOT_FOUND for shut-down ids, 400 INVALID_ARGUMENT for a ratio or
thinking level the model does not take. The model facts are written here, not imported from the
code under test, and ``GET /v1beta/models`` is served in pages (``models_pages``).
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from PIL import Image

from core.config import ProviderSettings
from core.models import EditRequest
from providers.google import GoogleProvider
from tests.providers.loopback import LoopbackServer, Recorded, Refusal, Reply, SleepLog
from tests.providers.provider_run import picture, policy

PATH = re.compile(r"^/v1beta/models/(?P<model>[A-Za-z0-9.\-_]+):generateContent$")
ASPECT_RATIOS = frozenset({"1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"})
STRIP_RATIOS = frozenset({"1:4", "4:1", "1:8", "8:1"})
# Model -> the ratios it takes, and whether it takes a thinking level (PROVIDERS.md, 2026-12-01).
LIVE_MODELS = {
    "gemini-nano-banana-2.1": (ASPECT_RATIOS | STRIP_RATIOS, True),
    "gemini-3-pro-image": (ASPECT_RATIOS, False),
    "gemini-3.1-flash-lite-image": (ASPECT_RATIOS, False),
}
# ThinkingConfig.ThinkingLevel enum names; nano-banana-2.1 takes these three (PROVIDERS.md).
THINKING_LEVELS = frozenset({"MINIMAL", "MEDIUM", "HIGH"})
# Shut down or restricted: generateContent answers 404 (PROVIDERS.md; Gemini deprecations page).
RETIRED = frozenset(
    {
        "gemini-2.5-flash-image",
        "gemini-3.1-flash-image",
        "gemini-3-pro-image-preview",
        "gemini-3.1-flash-image-preview",
        "gemini-2.5-flash-image-preview",
        "imagen-4.0-generate-001",
    }
)
IMAGE_SIZES = frozenset({"1K", "2K", "4K"})
MIME_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}
TOP_KEYS = frozenset({"contents", "generationConfig", "safetySettings", "systemInstruction", "tools", "toolConfig"})
CONFIG_KEYS = frozenset(
    {
        "responseModalities",
        "imageConfig",
        "thinkingConfig",
        "candidateCount",
        "temperature",
        "topP",
        "topK",
        "seed",
        "stopSequences",
    }
)
MAX_REQUEST = 20 * 1024 * 1024
RPC = "type.googleapis.com/google.rpc."


@dataclass(frozen=True)
class GeminiShape:
    """Checks one request; ``images`` is how many inline images the mode must send (edit 1, generate 0)."""

    key: str
    images: int | None = None
    # A painted edit (issue 13): Gemini has no mask field, so the app sends the mask as a second image
    # and says in words what it means. Checked: two images of one size, the second black and white,
    # and a text part that says to change only the white area. Written here, not imported.
    masked: bool = False

    def __call__(self, recorded: Recorded) -> str | Refusal | None:
        if recorded.method == "GET" and recorded.path == "/v1beta/models":
            return None if recorded.headers.get("x-goog-api-key") == self.key else "the list call lacks the key"
        problems = self.problems(recorded)
        if problems:
            return "; ".join(problems)
        return model_refusal(recorded)

    def problems(self, recorded: Recorded) -> list[str]:
        found: list[str] = []
        if recorded.method != "POST" or not PATH.match(recorded.path):
            return [f"{recorded.method} {recorded.path} is not POST /v1beta/models/{{model}}:generateContent"]
        if "key" in recorded.query:
            found.append("the API key is in the URL query; it belongs in x-goog-api-key")
        if recorded.headers.get("x-goog-api-key") != self.key:
            found.append("x-goog-api-key does not carry the key")
        if "authorization" in recorded.headers:
            found.append("an Authorization header was sent as well")
        if not recorded.headers.get("content-type", "").startswith("application/json"):
            found.append("the body is not JSON")
            return found
        if len(recorded.body) > MAX_REQUEST:
            found.append("the request is larger than 20 MB")
        try:
            body = recorded.json()
        except ValueError:
            return [*found, "the body is not valid JSON"]
        return found + self.body_problems(body)

    def body_problems(self, body: object) -> list[str]:
        if not isinstance(body, dict):
            return ["the body is not a JSON object"]
        found = [f"unknown top-level field {key!r}" for key in body if key not in TOP_KEYS]
        contents = body.get("contents")
        if not isinstance(contents, list) or not contents:
            return [*found, "contents must be a non-empty list"]
        inline_count = 0
        texts = 0
        for content in contents:
            if not isinstance(content, dict) or not isinstance(content.get("parts"), list) or not content["parts"]:
                found.append("every content needs a non-empty parts list")
                continue
            if content.get("role", "user") != "user":
                found.append(f"role {content.get('role')!r} is not user")
            for part in content["parts"]:
                kind, problem = part_problem(part)
                if problem:
                    found.append(problem)
                inline_count += kind == "image"
                texts += kind == "text"
        if texts == 0:
            found.append("there is no text part with the prompt")
        if self.images is not None and inline_count != self.images:
            found.append(f"{inline_count} inline image(s) sent; this mode sends {self.images}")
        if self.masked:
            found += mask_problems(contents)
        return found + config_problems(body.get("generationConfig"))


MASK_WORDS = ("second image is a mask", "change only the area that is white")


def mask_problems(contents: list[object]) -> list[str]:
    """A mask sent as an image: the image then the mask, the same size, only black and white, explained."""
    parts = [part for content in contents if isinstance(content, dict) for part in content.get("parts", [])]
    pictures = [
        _picture(part) for part in parts if isinstance(part, dict) and ("inline_data" in part or "inlineData" in part)
    ]
    texts = " ".join(str(part["text"]) for part in parts if isinstance(part, dict) and "text" in part).lower()
    found = [] if all(words in texts for words in MASK_WORDS) else ["no text part says the second image is the mask"]
    if len(pictures) != 2:
        return [*found, f"a masked edit sends the image and its mask, not {len(pictures)} image(s)"]
    image, mask = pictures
    if mask.size != image.size:
        found.append(f"the mask is {mask.size}, the image {image.size}; they must be the same size")
    colours = {value for _, value in (mask.convert("L").getcolors(256) or [])}
    if not colours <= {0, 255}:
        found.append("the mask must be black and white only")
    return found


def _picture(part: dict[str, object]) -> Image.Image:
    blob = part.get("inline_data") or part.get("inlineData")
    assert isinstance(blob, dict)
    return Image.open(io.BytesIO(base64.b64decode(str(blob["data"]))))


def part_problem(part: object) -> tuple[str, str | None]:
    """('text' | 'image' | '?', problem or None) for one ``Part``: exactly one of text / inline_data."""
    if not isinstance(part, dict) or len(part) != 1:
        return "?", f"a part must hold exactly one field, got {part!r:.80}"
    if "text" in part:
        return "text", None if isinstance(part["text"], str) and part["text"] else "empty text part"
    blob = part.get("inline_data", part.get("inlineData"))
    if not isinstance(blob, dict):
        return "?", f"unknown part field {next(iter(part))!r}"
    return "image", blob_problem(blob)


def blob_problem(blob: dict[str, object]) -> str | None:
    """A ``Blob`` must be mime_type (png/jpeg/webp) + base64 data that really is that kind of image."""
    mime = blob.get("mime_type", blob.get("mimeType"))
    if set(blob) - {"mime_type", "mimeType", "data"} or mime not in MIME_FORMATS:
        return f"inline_data must have mime_type (png/jpeg/webp) and data, got keys {sorted(blob)}"
    try:
        raw = base64.b64decode(str(blob.get("data", "")), validate=True)
        with Image.open(io.BytesIO(raw)) as opened:
            kind = opened.format
    except (binascii.Error, ValueError, OSError):
        return "inline_data.data is not base64 of an image"
    return None if kind == MIME_FORMATS[str(mime)] else f"inline_data says {mime} but holds {kind}"


def config_problems(config: object) -> list[str]:
    if not isinstance(config, dict):
        return ["generationConfig is missing (responseModalities must ask for IMAGE)"]
    found = [f"unknown generationConfig field {key!r}" for key in config if key not in CONFIG_KEYS]
    modalities = config.get("responseModalities")
    if not isinstance(modalities, list) or "IMAGE" not in modalities or set(modalities) - {"TEXT", "IMAGE"}:
        found.append(f"responseModalities {modalities!r} must be TEXT/IMAGE and include IMAGE")
    image_config = config.get("imageConfig", {})
    if not isinstance(image_config, dict):
        return [*found, "imageConfig must be an object"]
    found += [f"unknown imageConfig field {key!r}" for key in image_config if key not in {"aspectRatio", "imageSize"}]
    if "aspectRatio" in image_config and image_config["aspectRatio"] not in ASPECT_RATIOS | STRIP_RATIOS:
        found.append(f"aspectRatio {image_config['aspectRatio']!r} is not documented")
    if "imageSize" in image_config and image_config["imageSize"] not in IMAGE_SIZES:
        found.append(f"imageSize {image_config['imageSize']!r} is not 1K, 2K or 4K")
    return found


def model_refusal(recorded: Recorded) -> Refusal | None:
    """What today's API refuses of a well-formed request: a shut-down id, a ratio or level the model lacks."""
    match = PATH.match(recorded.path)
    model = match["model"] if match else ""
    if model in RETIRED or model.endswith("-preview"):
        message = f"models/{model} is not found for API version v1beta, or is not supported for generateContent."
        return Refusal(f"retired model {model}", error(404, "NOT_FOUND", message))
    if model not in LIVE_MODELS:
        return None  # an id this stand-in does not know: the test scripts the answer itself
    ratios, thinks = LIVE_MODELS[model]
    config = recorded.json().get("generationConfig", {})
    ratio = config.get("imageConfig", {}).get("aspectRatio")
    level = config.get("thinkingConfig", {}).get("thinkingLevel")
    problem = None
    if ratio is not None and ratio not in ratios:
        problem = f"aspectRatio {ratio} is not supported by {model}"
    elif level is not None and (not thinks or str(level).upper() not in THINKING_LEVELS):
        problem = f"thinkingLevel {level!r} is not supported by {model}"
    return Refusal(problem, error(400, "INVALID_ARGUMENT", problem)) if problem else None


def models_pages(*pages: tuple[str, ...]) -> list[Reply]:
    """``GET /v1beta/models`` answers, one per page, each with ``nextPageToken`` but the last."""
    replies = []
    for number, ids in enumerate(pages):
        models = [
            {
                "name": f"models/{model}",
                "displayName": model,
                "supportedGenerationMethods": ["generateContent", "countTokens"],
            }
            for model in (*ids, "gemini-3.6-flash", "text-embedding-004")
        ]
        body: dict[str, object] = {"models": models}
        if number + 1 < len(pages):
            body["nextPageToken"] = f"page-{number + 1}"
        replies.append(Reply.json(body))
    return replies


def sent_images(recorded: Recorded) -> list[Image.Image]:
    """Every inline image a request carried, in order, decoded."""
    parts = recorded.json()["contents"][0]["parts"]
    return [_picture(part) for part in parts if "inline_data" in part or "inlineData" in part]


def sent_image(recorded: Recorded) -> Image.Image:
    """The inline image a request carried, decoded."""
    for part in recorded.json()["contents"][0]["parts"]:
        blob = part.get("inline_data") or part.get("inlineData")
        if blob:
            return Image.open(io.BytesIO(base64.b64decode(blob["data"])))
    raise AssertionError("the request carried no image")


def image_answer(png: bytes, *, text: str = "Here is the edited image.", thought_draft: bytes | None = None) -> Reply:
    """A 200 as Gemini sends it: camelCase ``inlineData`` beside a text part."""
    parts: list[dict[str, object]] = []
    if thought_draft is not None:
        draft = base64.b64encode(thought_draft).decode()
        parts.append({"inlineData": {"mimeType": "image/png", "data": draft}, "thought": True})
    parts.append({"text": text})
    parts.append({"inlineData": {"mimeType": "image/png", "data": base64.b64encode(png).decode()}})
    return Reply.json(
        {
            "candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": 1290, "candidatesTokenCount": 1290, "totalTokenCount": 2580},
            "modelVersion": "gemini-nano-banana-2.1",
            "responseId": "abc123",
        }
    )


def blocked_by_finish(reason: str = "IMAGE_SAFETY", text: str | None = None) -> Reply:
    candidate: dict[str, object] = {"finishReason": reason, "index": 0}
    if text:
        candidate["content"] = {"role": "model", "parts": [{"text": text}]}
    return Reply.json({"candidates": [candidate], "modelVersion": "gemini-nano-banana-2.1"})


def blocked_prompt(reason: str = "PROHIBITED_CONTENT") -> Reply:
    return Reply.json({"promptFeedback": {"blockReason": reason}, "modelVersion": "gemini-nano-banana-2.1"})


def error(status: int, rpc_status: str, message: str, *details: dict[str, object]) -> Reply:
    body = {"error": {"code": status, "message": message, "status": rpc_status, "details": list(details)}}
    return Reply.json(body, status=status)


def bad_key() -> Reply:
    return error(
        400,
        "INVALID_ARGUMENT",
        "API key not valid. Please pass a valid API key.",
        {
            "@type": RPC + "ErrorInfo",
            "reason": "API_KEY_INVALID",
            "domain": "googleapis.com",
            "metadata": {"service": "generativelanguage.googleapis.com"},
        },
        {"@type": RPC + "LocalizedMessage", "locale": "en-US", "message": "API key not valid."},
    )


def rate_limited(delay: str = "19s", quota_id: str = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier") -> Reply:
    return error(
        429,
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details.",
        {
            "@type": RPC + "QuotaFailure",
            "violations": [
                {
                    "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                    "quotaId": quota_id,
                    "quotaDimensions": {"location": "global", "model": "gemini-nano-banana-2.1"},
                    "quotaValue": "10",
                }
            ],
        },
        {"@type": RPC + "Help", "links": [{"description": "Learn more", "url": "https://ai.google.dev/"}]},
        {"@type": RPC + "RetryInfo", "retryDelay": delay},
    )


# Set-up shared by test_google.py and test_google_errors.py.
KEY = "AIza-test-key-0123456789abcdef"
RESULT = picture((96, 64), (10, 180, 60))


def settings(server: LoopbackServer, timeout: float = 10.0) -> ProviderSettings:
    return ProviderSettings(
        "google", base_url=server.url + "/v1beta", model="gemini-nano-banana-2.1", timeout=timeout, connect_timeout=2
    )


def edit(prompt: str = "make it snow", **options: object) -> EditRequest:
    return EditRequest(mode="edit", prompt=prompt, image=picture((160, 90)), options=options)


def provider(
    server: LoopbackServer, sleeps: SleepLog, timeout: float = 10.0
) -> Callable[[httpx.AsyncClient], GoogleProvider]:
    return lambda client: GoogleProvider(settings(server, timeout), client, policy(sleeps))
