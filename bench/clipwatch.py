"""When the clipboard holds our PNG, seen the way a pasting program sees it.

XFixes tells us, as an event, the moment any client takes the CLIPBOARD selection. Then we ask the
new owner for TARGETS, as ``xclip -o -t TARGETS`` would, and for ``image/png`` (with the INCR
protocol for large answers), and check the PNG's size from its header. No polling: every wait is
``select`` on the X connection.
"""

from __future__ import annotations

import select
import struct
import time
from dataclasses import dataclass

from Xlib import X, display

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class ClipboardSighting:
    """Seconds from the trigger: owner changed, TARGETS offered image/png, the PNG fully read."""

    owner: float
    targets: float
    png: float
    size: tuple[int, int]


def png_size(data: bytes) -> tuple[int, int]:
    if not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


class ClipboardWatch:
    def __init__(self, conn: display.Display) -> None:
        self.conn = conn
        self.clipboard = conn.intern_atom("CLIPBOARD")
        self.targets_atom = conn.intern_atom("TARGETS")
        self.png_atom = conn.intern_atom("image/png")
        self.incr_atom = conn.intern_atom("INCR")
        self.prop = conn.intern_atom("AIIS_BENCH_CLIP")
        root = conn.screen().root
        self.window = root.create_window(0, 0, 1, 1, 0, X.CopyFromParent, X.InputOnly, event_mask=X.PropertyChangeMask)
        conn.xfixes_select_selection_input(self.window, self.clipboard, 1)  # SetSelectionOwnerNotifyMask
        conn.sync()
        self._owner_code = tuple(conn.extension_event.SetSelectionOwnerNotify)
        self.drain()

    def drain(self) -> None:
        while self.conn.pending_events():
            self.conn.next_event()

    def _next_event(self, deadline: float) -> object | None:
        while not self.conn.pending_events():
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            select.select([self.conn.fileno()], [], [], left)
        event: object = self.conn.next_event()
        return event

    def _wait_owner(self, deadline: float) -> bool:
        while (event := self._next_event(deadline)) is not None:
            if (getattr(event, "type", None), getattr(event, "sub_code", None)) == self._owner_code:
                return True
        return False

    def _convert(self, target: int, deadline: float) -> tuple[int, bytes] | None:
        """Ask the owner for ``target``; (type, bytes) or None when refused."""
        self.window.delete_property(self.prop)
        self.window.convert_selection(self.clipboard, target, self.prop, X.CurrentTime)
        self.conn.flush()
        while (event := self._next_event(deadline)) is not None:
            if getattr(event, "type", None) != X.SelectionNotify:
                continue
            if event.property == X.NONE:  # type: ignore[attr-defined]
                return None
            reply = self.window.get_property(self.prop, X.AnyPropertyType, 0, 1 << 26, True)
            if reply is None:
                return None
            if reply.property_type == self.incr_atom:
                return reply.property_type, self._read_incr(deadline)
            return reply.property_type, _as_bytes(reply)
        raise TimeoutError("the clipboard owner did not answer")

    def _read_incr(self, deadline: float) -> bytes:
        chunks: list[bytes] = []
        while (event := self._next_event(deadline)) is not None:
            if getattr(event, "type", None) != X.PropertyNotify or event.state != X.PropertyNewValue:  # type: ignore[attr-defined]
                continue
            if event.atom != self.prop:  # type: ignore[attr-defined]
                continue
            reply = self.window.get_property(self.prop, X.AnyPropertyType, 0, 1 << 26, True)
            chunk = _as_bytes(reply) if reply is not None else b""
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
        raise TimeoutError("the clipboard owner stopped sending its INCR answer")

    def targets(self, deadline: float) -> list[str]:
        answer = self._convert(self.targets_atom, deadline)
        if answer is None:
            return []
        atoms = struct.unpack(f"={len(answer[1]) // 4}I", answer[1])
        return [self.conn.get_atom_name(atom) for atom in atoms]

    def wait_png(self, start: float, timeout: float = 10) -> ClipboardSighting:
        """Call ``drain`` before the trigger; then this waits for a new owner serving a PNG."""
        deadline = start + timeout
        if not self._wait_owner(deadline):
            raise TimeoutError("nobody took the clipboard")
        owner = time.perf_counter() - start
        while "image/png" not in self.targets(deadline):
            # A new owner may take the selection a moment before it can answer; ask again.
            if time.perf_counter() > deadline:
                raise TimeoutError("the clipboard never offered image/png")
            time.sleep(0.0005)
        targets = time.perf_counter() - start
        answer = self._convert(self.png_atom, deadline)
        png = time.perf_counter() - start
        if answer is None:
            raise TimeoutError("the clipboard offered image/png but did not give it")
        return ClipboardSighting(owner, targets, png, png_size(answer[1]))


def _as_bytes(reply: object) -> bytes:
    value = reply.value  # type: ignore[attr-defined]
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    fmt = reply.format  # type: ignore[attr-defined]
    code = {8: "B", 16: "H", 32: "I"}[fmt]
    return struct.pack(f"={len(value)}{code}", *value)
