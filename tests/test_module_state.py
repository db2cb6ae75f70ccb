"""No module-level mutable state (../shared/STYLE.md, issue 12): constants are read-only.

A module-level ``dict``, ``list`` or ``set`` can be changed by anyone who imports it, and then it is
state shared by every test and every part of the app. Constants are tuples, frozensets or
``MappingProxyType``; anything that changes is built in ``main.py`` and passed in.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.app_code import REPO, app_files

MUTABLE_CALLS = frozenset({"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque"})


def _is_mutable(value: ast.expr) -> bool:
    if isinstance(value, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp):
        return True
    if isinstance(value, ast.BinOp):
        return _is_mutable(value.left) or _is_mutable(value.right)
    if isinstance(value, ast.Call):
        name = value.func.id if isinstance(value.func, ast.Name) else getattr(value.func, "attr", "")
        return name in MUTABLE_CALLS
    return False


def _mutable_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in tree.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        # ``__all__`` is read by tools, not by the app: a list there is the convention.
        if any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets):
            continue
        if value is not None and _is_mutable(value):
            found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def test_module_level_constants_are_read_only() -> None:
    found = [where for path in app_files() for where in _mutable_constants(path)]
    assert not found, "module-level dict/list/set (use a tuple, frozenset or MappingProxyType):\n" + "\n".join(found)


def test_the_check_sees_a_module_level_dict() -> None:
    sample = REPO / "tests" / "_sample_state.py"
    sample.write_text("TABLE = {'a': 1}\nITEMS = [1] * 3\nFINE = frozenset({1})\n", encoding="utf-8")
    try:
        assert _mutable_constants(sample) == ["tests/_sample_state.py:1", "tests/_sample_state.py:2"]
    finally:
        sample.unlink()
