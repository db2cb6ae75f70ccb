"""Paint latency at 4K (issue 13): from a pointer move to the stroke's new end on the screen.

``python -m bench.paint_latency [--width 3840 --height 2160 --moves 60]`` starts the tray on its
own Xvfb, selects most of the screen, turns on a tool (``A`` markup, or ``B`` brush) and, with the
button held, moves the pointer one step at a time through XTEST. Each step is timed from the move
until GetImage (bench.xprobe, sub-millisecond polling) shows the tool's colour at the new point:
Tk has taken the motion event, drawn the segment and the X server has put it on the screen.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from PIL import Image

from bench import ourapp, xprobe
from bench.session import say, settle
from bench.xserver import bench_desktop

GREY = (100, 100, 100)
COLOURS = {"a": (255, 32, 96), "b": (255, 59, 107)}
# Longer than the round cap reaches ahead (the 24 px brush: 12 px), or the new end is painted already.
STEPS = {"a": 12, "b": 32}


def _wait(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return True
        time.sleep(0.0005)
    return False


def measure(width: int, height: int, moves: int, tool: str, before: int = 0) -> list[float]:
    with bench_desktop(width, height) as desktop:
        conn = xprobe.connect(desktop.display)
        xprobe.set_root_picture(conn, Image.new("RGB", (width, height), GREY))
        launch = ourapp.tray_launch(desktop, ourapp.write_settings(desktop, "http://127.0.0.1:9"))
        desktop.spawn(*launch.argv, extra_env=launch.env)
        pointer = xprobe.Pointer(conn)
        probe = (width // 10, height // 10)

        def dimmed() -> bool:
            return xprobe.pixel(conn, *probe) != GREY

        for _ in range(60):  # the tray needs a few seconds to start and take its hotkeys
            desktop.run("xdotool", "key", ourapp.CAPTURE_HOTKEY)
            if _wait(dimmed, 2):
                break
        else:
            raise SystemExit("the selector never showed")
        settle(0.5)
        pointer.drag((50, 50), (width - 50, height - 50))
        settle(0.3)
        pointer.key(tool)
        settle(0.3)
        for number in range(before):
            # Strokes already there: each is one more canvas item Tk looks at on every redraw.
            row = 100 + (number * 37) % (height // 2 - 300)  # above the timed stroke's row
            pointer.drag((width // 3, row), (width - 200, row + 40), steps=40, pause=0.004)
        settle(0.3)
        y = height // 2
        x = width // 10
        pointer.move(x, y)
        pointer.button(press=True)
        settle(0.2)
        colour = COLOURS[tool]
        seen: list[float] = []
        for _ in range(moves):
            x += STEPS[tool]
            target = (x, y)

            def painted(at: tuple[int, int] = target) -> bool:
                # The brush's tint is stippled: one of a 2x2 block shows it.
                raw = conn.screen().root.get_image(at[0], at[1], 2, 2, 2, 0xFFFFFFFF).data
                return any((raw[i + 2], raw[i + 1], raw[i]) == colour for i in range(0, len(raw), 4))

            if painted():
                continue  # already that colour: the sample would time nothing
            start = time.perf_counter()
            pointer.move(*target)
            if _wait(painted, 2):
                seen.append((time.perf_counter() - start) * 1000)
            time.sleep(0.016)  # a hand moves at about one step per frame
        pointer.button(press=False)
        pointer.key("Escape")
        return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--width", type=int, default=3840)
    parser.add_argument("--height", type=int, default=2160)
    parser.add_argument("--moves", type=int, default=60)
    parser.add_argument("--tool", choices=("a", "b"), default="a")
    parser.add_argument("--before", type=int, default=0, help="strokes painted before the timed one")
    args = parser.parse_args()
    seen = measure(args.width, args.height, args.moves, args.tool, args.before)
    if not seen:
        raise SystemExit("no step was seen painted")
    ordered = sorted(seen)
    say(
        f"paint latency {args.width}x{args.height} tool {args.tool}, {args.before} strokes before: "
        f"{len(seen)}/{args.moves} steps seen, "
        f"median {statistics.median(seen):.1f} ms, p90 {ordered[int(len(ordered) * 0.9) - 1]:.1f} ms, "
        f"max {ordered[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
