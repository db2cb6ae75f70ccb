"""OpenAI's image edit endpoint on loopback for the tray's end-to-end tests.

Requests are checked against ``tests/providers/specs/openai-images.yaml`` by the providers' own
stand-in (``tests.providers.openai_server.OpenAISpec``, passed as the server's validator); here the
image part must also be exactly the expected crop, pixel for pixel. The client sends the crop in a
frame of the size it asks for (ADR 020): centred, padded, and below the model's pixel floor enlarged
by a whole factor k (each pixel a k x k block). The stand-in finds the crop there and answers the same
frame with the crop's region replaced by the answer (colours inverted, a transparent band), so a test
knows exactly which pixels must end up on the clipboard and in the saved file.
"""

from __future__ import annotations

import io
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageChops

from tests.providers.loopback import Recorded, Reply
from tests.providers.openai_server import images_answer


def answer_for(crop: Image.Image) -> Image.Image:
    """What the stand-in 'draws': the crop inverted, with its top quarter fully transparent."""
    result = ImageChops.invert(crop.convert("RGB")).convert("RGBA")
    band = Image.new("RGBA", (crop.width, crop.height // 4), (0, 0, 0, 0))
    result.paste(band, (0, 0))
    return result


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class EditChecks:
    """The crop and prompt checks; problems found are kept (tests assert this stays empty)."""

    expected_crop: Image.Image
    expected_prompt: str
    problems: list[str] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)

    def respond(self, recorded: Recorded) -> Reply:
        problems = []
        if recorded.path != "/v1/images/edits":
            problems.append(f"unexpected path {recorded.path}")
        form = recorded.form()
        prompt = form["prompt"].text if "prompt" in form else ""
        self.prompts.append(prompt)
        if prompt != self.expected_prompt:
            problems.append(f"prompt {prompt!r}, expected {self.expected_prompt!r}")
        sent = Image.open(io.BytesIO(form["image"].data)) if "image" in form else None
        box = crop_box(sent.size, self.expected_crop.size) if sent is not None else None
        if sent is None:
            problems.append("no image part")
        elif (
            box is None
            or ImageChops.difference(
                sent.crop(box).convert("RGB"), enlarged(self.expected_crop, box).convert("RGB")
            ).getbbox()
        ):
            problems.append(f"the image sent ({sent.size}) does not hold exactly the selected crop")
        if problems or sent is None or box is None:
            self.problems += problems
            return Reply.json({"error": {"message": "; ".join(problems), "type": "invalid_request_error"}}, 400)
        frame = sent.convert("RGBA")
        frame.paste(enlarged(answer_for(self.expected_crop), box), box[:2])
        return images_answer(png(frame))


def crop_box(frame: tuple[int, int], crop: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """Where the client put the crop: centred, at the largest whole factor that fits (1 when padded only)."""
    factor = min(frame[0] // crop[0], frame[1] // crop[1])
    if factor < 1:
        return None
    width, height = crop[0] * factor, crop[1] * factor
    left, top = (frame[0] - width) // 2, (frame[1] - height) // 2
    return (left, top, left + width, top + height)


def enlarged(image: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    size = (box[2] - box[0], box[3] - box[1])
    return image if image.size == size else image.resize(size, Image.Resampling.NEAREST)


class HangingServer:
    """Accepts one request and never answers; records when the client closes the connection."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.received = threading.Event()
        self.closed_by_client = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _serve(self) -> None:
        try:
            conn, _ = self._listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(60)
            try:
                while conn.recv(65536):
                    self.received.set()
            except OSError:
                pass
            self.closed_by_client.set()

    def __enter__(self) -> HangingServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self._listener.close()
        self._thread.join(5)
