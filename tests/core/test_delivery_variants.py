"""Variants into a folder (``edit --n 3 --output-dir``, issue 18): every one numbered, none replacing a
file, and none left behind when a later step fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from core.delivery import Destination, Naming, deliver
from core.errors import ClipboardError

NAMING = Naming(preset="", provider="openai", mode="edit")
COLOURS = ((200, 0, 0), (0, 200, 0), (0, 0, 200))


def variants() -> list[Image.Image]:
    return [Image.new("RGB", (20, 10), colour) for colour in COLOURS]


def test_numbered_variants_are_stem_1_to_n_each_its_own_image(tmp_path: Path) -> None:
    destination = Destination(folder=tmp_path, stem="photo-openai-edit", numbered=True)
    delivery = deliver(variants(), destination, NAMING, lambda: None)
    names = [path.name for path in delivery.files]
    assert names == ["photo-openai-edit-1.png", "photo-openai-edit-2.png", "photo-openai-edit-3.png"]
    assert [Image.open(path).convert("RGB").getpixel((5, 5)) for path in delivery.files] == list(COLOURS)


def test_a_taken_name_is_never_replaced(tmp_path: Path) -> None:
    taken = tmp_path / "photo-openai-edit-2.png"
    taken.write_bytes(b"someone else's file")
    destination = Destination(folder=tmp_path, stem="photo-openai-edit", numbered=True)
    delivery = deliver(variants(), destination, NAMING, lambda: None)
    assert taken.read_bytes() == b"someone else's file"
    assert len(set(delivery.files)) == 3
    assert taken not in delivery.files
    assert [Image.open(path).convert("RGB").getpixel((5, 5)) for path in delivery.files] == list(COLOURS)


class RefusingBoard:
    def write_png(self, data: bytes) -> None:
        raise ClipboardError("the clipboard refused")


def test_a_clipboard_refusal_removes_every_variant_just_saved(tmp_path: Path) -> None:
    destination = Destination(folder=tmp_path, stem="photo", numbered=True, copy=True)
    with pytest.raises(ClipboardError):
        deliver(variants(), destination, NAMING, RefusingBoard)
    assert list(tmp_path.iterdir()) == []
