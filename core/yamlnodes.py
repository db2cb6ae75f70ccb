"""YAML read with line numbers, so every config message can point at its line.

PyYAML's composer keeps a mark on every node; plain ``safe_load`` throws them away. Here the node
tree is turned into plain values plus a map from each value's path to its 1-based line.

The tree is bounded (issue 16, ADR 024): a 470-byte file of nested aliases ("billion laughs")
expanded to 1.7 GB here, and 5,000 opening brackets ran the composer out of Python stack. Nesting
is counted while composing, and every value is counted while converting, aliases included, so
neither can grow past a few thousand of anything before the file is refused in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

Path_ = tuple[str | int, ...]
# The settings file nests 4 deep and holds about 150 values; these leave room for any real file.
MAX_DEPTH = 32
MAX_VALUES = 10_000


@dataclass
class LocatedDocument:
    """The plain value of a YAML document and where each of its parts stands."""

    value: object
    value_lines: dict[Path_, int] = field(default_factory=dict)
    key_lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """The line of the value at ``path``, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while probe:
            if probe in self.value_lines:
                return self.value_lines[probe]
            probe = probe[:-1]
        return self.value_lines.get((), None)

    def key_line_of(self, path: Path_) -> int | None:
        return self.key_lines.get(tuple(path)) or self.line_of(path)


class YamlSyntaxError(ValueError):
    """The text is not YAML; ``line`` is 1-based where the parser knew it."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _plain_problem(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or str(error)
    if "\\t" in problem or "tab" in problem:
        return "a tab character is used for indentation; YAML needs spaces"
    return f"this is not valid YAML ({problem})"


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's composer recurses once per nesting level; refuse before Python's stack runs out."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise YamlSyntaxError(f"values are nested more than {MAX_DEPTH} levels deep", mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def load_located(text: str) -> LocatedDocument:
    """Parse ``text`` into plain values with line numbers, or raise ``YamlSyntaxError``."""
    try:
        # The reader checks every character as it is built: a control character fails here (issue 6).
        loader = _BoundedLoader(text)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise YamlSyntaxError(
            f"this is not valid YAML (it holds the control character #x{error.character:02x})", line
        ) from None
    try:
        node = loader.get_single_node()
        document = LocatedDocument(None)
        if node is not None:
            document.value = _Converter(loader, document).convert(node, ())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise YamlSyntaxError(_plain_problem(error), mark.line + 1 if mark else None) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(f"this is not valid YAML ({error})", None) from None
    finally:
        loader.dispose()
    return document


class _Converter:
    """Nodes to plain values; an alias is walked again each time it is used, so it is counted each time."""

    def __init__(self, loader: yaml.SafeLoader, doc: LocatedDocument) -> None:
        self.loader = loader
        self.doc = doc
        self.count = 0

    def convert(self, node: yaml.Node, path: Path_) -> object:
        self.count += 1
        line = node.start_mark.line + 1
        if self.count > MAX_VALUES:
            raise YamlSyntaxError(
                f"this file holds more than {MAX_VALUES} values (YAML aliases, '*name', count once for each "
                "use), far more than any settings file; it was not read further",
                line,
            )
        if len(path) > MAX_DEPTH:
            # Aliases inside anchored values can nest deeper than the text does, or refer to themselves.
            raise YamlSyntaxError(f"values are nested more than {MAX_DEPTH} levels deep (through YAML aliases)", line)
        self.doc.value_lines[path] = line
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, index)) for index, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, object]:
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlSyntaxError("a key must be a name, not a list or a mapping", line)
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise YamlSyntaxError(f"the key {key!r} must be a name", line)
            if key in result:
                raise YamlSyntaxError(f"the key '{key}' is given twice", line)
            self.doc.key_lines[(*path, key)] = line
            result[key] = self.convert(value_node, (*path, key))
        return result
