"""Property tests: on any commented settings-like file, set_value changes exactly one value.

The documents are generated as text (block and flow mappings, comment lines, trailing comments)
by a writer independent of the code under test: scalars are written with ``json.dumps``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.yaml_edit import KeyPath, Scalar, set_value

# Words YAML 1.1 reads as booleans or null: never generated as plain keys.
RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
names = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(lambda name: name not in RESERVED)
doc_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.integers(-400, 400).map(lambda quarter: quarter / 4 + 0.5),
    # JSON's \uXXXX escapes are YAML escapes too, within the Basic Multilingual Plane.
    st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"]), max_size=12),
)
new_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
tree = st.recursive(
    doc_scalars,
    lambda children: st.dictionaries(names, children, min_size=1, max_size=4),
    max_leaves=12,
)


def scalar_text(value: Scalar) -> str:
    if isinstance(value, float):
        return repr(value)
    return json.dumps(value)


def flow_text(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {flow_text(item)}" for key, item in value.items()) + "}"
    return scalar_text(value)  # type: ignore[arg-type]


@dataclass
class Writer:
    """Writes a mapping as YAML text, choosing block or flow style and comments from ``draw``."""

    draw: st.DrawFn
    comments: list[str] = field(default_factory=list)

    def comment(self) -> str:
        marker = f"# c{len(self.comments)}"
        self.comments.append(marker)
        return marker

    def block(self, mapping: dict[str, object], indent: int) -> list[str]:
        lines: list[str] = []
        pad = " " * indent
        for key, value in mapping.items():
            if self.draw(st.booleans()):
                lines.append(pad + self.comment())
            trailing = f"  {self.comment()}" if self.draw(st.booleans()) else ""
            if isinstance(value, dict) and self.draw(st.booleans()):
                lines.append(f"{pad}{key}:{trailing}")
                lines += self.block(value, indent + self.draw(st.sampled_from([2, 4])))
            else:
                lines.append(f"{pad}{key}: {flow_text(value)}{trailing}")
        return lines


def leaf_paths(value: object, prefix: KeyPath = ()) -> list[KeyPath]:
    if isinstance(value, dict):
        return [path for key, item in value.items() for path in leaf_paths(item, (*prefix, key))]
    return [prefix]


def mapping_paths(value: object, prefix: KeyPath = ()) -> list[KeyPath]:
    if not isinstance(value, dict):
        return []
    return [prefix] + [path for key, item in value.items() for path in mapping_paths(item, (*prefix, key))]


def lookup(document: object, path: KeyPath) -> object:
    for part in path:
        document = document[part]  # type: ignore[index]
    return document


def same(left: object, right: object) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=1e-15) or left == right
    return left == right and type(left) is type(right)


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, dict[str, object], list[str], KeyPath, Scalar]:
    document: dict[str, object] = draw(st.dictionaries(names, tree, min_size=1, max_size=5))
    writer = Writer(draw)
    header = [writer.comment()] if draw(st.booleans()) else []
    footer = [writer.comment()] if draw(st.booleans()) else []
    start = draw(st.sampled_from(["", "---\n"]))
    ending = draw(st.sampled_from(["\n", "", "\n...\n"]))
    text = start + "\n".join(header + writer.block(document, 0) + footer) + ending
    if draw(st.booleans()):
        path = draw(st.sampled_from(leaf_paths(document)))
    else:
        parent = draw(st.sampled_from(mapping_paths(document)))
        group = lookup(document, parent)
        existing = set(group) if isinstance(group, dict) else set()
        new_keys = draw(st.lists(names.filter(lambda name: name not in existing), min_size=1, max_size=2))
        path = (*parent, *new_keys)
    value: Scalar = draw(new_values)
    return text, document, writer.comments, path, value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits())
def test_set_value_changes_only_that_value_and_keeps_every_comment(
    case: tuple[str, dict[str, object], list[str], KeyPath, Scalar],
) -> None:
    text, document, comments, path, value = case
    assert yaml.safe_load(text) == document  # the writer itself is sound

    edited = set_value(text, path, value)

    loaded = yaml.safe_load(edited)
    assert same(lookup(loaded, path), value)
    expected = json.loads(json.dumps(document))
    node = expected
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = lookup(loaded, path)
    assert loaded == expected
    for marker in comments:
        assert marker in edited.splitlines() or any(line.endswith(marker) for line in edited.splitlines())


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(names, doc_scalars, min_size=1, max_size=6), new_values)
def test_set_value_on_a_flow_mapping_line_keeps_it_one_line(mapping: dict[str, object], value: Scalar) -> None:
    text = "# top\ngroup: " + flow_text(mapping) + "  # trailing\nafter: 1\n"
    key = next(iter(mapping))

    edited = set_value(text, ("group", key), value)

    assert same(yaml.safe_load(edited)["group"][key], value)
    assert edited.count("\n") == text.count("\n")
    assert edited.startswith("# top\ngroup: {")
    assert edited.endswith("  # trailing\nafter: 1\n")
