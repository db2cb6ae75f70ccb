"""macOS clipboard through NSPasteboard, reached with a JavaScript for Automation script in osascript.

``pbcopy``/``pbpaste`` carry text only, and PyObjC would be a large new dependency, so the image
goes through ``osascript -l JavaScript``, whose Objective-C bridge (``ObjC.import('AppKit')``)
calls NSPasteboard directly. The image bytes travel on the script's stdin and stdout: nothing is
written to a temporary file and nothing sensitive appears on a command line. We declare PNG
("public.png") and TIFF ("public.tiff", made by NSImage from the PNG, alpha kept), because some
Mac programs still paste only TIFF. Reading takes PNG first, then TIFF, and hands on PNG bytes.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from collections.abc import Mapping
from types import MappingProxyType

from PIL import Image

from core.errors import ClipboardError, NoImageError
from desktop.child_env import helper_env
from desktop.clipboard.base import ClipboardImage

TIMEOUT = 10.0

WRITE_SCRIPT = """
ObjC.import('AppKit');
const data = $.NSFileHandle.fileHandleWithStandardInput.readDataToEndOfFile;
const image = $.NSImage.alloc.initWithData(data);
if (image.isNil()) { throw new Error('not an image'); }
const board = $.NSPasteboard.generalPasteboard;
// declareTypes:owner: clears the board too; setData:forType: needs the types declared first (Apple docs).
board.declareTypesOwner($(['public.png', 'public.tiff']), null);
if (!board.setDataForType(data, 'public.png')) { throw new Error('PNG refused'); }
board.setDataForType(image.TIFFRepresentation, 'public.tiff');
undefined;
"""

# The kind found is reported on stderr (console.log goes there in osascript), the bytes on stdout.
READ_SCRIPT = """
ObjC.import('AppKit');
const board = $.NSPasteboard.generalPasteboard;
const out = $.NSFileHandle.fileHandleWithStandardOutput;
let kind = 'none';
for (const type of ['public.png', 'public.tiff']) {
  const data = board.dataForType(type);
  if (!data.isNil() && data.length > 0) { out.writeData(data); kind = type; break; }
}
if (kind === 'none') {
  const types = ObjC.deepUnwrap(board.types) || [];
  if (types.includes('public.file-url')) { kind = 'file'; }
  else if (types.includes('public.utf8-plain-text')) { kind = 'text'; }
  else if (types.length === 0) { kind = 'empty'; }
}
console.log('kind:' + kind);
undefined;
"""

NO_IMAGE = MappingProxyType(
    {
        "empty": "The clipboard is empty: copy an image first.",
        "text": "The clipboard holds text, not an image: copy an image first.",
        "file": "The clipboard holds a file, not an image: open it in Preview and copy the image itself.",
        "none": "The clipboard holds no image in a format we can read (PNG or TIFF).",
    }
)


def osascript_command() -> list[str]:
    """The script follows -e and holds no data; the image travels on stdin and stdout."""
    return ["osascript", "-l", "JavaScript", "-e"]


def parse_read_result(stdout: bytes, stderr: bytes) -> ClipboardImage:
    kind = ""
    for line in stderr.decode(errors="replace").splitlines():
        if line.startswith("kind:"):
            kind = line.removeprefix("kind:").strip()
    if kind == "public.png" and stdout:
        # Cut after the IEND chunk (type + CRC) in case osascript printed a result after the bytes.
        end = stdout.rfind(b"IEND")
        return ClipboardImage(stdout[: end + 8] if end >= 0 else stdout, "image/png")
    if kind == "public.tiff" and stdout:
        try:
            with Image.open(io.BytesIO(stdout), formats=["TIFF"]) as image:
                buffer = io.BytesIO()
                image.save(buffer, "PNG")
        except (OSError, SyntaxError, ValueError) as error:
            raise NoImageError(f"The clipboard's TIFF image could not be read ({error}).") from None
        return ClipboardImage(buffer.getvalue(), "image/png")
    if kind in NO_IMAGE:
        raise NoImageError(NO_IMAGE[kind])
    message = stderr.decode(errors="replace").strip()
    raise ClipboardError(f"osascript could not read the clipboard: {message or 'no answer'}")


class MacClipboard:
    name = "macos"
    install_hint = "osascript is part of macOS; if it is missing, /usr/bin is not on PATH."

    def __init__(self, env: Mapping[str, str], platform: str = sys.platform) -> None:
        self._env = helper_env(env)
        self._platform = platform

    def fits_this_system(self) -> bool:
        return self._platform == "darwin"

    def is_installed(self) -> bool:
        return shutil.which("osascript", path=self._env.get("PATH")) is not None

    def _run(self, script: str, data: bytes) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(  # noqa: S603 - a fixed program and our own script
                [*osascript_command(), script],
                input=data,
                capture_output=True,
                env=self._env,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ClipboardError("osascript did not answer within 10 seconds.") from None

    def write_png(self, data: bytes) -> None:
        result = self._run(WRITE_SCRIPT, data)
        if result.returncode != 0:
            message = result.stderr.decode(errors="replace").strip()
            raise ClipboardError(
                f"osascript could not set the clipboard: {message or f'exit code {result.returncode}'}"
            )

    def read_image(self) -> ClipboardImage:
        result = self._run(READ_SCRIPT, b"")
        if result.returncode != 0:
            message = result.stderr.decode(errors="replace").strip()
            raise ClipboardError(
                f"osascript could not read the clipboard: {message or f'exit code {result.returncode}'}"
            )
        return parse_read_result(result.stdout, result.stderr)
