"""Windows clipboard through user32 with ctypes: PNG for transparency, plus DIBs for everyone else.

Written: the registered "PNG" format first (what browsers, Office, GIMP and Paint.NET prefer, and
the only one whose alpha every reader agrees on), then CF_DIBV5 (32-bit with an alpha mask), then
CF_DIB (24-bit on white) for programs that only know bitmaps. Setting both DIBs ourselves stops
Windows from synthesizing one from the other. CF_BITMAP is neither written nor read: Windows
synthesizes it from the DIBs, and reading DIBs covers programs that put only a CF_BITMAP there.
Read: "PNG" (or "image/png"), then CF_DIBV5, then CF_DIB, always handed on as PNG bytes.

The clipboard is opened with a message-only window of ours: with a NULL window EmptyClipboard
leaves no owner, and then SetClipboardData fails (OpenClipboard, Microsoft Learn). The data is
not delay-rendered, so it stays pasteable after that window and the app are gone.
"""

from __future__ import annotations

import io
import logging
import sys
import time
from collections.abc import Sequence

from PIL import Image

from core.errors import ClipboardError, NoImageError
from desktop.clipboard.base import ClipboardImage
from desktop.clipboard.dib import dib_from_image, dibv5_from_image, image_from_dib, png_from_image

log = logging.getLogger(__name__)

CF_UNICODETEXT = 13
CF_HDROP = 15
CF_DIB = 8
CF_DIBV5 = 17
PNG_FORMAT_NAMES = ("PNG", "image/png")
OPEN_ATTEMPTS = 20
OPEN_RETRY_SECONDS = 0.025

Format = int | str  # a standard format number, or the name of a registered format


def payloads(png: bytes) -> list[tuple[Format, bytes]]:
    """What ``write_png`` puts on the clipboard, in the order readers should prefer it."""
    try:
        with Image.open(io.BytesIO(png), formats=["PNG"]) as image:
            image.load()
            return [("PNG", png), (CF_DIBV5, dibv5_from_image(image)), (CF_DIB, dib_from_image(image))]
    except (OSError, SyntaxError, ValueError) as error:
        raise ClipboardError(f"The result is not a PNG image ({error}).") from None


def image_from_clipboard_data(kind: Format, data: bytes) -> ClipboardImage:
    """PNG bytes for what one clipboard format held."""
    if kind in PNG_FORMAT_NAMES:
        return ClipboardImage(data, "image/png")
    return ClipboardImage(png_from_image(image_from_dib(data)), "image/png")


def no_image_reason(available: Sequence[int]) -> str:
    if not available:
        return "The clipboard is empty: copy an image first."
    if CF_HDROP in available:
        return "The clipboard holds a file, not an image: open the file in a viewer and copy the image itself."
    if CF_UNICODETEXT in available:
        return "The clipboard holds text, not an image: copy an image first."
    return "The clipboard holds no image in a format we can read (PNG or bitmap)."


class WindowsClipboard:
    name = "windows"
    install_hint = "The Windows clipboard needs no extra software; this message means user32.dll could not be loaded."

    def __init__(self, platform: str = sys.platform) -> None:
        self._platform = platform

    def fits_this_system(self) -> bool:
        return self._platform == "win32"

    def is_installed(self) -> bool:
        return self.fits_this_system()

    def write_png(self, data: bytes) -> None:
        _set_clipboard(payloads(data))

    def read_image(self) -> ClipboardImage:
        found = _get_clipboard((*PNG_FORMAT_NAMES, CF_DIBV5, CF_DIB))
        if isinstance(found, list):
            raise NoImageError(no_image_reason(found))
        kind, data = found
        return image_from_clipboard_data(kind, data)


