"""Done when of issue 13, end to end under openbox: paint on the selection, and exactly that is sent.

GIVEN the tray app on a private desktop with a window manager and the OpenAI stand-in (a GPT Image
2.6 model, which takes markup). WHEN a person selects a region, presses ``B`` and paints two strokes
(or ``A`` and draws a stroke and an arrow), Enter, types a prompt, Enter. THEN the stand-in receives
a mask whose transparent pixels are the painted ones within the brush's radius at the sent size (or
``markup`` and no mask), and the clipboard holds the original outside the paint.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator

import pytest
from PIL import Image

from core.paint_geometry import distance_to_segment
from tests.providers.loopback import LoopbackServer, Recorded, Reply
from tests.providers.openai_server import OpenAISpec
from tests.tray.openai_stand_in import EditChecks, answer_for, crop_box
from tests.tray.tray_session import (
    CROP_BOX,
    END,
    KEY,
    PATTERN,
    START,
    TrayProcess,
    png_pixels,
    prompt_focused,
    running_tray,
    same_pixels,
    selector_ready,
    tray_desktop,
    wait_for,
)
from tests.virtual_desktop import VirtualDesktop

pytestmark = pytest.mark.desktop

PROMPT = "replace this with a red balloon"
BRUSH_RADIUS = 12  # the default brush is 24 window pixels wide; 1:1 on a screenshot
# ImageDraw rounds vertices to whole pixels: the edge is this close to the radius (tests/core/test_painting.py).
RASTER_IN, RASTER_OUT = 1.25, 1.75
STROKES = (((340, 240), (420, 250)), ((360, 300), (470, 320)))
Segment = tuple[tuple[int, int], tuple[int, int]]


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with tray_desktop("openbox") as running:
        yield running


class Capture:
    """The stand-in's answer (``EditChecks``), keeping the mask and markup parts it was sent."""

    def __init__(self) -> None:
        self.checks = EditChecks(expected_crop=PATTERN.crop(CROP_BOX), expected_prompt=PROMPT)
        self.parts: dict[str, Image.Image] = {}
        self.size: tuple[int, int] = (0, 0)

    def respond(self, recorded: Recorded) -> Reply:
        form = recorded.form()
        for name in ("mask", "markup"):
            if name in form:
                self.parts[name] = Image.open(io.BytesIO(form[name].data)).convert("RGBA")
        if "image" in form:
            self.size = Image.open(io.BytesIO(form["image"].data)).size
        return self.checks.respond(recorded)

    def in_crop(self, name: str) -> Image.Image:
        """The part's alpha over the crop's pixels: the framed, enlarged part mapped back one to one."""
        crop = self.checks.expected_crop
        box = crop_box(self.size, crop.size)
        assert box is not None
        part = self.parts[name]
        assert part.size == self.size, f"the {name} is {part.size}, the image sent {self.size}"
        outside = part.getchannel("A").copy()
        outside.paste(255 if name == "mask" else 0, box)
        assert outside.getextrema() == ((255, 255) if name == "mask" else (0, 0)), "the padding is never marked"
        # Each crop pixel is a k x k block of the sent image (ADR 020): its top-left sample is it.
        factor = (box[2] - box[0]) // crop.width
        alpha = part.getchannel("A").crop(box)
        return alpha.resize(crop.size, Image.Resampling.NEAREST) if factor > 1 else alpha


def pointer_path(segment: Segment) -> list[tuple[int, int]]:
    """The points ``TrayProcess.drag`` moves the pointer through: a stroke is the polyline between them."""
    (x0, y0), (x1, y1) = segment
    steps = (0.0, 0.25, 0.5, 0.75, 1.0)
    return [(round(x0 + (x1 - x0) * step), round(y0 + (y1 - y0) * step)) for step in steps]


def distance(pixel: tuple[int, int], segments: tuple[Segment, ...]) -> float:
    """From a crop pixel's centre to the nearest stroke (screen points, the crop at ``START``)."""
    centre = (pixel[0] + START[0] + 0.5, pixel[1] + START[1] + 0.5)
    pieces = [
        ((a[0] + 0.5, a[1] + 0.5), (b[0] + 0.5, b[1] + 0.5))
        for segment in segments
        for a, b in itertools.pairwise(pointer_path(segment))
    ]
    return min(distance_to_segment(centre, a, b) for a, b in pieces)


def paint_and_send(tray: TrayProcess, tool_key: str, strokes: tuple[tuple[Segment, tuple[str, ...]], ...]) -> None:
    tray.xdotool("key", "ctrl+shift+e")
    wait_for(lambda: selector_ready(tray), 10, "the selector overlay")
    tray.drag(START, END)
    tray.xdotool("key", tool_key)
    tray.wait_log(f"paint tool {'brush' if tool_key == 'b' else 'markup'}")
    for number, (segment, modifiers) in enumerate(strokes, start=1):
        for modifier in modifiers:
            tray.xdotool("keydown", modifier)
        tray.drag(*segment)
        for modifier in modifiers:
            tray.xdotool("keyup", modifier)
        tray.wait_log(f"stroke {number}")
    tray.xdotool("key", "Return")
    wait_for(lambda: prompt_focused(tray), 10, "the prompt bar to have the focus")
    tray.xdotool("type", "--delay", "5", PROMPT)
    tray.xdotool("key", "Return")


