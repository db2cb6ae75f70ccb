"""Crop-shaped requests as pure maths: what size to ask for, where the crop sits, how to map it back.

A provider never gets a stretched crop and its answer is never stretched back (issue 11, ADR 020).
Each model family names a ``SizeRule``; ``plan`` turns a crop's size into a ``Plan``:

- **any size** (``multiple`` > 1, OpenAI gpt-image-2/2.5/2.6): the crop is scaled uniformly into the
  pixel and edge limits and asked for at its own shape, rounded up to the multiple. The rounding,
  and a crop more extreme than ``max_ratio``, is padded, never stretched.
- **fixed sizes or ratios** (Ideogram's ``aspect_ratio``, Gemini's ratio list, the three legacy GPT
  sizes): the crop is padded to the nearest listed shape, exactly, and that shape is asked for.
- **native** (no list, no multiple): the provider answers at the input's own size (Ideogram precise
  edit); only ``max_ratio`` may pad.

``answer_box`` maps an answer of any size back: the crop's region of the answer, and the size to
give it: the answer's own resolution (never upscaled), or back down by the factor the crop was
scaled up to meet ``min_pixels``. Numbers are from each provider's docs as of 2026-12-01:
OpenAI ``/images/edits`` ``size`` (openai-images-subset.yaml, PROVIDERS.md), Gemini
``imageConfig.aspectRatio`` (ai.google.dev, image generation), Ideogram ``aspect_ratio``
(developer.ideogram.ai v1 remix and v2 precise-edit).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

# Rounding up to the multiple may overshoot a limit; this many shrink steps always reach it.
_PASSES = 12
_SHAPE = re.compile(r"^\s*(\d+)\s*[x:X]\s*(\d+)\s*$")


@dataclass(frozen=True)
class SizeRule:
    """What sizes one model family accepts. ``ratios``/``sizes`` name the shapes as the API spells them."""

    name: str
    multiple: int = 1
    max_ratio: float | None = None
    max_side: int | None = None
    min_pixels: int = 0
    max_pixels: int | None = None
    sizes: tuple[str, ...] = ()
    ratios: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """One crop's request: the frame sent, where the crop sits in it, and what to ask for.

    ``frame`` is the padded image's size in pixels sent; ``box`` is (x, y, width, height) of the crop
    inside it; ``scale`` is frame pixels per crop pixel; ``request`` is the ``WxH``/``W:H`` to send,
    or None when the provider answers at the input's own size.
    """

    crop: tuple[int, int]
    frame: tuple[int, int]
    box: tuple[int, int, int, int]
    scale: float
    request: str | None

    @property
    def padded(self) -> bool:
        return (self.box[2], self.box[3]) != self.frame


def parse_shape(text: str) -> tuple[int, int]:
    """``1024x1536``, ``16:9`` or Ideogram's ``16x9`` as two positive numbers."""
    match = _SHAPE.match(text)
    if not match or int(match.group(1)) <= 0 or int(match.group(2)) <= 0:
        raise ValueError(f"{text!r} is not a size like 1024x1024 or a ratio like 16:9")
    return int(match.group(1)), int(match.group(2))


def size_problem(text: str, rule: SizeRule) -> str | None:
    """Why ``WxH`` is not a size ``rule`` takes, in words; None when it is (or is ``auto``)."""
    if text.strip().lower() == "auto":
        return None
    if rule.sizes:
        return None if text in rule.sizes else f"'{text}' is not one of {', '.join(rule.sizes)}, auto"
    try:
        width, height = parse_shape(text)
    except ValueError:
        return f"'{text}' is not a size: write it as WIDTHxHEIGHT, e.g. 1536x1024"
    area = width * height
    top = f"{rule.max_pixels:,}" if rule.max_pixels is not None else "any number of"
    checks = (
        (
            rule.multiple > 1 and bool(width % rule.multiple or height % rule.multiple),
            f"both sides must be divisible by {rule.multiple}",
        ),
        (
            rule.max_ratio is not None and max(width, height) > rule.max_ratio * min(width, height),
            f"the sides may differ by at most {rule.max_ratio or 0:g}:1",
        ),
        (
            rule.max_side is not None and max(width, height) > rule.max_side,
            f"the longest side may be at most {rule.max_side}",
        ),
        (
            area < rule.min_pixels or (rule.max_pixels is not None and area > rule.max_pixels),
            f"it has {area:,} pixels; {rule.min_pixels:,} to {top} are accepted",
        ),
    )
    return next((f"'{text}': {why}" for failed, why in checks if failed), None)


def _log_ratio(width: float, height: float) -> float:
    return math.log(width / height)


def nearest_shape(width: int, height: int, choices: Sequence[str]) -> str:
    """The choice closest in shape (log of w/h, so 2:1 and 1:2 are as far from 1:1), then in area."""
    if not choices:
        raise ValueError("no shapes to choose from")
    own_ratio, own_area = _log_ratio(width, height), math.log(width * height)

    def distance(choice: str) -> tuple[float, float]:
        w, h = parse_shape(choice)
        return (round(abs(_log_ratio(w, h) - own_ratio), 9), abs(math.log(w * h) - own_area))

    return min(choices, key=distance)


def _ceil_to(value: float, multiple: int) -> int:
    return max(multiple, math.ceil(value / multiple - 1e-9) * multiple)


