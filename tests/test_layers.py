"""The layers hold: no import runs up a layer or sideways, and no two modules import each other in a circle.

The order (docs/adr/025-layers.md, ../shared/STYLE.md): ``core`` knows no widget, no OS method and no
provider's wire format; ``providers`` and ``desktop`` use ``core`` only, and not each other;
``overlay`` uses ``core`` and ``desktop``; ``tray`` uses all of them; ``cli`` and ``main.py`` sit on top.
Imports are read with ``ast``, so a lazy import inside a function or under ``TYPE_CHECKING`` counts
as much as one at the top: each is a dependency someone reading the code has to follow.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.app_code import REPO, app_files

# What each layer may import besides itself.
ALLOWED = {
    "core": frozenset(),
    "providers": frozenset({"core"}),
    "desktop": frozenset({"core"}),
    "overlay": frozenset({"core", "desktop"}),
    "tray": frozenset({"core", "providers", "desktop", "overlay"}),
    "cli": frozenset({"core", "providers", "desktop", "overlay", "tray"}),
    "main": frozenset({"core", "providers", "desktop", "overlay", "tray", "cli"}),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> Iterator[tuple[str, Path]]:
    for path in app_files():
        yield ("main" if path.name == "main.py" and path.parent == REPO else _module_name(path)), path


def _imports(path: Path, module: str) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base
            # ``from pkg import module`` imports that module too.
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    modules = dict(_sources())
    graph: dict[str, set[str]] = {name: set() for name in modules}
    forbidden: dict[tuple[Path, int, str], str] = {}
    for module, path in modules.items():
        layer = module.split(".")[0]
        for line, target in _imports(path, module):
            if target in modules and target != module:
                graph[module].add(target)
            target_layer = target.split(".")[0]
            if target_layer not in ALLOWED or target_layer == layer:
                continue
            if target_layer not in ALLOWED[layer]:
                where = path.relative_to(REPO)
                # ``from a.b import c`` yields a.b and a.b.c: one message for the line.
                forbidden.setdefault(
                    (where, line, target_layer),
                    f"{where}:{line}: {layer} may not import {target_layer} (imports {target})",
                )
    return graph, list(forbidden.values())


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_runs_up_a_layer_or_sideways() -> None:
    forbidden = _graph()[1]
    assert not forbidden, "imports against the layers:\n" + "\n".join(forbidden)


def test_no_modules_import_each_other_in_a_circle() -> None:
    graph, _forbidden = _graph()
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(cycle) for cycle in cycles)


def test_the_checker_sees_a_forbidden_arrow_and_a_cycle() -> None:
    # GIVEN a made-up graph with a cycle, WHEN it is checked, THEN the cycle is named; and the real
    # tree is read at all (a checker that reads nothing passes every tree).
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    graph, _forbidden = _graph()
    assert len(graph) > 100
    assert "core.errors" in graph["core.config"] or any("core.errors" in targets for targets in graph.values())
