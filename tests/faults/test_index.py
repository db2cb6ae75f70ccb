"""docs/faults.md is the index of issue 6: every case has a row, and every test a row names exists.

The cases are the issue's list, word for word where it can be; a row may name several tests (the
fault suite's outcome test and the provider test that proves the mechanism). Test ids are checked
against what pytest itself collects, so a renamed or deleted test fails here.
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.faults.harness import REPO

INDEX = REPO / "docs" / "faults.md"
ISSUE_CASES = [
    "provider 400", "provider 401", "provider 402", "provider 403", "provider 404", "provider 413",
    "provider 422", "provider 429 with Retry-After", "provider 429 without Retry-After",
    "provider 500 then success", "provider 503 twice then give up", "connection refused", "reset mid-upload",
    "accepts and never answers (timeout)", "trickles bytes forever (total timeout)", "truncated body",
    "invalid JSON", "JSON of the wrong shape", "empty image list", "base64 that is not an image",
    "image header claiming 60000x60000 (decompression bomb)", "a 200 MB answer", "Ideogram URL that has expired",
    "redirect to another host (key must not follow)", "Google 200 with no image part",
    "clipboard empty", "clipboard holding text", "clipboard holding a corrupt PNG", "a 1x1 selection",
    "a 0x0 selection", "a capture of 7680x4320", "input file that is not an image", "input file of 10000x10000",
    "config that is not YAML", "config with a tab", "config with unknown keys", "config with a bad hotkey",
    "config with base_url over plain http to a remote host", "a broken config: the tray starts anyway on defaults",
    "output folder that does not exist", "output folder that is not writable", "disk full while saving",
    "the hotkey pressed 20 times in a second", "two jobs at once", "Cancel during upload", "Cancel during download",
    "Quit during a job", "tray killed with SIGKILL mid-job and started again",
    "no key in anything the app writes", "hand-off channel refuses another user",
    "hand-off channel refuses garbage input", "property: config parsing", "property: hotkey parsing",
    "property: fitting maths", "property: response parsing", "memory: 200 jobs in one process",
]  # fmt: skip
RESULTS = ("pass", "fixed", "reported")
ROW = re.compile(r"^\| (?P<case>[^|]+?) \| (?P<result>[^|]+?) \| (?P<tests>.+) \|$")


def rows() -> dict[str, tuple[str, list[str]]]:
    found = {}
    for line in INDEX.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match and match["case"] not in {"Case", "---", "run"} and "`tests/" in match["tests"]:
            found[match["case"]] = (match["result"], re.findall(r"`(tests/[^`]+)`", match["tests"]))
    return found


def test_every_case_of_the_issue_has_a_row_with_a_result_and_tests() -> None:
    table = rows()
    assert [case for case in ISSUE_CASES if case not in table] == []
    for case, (result, tests) in table.items():
        assert result.split()[0] in RESULTS, f"{case}: result {result!r}"
        assert tests, f"{case}: no test named"
        assert any(test.startswith("tests/faults/") or "::" in test for test in tests)


def test_every_test_named_in_the_index_is_collected_by_pytest() -> None:
    named = {test for _result, tests in rows().values() for test in tests}
    files = sorted({test.split("::", 1)[0] for test in named})
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    ids = {line.strip() for line in collected.stdout.splitlines() if "::" in line}
    assert ids, collected.stdout + collected.stderr
    missing = [test for test in sorted(named) if test not in ids and not any(i.startswith(test + "[") for i in ids)]
    assert missing == []
