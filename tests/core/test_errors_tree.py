"""The error tree in core/errors.py's docstring is the real one, and nothing raises the bare base (issue 12)."""

from __future__ import annotations

import ast
import inspect
import re

from core import errors
from tests.app_code import REPO, app_files


def documented_tree() -> dict[str, str | None]:
    """Class name -> parent name, read from the docstring's drawing (depth from the column of the name)."""
    doc = errors.__doc__ or ""
    parents: dict[str, str | None] = {}
    stack: list[tuple[int, str]] = []
    for line in doc.splitlines():
        match = re.match(r"^([ │├└─]*)([A-Z]\w*Error)\b", line)
        if match is None:
            continue
        depth, name = len(match.group(1)), match.group(2)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parents[name] = stack[-1][1] if stack else None
        stack.append((depth, name))
    return parents


def real_tree() -> dict[str, str | None]:
    classes = {
        name: cls
        for name, cls in vars(errors).items()
        if inspect.isclass(cls) and issubclass(cls, errors.AppError) and cls.__module__ == errors.__name__
    }
    return {
        name: None
        if cls is errors.AppError
        else next(b.__name__ for b in cls.__bases__ if issubclass(b, errors.AppError))
        for name, cls in classes.items()
    }


def test_the_docstring_draws_exactly_the_classes_and_parents_there_are() -> None:
    drawn, real = documented_tree(), real_tree()
    assert len(drawn) > 30  # the drawing was read at all
    assert drawn == real


def test_no_app_code_raises_the_bare_base_class() -> None:
    found = []
    for path in app_files(with_main=False):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                if isinstance(func, ast.Name) and func.id == "AppError":
                    found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert found == [], "raise a subclass that names the failure:\n" + "\n".join(found)
