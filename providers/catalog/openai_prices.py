"""OpenAI's prices as data, each row with its date and source (issue 18, ADR 030). US dollars.

GPT Image bills tokens: text and image input, image output (per million). The answer's ``usage``
times these is the job's cost. Per-image prices, for the estimate before sending, are published
only for gpt-image-2; for 2.5 and 2.6 the tokens per image at each quality are not, so they have no
estimate (no number is better than a guessed one). Cached-input rates are left out: the answer's
``usage`` does not say which input tokens were cached (openai-images.yaml ``ImagesUsage``).

Sources, read 2026-12-01:
- gpt-image-2.6-sunburst: OpenAI's model page, developers.openai.com/api/docs/models/gpt-image-2.6-sunburst
  (text input $5.00, image input $8.00, image output $30.00 per 1M tokens).
- gpt-image-2.6-flare: the same rates for both 2.6 models, "unchanged" from 2.5, per APIYI's launch
  note of 2026-11-05 (docs.apiyi.com/en/live/2026-11/gpt-image-2-6-launch), an OpenAI relay.
- gpt-image-2.5-flare/-sunburst: $5 / $8 / $30, "from OpenAI's docs, pricing page or calculator,
  read 2026-09-09" (apidog.com/blog/gpt-image-2-5-api).
- gpt-image-2: $5 text input, $10 text output, $8 image input, $30 image output (fal.ai's
  openai/gpt-image-2 page, quoting OpenAI); per image, OpenAI's image-generation guide as quoted by
  yingtu.ai (2026-05-06): 1024x1024 $0.006 / $0.053 / $0.211 (low / medium / high), 1024x1536 and
  1536x1024 $0.005 / $0.041 / $0.165. Cross-check: the high rows are 7,024 and 5,488 output tokens at
  $30 per 1M, the counts OpenAI's calculator gave (community.openai.com, ChatGPT Images 2.0 thread).
"""

from __future__ import annotations

from core.costs import Price, TokenPrices

_RELAY = "docs.apiyi.com/en/live/2026-11/gpt-image-2-6-launch (2026-11-05)"
_SUNBURST_PAGE = "developers.openai.com/api/docs/models/gpt-image-2.6-sunburst"
_APIDOG = "apidog.com/blog/gpt-image-2-5-api (OpenAI docs, read 2026-09-09)"
_FAL = "fal.ai/models/openai/gpt-image-2 (OpenAI's rates)"
_GUIDE = "OpenAI image-generation guide, via yingtu.ai/en/blog/gpt-image-2-cost-per-image (2026-05-06)"
_READ = "2026-12-01"

GPT_IMAGE_2_TOKENS = TokenPrices(text_input=5.00, image_input=8.00, image_output=30.00, text_output=10.00)
GPT_IMAGE_25_TOKENS = TokenPrices(text_input=5.00, image_input=8.00, image_output=30.00)

_PER_IMAGE_2 = (
    ("1024x1024", "low", 0.006),
    ("1024x1024", "medium", 0.053),
    ("1024x1024", "high", 0.211),
    ("1024x1536", "low", 0.005),
    ("1024x1536", "medium", 0.041),
    ("1024x1536", "high", 0.165),
    ("1536x1024", "low", 0.005),
    ("1536x1024", "medium", 0.041),
    ("1536x1024", "high", 0.165),
)

PRICES = (
    Price("openai", "gpt-image-2.6-sunburst", tokens=GPT_IMAGE_25_TOKENS, date=_READ, source=_SUNBURST_PAGE),
    Price("openai", "gpt-image-2.6-flare", tokens=GPT_IMAGE_25_TOKENS, date="2026-11-05", source=_RELAY),
    Price("openai", "gpt-image-2.5-sunburst", tokens=GPT_IMAGE_25_TOKENS, date="2026-09-09", source=_APIDOG),
    Price("openai", "gpt-image-2.5-flare", tokens=GPT_IMAGE_25_TOKENS, date="2026-09-09", source=_APIDOG),
    Price("openai", "gpt-image-2", tokens=GPT_IMAGE_2_TOKENS, date=_READ, source=_FAL),
    *(
        Price("openai", "gpt-image-2", size, quality, per_image=amount, date="2026-05-06", source=_GUIDE)
        for size, quality, amount in _PER_IMAGE_2
    ),
)
