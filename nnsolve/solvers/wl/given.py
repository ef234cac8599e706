"""The given of the `wl` solver, read and checked into `Graphs`: node ids, edges as index
pairs and the starting labels, in the form both views (nodes.py, summary.py) work from.

A graph is written as its edges (`edges: [[1, 2], [2, 3]]`, or `[[1, 2, a], …]` with edge
labels) or its adjacency matrix (nodes 1 … n), with optional `nodes` (isolated ones, or an
order) and `labels` (all 1 when left out). Graphs whose nodes are all numbers are read with
numpy, so a graph of 10⁵ nodes costs no Python loop per edge.
What is malformed is pydantic's; what is well-formed but not a graph (a label for a node that is
not there, an edge twice, an asymmetric matrix of an undirected graph) is a SolverError naming
the field. Sizes are bounded before anything is built: hostile input is refused, not run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, Union

from pydantic import Field, StrictBool, StrictInt, StrictStr, field_validator

from nnsolve.derivation.layout import natural_key
from nnsolve.derivation.structures import key_text
from nnsolve.solvers.base import Given, SolverError

#: nodes and edges of all graphs of a part together: each iteration is a few sorts of arrays
#: this long, so a part runs in seconds at these sizes and is refused beyond them
MAX_NODES = 1_000_000
MAX_EDGES = 10_000_000
#: an adjacency matrix has n² entries: beyond this many nodes, give the edges
MAX_ADJACENCY_NODES = 2000
#: graphs of one part: every pair gets its kernel and its test
MAX_GRAPHS = 20
#: iterations of one part; a partition can be refined at most n − 1 times anyway
MAX_ITERATIONS = 50
#: iterations × (nodes + edges): the work of a part, bounded so it cannot run for minutes
MAX_WORK = 200_000_000
#: above this many nodes in all, a part is worked as a summary (no per-node quantities)
NODE_VIEW_LIMIT = 60
#: the node-by-node view is refused beyond this, even when asked for
NODE_VIEW_MAX = 400

NodeId = Union[StrictInt, StrictStr]
Label = Union[StrictInt, StrictStr]
_GRAPH_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}\Z")
#: words of the quantity names (phi.G1, K.G1.G2, step2.G1.labels): no graph is called so
_RESERVED = re.compile(r"(step\d+|phi|K|K_norm|verdict|split|table|colours|labels|signatures|"
                       r"neighbours|successors|predecessors|class_sizes|nodes|edges)\Z")


def _at_most(limit: int, what: str):
    """A `before` validator refusing a list over `limit` items before each one is validated."""
    def check(value: Any) -> Any:
        if isinstance(value, (list, dict)) and len(value) > limit:
            raise ValueError(f"{len(value):,} {what}; the limit is {limit:,}")
        return value
    return check


class GraphGiven(Given):
    edges: list[tuple[NodeId, NodeId] | tuple[NodeId, NodeId, Label]] | None = Field(
        None, description="the edges as pairs of node ids ([[1, 2], [2, 3]]); from → to when "
                          "directed; with a third entry, the edge's label ([1, 2, a]: every "
                          "edge or none), which signatures pair with the neighbour's label "
                          "(a:1)")
    adjacency: list[list[StrictInt]] | None = Field(
        None, description="instead of edges: the 0/1 adjacency matrix, nodes numbered 1 … n "
                          f"(at most {MAX_ADJACENCY_NODES} nodes)")
    nodes: list[NodeId] | None = Field(
        None, description="the nodes in the order they are listed (default: those of the edges "
                          "and labels, in natural order); needed for isolated nodes")
    labels: dict[NodeId, Label] | None = Field(
        None, description="node → starting label (a number or a word); default: every node 1")

    _edges = field_validator("edges", mode="before")(_at_most(MAX_EDGES, "edges"))
    _nodes = field_validator("nodes", "labels", mode="before")(_at_most(MAX_NODES, "nodes"))
    _matrix = field_validator("adjacency", mode="before")(
        _at_most(MAX_ADJACENCY_NODES, "rows"))


class WlGiven(Given):
    graphs: dict[StrictStr, GraphGiven] = Field(
        min_length=1, description="graph name (G1, G2, …) → the graph; the compression table "
                                  f"is shared by all of them (at most {MAX_GRAPHS} graphs, "
                                  f"{MAX_NODES:,} nodes and {MAX_EDGES:,} edges in all)")
    iterations: StrictInt | None = Field(
        None, ge=0, le=MAX_ITERATIONS, description="the number h of relabelling iterations "
                                                   "(or until)")
    until: Literal["stable", "disjoint"] | None = Field(
        None, description="stable: iterate until an iteration splits no colour class (over "
                          "all graphs together); disjoint: also stop at an iteration whose "
                          "labels no two graphs share (later ones add nothing to K(G, H) "
                          "for G ≠ H). The iteration that stops is counted in φ")
    directed: StrictBool = Field(
        False, description="edges go from → to; the neighbours convention says which ones "
                           "a node sees")
    view: Literal["auto", "nodes", "summary"] = Field(
        "auto", description="nodes: every node's signature and label per iteration; summary: "
                            "per iteration only counts and class-size histograms (large "
                            f"graphs); auto: nodes up to {NODE_VIEW_LIMIT} nodes in all")

    _graphs = field_validator("graphs", mode="before")(_at_most(MAX_GRAPHS, "graphs"))


@dataclass(frozen=True)
class Graph:
    """One graph: node ids as labels (text), edges as pairs of indices into `nodes` in the
    order given (a list, or an (m, 2) array for a graph read as arrays), and each node's
    starting label (text)."""

    name: str
    nodes: tuple[str, ...]
    edges: Any
    labels: tuple[str, ...]
    #: each edge's label, in the order of `edges`; None for a graph without edge labels
    edge_labels: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Graphs:
    graphs: tuple[Graph, ...]
    iterations: int | None          # None: until `until`
    until: str | None               # "stable", "disjoint" or None
    directed: bool
    view: str                       # "nodes" or "summary"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.graphs)

    @property
    def max_iterations(self) -> int:
        """Iterations to run at most: the count asked, or, with `until`, as many as can split
        a class (a partition of n nodes splits at most n − 1 times) plus the one that shows
        it is stable."""
        if self.iterations is not None:
            return self.iterations
        return min(MAX_ITERATIONS, sum(len(g.nodes) for g in self.graphs))


def read(given: WlGiven) -> Graphs:
    if (given.iterations is None) == (given.until is None):
        raise SolverError("give either iterations (a number) or until (stable or disjoint)",
                          ("iterations",) if given.iterations is not None else ())
    graphs = tuple(_graph(name, g, given.directed) for name, g in given.graphs.items())
    labelled = [g.edge_labels is not None for g in graphs if len(g.edges)]
    if any(labelled) and not all(labelled):
        name = [g for g in graphs if len(g.edges)][labelled.index(False)].name
        raise SolverError("edge labels in one graph and not in another: give the edges of "
                          "every graph labels, or of none", ("graphs", name, "edges"))
    nodes = sum(len(g.nodes) for g in graphs)
    edges = sum(len(g.edges) for g in graphs)
    if nodes > MAX_NODES or edges > MAX_EDGES:
        raise SolverError(f"{nodes:,} nodes and {edges:,} edges in all; the limits are "
                          f"{MAX_NODES:,} nodes and {MAX_EDGES:,} edges", ("graphs",))
    iterations = given.iterations if given.iterations is not None else MAX_ITERATIONS
    if iterations * (nodes + edges) > MAX_WORK:
        field = ("iterations",) if given.iterations is not None else ("until",)
        raise SolverError(f"{iterations} iterations over {nodes:,} nodes and {edges:,} edges is "
                          f"over {MAX_WORK:,} node and edge visits; ask fewer iterations", field)
    return Graphs(graphs, given.iterations, given.until, given.directed,
                  _view(given.view, nodes))


def _view(asked: str, nodes: int) -> str:
    if asked == "nodes" and nodes > NODE_VIEW_MAX:
        raise SolverError(f"{nodes:,} nodes are too many to show node by node (at most "
                          f"{NODE_VIEW_MAX}); use view: summary", ("view",))
    if asked == "auto":
        return "nodes" if nodes <= NODE_VIEW_LIMIT else "summary"
    return asked


def _graph(name: str, g: GraphGiven, directed: bool) -> Graph:
    where = ("graphs", name)
    if not _GRAPH_NAME.match(name) or _RESERVED.match(name):
        raise SolverError(f"a graph's name is a letter then letters, digits or _ (at most 32), "
                          f"such as G1, and not a word of the quantity names; not {name!r}",
                          where)
    if (g.edges is None) == (g.adjacency is None):
        raise SolverError("give the graph's edges or its adjacency matrix (one of them)", where)
    edges = edge_labels = None
    if g.edges is not None:
        ends, edge_labels = _split_edges(g.edges, where + ("edges",))
    if g.adjacency is not None:
        order, pairs = _from_matrix(g.adjacency, directed, where + ("adjacency",))
        if g.nodes is not None:
            raise SolverError("an adjacency matrix numbers its nodes 1 … n: leave out nodes",
                              where + ("nodes",))
    elif _numbered(g, ends):
        order, edges = _numbered_edges(g, ends, directed, where)
        index = None
    else:
        order = _listed_nodes(g, ends, where)
        pairs = [(key_text(a), key_text(b)) for a, b in ends]
    if edges is None:
        index = {node: i for i, node in enumerate(order)}
        edges = _edges(pairs, index, directed, where)
    if index is None and g.labels is not None:
        index = {node: i for i, node in enumerate(order)}
    labels = _labels(g.labels, order, index, where)
    return Graph(name, tuple(order), edges, labels, edge_labels)


def _split_edges(edges: list[tuple], where: tuple) -> tuple[list, tuple[str, ...] | None]:
    """The edges' ends, and their labels when the edges have them (all, or none)."""
    labelled = [len(e) == 3 for e in edges]
    if not any(labelled):
        return edges, None
    if not all(labelled):
        e = labelled.index(False)
        raise SolverError("an edge without a label among labelled ones: give every edge a "
                          "label, or none", where + (e,))
    labels = tuple(key_text(e[2]) for e in edges)
    for e, text in enumerate(labels):
        if not _readable(text):
            raise SolverError(f"an edge label is a number or a word without commas, colons or "
                              f"spaces, not {text!r}", where + (e,))
    return [e[:2] for e in edges], labels


