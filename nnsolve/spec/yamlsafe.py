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
from nnsolve.fileio import read_regular



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
#: keys of all mappings together: a course file has a few hundred, and every key costs a
#: line record, a did-you-mean and a message, so 200,000 junk keys would cost seconds
MAX_KEYS = 10_000
#: characters of a plain integer: Python refuses to print one of over 4,300 digits, so a
#: longer one could never be shown back in a message or a gradebook
MAX_INTEGER_CHARS = 1_000

_INTEGER = re.compile(r"[-+]?(0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|[0-9][0-9_:]*)")


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
    name = str(path)
    raw = read_regular(path, max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NnsolveError(f"not UTF-8 text (byte {exc.start})", file=name) from None
    return load_text(text, name, max_bytes=max_bytes)


def load_text(text: str, name: str = "<string>", *, max_bytes: int = MAX_BYTES) -> Document:
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise NnsolveError(f"document is larger than {max_bytes:,} bytes", file=name)
    _prescan(text, name)
    lines: dict[tuple, int] = {}
    texts: dict[tuple, str] = {}
    try:
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return Document(None, name, {})
            # indexed before construction, which folds merge keys (<<) into their mapping
            duplicate = _index(node, lines, texts)
            if duplicate:
                path, line = duplicate
                raise NnsolveError("key is written twice", file=name, line=line,
                                   field=field_path(path))
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, name) from None
    except (ValueError, OverflowError) as exc:  # a date such as 2024-13-45
        raise NnsolveError(f"a value cannot be read: {exc}", file=name) from None
    return Document(data, name, lines, texts)


def _prescan(text: str, name: str) -> None:
    """Refuse deep nesting, many aliases and huge expanded sizes before anything is built.

    The expanded size counts an alias as the whole tree it stands for, which is what any
    later traversal would visit: that is what catches an alias bomb.
    """
    depth = aliases = keys = 0
    # [expanded size, anchor, a mapping?, children so far] of each open collection
    open_sizes: list[list] = [[0, None, False, 0]]
    anchor_sizes: dict[str, int] = {}

    def node(line: int) -> None:
        """Count a node of the open collection, and a key when it stands where one does."""
        nonlocal keys
        parent = open_sizes[-1]
        if parent[2] and parent[3] % 2 == 0:
            keys += 1
            if keys > MAX_KEYS:
                raise NnsolveError(f"more than {MAX_KEYS:,} mapping keys", file=name, line=line)
        parent[3] += 1

    def add(size: int, line: int) -> None:
        open_sizes[-1][0] += size
        if open_sizes[-1][0] > MAX_NODES or sum(s[0] for s in open_sizes) > MAX_NODES:
            raise NnsolveError(f"more than {MAX_NODES:,} values once YAML aliases are expanded",
                               file=name, line=line)

    try:
        for event in yaml.parse(text, Loader=_LOADER):
            line = event.start_mark.line + 1
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                node(line)
                depth += 1
                if depth > MAX_DEPTH:
                    raise NnsolveError(f"nesting deeper than {MAX_DEPTH} levels", file=name, line=line)
                open_sizes.append([1, event.anchor, isinstance(event, yaml.MappingStartEvent), 0])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
                size, anchor, _, _ = open_sizes.pop()
                if anchor:
                    anchor_sizes[anchor] = size
                add(size, line)
            elif isinstance(event, yaml.ScalarEvent):
                node(line)
                if event.implicit[0] and len(event.value) > MAX_INTEGER_CHARS \
                        and _INTEGER.fullmatch(event.value):
                    raise NnsolveError(f"a number of {len(event.value):,} digits; the limit is "
                                       f"{MAX_INTEGER_CHARS:,}", file=name, line=line)
                if event.anchor:
                    anchor_sizes[event.anchor] = 1
                add(1, line)
            elif isinstance(event, yaml.AliasEvent):
                node(line)
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
                if key_node.tag == _MERGE:
                    continue  # merged keys give way to those written beside them
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


_MERGE = "tag:yaml.org,2002:merge"


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
