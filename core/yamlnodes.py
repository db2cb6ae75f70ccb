"""YAML read with line numbers, so every config message can point at its line.

PyYAML's composer keeps a mark on every node; plain ``safe_load`` throws them away. Here the node
tree is turned into plain values plus a map from each value's path to its 1-based line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

Path_ = tuple[str | int, ...]


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


def load_located(text: str) -> LocatedDocument:
    """Parse ``text`` into plain values with line numbers, or raise ``YamlSyntaxError``."""
    try:
        # The reader checks every character as it is built: a control character fails here (issue 6).
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise YamlSyntaxError(
            f"this is not valid YAML (it holds the control character #x{error.character:02x})", line
        ) from None
    try:
        node = loader.get_single_node()
        document = LocatedDocument(None)
        if node is not None:
            document.value = _convert(loader, node, (), document)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise YamlSyntaxError(_plain_problem(error), mark.line + 1 if mark else None) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(f"this is not valid YAML ({error})", None) from None
    finally:
        loader.dispose()
    return document


def _convert(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, doc: LocatedDocument) -> object:
    doc.value_lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise YamlSyntaxError(f"the key {key!r} must be a name", line)
            if key in result:
                raise YamlSyntaxError(f"the key '{key}' is given twice", line)
            doc.key_lines[(*path, key)] = line
            result[key] = _convert(loader, value_node, (*path, key), doc)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(loader, item, (*path, index), doc) for index, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