def _readable(text: str) -> bool:
    """Whether a node id or a label reads back from neighbour lists (`a:2 b:4`) and written
    signatures (`1,a:1 b:1`): no comma, colon, space or ∅."""
    return bool(text) and not any(ch in ",:∅" or ch.isspace() for ch in text)


def _node_names(nodes, where: tuple) -> list[str]:
    """Node ids as text; a word with a space, a comma or ∅ would not read back from the
    neighbour lists (`2 4 5`) and signatures."""
    out = [key_text(n) for n in nodes]
    for text in out:
        if not _readable(text):
            raise SolverError(f"a node is a number or a word without commas, colons or spaces, "
                              f"not {text!r}", where)
    return out


def _listed_nodes(g: GraphGiven, ends: list, where: tuple) -> list[str]:
    if g.nodes is not None:
        order = _node_names(g.nodes, where + ("nodes",))
        if len(set(order)) != len(order):
            seen: set[str] = set()
            twice = next(n for n in order if n in seen or seen.add(n))
            raise SolverError(f"node {twice} is listed twice", where + ("nodes",))
        return order
    found = set(_node_names((n for edge in ends for n in edge), where + ("edges",)))
    found.update(_node_names(g.labels or {}, where + ("labels",)))
    if not found:
        raise SolverError("the graph has no nodes: list them under nodes", where)
    return sorted(found, key=natural_key)


