"""Loading YAML that comes from anyone: instructors' problems and students' submissions.

`yaml.safe_load` alone is not enough: it recurses into a RecursionError on deep nesting and an
alias bomb explodes on traversal, not on load. So the size is capped first, then the event
stream is scanned (iteratively) for depth and aliases, and only then is the document built.
Building it from the node tree also gives every value its line, which is what lets an error
name `file:line` for a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nnsolve.errors import NnsolveError, field_path



class _LOADER(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser where it is installed (about ten times faster), else PyYAML's own;
    `1e-9` is a number, as YAML 1.2 and every instructor read it (YAML 1.1 wants `1.0e-9`)."""


_LOADER.add_implicit_resolver("tag:yaml.org,2002:float",
                              re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"),
                              list("-+0123456789"))

MAX_BYTES = 2_000_000
MAX_DEPTH = 64
MAX_ALIASES = 100
MAX_NODES = 1_000_000


@dataclass
class Document:
    """A loaded YAML document: its data and where each value was written."""

    data: Any
    file: str
    lines: dict[tuple, int] = field(default_factory=dict)
    #: the text of every plain (unquoted) scalar as written: YAML reads 0.980 as 0.98 and
    #: 01234 as 1234, but the digits a student wrote matter for precision and for ids
    texts: dict[tuple, str] = field(default_factory=dict)

    def line(self, path: tuple) -> int | None:
        """The line of `path`, or of its nearest written ancestor."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    def error(self, path: tuple, message: str) -> NnsolveError:
        return NnsolveError(message, file=self.file, line=self.line(path),
                            field=field_path(path) or None)

    def sub(self, prefix: tuple) -> "Document":
        """A view of a sub-tree, still reporting lines and fields of the whole file."""
        return _SubDocument(self, tuple(prefix))


class _SubDocument(Document):
    def __init__(self, parent: Document, prefix: tuple):
        data = parent.data
        for key in prefix:
            data = data[key]
        super().__init__(data, parent.file, {})
        self.parent, self.prefix = parent, prefix
        n = len(prefix)
        self.texts = {path[n:]: text for path, text in parent.texts.items() if path[:n] == prefix}

    def line(self, path: tuple) -> int | None:
        return self.parent.line(self.prefix + tuple(path))

    def error(self, path: tuple, message: str) -> NnsolveError:
        return self.parent.error(self.prefix + tuple(path), message)


def load_file(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Document:
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NnsolveError(f"cannot read file: {exc.strerror or exc}", file=name) from None
    if size > max_bytes:
        raise NnsolveError(f"file is {size:,} bytes; the limit is {max_bytes:,}", file=name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise NnsolveError(f"cannot read file: {exc.strerror or exc}", file=name) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NnsolveError(f"not UTF-8 text (byte {exc.start})", file=name) from None
    return load_text(text, name, max_bytes=max_bytes)


def load_text(text: str, name: str = "<string>", *, max_bytes: int = MAX_BYTES) -> Document:
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise NnsolveError(f"document is larger than {max_bytes:,} bytes", file=name)
    _prescan(text, name)
    try:
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return Document(None, name, {})
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, name) from None
    lines: dict[tuple, int] = {}
    texts: dict[tuple, str] = {}
    duplicate = _index(node, lines, texts)
    if duplicate:
        path, line = duplicate
        raise NnsolveError("key is written twice", file=name, line=line, field=field_path(path))
    return Document(data, name, lines, texts)


def _prescan(text: str, name: str) -> None:
    """Refuse deep nesting, many aliases and huge expanded sizes before anything is built.

    The expanded size counts an alias as the whole tree it stands for, which is what any
    later traversal would visit: that is what catches an alias bomb.
    """
    depth = aliases = 0
    open_sizes: list[list] = [[0, None]]  # [expanded size, anchor] of each open collection
    anchor_sizes: dict[str, int] = {}

    def add(size: int, line: int) -> None:
        open_sizes[-1][0] += size
        if open_sizes[-1][0] > MAX_NODES or sum(s for s, _ in open_sizes) > MAX_NODES:
            raise NnsolveError(f"more than {MAX_NODES:,} values once YAML aliases are expanded",
                               file=name, line=line)

    try:
        for event in yaml.parse(text, Loader=_LOADER):
            line = event.start_mark.line + 1
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise NnsolveError(f"nesting deeper than {MAX_DEPTH} levels", file=name, line=line)
                open_sizes.append([1, event.anchor])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
                size, anchor = open_sizes.pop()
                if anchor:
                    anchor_sizes[anchor] = size
                add(size, line)
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor:
                    anchor_sizes[event.anchor] = 1
                add(1, line)
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise NnsolveError(f"more than {MAX_ALIASES} YAML aliases (*refs)", file=name,
                                       line=line)
                add(anchor_sizes.get(event.anchor, 1), line)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, name) from None


def _yaml_error(exc: yaml.YAMLError, name: str) -> NnsolveError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in reason:
            # newer libyaml scanners stop deep flow collections before our own count sees them
            return NnsolveError(f"nesting deeper than {MAX_DEPTH} levels", file=name, line=line)
        return NnsolveError(f"YAML syntax error: {reason}", file=name, line=line)
    return NnsolveError(f"YAML error: {exc}", file=name)


def _index(root: yaml.Node, lines: dict[tuple, int], texts: dict[tuple, str]):
    """Record the line of every value and the text of every plain scalar; return (path, line)
    of a duplicated key if any.

    Iterative, and each node is entered once, so aliases cannot multiply the work.
    """
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())]
    visited: set[int] = set()
    while stack:
        node, path = stack.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in visited:
            continue  # an alias: its lines are those of its anchor
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set = set()
            for key_node, value_node in node.value:
                key = _scalar_key(key_node)
                if key in seen:
                    return path + (key,), key_node.start_mark.line + 1
                seen.add(key)
                lines[path + (key,)] = key_node.start_mark.line + 1
                stack.append((value_node, path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((item, path + (i,)))
        elif isinstance(node, yaml.ScalarNode) and not node.style:
            texts[path] = node.value
    return None


def _scalar_key(node: yaml.Node):
    if isinstance(node, yaml.ScalarNode):
        value = node.value
        if node.tag.endswith(":int"):
            try:
                return int(value)
            except ValueError:
                return value
        if node.tag.endswith(":bool"):
            return value.lower() in ("true", "yes", "on")
        return value
    return f"<{node.id}>"
