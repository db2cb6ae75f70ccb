"""Options per model family, and defaults that are alive: checked against the stand-ins' own lists.

The stand-ins' retired ids and ratios are written in the test code (openai_contract, google_server),
so a default that the world has shut down fails here even if the app's own table forgot it.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

import pytest

from core.config import parse_config
from core.config_defaults import DEFAULT_CONFIG_TEXT
from core.errors import ConfigError, InputError
from core.models import EditRequest
from providers.catalog import google as google_catalog
from providers.catalog import openai as openai_catalog
from providers.registry import provider_catalog
from tests.providers import google_server as gemini
from tests.providers import openai_contract
from tests.providers.google_server import KEY, RESULT, provider
from tests.providers.loopback import LoopbackServer, SleepLog
from tests.providers.openai_contract import deprecated
from tests.providers.provider_run import picture, png_bytes, run

STAND_IN_RETIRED = (*openai_contract.RETIRED, *gemini.RETIRED, "*-preview")


def is_retired_in_a_stand_in(model: str) -> bool:
    return any(fnmatchcase(model, pattern) for pattern in STAND_IN_RETIRED)


def test_no_default_model_is_one_a_stand_in_lists_as_retired() -> None:
    catalog = provider_catalog()
    defaults = {info.id: info.default_model for info in catalog.values() if info.default_model}
    written = dict(re.findall(r"^  ([a-z-]+):\s*\{model: ([^,}]+)", DEFAULT_CONFIG_TEXT, re.MULTILINE))
    assert written, "the default settings text names no model"
    for source in (defaults, written):
        dead = {provider: model for provider, model in source.items() if is_retired_in_a_stand_in(model)}
        assert dead == {}
    for info in catalog.values():
        assert [model for model in info.models if is_retired_in_a_stand_in(model)] == []
    assert defaults["openai"] == "gpt-image-2.6-flare"
    assert defaults["google"] == "gemini-nano-banana-2.1"


def test_the_apps_retired_table_covers_every_id_the_stand_ins_retire() -> None:
    for model in openai_contract.RETIRED:
        assert openai_catalog.INFO.retirement(model) is not None, model
    for model in gemini.RETIRED:
        assert google_catalog.INFO.retirement(model) is not None, model
    assert openai_catalog.INFO.retirement("gpt-image-2.6-flare") is None


@pytest.mark.parametrize(
    ("model", "quality", "complexity", "input_fidelity"),
    [
        ("gpt-image-2.6-flare", True, True, False),
        ("gpt-image-2.6-sunburst", True, True, False),
        ("gpt-image-2.5-flare-2026-09-08", True, False, False),
        ("gpt-image-2", False, False, False),
        ("some-future-model", True, True, True),
    ],
)
def test_openai_options_follow_the_model_family(
    model: str, quality: bool, complexity: bool, input_fidelity: bool
) -> None:
    spec = openai_catalog.INFO.options_for(model)
    assert ("max" in spec["quality"].choices) is quality
    assert ("complexity" in spec) is complexity
    assert ("input_fidelity" in spec) is input_fidelity


def test_google_ratios_follow_the_model_and_match_the_stand_ins_list() -> None:
    assert set(google_catalog.aspect_ratios_for("gemini-nano-banana-2.1")) == gemini.ASPECT_RATIOS | gemini.STRIP_RATIOS
    assert set(google_catalog.aspect_ratios_for("gemini-3-pro-image")) == gemini.ASPECT_RATIOS
    assert "thinkingLevel" not in google_catalog.INFO.options_for("gemini-3-pro-image")


def test_config_check_refuses_an_option_the_configured_model_does_not_take() -> None:
    text = "providers:\n  openai:\n    model: gpt-image-2\n    options: {quality: max}\n"
    with pytest.raises(ConfigError, match=r"test.yaml:4: providers.openai.options.quality: 'max' is not one of low,"):
        parse_config(text, provider_catalog(), source="test.yaml")


def test_config_check_says_a_family_refused_option_is_not_taken_by_the_model() -> None:
    text = "providers:\n  openai: {model: gpt-image-2, options: {complexity: low}}\n"
    with pytest.raises(
        ConfigError, match=r":2: providers.openai.options.complexity: is not taken by the model gpt-image-2"
    ):
        parse_config(text, provider_catalog(), source="test.yaml")


def test_a_preset_is_checked_against_its_own_model() -> None:
    text = "presets:\n  - {name: p, provider: openai, mode: edit, options: {model: gpt-image-2, quality: xhigh}}\n"
    with pytest.raises(ConfigError, match=r"presets\[0\].options.quality: 'xhigh' is not one of"):
        parse_config(text, provider_catalog(), source="test.yaml")


def test_config_check_names_a_retired_model_and_its_successor() -> None:
    text = "providers:\n  openai:\n    model: gpt-image-1\n  google: {model: gemini-3.1-flash-image}\n"
    config = parse_config(text, provider_catalog(), source="test.yaml")
    assert config.notices == (
        "line 3, providers.openai.model: gpt-image-1 was shut down on 2026-10-23; use gpt-image-2.6-flare instead.",
        "line 4, providers.google.model: gemini-3.1-flash-image was shut down on 2026-10-29; "
        "use gemini-nano-banana-2.1 instead.",
    )


def test_a_strip_goes_to_nano_banana_2_1_as_8_1_with_the_speed_setting() -> None:
    request = EditRequest(mode="edit", prompt="x", image=picture((1600, 200)), options={"thinkingLevel": "minimal"})
    with LoopbackServer(
        [gemini.image_answer(png_bytes(RESULT))], validator=gemini.GeminiShape(KEY, images=1)
    ) as server:
        run(provider(server, SleepLog()), request, key=KEY)
    config = server.requests[0].json()["generationConfig"]
    assert config["imageConfig"] == {"aspectRatio": "8:1"}
    assert config["thinkingConfig"] == {"thinkingLevel": "MINIMAL"}


def test_the_same_strip_on_gemini_3_pro_image_gets_a_ratio_that_model_takes() -> None:
    request = EditRequest(mode="edit", prompt="x", image=picture((1600, 200)), options={"model": "gemini-3-pro-image"})
    with LoopbackServer(
        [gemini.image_answer(png_bytes(RESULT))], validator=gemini.GeminiShape(KEY, images=1)
    ) as server:
        run(provider(server, SleepLog()), request, key=KEY)
    assert server.requests[0].json()["generationConfig"]["imageConfig"] == {"aspectRatio": "21:9"}


def test_a_thinking_level_on_a_model_without_one_is_refused_before_sending() -> None:
    options = {"model": "gemini-3-pro-image", "thinkingLevel": "minimal"}
    request = EditRequest(mode="edit", prompt="x", image=picture(), options=options)
    with LoopbackServer([]) as server, pytest.raises(InputError, match="does not take 'thinkingLevel'"):
        run(provider(server, SleepLog()), request, key=KEY)
    assert server.requests == []


def test_a_gemini_answer_with_a_sunset_header_is_used_and_the_sunset_said() -> None:
    reply = deprecated(gemini.image_answer(png_bytes(RESULT)), since=1793491200, sunset="Mon, 01 Mar 2027 00:00:00 GMT")
    with LoopbackServer([reply], validator=gemini.GeminiShape(KEY, images=1)) as server:
        result = run(provider(server, SleepLog()), gemini.edit(), key=KEY)
    assert result.notes[-1].startswith("Google Gemini says gemini-nano-banana-2.1 is deprecated (since 2026-11-01)")
    assert "'python main.py models google'" in result.notes[-1]


def test_a_self_hosted_servers_models_are_all_offered_when_none_looks_like_an_image_model() -> None:
    from providers.openai_models import parse_models

    body = {"object": "list", "data": [{"id": "sdxl"}, {"id": "flux-dev", "shutdown_date": None}, {"bad": 1}]}
    assert [m.id for m in parse_models(body, "X", images_only=False)] == ["flux-dev", "sdxl"]
    assert parse_models(body, "X", images_only=True) == ()
    mixed = {"data": [{"id": "gpt-6.1-sol"}, {"id": "gpt-image-2", "shutdown_date": "2027-04-21"}]}
    assert [(m.id, m.shutdown_date) for m in parse_models(mixed, "X")] == [("gpt-image-2", "2027-04-21")]
