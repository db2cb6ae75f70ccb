"""The X11 clipboard on a real Xvfb: what we write, xclip reads back; what others own, we read."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from Xlib import display

from core.errors import NoImageError
from desktop.clipboard.xclip import XclipClipboard
from tests.desktop import VirtualDesktop


def png_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGBA", size)
    image.putdata(
        [(x * 4 % 256, y * 5 % 256, (x + y) % 256, 128 + x % 128) for y in range(size[1]) for x in range(size[0])]
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_written_png_is_read_back_byte_for_byte_by_xclip(desktop: VirtualDesktop) -> None:
    data = png_bytes()
    XclipClipboard(desktop.env).write_png(data)
    assert "image/png" in desktop.clipboard_targets()
    assert desktop.read_clipboard("image/png") == data


def test_clipboard_keeps_serving_after_the_writer_object_is_gone(desktop: VirtualDesktop) -> None:
    data = png_bytes((10, 10))
    XclipClipboard(desktop.env).write_png(data)
    # A second, unrelated reader process gets it: the selection is owned by a live process.
    assert desktop.read_clipboard("image/png") == data
    assert desktop.read_clipboard("image/png") == data


def test_image_owned_by_another_program_is_read(desktop: VirtualDesktop) -> None:
    data = png_bytes((7, 3))
    desktop.set_clipboard(data, "image/png")
    image = XclipClipboard(desktop.env).read_image()
    assert image.mime == "image/png"
    assert image.data == data


def test_text_on_the_clipboard_is_reported_as_text(desktop: VirtualDesktop) -> None:
    desktop.set_clipboard(b"just words")
    with pytest.raises(NoImageError, match="holds text, not an image"):
        XclipClipboard(desktop.env).read_image()


def test_fits_only_with_a_display_and_is_installed_here(desktop: VirtualDesktop) -> None:
    assert XclipClipboard(desktop.env).fits_this_system()
    assert XclipClipboard(desktop.env).is_installed()
    assert not XclipClipboard({"PATH": desktop.env["PATH"]}).fits_this_system()


def test_each_copy_owns_the_clipboard_when_write_png_returns(desktop: VirtualDesktop) -> None:
    """xclip's parent exits before its child owns the selection: ``write_png`` returns only once it does.

    Unwatched, a paste right after a copy could reach the previous owner (seen once in eight runs of
    test_delivery): here the owner is read on an open connection the moment each copy returns.
    """
    clipboard = XclipClipboard(desktop.env)
    conn = display.Display(desktop.display)
    try:
        atom = conn.intern_atom("CLIPBOARD")
        owners = []
        for n in range(20):
            before = conn.get_selection_owner(atom)
            clipboard.write_png(png_bytes((64 + n, 48)))
            owners.append(conn.get_selection_owner(atom) != before)
    finally:
        conn.close()
    assert owners == [True] * 20
