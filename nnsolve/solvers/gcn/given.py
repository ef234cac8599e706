"""What a GCN exercise gives, and the checks that make it solvable.

A graph is its edges (undirected, between node ids) or its adjacency matrix; the node
features H have one row per node; each layer has weights W (inputs × outputs, so H W is
written as in Kipf & Welling), an optional bias and an activation. Sizes are bounded: every
intermediate matrix is worked exactly and shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Union

from pydantic import Field, StrictFloat, StrictInt, StrictStr, field_validator

from nnsolve.solvers.base import Given, SolverError

Number = Union[StrictInt, StrictFloat]
NodeId = Union[StrictInt, StrictStr]

#: nodes of a graph worked by hand (every matrix is n × n and shown)
MAX_NODES = 30
#: features per node, in and out of a layer
MAX_FEATURES = 16
MAX_LAYERS = 2
ACTIVATIONS = ("relu", "linear", "tanh", "sigmoid")


def _at_most(limit: int, what: str):
    def check(value):
        if isinstance(value, list) and len(value) > limit:
            raise ValueError(f"{len(value):,} {what}; the limit is {limit}")
        return value
    return check


class GcnLayer(Given):
    weights: list[list[Number]] = Field(
        description="W, one row per input feature and one column per output feature")
    bias: list[Number] | None = Field(None, description="a bias per output feature (optional)")
    activation: Literal["relu", "linear", "tanh", "sigmoid"] = Field(
        "relu", description="σ in H' = σ(Â H W + b)")

    _weights = field_validator("weights", mode="before")(_at_most(MAX_FEATURES, "rows"))


class GcnGiven(Given):
    nodes: list[NodeId] | None = Field(
        None, description="the node ids in the order of the matrices' rows (default: as they "
        "first appear in the edges, or 1 … n for an adjacency matrix)")
    edges: list[list[NodeId]] | None = Field(
        None, description="undirected edges [u, v] between node ids; or give `adjacency`")
    adjacency: list[list[Number]] | None = Field(
        None, description="the adjacency matrix A (symmetric, zero diagonal); or give `edges`")
    features: list[list[Number]] = Field(
        description="the node features H, one row per node")
    layers: list[GcnLayer] = Field(
        min_length=1, max_length=MAX_LAYERS, description="one or two GCN layers")

    _nodes = field_validator("nodes", mode="before")(_at_most(MAX_NODES, "nodes"))
    _edges = field_validator("edges", mode="before")(_at_most(MAX_NODES ** 2, "edges"))
    _adjacency = field_validator("adjacency", mode="before")(_at_most(MAX_NODES, "rows"))
    _features = field_validator("features", mode="before")(_at_most(MAX_NODES, "rows"))


@dataclass(frozen=True)
class Graph:
    nodes: tuple
    adjacency: tuple[tuple, ...]
    features: tuple[tuple, ...]
    layers: tuple[GcnLayer, ...]


def read(given: GcnGiven) -> Graph:
    if (given.edges is None) == (given.adjacency is None):
        raise SolverError("give the graph as edges or as an adjacency matrix (one of them)",
                          ("edges",) if given.edges is not None else ())
    if given.edges is not None:
        nodes, adjacency = _from_edges(given)
    else:
        nodes, adjacency = _from_matrix(given)
    features = _features(given, len(nodes))
    _check_layers(given.layers, len(features[0]))
    return Graph(nodes, adjacency, features, tuple(given.layers))


#: the largest magnitude of a feature, weight or bias: products of two layers stay finite
MAX_MAGNITUDE = 1e12


def _finite(value, path: tuple) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise SolverError(f"{value} is not a number", path)
    if abs(value) > MAX_MAGNITUDE:
        written = str(value) if len(str(value)) <= 24 else f"a number of {len(str(value))} digits"
        raise SolverError(f"{written} is too large for an exercise (at most 10^12 in size)",
                          path)


def _from_edges(given: GcnGiven):
    seen: list = list(given.nodes or [])
    if len(set(seen)) != len(seen):
        raise SolverError("a node id appears twice", ("nodes",))
    pairs = set()
    for e, edge in enumerate(given.edges):
        if len(edge) != 2:
            raise SolverError(f"an edge joins two nodes, not {len(edge)}", ("edges", e))
        u, v = edge
        if u == v:
            raise SolverError(f"a self-loop on {u}: A has none, Â adds them (A + I)",
                              ("edges", e))
        for node in (u, v):
            if node not in seen:
                if given.nodes is not None:
                    raise SolverError(f"node {node!r} is not among the nodes", ("edges", e))
                seen.append(node)
        if frozenset((u, v)) in pairs:
            raise SolverError(f"the edge {u}–{v} appears twice", ("edges", e))
        pairs.add(frozenset((u, v)))
    if len(seen) < 2:
        raise SolverError("a graph here has at least two nodes (list them under `nodes`)",
                          ("edges",))
    if len(seen) > MAX_NODES:
        raise SolverError(f"{len(seen)} nodes; the limit is {MAX_NODES}", ("edges",))
    index = {node: i for i, node in enumerate(seen)}
    matrix = [[0] * len(seen) for _ in seen]
    for pair in pairs:
        u, v = tuple(pair)
        matrix[index[u]][index[v]] = matrix[index[v]][index[u]] = 1
    return tuple(seen), tuple(tuple(row) for row in matrix)


def _from_matrix(given: GcnGiven):
    A = given.adjacency
    n = len(A)
    if n < 2:
        raise SolverError("a graph here has at least two nodes", ("adjacency",))
    for i, row in enumerate(A):
        if len(row) != n:
            raise SolverError(f"row {i + 1} has {len(row)} entries; A is {n} × {n}",
                              ("adjacency", i))
        for j, a in enumerate(row):
            _finite(a, ("adjacency", i, j))
            if a < 0:
                raise SolverError(f"an edge weight is ≥ 0, not {a}", ("adjacency", i, j))
            if a != A[j][i]:
                raise SolverError(f"A is symmetric (an undirected graph): a{i + 1}{j + 1} = {a}"
                                  f" but a{j + 1}{i + 1} = {A[j][i]}", ("adjacency", i, j))
        if row[i] != 0:
            raise SolverError("A has a zero diagonal: Â adds the self-loops (A + I)",
                              ("adjacency", i, i))
    nodes = tuple(given.nodes) if given.nodes is not None else tuple(range(1, n + 1))
    if len(nodes) != n or len(set(nodes)) != n:
        raise SolverError(f"{len(nodes)} distinct node ids for a {n} × {n} adjacency matrix",
                          ("nodes",))
    return nodes, tuple(tuple(row) for row in A)


def _features(given: GcnGiven, n: int) -> tuple[tuple, ...]:
    H = given.features
    if len(H) != n:
        raise SolverError(f"{len(H)} rows of features for {n} nodes", ("features",))
    width = len(H[0])
    if not 1 <= width <= MAX_FEATURES:
        raise SolverError(f"a node has 1 to {MAX_FEATURES} features, not {width}",
                          ("features", 0))
    for i, row in enumerate(H):
        if len(row) != width:
            raise SolverError(f"row {i + 1} has {len(row)} features, row 1 has {width}",
                              ("features", i))
        for j, h in enumerate(row):
            _finite(h, ("features", i, j))
    return tuple(tuple(row) for row in H)


def _check_layers(layers, width: int) -> None:
    for l, layer in enumerate(layers):
        W = layer.weights
        if len(W) != width:
            hint = " (W is inputs × outputs: H W)" if W and len(W[0]) == width else ""
            raise SolverError(f"W has {len(W)} rows for {width} input features{hint}",
                              ("layers", l, "weights"))
        out = len(W[0]) if W else 0
        if not 1 <= out <= MAX_FEATURES:
            raise SolverError(f"a layer has 1 to {MAX_FEATURES} outputs, not {out}",
                              ("layers", l, "weights", 0))
        for i, row in enumerate(W):
            if len(row) != out:
                raise SolverError(f"row {i + 1} of W has {len(row)} entries, row 1 has {out}",
                                  ("layers", l, "weights", i))
            for j, w in enumerate(row):
                _finite(w, ("layers", l, "weights", i, j))
        if layer.bias is not None:
            if len(layer.bias) != out:
                raise SolverError(f"{len(layer.bias)} biases for {out} outputs",
                                  ("layers", l, "bias"))
            for j, b in enumerate(layer.bias):
                _finite(b, ("layers", l, "bias", j))
        width = out
