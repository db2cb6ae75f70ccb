"""Change one value in the person's settings file and keep every comment and the layout.

A menu choice (provider, preset, output mode...) must not reformat a file the person wrote by
hand. PyYAML's composer gives each node the exact character span it came from; a value is
changed by replacing that span with a YAML rendering of the new scalar, and a missing key is
inserted as one line (block mappings) or as ``, key: value`` (flow mappings). The text is only
written if it parsed before and still gives exactly the expected values afterwards.

The file is read as ``config`` reads it (regular files only, bounded size, bounded YAML: issue 16),
and written where it really is: a symlinked settings file (dotfiles kept in a repository) stays a
link, its target is replaced, and the file keeps its permission bits.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import stat
from collections.abc import Sequence
from pathlib import Path

import yaml

from core.errors import ConfigError, OutputError
from core.output import write_file
from core.settings_file import read_settings_text
from core.yamlnodes import YamlSyntaxError, load_located

log = logging.getLogger(__name__)

Scalar = str | int | float | bool | None
KeyPath = tuple[str | int, ...]
_UNPARSABLE = object()
_LINE_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")


def render_scalar(value: Scalar) -> str:
    """``value`` as a one-line YAML scalar that is valid in block and in flow context."""
    if isinstance(value, str):
        dumped = _flow_dump(value, allow_unicode=True)
        if any(mark in dumped for mark in _LINE_BREAKS) or yaml.safe_load(f"[{dumped}]") != [value]:
            # Line breaks (also NEL and U+2028) would fold over lines: escaped double quotes stay on one.
            dumped = _flow_dump(value, allow_unicode=False, style='"')
        return dumped
    if value is None or isinstance(value, bool | int | float):
        return _flow_dump(value)
    raise TypeError(f"only single values can be written, not {type(value).__name__}")


def _flow_dump(value: Scalar, *, allow_unicode: bool = False, style: str | None = None) -> str:
    dumped = yaml.safe_dump(
        [value], default_flow_style=True, default_style=style, width=2**31 - 1, allow_unicode=allow_unicode
    )
    return str(dumped).strip()[1:-1]


def dotted(path: KeyPath) -> str:
    return ".".join(str(part) for part in path)


def set_value(text: str, path: KeyPath, value: Scalar) -> str:
    """``text`` with the value at ``path`` set to ``value``; comments and layout kept.

    Raises ``ConfigError`` if the text is not YAML, if ``path`` runs through something that is
    not a mapping, or if the edit would change anything but that one value.
    """
    if not path:
        raise ConfigError("no setting was named to change")
    try:
        # Bounded first: safe_load and the comparison below would expand a "billion laughs" file.
        load_located(text)
    except YamlSyntaxError as error:
        where = f" at line {error.line}" if error.line else ""
        raise ConfigError(f"is not valid YAML, so it was not changed ({error.message}{where})") from None
    before = _load(text)
    edited = _Editor(text, _compose(text)).apply(path, value)
    try:
        after = yaml.safe_load(edited)
    except yaml.YAMLError:
        after = _UNPARSABLE
    if after != _with_value(before, path, value):
        # Anchors, aliases and merge keys share one span between several values: refuse, never guess.
        raise ConfigError(
            "cannot be changed in place without changing other settings (it uses YAML anchors, aliases "
            "or merge keys); edit it by hand",
            key=dotted(path),
        )
    return edited


def set_values_in_file(file: Path, changes: Sequence[tuple[KeyPath, Scalar]]) -> None:
    """Apply ``changes`` in order and write the file atomically, or raise ``ConfigError`` untouched."""
    text = read_settings_text(file) or ""
    try:
        for path, value in changes:
            text = set_value(text, path, value)
    except ConfigError as error:
        raise ConfigError(error.detail, path=str(file), line=error.line, key=error.key) from None
    # The rename goes to the link's target, in the target's folder; renaming over the link would
    # turn it into a plain file and leave the real one stale.
    target = file.resolve() if file.is_symlink() else file
    mode = _permissions(target)
    try:
        write_file(text.encode("utf-8"), target)
    except OutputError as error:
        raise ConfigError(f"could not be saved ({error})", path=str(file)) from None
    if mode is not None:
        with contextlib.suppress(OSError):
            target.chmod(mode)
    log.info("settings changed in %s: %s", file, ", ".join(dotted(path) for path, _ in changes))


def _permissions(file: Path) -> int | None:
    """The permission bits to give the new file: the old file's, if there was one."""
    try:
        return stat.S_IMODE(file.stat().st_mode)
    except OSError:
        return None


def set_value_in_file(file: Path, path: KeyPath, value: Scalar) -> None:
    set_values_in_file(file, [(path, value)])


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise ConfigError(f"is not valid YAML, so it was not changed ({_problem(error)})") from None


def _load(text: str) -> object:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"is not valid YAML, so it was not changed ({_problem(error)})") from None


