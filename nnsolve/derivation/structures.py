"""Values that are not numbers or arrays: mappings, multisets, partitions and tables.

They are immutable and hashable like every other value (tuples, frozensets), so a derivation
can hold them, a set can contain them and a rule's result can be compared with ==. Keys are
labels (str): a node called 1 in one YAML file and "1" in another is the same node.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterable, Iterator


def key_text(key: Any) -> str:
    """A mapping key as the label it stands for: 1, 1.0 and "1" name the same node."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key).strip()


class FrozenMap(Mapping):
    """A mapping in the order it was written, equal to any mapping with the same items."""

    __slots__ = ("_items", "_index", "_hash")

    def __init__(self, items: Iterable[tuple[Any, Any]] | Mapping = ()):
        pairs = items.items() if isinstance(items, Mapping) else items
        index: dict[str, Any] = {}
        for key, value in pairs:
            key = key_text(key)
            if key in index:
                raise ValueError(f"key {key!r} appears twice")
            index[key] = value
        self._index = index
        self._items = tuple(index.items())
        self._hash = None

    def __getitem__(self, key: Any) -> Any:
        return self._index[key_text(key)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __eq__(self, other: Any) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._index == other._index

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((type(self).__name__, frozenset(self._items)))
        return self._hash

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self._items)!r})"

    def map_values(self, function) -> "FrozenMap":
        return type(self)((k, function(v)) for k, v in self._items)


class Multiset(FrozenMap):
    """Order-free counts (a colour histogram): element → how often it occurs, zeros left out."""

    __slots__ = ()

    def __init__(self, items: Iterable[tuple[Any, Any]] | Mapping = ()):
        pairs = items.items() if isinstance(items, Mapping) else items
        super().__init__((k, v) for k, v in pairs if v != 0)

    @classmethod
    def of(cls, elements: Iterable[Any]) -> "Multiset":
        """The multiset of a list of elements ([A, A, B] → {A: 2, B: 1})."""
        import sympy

        counts: dict[str, int] = {}
        for element in elements:
            key = key_text(element)
            counts[key] = counts.get(key, 0) + 1
        return cls((key, sympy.Integer(n)) for key, n in counts.items())


class Partition(FrozenMap):
    """Elements → class labels, where only which elements share a class matters: a WL
    colouring with colours 2, 3 is the same partition as one with colours 7, 5."""

    __slots__ = ()

    @classmethod
    def of_groups(cls, groups: Iterable[Iterable[Any]]) -> "Partition":
        """From the classes written out ([[1, 2], [3]]): class k is numbered k."""
        return cls((element, str(k)) for k, group in enumerate(groups, 1) for element in group)

    def groups(self) -> frozenset[frozenset[str]]:
        """The classes as sets of elements: what two partitions must share to be equal."""
        classes: dict[Any, set[str]] = {}
        for element, label in self.items():
            classes.setdefault(label, set()).add(element)
        return frozenset(frozenset(c) for c in classes.values())

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Partition):
            return NotImplemented
        return self.groups() == other.groups()

    def __hash__(self) -> int:
        return hash(("Partition", self.groups()))


class TableValue:
    """Rows of values under a header: graded cell by cell, not only shown."""

    __slots__ = ("header", "rows")

    def __init__(self, header: Iterable[str], rows: Iterable[Iterable[Any]]):
        self.header = tuple(str(h) for h in header)
        self.rows = tuple(tuple(r) for r in rows)
        for n, row in enumerate(self.rows, 1):
            if len(row) != len(self.header):
                raise ValueError(f"row {n} has {len(row)} cells, the header {len(self.header)}")

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, TableValue):
            return NotImplemented
        return self.header == other.header and self.rows == other.rows

    def __hash__(self) -> int:
        return hash((self.header, self.rows))

    def __repr__(self) -> str:
        return f"TableValue({list(self.header)!r}, {[list(r) for r in self.rows]!r})"

    def column(self, name: str) -> tuple:
        i = self.header.index(name)
        return tuple(row[i] for row in self.rows)
