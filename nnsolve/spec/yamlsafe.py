"""Loading YAML that comes from anyone: instructors' problems and students' submissions.

`yaml.safe_load` alone is not enough: it recurses into a RecursionError on deep nesting and an
alias bomb explodes on traversal, not on load. So the size is capped first, then the document
is parsed once, and its nodes are counted as they are composed: depth, aliases, keys, long
integers and the number of values (aliases counted as the whole tree they stand for) are
refused the moment they pass their limit, before the rest is read or anything is built. A
caller can lower the count of values (a submission holds far fewer than a problem file), so
that a file of a million numbers is refused after reading the first few thousand. Building
the data from the node tree also gives every value its line, which is what lets an error name
`file:line` for a field.
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml.composer

from nnsolve.errors import NnsolveError, field_path
from nnsolve.fileio import read_regular



class _LOADER(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser where it is installed (about ten times faster), else PyYAML's own;
    `1e-9` is a number, as YAML 1.2 and every instructor read it (YAML 1.1 wants `1.0e-9`).
    Nodes are composed here (see `_Limits`), not by libyaml's composer, so that every limit
    is checked while the one pass over the document goes."""

    limits: "_Limits"

    def get_single_node(self):
        # the cyclic collector would walk the growing node tree again and again as it is
        # built (a list of 50,000 numbers took four times as long as one of 20,000); the
        # tree holds no cycles, and it is freed by reference counting
        collecting = gc.isenabled()
        gc.disable()
        try:
            return yaml.composer.Composer.get_single_node(self)
        finally:
            if collecting:
                gc.enable()

    def compose_document(self):
        return yaml.composer.Composer.compose_document(self)

    def compose_node(self, parent, index):
        limits = self.limits
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            limits.alias(event.start_mark.line + 1)
            node = yaml.composer.Composer.compose_node(self, parent, index)
            limits.add(limits.sizes.get(id(node), 1), event.start_mark.line + 1)
            return node
        return yaml.composer.Composer.compose_node(self, parent, index)

    def compose_scalar_node(self, anchor):
        event = self.peek_event()
        self._scalar_limits(event)
        node = yaml.composer.Composer.compose_scalar_node(self, anchor)
        if anchor is not None:
            self.limits.sizes[id(node)] = 1
        return node

    def _scalar_limits(self, event) -> None:
        line = event.start_mark.line + 1
        if event.implicit[0] and len(event.value) > MAX_INTEGER_CHARS \
                and _INTEGER.fullmatch(event.value):
            raise NnsolveError(f"a number of {len(event.value):,} digits; the limit is "
                               f"{MAX_INTEGER_CHARS:,}", file=self.limits.name, line=line)
        self.limits.add(1, line)

    def compose_sequence_node(self, anchor):
        return self._collection(_LOADER._sequence, anchor)

    def _child(self, parent, index):
        """The next node inside a collection: a scalar without an anchor (nearly every node
        of a submission) composed here in line, anything else by `compose_node`."""
        event = self.peek_event()
        if type(event) is not yaml.ScalarEvent or event.anchor is not None or \
                self.yaml_path_resolvers:
            return self.compose_node(parent, index)
        self._scalar_limits(event)
        self.get_event()
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolve(yaml.ScalarNode, event.value, event.implicit)
        return yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                               style=event.style)

    def _sequence(self, anchor):
        """Composer.compose_sequence_node, its plain scalars composed in line (`_child`)."""
        start = self.get_event()
        tag = start.tag
        if tag is None or tag == "!":
            tag = self.resolve(yaml.SequenceNode, None, start.implicit)
        node = yaml.SequenceNode(tag, [], start.start_mark, None, flow_style=start.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        items, index = node.value, 0
        check, child = self.check_event, self._child
        while not check(yaml.SequenceEndEvent):
            items.append(child(node, index))
            index += 1
        node.end_mark = self.get_event().end_mark
        return node

    def compose_mapping_node(self, anchor):
        return self._collection(_LOADER._mapping, anchor)

    def _mapping(self, anchor):
        """Composer.compose_mapping_node with each key counted as it comes (200,000 junk keys
        are refused at the first key over MAX_KEYS, not once all are composed)."""
        start = self.get_event()
        tag = start.tag
        if tag is None or tag == "!":
            tag = self.resolve(yaml.MappingNode, None, start.implicit)
        node = yaml.MappingNode(tag, [], start.start_mark, None, flow_style=start.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        limits = self.limits
        while not self.check_event(yaml.MappingEndEvent):
            limits.keys += 1
            if limits.keys > MAX_KEYS:
                raise NnsolveError(f"more than {MAX_KEYS:,} mapping keys", file=limits.name,
                                   line=self.peek_event().start_mark.line + 1)
            key = self._child(node, None)
            node.value.append((key, self._child(node, key)))
        node.end_mark = self.get_event().end_mark
        return node

    def _collection(self, compose, anchor):
        limits = self.limits
        line = self.peek_event().start_mark.line + 1
        limits.enter(line)
        before = limits.total
        limits.add(1, line)
        node = compose(self, anchor)
        limits.depth -= 1
        if anchor is not None:
            limits.sizes[id(node)] = limits.total - before
        return node


class _Limits:
    """What one document has used so far of each limit, checked as its nodes are composed."""

    def __init__(self, name: str, max_nodes: int):
        self.name, self.max_nodes = name, max_nodes
        self.depth = self.aliases = self.keys = self.total = 0
        #: expanded size of every anchored node, by id
        self.sizes: dict[int, int] = {}

    def enter(self, line: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise NnsolveError(f"nesting deeper than {MAX_DEPTH} levels", file=self.name,
                               line=line)

    def alias(self, line: int) -> None:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise NnsolveError(f"more than {MAX_ALIASES} YAML aliases (*refs)", file=self.name,
                               line=line)

    def add(self, size: int, line: int) -> None:
        self.total += size
        if self.total > self.max_nodes:
            if self.aliases:
                raise NnsolveError(f"more than {self.max_nodes:,} values once YAML aliases are "
                                   "expanded", file=self.name, line=line)
            raise NnsolveError(f"more than {self.max_nodes:,} values (numbers, strings, lists "
                               f"and mappings); the limit is {self.max_nodes:,}",
                               file=self.name, line=line)


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


def load_file(path: str | Path, *, max_bytes: int = MAX_BYTES,
              max_nodes: int = MAX_NODES) -> Document:
    name = str(path)
    raw = read_regular(path, max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NnsolveError(f"not UTF-8 text (byte {exc.start})", file=name) from None
    return load_text(text, name, max_bytes=max_bytes, max_nodes=max_nodes)


def load_text(text: str, name: str = "<string>", *, max_bytes: int = MAX_BYTES,
              max_nodes: int = MAX_NODES) -> Document:
    """The document in `text`; NnsolveError naming the file (and line) when it is not YAML or
    passes a limit: `max_bytes`, `max_nodes` values (aliases expanded), MAX_DEPTH, MAX_ALIASES,
    MAX_KEYS, MAX_INTEGER_CHARS."""
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise NnsolveError(f"document is larger than {max_bytes:,} bytes", file=name)
    lines: dict[tuple, int] = {}
    texts: dict[tuple, str] = {}
    try:
        loader = _LOADER(text)
        loader.limits, loader.anchors = _Limits(name, max_nodes), {}
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
