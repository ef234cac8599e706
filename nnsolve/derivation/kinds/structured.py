"""Kinds of structures: mappings, multisets (histograms), partitions (colourings) and tables.

A student writes these in YAML the way they would on paper: a mapping as ``{A: 0.5, B: 0.2}``,
a histogram as counts or as the list of what was counted, a colouring as node → colour or as
the groups of nodes, a table as rows. Every piece is read by the grader's own reader (never
evaluated), and a value inside a structure is compared as what it is (a number within the
tolerance, a label ignoring case, a vector element by element: `scalars.compare_any`).
"""

from __future__ import annotations

from typing import Any

import sympy

from nnsolve.derivation import structures as S
from nnsolve.derivation import values as V
from nnsolve.derivation.kinds import compare_structures as CS
from nnsolve.derivation.kinds.base import CompareContext, ValueKind
from nnsolve.derivation.kinds.scalars import compare_any
from nnsolve.derivation.kinds.tolerance import Comparison, Tolerance


def _lookup(expected: Any, key: str) -> Any:
    """The key's value for a piece of a student's structure, to know how to read it."""
    if not isinstance(expected, S.FrozenMap):
        return None
    try:
        return expected[key]
    except KeyError:
        aligned = CS.align(list(expected), [key])
        return expected[aligned[key]] if key in aligned else None


def _piece(raw: Any, reader, expected: Any) -> Any:
    """A piece read as the key's piece is: a label where the key has a label (colour `e` is
    not Euler's number), else by its form."""
    if isinstance(expected, str):
        return reader.label(raw)
    return reader.value(raw)


def _listed_or_mapped(value: Any, from_list, structure: type, piece) -> Any:
    """A structure a solver gave in either of its forms: as the list it sums up (what was
    counted, the groups), built by `from_list`, or as a mapping whose values are each brought
    to form by `piece`."""
    if isinstance(value, (list, tuple)):
        return from_list(value)
    return structure((k, piece(v)) for k, v in dict(value).items())


def _built(reader, build, *args):
    """A structure from read pieces; its own objections (a key twice) go to the student."""
    try:
        return build(*args)
    except ValueError as exc:
        raise reader.error(str(exc)) from None


class Mapping(ValueKind):
    name = "mapping"
    description = "key → value (node → colour, word → vector), graded key by key"
    mapping_answer = True

    def normalize(self, value: Any) -> Any:
        if isinstance(value, S.FrozenMap) and type(value) is S.FrozenMap:
            return value.map_values(V.normalize)
        return S.FrozenMap((k, V.normalize(v)) for k, v in dict(value).items())

    def accepts(self, value: Any) -> bool:
        return type(value) is S.FrozenMap

    def elements(self, value: Any):
        return list(value.items())

    def read(self, raw: Any, reader, expected: Any = None) -> Any:
        if not isinstance(raw, dict):
            raise reader.error("expected a mapping, written key: value (such as {A: 1, B: 2})")
        reader.count(len(raw))
        pairs = []
        for key, value in raw.items():
            name = reader.label(key)
            pairs.append((name, _piece(value, reader, _lookup(expected, name))))
        return _built(reader, S.FrozenMap, pairs)

    def compare(self, expected: Any, given: Any, tol: Tolerance,
                context: CompareContext) -> Comparison:
        return CS.compare_mapping(expected, given, tol, context, compare_any)


class Multiset(ValueKind):
    name = "multiset"
    description = "order-free counts (a histogram): element → how often"
    exact = True
    mapping_answer = True

    def normalize(self, value: Any) -> Any:
        return _listed_or_mapped(value, S.Multiset.of, S.Multiset, V.normalize)

    def accepts(self, value: Any) -> bool:
        return isinstance(value, S.Multiset) and all(
            isinstance(v, sympy.Integer) and v > 0 for v in value.values())

    def read(self, raw: Any, reader, expected: Any = None) -> Any:
        """Counts ({A: 2, B: 1}) or what was counted ([A, B, A])."""
        if isinstance(raw, list):
            reader.count(len(raw))
            return S.Multiset.of(reader.label(item) for item in raw)
        if not isinstance(raw, dict):
            raise reader.error("expected counts, written element: count (such as {A: 2, B: 1}), "
                               "or the list of elements counted")
        reader.count(len(raw))
        counts = []
        for key, value in raw.items():
            name = reader.label(key)
            if value is None:
                raise reader.error(f"no count for {name}")
            number = reader.read(value, "count")
            if isinstance(number, float) and number.is_integer():
                number = sympy.Integer(int(number))
            if not (isinstance(number, sympy.Integer) and number >= 0):
                raise reader.error(f"the count of {name} must be a whole number, at least 0")
            counts.append((name, number))
        return _built(reader, S.Multiset, counts)

    def compare(self, expected: Any, given: Any, tol: Tolerance,
                context: CompareContext) -> Comparison:
        return CS.compare_multiset(expected, given)