if sys.platform == "win32":
    import ctypes
    from ctypes import wintypes

    GMEM_MOVEABLE = 0x0002
    HWND_MESSAGE = wintypes.HWND(-3)

    def _api() -> tuple[ctypes.WinDLL, ctypes.WinDLL]:
        """user32 and kernel32 with their signatures declared; without them handles are cut to 32 bits."""
        user32 = ctypes.WinDLL("user32", use_last_error=True)
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        signatures = {
            (user32, "OpenClipboard"): ([wintypes.HWND], wintypes.BOOL),
            (user32, "CloseClipboard"): ([], wintypes.BOOL),
            (user32, "EmptyClipboard"): ([], wintypes.BOOL),
            (user32, "SetClipboardData"): ([wintypes.UINT, wintypes.HANDLE], wintypes.HANDLE),
            (user32, "GetClipboardData"): ([wintypes.UINT], wintypes.HANDLE),
            (user32, "IsClipboardFormatAvailable"): ([wintypes.UINT], wintypes.BOOL),
            (user32, "EnumClipboardFormats"): ([wintypes.UINT], wintypes.UINT),
            (user32, "RegisterClipboardFormatW"): ([wintypes.LPCWSTR], wintypes.UINT),
            (user32, "CreateWindowExW"): (
                [wintypes.DWORD, wintypes.LPCWSTR, wintypes.LPCWSTR, wintypes.DWORD]
                + [ctypes.c_int] * 4
                + [wintypes.HWND, wintypes.HMENU, wintypes.HINSTANCE, wintypes.LPVOID],
                wintypes.HWND,
            ),
            (user32, "DestroyWindow"): ([wintypes.HWND], wintypes.BOOL),
            (kernel32, "GlobalAlloc"): ([wintypes.UINT, ctypes.c_size_t], wintypes.HGLOBAL),
            (kernel32, "GlobalLock"): ([wintypes.HGLOBAL], wintypes.LPVOID),
            (kernel32, "GlobalUnlock"): ([wintypes.HGLOBAL], wintypes.BOOL),
            (kernel32, "GlobalSize"): ([wintypes.HGLOBAL], ctypes.c_size_t),
            (kernel32, "GlobalFree"): ([wintypes.HGLOBAL], wintypes.HGLOBAL),
        }
        for (library, name), (argtypes, restype) in signatures.items():
            function = getattr(library, name)
            function.argtypes = argtypes
            function.restype = restype
        return user32, kernel32

    def _format_id(user32: ctypes.WinDLL, kind: Format) -> int:
        return int(user32.RegisterClipboardFormatW(kind)) if isinstance(kind, str) else kind

    def _open(user32: ctypes.WinDLL, window: int | None) -> None:
        # Another program (often a clipboard manager) may hold it open for a moment.
        for _attempt in range(OPEN_ATTEMPTS):
            if user32.OpenClipboard(window):
                return
            time.sleep(OPEN_RETRY_SECONDS)
        raise ClipboardError(f"Another program keeps the clipboard open (error {ctypes.get_last_error()}). Try again.")

    def _set_clipboard(items: list[tuple[Format, bytes]]) -> None:
        user32, kernel32 = _api()
        window = user32.CreateWindowExW(0, "STATIC", None, 0, 0, 0, 0, 0, HWND_MESSAGE, None, None, None)
        if not window:
            raise ClipboardError(f"Could not create a window to own the clipboard (error {ctypes.get_last_error()}).")
        try:
            _open(user32, window)
            try:
                if not user32.EmptyClipboard():
                    raise ClipboardError(f"Could not empty the clipboard (error {ctypes.get_last_error()}).")
                for kind, payload in items:
                    _put(user32, kernel32, _format_id(user32, kind), payload)
            finally:
                user32.CloseClipboard()
        finally:
            user32.DestroyWindow(window)

    def _put(user32: ctypes.WinDLL, kernel32: ctypes.WinDLL, format_id: int, payload: bytes) -> None:
        handle = kernel32.GlobalAlloc(GMEM_MOVEABLE, len(payload))
        if not handle:
            raise ClipboardError("Out of memory while copying the image.")
        pointer = kernel32.GlobalLock(handle)
        if not pointer:
            kernel32.GlobalFree(handle)
            raise ClipboardError("Out of memory while copying the image.")
        ctypes.memmove(pointer, payload, len(payload))
        kernel32.GlobalUnlock(handle)
        # On success the system owns the memory; on failure it is still ours to free.
        if not user32.SetClipboardData(format_id, handle):
            kernel32.GlobalFree(handle)
            raise ClipboardError(f"Windows refused the clipboard data (error {ctypes.get_last_error()}).")

    def _get_clipboard(wanted: Sequence[Format]) -> tuple[Format, bytes] | list[int]:
        """The first wanted format's bytes, or every format number present when none is wanted."""
        user32, kernel32 = _api()
        _open(user32, None)
        try:
            for kind in wanted:
                format_id = _format_id(user32, kind)
                if format_id and user32.IsClipboardFormatAvailable(format_id):
                    data = _read(user32, kernel32, format_id)
                    if data:
                        return kind, data
            available: list[int] = []
            format_id = user32.EnumClipboardFormats(0)
            while format_id:
                available.append(int(format_id))
                format_id = user32.EnumClipboardFormats(format_id)
            return available
        finally:
            user32.CloseClipboard()

    def _read(user32: ctypes.WinDLL, kernel32: ctypes.WinDLL, format_id: int) -> bytes:
        handle = user32.GetClipboardData(format_id)
        if not handle:
            return b""
        pointer = kernel32.GlobalLock(handle)
        if not pointer:
            return b""
        try:
            return ctypes.string_at(pointer, kernel32.GlobalSize(handle))
        finally:
            kernel32.GlobalUnlock(handle)

else:

    def _set_clipboard(items: list[tuple[Format, bytes]]) -> None:
        raise ClipboardError("The Windows clipboard is only there on Windows.")

    def _get_clipboard(wanted: Sequence[Format]) -> tuple[Format, bytes] | list[int]:
        raise ClipboardError("The Windows clipboard is only there on Windows.")
