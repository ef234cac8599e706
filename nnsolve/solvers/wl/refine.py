"""Weisfeiler-Lehman refinement on arrays, for graphs of 10⁵–10⁶ nodes.

All graphs of a part are one disjoint union in CSR form (indptr, indices), so one compression
table serves them all, as on the board. Per iteration, without a Python loop over nodes:

1. each node's neighbour labels, sorted within its row (one argsort of row · L + label);
2. each row's sorted sequence turned into an id that is equal exactly when the sequences are
   equal: adjacent elements are paired and the pairs numbered with np.unique, halving every
   row each round (log₂ of the largest degree rounds, 2·edges elements in all);
3. the signature (own label, degree, sequence id) numbered with np.unique: the new labels.

Labels here are codes 0 … C − 1 whose order means nothing; the node view (relabel.py) is what
numbers them as a course does. Partitions, histograms and kernels do not depend on the names.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Union:
    """The graphs as one: node i of graph g is offsets[g] + i."""

    indptr: np.ndarray
    indices: np.ndarray
    offsets: np.ndarray         # len(graphs) + 1
    #: each entry's edge label as a code 0 … E − 1 (aligned with `indices`), or None
    edge_codes: np.ndarray | None = None

    @property
    def size(self) -> int:
        return len(self.indptr) - 1

    def part(self, g: int) -> slice:
        return slice(int(self.offsets[g]), int(self.offsets[g + 1]))


def union(sizes, edge_arrays, seen: str = "both ways", edge_codes=None) -> Union:
    """CSR adjacency of the disjoint union. `edge_arrays[g]` is an (m, 2) integer array of
    index pairs into graph g's nodes; `seen` is "both ways" (undirected: each edge counts for
    both ends, a self-loop once), "out" (a node's successors) or "in" (its predecessors);
    `edge_codes[g]`, when given, holds each edge's label code."""
    offsets = np.concatenate([[0], np.cumsum(np.asarray(sizes, dtype=np.int64))])
    sources, targets, codes = [], [], []
    for g, edges in enumerate(edge_arrays):
        edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2) + offsets[g]
        u, v = edges[:, 0], edges[:, 1]
        code = np.asarray(edge_codes[g], dtype=np.int64) if edge_codes is not None else \
            np.zeros(len(u), dtype=np.int64)
        if seen == "in":
            u, v = v, u
        elif seen != "out":
            loop = u == v
            u, v = np.concatenate([u, v[~loop]]), np.concatenate([v, u[~loop]])
            code = np.concatenate([code, code[~loop]])
        sources.append(u)
        targets.append(v)
        codes.append(code)
    src = np.concatenate(sources) if sources else np.zeros(0, np.int64)
    dst = np.concatenate(targets) if targets else np.zeros(0, np.int64)
    order = np.argsort(src, kind="stable")
    n = int(offsets[-1])
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    labelled = np.concatenate(codes)[order] if edge_codes is not None and codes else None
    return Union(indptr, dst[order], offsets, labelled)


def entries(graph: Union, labels: np.ndarray) -> np.ndarray:
    """Each neighbour's entry of a signature, aligned with `indices`: its label, or with edge
    labels the pair (edge label, label) as one number."""
    values = labels[graph.indices]
    if graph.edge_codes is None:
        return values
    return graph.edge_codes * np.int64(int(labels.max()) + 1 if labels.size else 1) + values


def codes(labels) -> np.ndarray:
    """Starting labels (any hashable texts) as codes 0 … C − 1."""
    _, inverse = np.unique(np.asarray(labels, dtype=object).astype(str), return_inverse=True)
    return inverse.astype(np.int64).reshape(-1)


def _renumber(keys: np.ndarray) -> np.ndarray:
    return np.unique(keys, return_inverse=True)[1].astype(np.int64).reshape(-1)


def sequence_ids(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """An id per row of a CSR array of non-negative ints, equal for two rows of the same
    length exactly when their sequences are equal (rows of other lengths may share ids: the
    caller keeps the length beside it). Empty rows get −1."""
    lengths = np.diff(indptr)
    n = len(lengths)
    current, current_lengths = values.astype(np.int64), lengths.copy()
    while current_lengths.size and current_lengths.max() > 1:
        starts = np.repeat(np.cumsum(current_lengths) - current_lengths, current_lengths)
        position = np.arange(current.size) - starts
        heads = np.flatnonzero(position % 2 == 0)
        has_partner = position[heads] + 1 < np.repeat(current_lengths, current_lengths)[heads]
        partner = np.full(heads.size, -1, dtype=np.int64)
        partner[has_partner] = current[heads[has_partner] + 1]
        base = int(current.max()) + 2
        current = _renumber(current[heads] * base + partner + 1)
        current_lengths = (current_lengths + 1) // 2
    ids = np.full(n, -1, dtype=np.int64)
    filled = current_lengths == 1
    ids[filled] = current[np.cumsum(current_lengths)[filled] - 1]
    return ids


#: splitmix64's constants: a value's 64-bit mix, whose sum over a row hashes its multiset
_GOLDEN, _MIX1, _MIX2 = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9),
                         np.uint64(0x94D049BB133111EB))


