"""The OpenAI stand-in's own rules bite: each broken request is refused as OpenAI refuses it, and fails its test."""

from __future__ import annotations

import pytest

from tests.providers import openai_contract
from tests.providers.loopback import ContractViolationError, LoopbackServer, Refusal
from tests.providers.openai_server import images_answer


@pytest.mark.parametrize(
    ("size", "words"),
    [
        ("1000x1000", "divisible by 16"),
        ("3072x1008", "between 1:3 and 3:1"),
        ("4096x2048", "at most 3840"),
        ("768x768", "between 655,360 and 8,294,400"),
        ("3840x2400", "between 655,360 and 8,294,400"),
        ("big", "not WIDTHxHEIGHT"),
    ],
)
def test_sizes_outside_the_rules_are_refused(size: str, words: str) -> None:
    problem = openai_contract.size_problem(size)
    assert problem is not None
    assert words in problem


@pytest.mark.parametrize("size", ["auto", "1024x1024", "1536x1024", "3840x2160", "2400x800", "1024x640"])
def test_sizes_inside_the_rules_pass(size: str) -> None:
    assert openai_contract.size_problem(size) is None


@pytest.mark.parametrize(
    ("fields", "files", "status", "code"),
    [
        ({"model": "gpt-image-1"}, set(), 404, "model_not_found"),
        ({"model": "chatgpt-image-latest"}, set(), 404, "model_not_found"),
        ({"model": "gpt-image-2.6-flare", "input_fidelity": "low"}, set(), 400, "invalid_input_fidelity_model"),
        ({"model": "gpt-image-2", "quality": "max"}, set(), 400, "invalid_value"),
        ({"model": "gpt-image-2.5-flare", "complexity": "low"}, set(), 400, "unknown_parameter"),
        ({"model": "gpt-image-2"}, {"markup"}, 400, "unknown_parameter"),
        ({"model": "gpt-image-2.6-sunburst"}, {"markup", "mask"}, 400, "invalid_value"),
        ({"model": "gpt-image-2.6-flare", "size": "1000x1000"}, set(), 400, "invalid_value"),
    ],
)
def test_todays_refusals_are_answered_as_openai_answers_them(
    fields: dict[str, str], files: set[str], status: int, code: str
) -> None:
    refusal = openai_contract.refusal(fields, frozenset(files))
    assert isinstance(refusal, Refusal)
    assert refusal.reply.status == status
    assert f'"code": "{code}"' in refusal.reply.body.decode()


def test_a_valid_current_request_is_not_refused() -> None:
    fields = {"model": "gpt-image-2.6-flare", "quality": "xhigh", "complexity": "low", "size": "1536x512"}
    assert openai_contract.refusal(fields, frozenset({"image", "markup"})) is None


def test_a_violation_fails_the_test_that_sent_it_even_if_it_ignores_the_reply() -> None:
    import httpx

    def sends_a_retired_model() -> None:
        def validator(_recorded: object) -> Refusal:
            return Refusal("retired model gpt-image-1", openai_contract.error(404, "model_not_found", "gone"))

        with LoopbackServer([images_answer()], validator=validator) as server:
            httpx.post(server.url + "/v1/images/edits", content=b"x", timeout=5)

    with pytest.raises(ContractViolationError, match="retired model gpt-image-1"):
        sends_a_retired_model()