class Partition(ValueKind):
    name = "partition"
    description = "a colouring: element → class, compared up to renaming of the classes"
    exact = True
    #: the words of its messages ("nodes 1 and 3 should share a colour"); a kind for another
    #: partition (a clustering of points) is a subclass with its own words
    members = "nodes"
    group = "colour"
    mapping_answer = True

    def normalize(self, value: Any) -> Any:
        return _listed_or_mapped(value, S.Partition.of_groups, S.Partition, S.key_text)

    def accepts(self, value: Any) -> bool:
        return isinstance(value, S.Partition)

    def read(self, raw: Any, reader, expected: Any = None) -> Any:
        """Element → class ({1: red, 2: red, 3: blue}) or the groups ([[1, 2], [3]])."""
        if isinstance(raw, dict):
            reader.count(len(raw))
            return _built(reader, S.Partition,
                          [(reader.label(k), reader.label(v)) for k, v in raw.items()])
        if not isinstance(raw, list):
            raise reader.error(f"expected a {self.group} for each of the {self.members} (such "
                               f"as {{1: red, 2: blue}}), or the groups (such as [[1, 2], [3]])")
        reader.count(len(raw))
        groups, seen = [], set()
        for group in raw:
            members = group if isinstance(group, list) else [group]
            reader.count(len(members))
            names = [reader.label(m) for m in members]
            for name in names:
                if S.key_text(name) in seen:
                    raise reader.error(f"{name} is in two groups")
                seen.add(S.key_text(name))
            groups.append(names)
        return S.Partition.of_groups(groups)

    def compare(self, expected: Any, given: Any, tol: Tolerance,
                context: CompareContext) -> Comparison:
        return CS.compare_partition(expected, given, self.members, self.group)


class Table(ValueKind):
    name = "table"
    description = "rows of values under a header, graded cell by cell"

    def normalize(self, value: Any) -> Any:
        if isinstance(value, S.TableValue):
            return S.TableValue(value.header, (tuple(V.normalize(c) for c in r)
                                               for r in value.rows))
        header, rows = value
        return S.TableValue(header, (tuple(V.normalize(c) for c in r) for r in rows))

    def accepts(self, value: Any) -> bool:
        return isinstance(value, S.TableValue)

    def elements(self, value: Any):
        return [(f"row {i}, {column}", cell) for i, row in enumerate(value.rows, 1)
                for column, cell in zip(value.header, row)]

    def read(self, raw: Any, reader, expected: Any = None) -> Any:
        """Rows ([[w13, 1, 0.1], …]) under the key's header, rows keyed by the header
        ([{weight: w13, old: 1}, …]), or both as JSON writes them ({header: […], rows: […]})."""
        key = expected if isinstance(expected, S.TableValue) else None
        header = key.header if key else None
        if isinstance(raw, dict) and "rows" in raw:
            if "header" in raw:
                if not isinstance(raw["header"], list):
                    raise reader.error("the header must be a list of column names")
                reader.count(len(raw["header"]))
                header = tuple(reader.label(h) for h in raw["header"])
            raw = raw["rows"]
        if not isinstance(raw, list) or not all(isinstance(r, (list, dict)) for r in raw):
            raise reader.error("expected a table written as a list of rows")
        reader.count(len(raw))
        if raw and all(isinstance(r, dict) for r in raw):
            header, raw = self._keyed_rows(raw, reader, header)
        elif any(isinstance(r, dict) for r in raw):
            raise reader.error("write every row as a list, or every row as a mapping")
        if header is None:
            header = tuple(str(i) for i in range(1, len(raw[0]) + 1)) if raw else ()
        rows = []
        for i, row in enumerate(raw, 1):
            if len(row) != len(header):
                raise reader.error(f"row {i} has {len(row)} cells, but the table has "
                                   f"{len(header)} columns ({', '.join(header)})")
            reader.count(len(row))
            want = key.rows[i - 1] if key and i <= len(key.rows) else (None,) * len(row)
            rows.append(tuple(_piece(c, reader, w) for c, w in zip(row, want)))
        return _built(reader, S.TableValue, header, rows)

    @staticmethod
    def _keyed_rows(raw: list[dict], reader, header: tuple | None):
        """Rows written as mappings, as lists in one column order: the key's header where the
        student's columns are the key's (in any order and case), else the first row's."""
        reader.count(sum(len(r) for r in raw))
        rows = [{reader.label(k): v for k, v in r.items()} for r in raw]
        columns = list(rows[0])
        for i, row in enumerate(rows[1:], 2):
            if set(row) != set(columns):
                raise reader.error(f"row {i} has the columns {', '.join(row)}, but row 1 has "
                                   f"{', '.join(columns)}")
        if header is not None:
            aligned = CS.align(list(header), columns)
            if len(aligned) == len(columns) == len(header):
                by_key = {e: g for g, e in aligned.items()}
                return header, [[row[by_key[h]] for h in header] for row in rows]
        return tuple(columns), [[row[c] for c in columns] for row in rows]

    def compare(self, expected: Any, given: Any, tol: Tolerance,
                context: CompareContext) -> Comparison:
        return CS.compare_table(expected, given, tol, context, compare_any)
