"""Which OpenAI models take drawn marks natively (issue 13): the rest get them as a mask."""

from __future__ import annotations

from providers.catalog.openai import INFO


def test_markup_is_native_on_gpt_image_2_5_and_2_6_only() -> None:
    assert INFO.takes_markup("gpt-image-2.6-flare")
    assert INFO.takes_markup("gpt-image-2.5-sunburst")
    assert not INFO.takes_markup("gpt-image-2")
    assert not INFO.takes_markup("some-future-model")