def _from_matrix(matrix: list[list[int]], directed: bool, where: tuple):
    n = len(matrix)
    if n == 0:
        raise SolverError("the adjacency matrix is empty", where)
    for i, row in enumerate(matrix):
        if len(row) != n:
            raise SolverError(f"row {i + 1} has {len(row)} entries; a matrix of {n} nodes is "
                              f"{n}×{n}", where + (i,))
    pairs = []
    for i, row in enumerate(matrix):
        for j, a in enumerate(row):
            if a not in (0, 1):
                raise SolverError(f"an adjacency matrix holds 0 or 1, not {a}", where + (i, j))
            if not directed and a != matrix[j][i]:
                raise SolverError(f"entries ({i + 1}, {j + 1}) and ({j + 1}, {i + 1}) differ: "
                                  "an undirected graph's matrix is symmetric (or state "
                                  "directed: true)", where + (i, j))
            if a and (directed or j >= i):
                pairs.append((str(i + 1), str(j + 1)))
    return [str(i + 1) for i in range(n)], pairs


def _numbered(g: GraphGiven, ends: list) -> bool:
    """Whether every node is named by a whole number: then the edges are read as arrays."""
    return all(type(a) is int and type(b) is int for a, b in ends) and \
        all(type(n) is int for n in (g.nodes if g.nodes is not None else g.labels or ()))


