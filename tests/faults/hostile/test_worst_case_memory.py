"""Issue 16's worst answers, measured: peak resident memory and wall time of ``main.py edit`` for each.

Before this branch a 2,650-byte gzip-of-gzip reached 3.1 GiB and twelve 8880x8880 PNGs 3.9 GiB. Each
answer here is refused (or, for one huge PNG without ``n``, delivered) within a bound on memory over
the same command failing on a small answer, and within a bound on time. The readings are printed
(``pytest -s``) and recorded in docs/faults.md.
"""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.faults.harness import MAIN, Scene, config_text, peak_rss_kib
from tests.faults.hostile import stand_ins as hostile
from tests.providers.loopback import LoopbackServer, Reply
from tests.virtual_desktop import VirtualDesktop

pytestmark = pytest.mark.desktop


def measured(scene: Scene, reply: Reply, *args: str) -> tuple[float, float, int, str]:
    """(peak RSS MiB, seconds, exit code, stderr) of one ``main.py edit --copy`` answered by ``reply``."""
    with ExitStack() as stack:
        server = stack.enter_context(LoopbackServer([reply]))
        config = scene.config(config_text("openai", server.url + "/v1", timeout=60))
        argv = [sys.executable, str(MAIN), "--config", str(config), "edit", str(scene.input), "--provider", "openai",
                "--prompt", "p", "--output", str(scene.output), "--copy", *args]  # fmt: skip
        started = time.monotonic()
        with (
            subprocess.Popen(
                argv, cwd=scene.work, env=scene.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            ) as process,
            peak_rss_kib(process) as readings,
        ):
            _out, err = process.communicate(timeout=120)
        seconds = time.monotonic() - started
    return max(readings, default=0) / 1024, seconds, process.returncode, err


def encoded(encoding: str, body: bytes) -> Reply:
    return Reply(body=body, headers={**hostile.JSON, "content-encoding": encoding})


# name -> (answer, extra arguments, exit code, words, MiB over the baseline, seconds)
WORST = {
    "gzip-of-gzip (679 B, 300 MB inside)": (encoded("gzip, gzip", hostile.gzip_of_gzip()), (), 1,
                                            "encoding this app does not read", 30, 20),
    # One layer is unpacked up to the 100 MB answer limit (ADR 009), so the answer itself may cost that.
    "gzip bomb, one layer (300 KB -> 300 MB)": (encoded("gzip", hostile.gzip_bomb()), (), 1,
                                                "more than 100 MB", 140, 25),
    "deflate bomb (300 KB -> 300 MB)": (encoded("deflate", hostile.deflate_bomb()), (), 1,
                                        "more than 100 MB", 140, 25),
    "twelve 8880x8880 PNGs, n=10": (hostile.b64_answer(*[hostile.huge_png()] * 12), ("--option", "n=10"), 1,
                                    "million one job may hold", 40, 20),
    "3,000 tiny PNGs without n": (hostile.b64_answer(*[hostile.tiny_png()] * 3000), (), 0, "1 was asked for", 60, 20),
    "one 8880x8880 PNG without n (delivered)": (hostile.b64_answer(*[hostile.huge_png()] * 12), (), 0,
                                                "1 was asked for", 300, 40),
}  # fmt: skip


def test_the_worst_answers_stay_within_memory_and_time_bounds(tmp_path: Path, desktop: VirtualDesktop) -> None:
    baseline, base_seconds, _, _ = measured(Scene(tmp_path / "baseline", desktop), Reply.json({"data": []}))
    report = [f"baseline (empty answer): {baseline:.1f} MiB, {base_seconds:.2f} s"]
    for number, (name, (reply, args, code, words, extra_mib, limit_s)) in enumerate(WORST.items()):
        scene = Scene(tmp_path / f"case-{number}", desktop)
        peak, seconds, returned, err = measured(scene, reply, *args)
        report.append(f"{name}: {peak:.1f} MiB (+{peak - baseline:.1f}), {seconds:.2f} s, exit {returned}")
        assert returned == code, err
        assert words in err, err
        assert "Traceback" not in err
        assert peak - baseline < extra_mib, report
        assert seconds < limit_s, report
        if code == 1:
            assert scene.unchanged() == []
    print("\n".join(report))  # noqa: T201 - the numbers docs/faults.md records
