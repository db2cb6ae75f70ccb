"""OpenAI GPT Image: ``/images/edits`` (multipart) and ``/images/generations`` (JSON).

The same client serves ``openai-compatible`` servers (LocalAI, LiteLLM, ...): they differ only in
``base_url``, an optional key, and answering ``url`` as well as ``b64_json``.
Wire details and error mapping: ``providers.openai_wire``.

Streaming (issue 11, ADR 026): gpt-image-2 and later are asked with ``stream=true`` and
``partial_images`` by default (``providers.openai_stream``), and their drafts are reported as
previews. A 400 that names streaming gets one plain request instead, and the (base_url, model) is
remembered in the session's ``StreamingSupport`` so later jobs do not try again. A server that
ignores ``stream`` and answers JSON is read as it answered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING

import httpx

from core.errors import BadRequestError, InputError, ProviderError
from core.models import EditRequest, EditResult, ProgressEvent
from core.schema import SpecError, check_options
from providers import fitting, openai_models, openai_wire, painted, sizing, uplink
from providers.base import ProviderInfo
from providers.catalog.openai import COMPATIBLE_INFO, DEFAULT_MODEL, INFO, streams_drafts
from providers.deprecation import deprecation_note
from providers.http import Answer, HttpPolicy, RequestBuilder, download, send
from providers.images import decode_checked, keep_asked
from providers.openai_stream import Drafts, StreamingSupport, drafts_to_ask, refuses_streaming

if TYPE_CHECKING:
    from core.config import ProviderSettings
    from core.models import ProgressSink, Usage
    from providers.openai_wire import ResultItem

log = logging.getLogger(__name__)

KEY_HEADER = "authorization"
# Extra fields (the streaming ones) -> the request builder ``send`` calls for every attempt.
Builds = Callable[[Mapping[str, object]], RequestBuilder]


class OpenAIProvider:
    """One configured OpenAI (or OpenAI-compatible) endpoint over the app's shared client."""

    def __init__(
        self,
        settings: ProviderSettings,
        client: httpx.AsyncClient,
        *,
        info: ProviderInfo = INFO,
        policy: HttpPolicy | None = None,
        streaming: StreamingSupport | None = None,
        stream_by_default: bool = False,
    ) -> None:
        self.info = info
        self.settings = settings
        self.client = client
        self.policy = policy
        self.streaming = streaming if streaming is not None else StreamingSupport()
        self.stream_by_default = stream_by_default

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
        by_default = self.stream_by_default and streams_drafts(model)
        drafts = drafts_to_ask(options, by_default=by_default, n=options.get("n"))
        if drafts and not self.streaming.allows(self.settings.base_url, model):
            drafts = 0
        if request.mode == "edit":
            make, notes, plan = self._edit(request, options, model, key)
        else:
            make, notes = self._generate(request, options, model, key)
        notes = dropped + notes
        answer, items, usage = await self._answer(make, drafts, plan, model, key, progress, request.mode)
        blobs = []
        for item in keep_asked(items, options.get("n"), self.info.display_name, notes):
            data = item.data
            if data is None and item.url is not None:
                data = await download(
                    self.client, self.info.display_name, item.url, self.settings, progress,
                    policy=self.policy, deadline=answer.deadline,
                )  # fmt: skip
            blobs.append(data or b"")
        decoded = decode_checked(blobs, self.info.display_name)
        # The answer is the padded frame: cut the crop's own region back out (issue 11, ADR 020).
        images = [fitting.unframe(image, plan) if plan is not None else image for image in decoded.images]
        progress(ProgressEvent("done"))
        fix = f"'python main.py models {self.info.id}' lists the models this key can use."
        warned = deprecation_note(answer.headers, provider=self.info.display_name, what=model, fix=fix)
        notes = [*notes, *([warned] if warned else [])]
        return EditResult(
            self.info.id, tuple(images), model=model, notes=tuple(notes), usage=usage, encoded=decoded.kept_for(images)
        )

    async def _answer(
        self, make: Builds, drafts: int, plan: sizing.Plan | None, model: str, key: str, progress: ProgressSink,
        mode: str,
    ) -> tuple[Answer, list[ResultItem], Usage | None]:  # fmt: skip
        """The answer, its images and its ``usage``: streamed with drafts when asked, else plain."""
        name = self.info.display_name
        if drafts:
            prefix = "image_edit" if mode == "edit" else "image_generation"
            reader = Drafts(name, prefix, drafts, plan, progress)
            log.info("%s: asking for %d drafts while the image is made", self.info.id, drafts)
            try:
                answer = await self._send(
                    make({"stream": True, "partial_images": drafts}), model, key, progress, reader
                )
            except BadRequestError:
                if not reader.refused:
                    raise
                self.streaming.remember_refusal(self.settings.base_url, model)
                log.info(
                    "%s: %s refused streaming; one plain request, and none streamed this session", self.info.id, model
                )
            else:
                if answer.content_type == "text/event-stream":
                    return answer, reader.items(), reader.usage
                return answer, *openai_wire.parse_answer(answer, name)
        answer = await self._send(make({}), model, key, progress, None)
        return answer, *openai_wire.parse_answer(answer, name)

    async def _send(
        self, build: RequestBuilder, model: str, key: str, progress: ProgressSink, reader: Drafts | None
    ) -> Answer:
        def classify(answer: Answer) -> ProviderError:
            if reader is not None and refuses_streaming(answer):
                reader.refused = True
            return openai_wire.classify(
                answer, provider=self.info.display_name, provider_id=self.info.id, model=model, key=key
            )

        try:
            return await send(
                self.client,
                self.info.display_name,
                build,
                self.settings,
                progress,
                classify,
                key_headers=(KEY_HEADER,),
                policy=self.policy,
                on_chunk=reader.feed if reader is not None else None,
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
    ) -> tuple[Builds, list[str], sizing.Plan | None]:
        if request.image is None:
            raise InputError(f"{self.info.display_name} 'edit' needs an image.")
        painted.check_marks(self.info, request, model)
        image, mask_image, markup_image, plan = request.image, request.mask, request.markup, None
        rule = self.info.size_rule_for(model)
        if options.get("size") is None and rule is not None:
            # The crop's own shape, padded where the model's sizes demand it; a size the person chose wins.
            plan = sizing.plan(request.image.size, rule)
            options["size"] = plan.request
            image = fitting.frame(request.image, plan)
            mask_image = fitting.frame_mask(request.mask, plan) if request.mask is not None else None
            markup_image = painted.frame_markup(request.markup, plan) if request.markup is not None else None
        fitted = fitting.fit_image(
            image, self.info.limits, self.info.display_name, png=uplink.png_encoding(self.settings.base_url)
        )
        if options.get("size") is None:
            options["size"] = fitting.nearest_size(*request.image.size, self.info.limits.sizes)
        notes = []
        if options.get("moderation") is not None:
            notes.append("'moderation' applies only to generate; it was not sent with the edit.")
        fields = openai_wire.form_text(
            {"prompt": request.prompt, **openai_wire.option_fields(options, openai_wire.EDIT_FIELDS, model)}
        )
        mask = fitting.openai_mask(mask_image, fitted.size) if mask_image is not None else None
        markup = painted.markup_png(markup_image, fitted.size) if markup_image is not None else None
        url = f"{self.settings.base_url}/images/edits"
        headers = self._headers(key)

        def make(extra: Mapping[str, object]) -> RequestBuilder:
            form = {**fields, **openai_wire.form_text(extra)}

            def build() -> httpx.Request:
                files = {"image": (fitted.filename, fitted.data, fitted.mime)}
                if mask is not None:
                    files["mask"] = ("mask.png", mask, "image/png")
                if markup is not None:
                    files["markup"] = ("markup.png", markup, "image/png")
                return self.client.build_request("POST", url, data=form, files=files, headers=headers)

            return build

        log.info(
            "%s: edit %dx%d as %s (%d bytes), size %s",
            self.info.id, *fitted.size, fitted.format, len(fitted.data), options["size"],
        )  # fmt: skip
        return make, notes, plan

    def _generate(
        self, request: EditRequest, options: dict[str, object], model: str, key: str
    ) -> tuple[Builds, list[str]]:
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

        def make(extra: Mapping[str, object]) -> RequestBuilder:
            payload = {**body, **extra}

            def build() -> httpx.Request:
                return self.client.build_request("POST", url, json=payload, headers=headers)

            return build

        log.info("%s: generate, size %s", self.info.id, body.get("size", "default"))
        return make, notes


def create(
    settings: ProviderSettings, client: httpx.AsyncClient, *, streaming: StreamingSupport | None = None
) -> OpenAIProvider:
    """OpenAI itself: drafts streamed by default on the models that make them (ADR 026)."""
    return OpenAIProvider(settings, client, info=INFO, streaming=streaming, stream_by_default=True)


def create_compatible(
    settings: ProviderSettings, client: httpx.AsyncClient, *, streaming: StreamingSupport | None = None
) -> OpenAIProvider:
    """A self-hosted server streams only when asked (``stream: true``): many do not implement it."""
    return OpenAIProvider(settings, client, info=COMPATIBLE_INFO, streaming=streaming)