def delivered(tray: TrayProcess) -> Image.Image:
    saved = tray.folder / "out" / "restyle_200x150.png"
    wait_for(saved.exists, 20, "the saved result")
    tray.wait_log("delivered a")
    wait_for(lambda: bool(tray.clipboard("image/png")), 10, "a PNG on the clipboard")
    return png_pixels(tray.clipboard("image/png"))


def test_brush_strokes_reach_openai_as_a_mask_of_exactly_the_painted_pixels_and_the_rest_stays_original(
    desktop: VirtualDesktop,
) -> None:
    capture = Capture()
    server = LoopbackServer([Reply(respond=capture.respond)], validator=OpenAISpec(KEY))
    with server, running_tray(desktop, server.url + "/v1") as tray:
        paint_and_send(tray, "b", tuple((stroke, ()) for stroke in STROKES))
        clipboard = delivered(tray)
        tray.wait_log("prompt bar shows mask: ")
        # Painted on the X server's frozen screen (ADR 034): the canvas is made only for the strokes.
        assert "frozen screen through server" in tray.log
        assert tray.stop() == 0
    assert server.invalid == []
    assert capture.checks.problems == []
    assert "markup" not in capture.parts
    edit = capture.in_crop("mask")
    crop = capture.checks.expected_crop.convert("RGBA")
    answer = answer_for(crop)
    for x, y in itertools.product(range(crop.width), range(crop.height)):
        near = distance((x, y), STROKES)
        transparent = edit.getpixel((x, y)) == 0
        # Painted exactly within the brush's radius, up to what ImageDraw rounds (core.painting).
        assert transparent or near > BRUSH_RADIUS - RASTER_IN, ((x, y), near)
        assert not transparent or near <= BRUSH_RADIUS + RASTER_OUT, ((x, y), near)
        if not transparent:
            assert clipboard.getpixel((x, y)) == crop.getpixel((x, y)), f"{(x, y)} outside the paint changed"
        elif near < BRUSH_RADIUS - 6:
            assert clipboard.getpixel((x, y)) == answer.getpixel((x, y)), f"{(x, y)} inside the paint is not the answer"


def test_markup_strokes_reach_a_gpt_image_2_6_model_as_markup_and_never_with_a_mask(desktop: VirtualDesktop) -> None:
    capture = Capture()
    server = LoopbackServer([Reply(respond=capture.respond)], validator=OpenAISpec(KEY))
    freehand, arrow = STROKES
    with server, running_tray(desktop, server.url + "/v1") as tray:
        paint_and_send(tray, "a", ((freehand, ()), (arrow, ("shift",))))
        clipboard = delivered(tray)
        tray.wait_log("prompt bar shows markup: 2 strokes")
        assert "painted arrow stroke 2" in tray.log
        assert tray.stop() == 0
    assert server.invalid == []
    assert capture.checks.problems == []
    assert "mask" not in capture.parts, "markup cannot be combined with mask"
    marks = capture.in_crop("markup")
    crop = capture.checks.expected_crop
    for x, y in itertools.product(range(crop.width), range(crop.height)):
        near = distance((x, y), (freehand,))
        if near <= 1.5:
            assert marks.getpixel((x, y)) == 255, f"{(x, y)} on the stroke is not marked"
        elif marks.getpixel((x, y)):
            # Marked: on the freehand stroke's 6 px line or the arrow (its line and head).
            assert near <= 4 or distance((x, y), (arrow,)) <= 32, (x, y)
    # Markup is a hint, not an area: the provider's whole answer is delivered.
    assert same_pixels(clipboard, answer_for(crop))


def test_a_preset_that_requires_paint_says_so_on_enter_and_sends_nothing(desktop: VirtualDesktop) -> None:
    server = LoopbackServer([], validator=OpenAISpec(KEY))
    with server, running_tray(desktop, server.url + "/v1", restyle_fields=", paint: required") as tray:
        desktop.set_clipboard(b"what the person had")
        tray.xdotool("key", "ctrl+shift+e")
        wait_for(lambda: selector_ready(tray), 10, "the selector overlay")
        tray.drag(START, END)
        tray.xdotool("key", "Return")
        tray.wait_log("needs you to paint the area to change first")
        assert tray.clipboard("UTF8_STRING") == b"what the person had"
        assert tray.stop() == 0
    assert server.requests == [], "nothing is sent before the area is painted"
    assert not (tray.folder / "out").exists() or not any((tray.folder / "out").iterdir())
