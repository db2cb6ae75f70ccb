"""OpenAI GPT Image: ``/images/edits`` (multipart) and ``/images/generations`` (JSON).

The same client serves ``openai-compatible`` servers (LocalAI, LiteLLM, ...): they differ only in
``base_url``, an optional key, and answering ``url`` as well as ``b64_json``.
Wire details and error mapping: ``providers.openai_wire``.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import TYPE_CHECKING

import httpx

from core.errors import BadRequestError, InputError, ProviderError
from core.models import EditRequest, EditResult, ProgressEvent
from core.schema import SpecError, check_options
from providers import fitting, openai_models, openai_wire, sizing
from providers.base import ProviderInfo
from providers.catalog.openai import COMPATIBLE_INFO, DEFAULT_MODEL, INFO
from providers.deprecation import deprecation_note
from providers.http import Answer, HttpPolicy, RequestBuilder, download, send
from providers.images import decode_all, keep_asked

if TYPE_CHECKING:
    from core.config import ProviderSettings
    from core.models import ProgressSink

log = logging.getLogger(__name__)

KEY_HEADER = "authorization"


class OpenAIProvider:
    """One configured OpenAI (or OpenAI-compatible) endpoint over the app's shared client."""

    def __init__(
        self,
        settings: ProviderSettings,
        client: httpx.AsyncClient,
        *,
        info: ProviderInfo = INFO,
        policy: HttpPolicy | None = None,
    ) -> None:
        self.info = info
        self.settings = settings
        self.client = client
        self.policy = policy

    def model_for(self, options: dict[str, object]) -> str:
        chosen = options.get("model") or self.settings.model or self.info.default_model or DEFAULT_MODEL
        return str(chosen)

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        if request.mode not in self.info.mode_ids:
            known = ", ".join(self.info.mode_ids)
            raise InputError(f"{self.info.display_name} has no mode '{request.mode}' (modes: {known}).")
        options = dict(request.options)
        self._check(request, options)
        progress(ProgressEvent("preparing"))
        model = self.model_for(options)
        plan: sizing.Plan | None = None
        dropped = self._for_model(model, options)
        if request.mode == "edit":
            build, notes, plan = self._edit(request, options, model, key)
        else:
            build, notes = self._generate(request, options, model, key)
        notes = dropped + notes

        def classify(answer: Answer) -> ProviderError:
            return openai_wire.classify(
                answer, provider=self.info.display_name, provider_id=self.info.id, model=model, key=key
            )

        try:
            answer = await send(
                self.client,
                self.info.display_name,
                build,
                self.settings,
                progress,
                classify,
                key_headers=(KEY_HEADER,),
                policy=self.policy,
            )
        except BadRequestError as error:
            if error.status != HTTPStatus.NOT_FOUND:
                raise
            raise await openai_models.not_found_with_models(
                error,
                self.client,
                self.settings,
                key,
                model=model,
                provider=self.info.display_name,
                provider_id=self.info.id,
                policy=self.policy,
            ) from None
        blobs = []
        items = openai_wire.parse_items(answer, self.info.display_name)
        for item in keep_asked(items, options.get("n"), self.info.display_name, notes):
            data = item.data
            if data is None and item.url is not None:
                data = await download(
                    self.client, self.info.display_name, item.url, self.settings, progress,
                    policy=self.policy, deadline=answer.deadline,
                )  # fmt: skip
            blobs.append(data or b"")
        # The answer is the padded frame: cut the crop's own region back out (issue 11, ADR 020).
        images = [
            fitting.unframe(image, plan) if plan is not None else image
            for image in decode_all(blobs, self.info.display_name)
        ]
        progress(ProgressEvent("done"))
        fix = f"'python main.py models {self.info.id}' lists the models this key can use."
        warned = deprecation_note(answer.headers, provider=self.info.display_name, what=model, fix=fix)
        return EditResult(self.info.id, tuple(images), model=model, notes=(*notes, *([warned] if warned else [])))

    def _check(self, request: EditRequest, options: dict[str, object]) -> None:
        """What OpenAI would refuse with a 400 (and bill nothing for), said before sending."""
        name = self.info.display_name
        if not request.prompt.strip():
            raise InputError(f"{name} needs a prompt: say what to do with the image.")
        if len(request.prompt) > openai_wire.MAX_PROMPT:
            raise InputError(f"{name} takes prompts of at most {openai_wire.MAX_PROMPT} characters.")
        if options.get("background") == "transparent" and options.get("output_format") == "jpeg":
            raise InputError(f"{name}: a transparent background needs output_format png or webp, not jpeg.")

    def _for_model(self, model: str, options: dict[str, object]) -> list[str]:
        """Apply the model family's rules before sending.

        Refused options are dropped (said in a note and the log, as OpenAI's own docs say "omit
        this parameter"); a value the model does not take is refused in words.
        """
        family = self.info.family(model)
        dropped = sorted(family.dropped) if family is not None else []
        notes = []
        for name in dropped:
            if options.pop(name, None) is not None:
                log.info("%s: %s is not sent to %s (OpenAI: omit it for this model)", self.info.id, name, model)
                notes.append(f"'{name}' is not available on {model}; it was not sent.")
        for name in sorted(family.refused) if family is not None else []:
            if options.get(name) is not None:
                raise InputError(
                    f"{self.info.display_name} {model} does not take '{name}'; leave it out or pick another model."
                )
        spec = self.info.options_for(model)
        try:
            check_options(spec, {name: value for name, value in options.items() if name in spec})
        except SpecError as error:
            raise InputError(f"{self.info.display_name} {model}: {error}") from None
        return notes

    def _headers(self, key: str) -> dict[str, str]:
        # A self-hosted server may need no key at all; then no Authorization header is sent.
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _edit(
        self, request: EditRequest, options: dict[str, object], model: str, key: str
    ) -> tuple[RequestBuilder, list[str], sizing.Plan | None]:
        if request.image is None:
            raise InputError(f"{self.info.display_name} 'edit' needs an image.")
        image, mask_image, plan = request.image, request.mask, None
        rule = self.info.size_rule_for(model)
        if options.get("size") is None and rule is not None:
            # The crop's own shape, padded where the model's sizes demand it; a size the person chose wins.
            plan = sizing.plan(request.image.size, rule)
            options["size"] = plan.request
            image = fitting.frame(request.image, plan)
            mask_image = fitting.frame_mask(request.mask, plan) if request.mask is not None else None
        fitted = fitting.fit_image(image, self.info.limits, self.info.display_name)
        if options.get("size") is None:
            options["size"] = fitting.nearest_size(*request.image.size, self.info.limits.sizes)
        notes = []
        if options.get("moderation") is not None:
            notes.append("'moderation' applies only to generate; it was not sent with the edit.")
        fields = openai_wire.form_text(
            {"prompt": request.prompt, **openai_wire.option_fields(options, openai_wire.EDIT_FIELDS, model)}
        )
        mask = fitting.openai_mask(mask_image, fitted.size) if mask_image is not None else None
        url = f"{self.settings.base_url}/images/edits"
        headers = self._headers(key)

        def build() -> httpx.Request:
            files = {"image": (fitted.filename, fitted.data, fitted.mime)}
            if mask is not None:
                files["mask"] = ("mask.png", mask, "image/png")
            return self.client.build_request("POST", url, data=fields, files=files, headers=headers)

        log.info(
            "%s: edit %dx%d as %s (%d bytes), size %s",
            self.info.id, *fitted.size, fitted.format, len(fitted.data), options["size"],
        )  # fmt: skip
        return build, notes, plan

    def _generate(
        self, request: EditRequest, options: dict[str, object], model: str, key: str
    ) -> tuple[RequestBuilder, list[str]]:
        rule = self.info.size_rule_for(model)
        if options.get("size") is None and request.image is not None and rule is not None:
            options["size"] = sizing.plan(request.image.size, rule).request
        if options.get("size") is None and request.image is not None:
            options["size"] = fitting.nearest_size(*request.image.size, self.info.limits.sizes)
        body = {"prompt": request.prompt, **openai_wire.option_fields(options, openai_wire.GENERATE_FIELDS, model)}
        url = f"{self.settings.base_url}/images/generations"
        headers = self._headers(key)
        notes = []
        if options.get("input_fidelity") is not None:
            notes.append("'input_fidelity' applies only to edit; it was not sent.")

        def build() -> httpx.Request:
            return self.client.build_request("POST", url, json=body, headers=headers)

        log.info("%s: generate, size %s", self.info.id, body.get("size", "default"))
        return build, notes


def create(settings: ProviderSettings, client: httpx.AsyncClient) -> OpenAIProvider:
    return OpenAIProvider(settings, client, info=INFO)


def create_compatible(settings: ProviderSettings, client: httpx.AsyncClient) -> OpenAIProvider:
    return OpenAIProvider(settings, client, info=COMPATIBLE_INFO)
