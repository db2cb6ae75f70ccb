"""Google Gemini image models through ``models/{model}:generateContent``.

The request is JSON: the prompt as a text part and, for ``edit``, the crop as an ``inline_data`` part
(base64). The key goes in the ``x-goog-api-key`` header, never in the URL, where proxies and logs
would keep it. Gemini reports a safety block as a 200 without an image part, so the answer is read
for ``finishReason`` / ``promptFeedback.blockReason`` and turned into a ``BlockedError``.
Wire format and error mapping: ``providers.google_wire``.
"""

from __future__ import annotations

import base64
import logging
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx
from httpx import codes

from core.errors import BadRequestError, ConfigError, InputError, ProviderError
from core.models import EditRequest, EditResult
from core.schema import SpecError, check_options
from providers import fitting, google_models, images, painted, sizing, uplink
from providers.catalog.google import DEFAULT_MODEL, INFO, aspect_ratios_for
from providers.deprecation import deprecation_note
from providers.google_wire import build_body, classify, parse_answer
from providers.http import HttpPolicy, send

if TYPE_CHECKING:
    from core.config import ProviderSettings
    from core.models import ProgressSink

log = logging.getLogger(__name__)

KEY_HEADER = "x-goog-api-key"


def generate_url(base_url: str, model: str) -> str:
    """``{base}/models/{model}:generateContent``; a ``models/`` prefix in the name is tolerated."""
    name = model.strip().removeprefix("models/")
    return f"{base_url.rstrip('/')}/models/{quote(name, safe='.-_')}:generateContent"


class GoogleProvider:
    """Gemini image generation and editing over the app's shared HTTP client."""

    def __init__(self, settings: ProviderSettings, client: httpx.AsyncClient, policy: HttpPolicy | None = None) -> None:
        self.info = INFO
        self.settings = settings
        self.client = client
        self.policy = policy or HttpPolicy()

    def model_for(self, options: dict[str, object]) -> str:
        chosen = options.get("model") or self.settings.model or INFO.default_model
        if not isinstance(chosen, str) or not chosen.strip():
            message = f"no Gemini model is set; name one such as {DEFAULT_MODEL}"
            raise ConfigError(message, key="providers.google.model")
        return chosen.strip()

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        options = {**self.settings.options, **request.options}
        model = self.model_for(options)
        self._for_model(model, options)
        painted.check_marks(INFO, request, model)
        aspect = options.get("aspectRatio")
        inline: tuple[str, str] | None = None
        mask: tuple[str, str] | None = None
        plan: sizing.Plan | None = None
        if request.image is not None:
            rule = INFO.size_rule_for(model)
            if aspect is None and rule is not None and request.mode == "edit":
                # Padded to the nearest ratio the model has, and cut back after (issue 11, ADR 020).
                plan = sizing.plan(request.image.size, rule)
                aspect = plan.request
            if aspect is None:
                aspect = fitting.nearest_aspect_ratio(*request.image.size, aspect_ratios_for(model))
            if request.mode == "edit":
                image = fitting.frame(request.image, plan) if plan is not None else request.image
                fitted = fitting.fit_image(
                    image, INFO.limits, INFO.display_name, png=uplink.png_encoding(self.settings.base_url)
                )
                inline = (fitted.mime, base64.b64encode(fitted.data).decode("ascii"))
                mask = self._mask(request, plan, fitted.size)
        body = build_body(
            request.prompt,
            inline,
            aspect_ratio=str(aspect) if aspect else None,
            image_size=str(options["imageSize"]) if options.get("imageSize") else None,
            thinking_level=str(options["thinkingLevel"]) if options.get("thinkingLevel") else None,
            mask=mask,
            mask_instruction=painted.MASK_INSTRUCTION,
        )
        url = generate_url(self.settings.base_url, model)

        def build() -> httpx.Request:
            return httpx.Request("POST", url, json=body, headers={KEY_HEADER: key})

        log.info("google: %s with %s (aspect %s)", request.mode, model, aspect or "model default")
        try:
            answer = await send(
                self.client,
                INFO.display_name,
                build,
                self.settings,
                progress,
                lambda failed: classify(failed, model=model, known_models=self._usable()),
                key_headers=(KEY_HEADER,),
                policy=self.policy,
            )
        except BadRequestError as error:
            if error.status != codes.NOT_FOUND:
                raise
            raise await self._not_found(error, model, key) from None
        found = parse_answer(answer.json(), INFO.display_name)
        notes = list(found.notes)
        # Gemini draws one image per request; a longer list is kept to it, as with OpenAI's n (issue 16).
        kept = images.keep_asked(found.images, 1, INFO.display_name, notes)
        decoded = images.decode_checked(kept, INFO.display_name)
        pictures = tuple(fitting.unframe(picture, plan) if plan is not None else picture for picture in decoded.images)
        fix = "'python main.py models google' lists the models this key can use."
        warned = deprecation_note(answer.headers, provider=INFO.display_name, what=model, fix=fix)
        notes += [warned] if warned else []
        return EditResult(INFO.id, pictures, model=model, notes=tuple(notes), encoded=decoded.kept_for(pictures))

    def _mask(self, request: EditRequest, plan: sizing.Plan | None, size: tuple[int, int]) -> tuple[str, str] | None:
        """The painted mask on the frame, at the sent image's size, as the second image (white = change)."""
        if request.mask is None:
            return None
        framed = fitting.frame_mask(request.mask, plan) if plan is not None else request.mask
        data = fitting.encode(painted.google_mask(framed, size), "PNG")
        return "image/png", base64.b64encode(data).decode("ascii")

    def _for_model(self, model: str, options: dict[str, object]) -> None:
        """The model family's rules, before anything is sent: an option or value it refuses is said in words."""
        spec = INFO.options_for(model)
        for name in list(options):
            if name not in spec and name in INFO.options:
                raise InputError(
                    f"{INFO.display_name} {model} does not take '{name}'; leave it out or pick another model."
                )
        try:
            check_options(spec, {name: value for name, value in options.items() if name in spec})
        except SpecError as error:
            raise InputError(f"{INFO.display_name} {model}: {error}") from None

    def _usable(self) -> tuple[str, ...]:
        return tuple(model for model in INFO.models if INFO.retirement(model) is None)

    async def _not_found(self, error: BadRequestError, model: str, key: str) -> BadRequestError:
        """A 404 names the image models the key can use, from one (free) list call."""
        try:
            usable = await google_models.list_models(
                self.client, self.settings, key, policy=google_models.single_attempt(self.policy)
            )
        except ProviderError as failure:
            log.info("google: could not list models after a 404: %s", failure)
            return error
        if not usable:
            return error
        names = ", ".join(m.id for m in usable if INFO.retirement(m.id) is None) or ", ".join(m.id for m in usable)
        return BadRequestError(
            INFO.display_name,
            f"the model '{model}' was not found for this key (it may have been shut down). "
            f"Image models this key can use: {names}. "
            "Set providers.google.model in the settings file or run 'python main.py models google'.",
            status=error.status,
        )


def create(settings: ProviderSettings, client: httpx.AsyncClient) -> GoogleProvider:
    return GoogleProvider(settings, client)