def _numbered_edges(g: GraphGiven, ends: list, directed: bool, where: tuple):
    """Nodes named by numbers, read with numpy (a graph of 10⁵ nodes reads in a blink): the
    same checks as `_edges`, the same order of nodes (listed, or ascending)."""
    import numpy as np

    given_ends, ends = ends, np.asarray(ends, dtype=np.int64).reshape(-1, 2)
    if g.nodes is not None:
        listed = np.asarray(g.nodes, dtype=np.int64)
        if np.unique(listed).size != listed.size:
            ordered = np.sort(listed)
            twice = ordered[1:][ordered[1:] == ordered[:-1]][0]
            raise SolverError(f"node {twice} is listed twice", where + ("nodes",))
    else:
        labelled = np.asarray(list(g.labels or ()), dtype=np.int64)
        listed = np.unique(np.concatenate([ends.ravel(), labelled]))
    if listed.size == 0:
        raise SolverError("the graph has no nodes: list them under nodes", where)
    order = np.argsort(listed, kind="stable")
    position = np.searchsorted(listed[order], ends).clip(0, max(listed.size - 1, 0))
    known = listed[order][position] == ends
    if not known.all():
        e = int(np.flatnonzero(~known.all(axis=1))[0])
        node = int(ends[e][~known[e]][0])
        raise SolverError(f"node {node} is not among the listed nodes", where + ("edges", e))
    edges = order[position]
    key = edges if directed else np.sort(edges, axis=1)
    key = key[:, 0] * np.int64(listed.size) + key[:, 1]
    by_key = np.argsort(key, kind="stable")
    repeated = by_key[1:][key[by_key][1:] == key[by_key][:-1]]
    if repeated.size:
        e = int(repeated.min())
        a, b = given_ends[e]
        raise SolverError(f"the edge {a}–{b} is given twice", where + ("edges", e))
    return [str(n) for n in listed.tolist()], edges


def _edges(pairs, index: dict[str, int], directed: bool, where: tuple):
    """Edges as index pairs, in the order given; an edge given twice (either way round when
    undirected) is refused, since WL on a simple graph counts each neighbour once."""
    seen: set[tuple[int, int]] = set()
    out = []
    for e, (a, b) in enumerate(pairs):
        for node in (a, b):
            if node not in index:
                raise SolverError(f"node {node} is not among the listed nodes",
                                  where + ("edges", e))
        u, v = index[a], index[b]
        key = (u, v) if directed or u <= v else (v, u)
        if key in seen:
            raise SolverError(f"the edge {a}–{b} is given twice", where + ("edges", e))
        seen.add(key)
        out.append((u, v))
    return out


def _labels(labels: dict | None, order: list[str], index: dict[str, int],
            where: tuple) -> tuple[str, ...]:
    if labels is None:
        return ("1",) * len(order)
    out: list[str | None] = [None] * len(order)
    for node, label in labels.items():
        node = key_text(node)
        if node not in index:
            raise SolverError(f"a label for node {node}, which is not in the graph",
                              where + ("labels", node))
        text = key_text(label)
        if not _readable(text):
            raise SolverError(f"a label is a number or a word without commas, colons or "
                              f"spaces, not {text!r}", where + ("labels", node))
        out[index[node]] = text
    missing = [order[i] for i, label in enumerate(out) if label is None]
    if missing:
        shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        raise SolverError(f"no label for node{'s' if len(missing) > 1 else ''} {shown}: label "
                          "every node, or leave out labels (every node 1)",
                          where + ("labels",))
    return tuple(out)