def _centred(frame: tuple[int, int], size: tuple[int, int], scale: float, crop: tuple[int, int]) -> Plan:
    return Plan(crop, frame, ((frame[0] - size[0]) // 2, (frame[1] - size[1]) // 2, *size), scale, None)


def _exact_shape(crop: tuple[int, int], shape: tuple[int, int]) -> tuple[int, int]:
    """The smallest frame of exactly ``shape``'s ratio that holds ``crop``."""
    ratio_w, ratio_h = shape
    divisor = math.gcd(ratio_w, ratio_h)
    ratio_w, ratio_h = ratio_w // divisor, ratio_h // divisor
    times = max(math.ceil(crop[0] / ratio_w), math.ceil(crop[1] / ratio_h))
    return ratio_w * times, ratio_h * times


def _listed(crop: tuple[int, int], rule: SizeRule) -> Plan:
    choices = rule.sizes or rule.ratios
    chosen = nearest_shape(*crop, choices)
    frame = _exact_shape(crop, parse_shape(chosen))
    plan = _centred(frame, crop, 1.0, crop)
    return Plan(plan.crop, plan.frame, plan.box, 1.0, chosen)


def _ratio_canvas(crop: tuple[int, int], max_ratio: float | None) -> tuple[float, float]:
    """The crop's own shape, widened (padded) only as far as ``max_ratio`` demands."""
    width, height = float(crop[0]), float(crop[1])
    if max_ratio is not None:
        width, height = max(width, height / max_ratio), max(height, width / max_ratio)
    return width, height


def _fits(frame: tuple[int, int], rule: SizeRule) -> bool:
    area = frame[0] * frame[1]
    if rule.max_pixels is not None and area > rule.max_pixels:
        return False
    return rule.max_side is None or max(frame) <= rule.max_side


def _free(crop: tuple[int, int], rule: SizeRule) -> Plan:
    canvas_w, canvas_h = _ratio_canvas(crop, rule.max_ratio)
    area = canvas_w * canvas_h
    scale = 1.0
    if area < rule.min_pixels:
        # A whole factor: each pixel becomes k x k, and k x k blocks average back to the exact pixel,
        # so a faithful answer returns the crop itself (ADR 020). Within GPT's limits it always fits.
        scale = float(math.ceil(math.sqrt(rule.min_pixels / area) - 1e-9))
    if rule.max_pixels is not None and area * scale * scale > rule.max_pixels:
        scale = math.sqrt(rule.max_pixels / area)
    if rule.max_side is not None and max(canvas_w, canvas_h) * scale > rule.max_side:
        scale = rule.max_side / max(canvas_w, canvas_h)
    multiple = max(1, rule.multiple)
    frame = (_ceil_to(canvas_w * scale, multiple), _ceil_to(canvas_h * scale, multiple))
    for _pass in range(_PASSES):
        # Rounding up to the multiple can overshoot the pixel limit by a sliver: shrink and retry.
        if _fits(frame, rule):
            break
        over = math.sqrt((rule.max_pixels or frame[0] * frame[1]) / (frame[0] * frame[1]))
        scale *= min(over, 1 - multiple / max(frame)) * 0.999
        frame = (_ceil_to(canvas_w * scale, multiple), _ceil_to(canvas_h * scale, multiple))
    size = (min(frame[0], max(1, round(crop[0] * scale))), min(frame[1], max(1, round(crop[1] * scale))))
    plan = _centred(frame, size, scale, crop)
    request = f"{frame[0]}x{frame[1]}" if multiple > 1 else None
    return Plan(plan.crop, plan.frame, plan.box, scale, request)


def plan(crop: tuple[int, int], rule: SizeRule) -> Plan:
    """How to send a crop of ``crop`` pixels to a model that follows ``rule``."""
    if crop[0] <= 0 or crop[1] <= 0:
        raise ValueError(f"a crop of {crop[0]}x{crop[1]} pixels has nothing to send")
    if rule.sizes or rule.ratios:
        return _listed(crop, rule)
    return _free(crop, rule)


def answer_box(answer: tuple[int, int], plan: Plan) -> tuple[tuple[int, int, int, int], tuple[int, int]]:
    """The crop's region of an answer (Pillow box), and the size to give that region.

    The provider drew the whole frame into its answer, so the crop's box scales with it. The size is
    the crop's own shape at the answer's resolution (the smaller of its two scales: never upscaled),
    brought back down when the crop was scaled up to be sent.
    """
    frame_w, frame_h = plan.frame
    scale_x, scale_y = answer[0] / frame_w, answer[1] / frame_h
    x, y, width, height = plan.box
    left, top = round(x * scale_x), round(y * scale_y)
    right = min(answer[0], max(left + 1, round((x + width) * scale_x)))
    bottom = min(answer[1], max(top + 1, round((y + height) * scale_y)))
    per_crop_pixel = min(scale_x, scale_y) * min(plan.scale, 1.0)
    size = (max(1, round(plan.crop[0] * per_crop_pixel)), max(1, round(plan.crop[1] * per_crop_pixel)))
    return (left, top, right, bottom), size


# The rules each catalog names (sources in the module docstring).
GPT_IMAGE_2 = SizeRule(
    "gpt-image-2", multiple=16, max_ratio=3.0, max_side=3840, min_pixels=655_360, max_pixels=8_294_400
)
GPT_IMAGE_FIXED = SizeRule("gpt-image-fixed", sizes=("1024x1024", "1536x1024", "1024x1536"))
GEMINI_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
GEMINI = SizeRule("gemini", ratios=GEMINI_RATIOS)
GEMINI_STRIPS = SizeRule("gemini-strips", ratios=(*GEMINI_RATIOS, "1:4", "4:1", "1:8", "8:1"))