def _problem(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        return f"{error.problem} at line {error.problem_mark.line + 1}"
    return str(error).splitlines()[0]


def _with_value(document: object, path: KeyPath, value: Scalar) -> object:
    result = copy.deepcopy(document) if document is not None else {}
    node = result
    for part in path[:-1]:
        if isinstance(node, dict):
            if not isinstance(node.get(part), dict | list):
                node[part] = {}
            node = node[part]
        else:
            node = node[part]  # type: ignore[index]
    node[path[-1]] = value  # type: ignore[index]
    return result


class _Editor:
    """Finds where ``path`` lives (or would live) in the node tree and edits the text there."""

    def __init__(self, text: str, root: yaml.Node | None) -> None:
        self.text = text
        self.root = root
        self.newline = "\r\n" if "\r\n" in text else "\n"

    def apply(self, path: KeyPath, value: Scalar) -> str:
        if self.root is None:
            return self._append_top(path, value)
        node: yaml.Node = self.root
        for depth, part in enumerate(path):
            rest = path[depth:]
            if isinstance(node, yaml.MappingNode):
                child = _lookup(node, part)
                if child is None:
                    return self._insert(node, rest, value)
                node = child
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    raise ConfigError(f"item {part} does not exist, so it cannot be changed", key=dotted(path))
                node = node.value[part]
            elif _is_null(node) and isinstance(part, str):
                return self._replace(node, " " + _flow(rest, value) if _is_empty(node) else _flow(rest, value))
            else:
                raise ConfigError(f"cannot hold '{part}' (it is not a group of settings)", key=dotted(path[:depth]))
        if not isinstance(node, yaml.ScalarNode):
            raise ConfigError("is a group of settings, not a single value", key=dotted(path))
        rendered = render_scalar(value)
        return self._replace(node, " " + rendered if _is_empty(node) else rendered)

    def _replace(self, node: yaml.Node, replacement: str) -> str:
        start, end = node.start_mark.index, node.end_mark.index
        span = self.text[start:end]
        if isinstance(node, yaml.ScalarNode) and node.style in {"|", ">"}:
            # A block scalar's span runs on to the next line; keep its line breaks.
            replacement += span[len(span.rstrip("\r\n")) :]
        return self.text[:start] + replacement + self.text[end:]

    def _append_top(self, path: KeyPath, value: Scalar) -> str:
        _require_names(path)
        text = self.text
        if text and not text.endswith("\n"):
            text += self.newline
        return text + self._block_lines(path, value, 0)

    def _insert(self, mapping: yaml.MappingNode, rest: KeyPath, value: Scalar) -> str:
        _require_names(rest)
        if mapping.flow_style:
            if mapping.value:
                at = _deepest_end(mapping.value[-1][1])
                return self.text[:at] + ", " + _flow(rest, value)[1:-1] + self.text[at:]
            at = mapping.end_mark.index - 1
            return self.text[:at] + _flow(rest, value)[1:-1] + self.text[at:]
        indent = mapping.value[0][0].start_mark.column
        lines = self._block_lines(rest, value, indent)
        at = self._line_after(_deepest_end(mapping.value[-1][1]))
        rest_of_file = self.text[at:]
        if mapping is self.root and all(_is_comment_or_blank(line) for line in rest_of_file.splitlines()):
            # A new top-level key goes at the very end, after closing comments, as a person adds one.
            text = self.text if not self.text or self.text.endswith("\n") else self.text + self.newline
            return text + lines
        if at == len(self.text) and self.text and not self.text.endswith("\n"):
            return self.text + self.newline + lines
        return self.text[:at] + lines + rest_of_file

    def _line_after(self, at: int) -> int:
        """Where the line holding position ``at`` ends (after its newline), or ``at`` at a line start."""
        if at > 0 and self.text[at - 1] == "\n":
            return at
        line_end = self.text.find("\n", at)
        return len(self.text) if line_end < 0 else line_end + 1

    def _block_lines(self, path: KeyPath, value: Scalar, indent: int) -> str:
        lines = []
        for depth, part in enumerate(path[:-1]):
            lines.append(" " * (indent + 2 * depth) + f"{render_scalar(str(part))}:")
        lines.append(" " * (indent + 2 * (len(path) - 1)) + f"{render_scalar(str(path[-1]))}: {render_scalar(value)}")
        return self.newline.join(lines) + self.newline


def _lookup(mapping: yaml.MappingNode, part: str | int) -> yaml.Node | None:
    found = None
    for key_node, value_node in mapping.value:
        # The last of duplicate keys is the one yaml.safe_load keeps.
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
            found = value_node
    return found


def _deepest_end(node: yaml.Node) -> int:
    """Where the last value inside ``node`` ends; a block mapping's own end runs past comments."""
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return int(node.end_mark.index)


def _is_comment_or_blank(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _is_empty(node: yaml.Node) -> bool:
    return node.start_mark.index == node.end_mark.index


def _flow(path: KeyPath, value: Scalar) -> str:
    """``{a: {b: value}}`` for a path of names."""
    text = render_scalar(value)
    for part in reversed(path):
        text = "{" + f"{render_scalar(str(part))}: {text}" + "}"
    return text


def _require_names(path: KeyPath) -> None:
    for part in path:
        if not isinstance(part, str):
            raise ConfigError(f"item {part} does not exist, so it cannot be changed", key=dotted(path))