def mixed(values: np.ndarray) -> np.ndarray:
    """splitmix64 of each value (wrapping 64-bit arithmetic)."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64) + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def _sorted_rows(graph: Union, labels: np.ndarray, rows: np.ndarray | None = None):
    """The neighbour labels of the given rows (all by default), sorted within each row, as a
    CSR array of its own: (row starts, values)."""
    degree = np.diff(graph.indptr)
    if rows is None:
        rows = np.arange(graph.size, dtype=np.int64)
    lengths = degree[rows]
    indptr = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    local = np.repeat(np.arange(rows.size, dtype=np.int64), lengths)
    where = np.repeat(graph.indptr[:-1][rows] - indptr[:-1], lengths) + \
        np.arange(indptr[-1], dtype=np.int64)
    values = entries(graph, labels)[where]
    width = np.int64(int(values.max()) + 1 if values.size else 1)
    return indptr, np.sort(local * width + values) - local * width


def _row_hashes(graph: Union, labels: np.ndarray) -> np.ndarray:
    """Σ mixed(label) over each row's neighbours: equal multisets, equal hashes (the
    converse is checked), in any order."""
    with np.errstate(over="ignore"):
        running = np.concatenate([np.zeros(1, np.uint64),
                                  np.cumsum(mixed(entries(graph, labels)), dtype=np.uint64)])
        return running[graph.indptr[1:]] - running[graph.indptr[:-1]]


def _classes(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Rows numbered by their tuple of column values (0 … C − 1), and each row's first row
    of the same class."""
    order = np.lexsort(columns[::-1])
    start = np.ones(order.size, dtype=bool)
    for column in columns:
        ordered = column[order]
        start[1:] &= ordered[1:] == ordered[:-1]
    start = ~start
    start[:1] = True
    ids_in_order = np.cumsum(start) - 1
    ids = np.empty(order.size, dtype=np.int64)
    ids[order] = ids_in_order
    first = order[np.flatnonzero(start)]
    return ids, first[ids]


#: label counts per row compared directly (no sort) while rows × distinct entries stays
#: below this: the first iterations, where few labels exist and most rows share a class
COUNTS_LIMIT = 4_000_000


def _same_rows(graph: Union, labels: np.ndarray, ids: np.ndarray,
               representative: np.ndarray) -> bool:
    """Whether every row holds the same neighbour entries as its class's first row. Only rows
    of classes with two or more rows are compared (after a few iterations of a large graph
    that is few rows): by their counts of each entry while few entries exist, else sorted;
    rows of one class have one length, the degree being part of the class."""
    shared = np.flatnonzero(np.bincount(ids)[ids] > 1)
    if shared.size == 0:
        return True
    local = np.full(labels.size, -1, dtype=np.int64)
    local[shared] = np.arange(shared.size, dtype=np.int64)
    theirs = local[representative[shared]]
    values = entries(graph, labels)
    width = int(values.max()) + 1 if values.size else 1
    if shared.size * width <= COUNTS_LIMIT:
        rows = local[np.repeat(np.arange(graph.size, dtype=np.int64), np.diff(graph.indptr))]
        kept = rows >= 0
        counts = np.bincount(rows[kept] * width + values[kept],
                             minlength=shared.size * width).reshape(shared.size, width)
        return bool(np.array_equal(counts, counts[theirs]))
    indptr, ordered = _sorted_rows(graph, labels, shared)
    lengths = np.diff(indptr)
    position = np.repeat(indptr[:-1][theirs] - indptr[:-1], lengths) + \
        np.arange(ordered.size, dtype=np.int64)
    return bool(np.array_equal(ordered, ordered[position]))


def step(graphs: list[Union], labels: np.ndarray) -> np.ndarray:
    """One iteration: the new label codes, numbered 0 … C − 1, in sorted order of (own
    label, degree and hash of each neighbour group). `graphs` holds one adjacency per
    neighbour group of the signature (one; or successors and predecessors). Rows are grouped
    by hashes of their multisets, then every row is compared with its group's first row; a
    collision (never seen: 2⁻⁶⁴ per pair) is resolved by `sequence_ids`, exactly."""
    columns = [labels]
    for g in graphs:
        columns += [np.diff(g.indptr), _row_hashes(g, labels)]
    ids, representative = _classes(columns)
    if all(_same_rows(g, labels, ids, representative) for g in graphs):
        return ids
    columns = [labels]
    for g in graphs:
        indptr, ordered = _sorted_rows(g, labels)
        columns += [np.diff(indptr), sequence_ids(ordered, indptr)]
    return _classes(columns)[0]


def refine(graphs: list[Union], start: np.ndarray, steps: int, stop=None) -> list[np.ndarray]:
    """Label codes of iterations 0, 1, …, `steps` of them, or fewer where `stop(history)`
    (called after each iteration) says so."""
    history = [start]
    for _ in range(steps):
        history.append(step(graphs, history[-1]))
        if stop is not None and stop(history):
            break
    return history


def classes(labels: np.ndarray) -> int:
    """The number of distinct labels (codes are 0 … C − 1)."""
    return int(labels.max()) + 1 if labels.size else 0


def shared(graph: Union, labels: np.ndarray) -> bool:
    """Whether some label occurs in two of the graphs."""
    present = [np.unique(labels[graph.part(g)]) for g in range(len(graph.offsets) - 1)]
    together = np.concatenate(present) if present else np.zeros(0, np.int64)
    return np.unique(together).size < together.size


def histogram(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(label codes, counts), codes ascending."""
    return np.unique(labels, return_counts=True)


def dot(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> int:
    """Σ over shared labels of count_a · count_b."""
    _, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    return int(np.dot(a[1][ia].astype(np.int64), b[1][ib].astype(np.int64)))


def same_histogram(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> bool:
    return a[0].shape == b[0].shape and bool(np.array_equal(a[0], b[0])) and \
        bool(np.array_equal(a[1], b[1]))
