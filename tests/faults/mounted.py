"""Run inside ``unshare -m``: a small tmpfs as the output folder (full or read-only), then ``main.py``.

Usage: ``python -m tests.faults.mounted FOLDER full|readonly -- main.py ARGS...``. Prints one JSON
line: the exit code, stderr, the folder's listing and the pre-existing file's bytes, read before the
private mount namespace (and the tmpfs with it) goes away.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXISTING = b"the previous result, which a failed save must leave byte for byte"


def main(argv: list[str]) -> int:
    folder, kind, _dash, *command = argv
    target = Path(folder)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(target)], check=True)
    (target / "out.png").write_bytes(EXISTING)
    if kind == "readonly":
        subprocess.run(["mount", "-o", "remount,ro", str(target)], check=True)
    done = subprocess.run([sys.executable, *command], capture_output=True, text=True, timeout=60, check=False)
    report = {
        "code": done.returncode,
        "stderr": done.stderr,
        "listing": sorted(path.name for path in target.iterdir()),
        "intact": (target / "out.png").read_bytes() == EXISTING,
    }
    print(json.dumps(report))  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
