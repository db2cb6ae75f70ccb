"""Which app the bench measures: this working tree, another checkout, or one commit exported clean.

A full run writes the table into the docs, so it says what it measured: a commit (exported with
``git archive`` into a temporary folder, free of anyone's uncommitted edits) or a working tree
(its HEAD, and whether files differ from it).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AppSource:
    path: Path
    description: str


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=30, check=False)
    return result.stdout.strip() if result.returncode == 0 else ""


def describe_tree(path: Path) -> str:
    head = _git(path, "rev-parse", "--short", "HEAD")
    if not head:
        return f"checkout {path} (not a git work tree)"
    changed = _git(path, "status", "--porcelain", "--untracked-files=no")
    return f"working tree at {head}" + (" with uncommitted changes" if changed else "")


@contextlib.contextmanager
def app_source(repo: Path, app: Path | None, commit: str | None) -> Iterator[AppSource]:
    if commit is None:
        path = (app or repo).resolve()
        yield AppSource(path, describe_tree(path))
        return
    full = _git(repo, "rev-parse", "--verify", f"{commit}^{{commit}}")
    if not full:
        raise SystemExit(f"bench: '{commit}' is not a commit of {repo}")
    folder = Path(tempfile.mkdtemp(prefix="aiis-bench-app-"))
    try:
        archive = subprocess.Popen(["git", "-C", str(repo), "archive", full], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(folder)], stdin=archive.stdout, check=True, timeout=120)
        if archive.wait(timeout=60) != 0:
            raise SystemExit(f"bench: git archive {commit} failed")
        yield AppSource(folder, f"commit {full[:10]} (exported clean)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
