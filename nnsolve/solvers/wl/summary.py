"""The summary view: WL on large graphs (10⁵ nodes), worked on arrays (refine.py) and shown as
what a reader can take in: per iteration the number of colours over all graphs and in each
graph, and each graph's class sizes as a histogram (class size → how many classes); then the
kernels, the kernel matrix and the WL test. No quantity has one entry per node, so the
terminal, HTML and JSON stay small whatever the graph.

The numbers come from the arrays, so a student's answer to these is graded but not carried
forward (nobody relabels 10⁵ nodes by hand); the normalised matrix is still computed from the
kernel matrix.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import sympy

from nnsolve.derivation import structures as S
from nnsolve.derivation.core import Derivation
from nnsolve.solvers.wl import kernel as KN
from nnsolve.solvers.wl import refine as F
from nnsolve.solvers.wl.given import Graphs


def run(graphs: Graphs, seen: str) -> tuple[F.Union, list[np.ndarray], str | None]:
    """The refinement of all graphs together: the union, the label codes per iteration, and
    why it stopped where `until` stopped it. `seen` is the neighbours convention."""
    sizes = [len(g.nodes) for g in graphs.graphs]
    edges = [np.asarray(g.edges, dtype=np.int64).reshape(-1, 2) for g in graphs.graphs]
    ways = {"out": ("out",), "in": ("in",), "both": ("out", "in")}[seen] \
        if graphs.directed else ("both ways",)
    labelled = any(g.edge_labels for g in graphs.graphs)
    codes = F.codes([label for g in graphs.graphs for label in g.edge_labels or ()]) \
        if labelled else None
    split = np.cumsum([len(g.edges) for g in graphs.graphs])[:-1]
    edge_codes = np.split(codes, split) if labelled else None
    adjacency = [F.union(sizes, edges, way, edge_codes) for way in ways]
    union = adjacency[0]
    start = F.codes([label for g in graphs.graphs for label in g.labels])
    reasons: list[str | None] = [None]

    def stop(history) -> bool:
        k = len(history) - 1
        reasons[0] = KN.stop_reason(graphs.until, k, F.classes(history[-2]),
                                    F.classes(history[-1]), F.shared(union, history[-1]))
        return reasons[0] is not None

    history = F.refine(adjacency, start, graphs.max_iterations,
                       stop if graphs.until is not None else None)
    return union, history, reasons[0]


def build(graphs: Graphs, conventions: Mapping[str, str]) -> Derivation:
    d = Derivation()
    names = graphs.names
    union, history, reason = run(graphs, conventions["neighbours"])
    count = len(history) - 1
    first = KN.counted(conventions, count).start
    for g in graphs.graphs:
        d.given(f"{g.name}.nodes", len(g.nodes), f"nodes of {g.name}", kind="count",
                symbol=sympy.Symbol(f"n({g.name})"))
        d.given(f"{g.name}.edges", len(g.edges), f"edges of {g.name}", kind="count",
                symbol=sympy.Symbol(f"m({g.name})"))
    histograms = [[F.histogram(labels[union.part(i)]) for labels in history]
                  for i in range(len(names))]
    for k, labels in enumerate(history):
        _iteration(d, k, names, labels, histograms)
    if graphs.until is not None:
        d.notes.append(reason or f"no stable colouring within {graphs.max_iterations} "
                                 "iterations: stopped there")
    for i, name in enumerate(names):
        labels = sum(len(h[0]) for h in histograms[i][first:])
        _fixed(d, f"phi.{name}.labels", f"distinct labels φ({name}) counts, iterations "
               f"{first}–{count}", labels, "count", KN.GROUP, f"labels(φ({name}))")
    matrix = tuple(tuple(sum(F.dot(a, b) for a, b in zip(histograms[i][first:],
                                                         histograms[j][first:]))
                         for j in range(len(names))) for i in range(len(names)))
    for (i, a), (j, b) in ((x, y) for x in enumerate(names) for y in enumerate(names)
                           if x[0] < y[0]):
        _fixed(d, KN.pair_name("K", a, b), f"kernel K({a}, {b}) = φ({a})·φ({b})",
               sympy.Integer(matrix[i][j]), "count", KN.GROUP, f"K({a},{b})")
    if len(names) >= 2:
        KN.add_matrices(d, names, lambda _: matrix, ())
    stable = count >= 1 and F.classes(history[-1]) == F.classes(history[-2])
    _tests(d, names, histograms, count, stable)
    d.notes.append(f"worked on arrays: {union.size:,} nodes, {len(union.indices):,} neighbour "
                   f"entries; φ counts iterations {first} to {count}; labels are numbered per "
                   "iteration and shown only as counts")
    d.principal = [q.name for q in d.derived() if KN.principal(q.name)]
    return d


def _fixed(d: Derivation, name: str, label: str, value, kind: str, group: str,
           symbol: str) -> None:
    d.add(name, label, rule=lambda _: value, inputs=(), value=value, kind=kind, group=group,
          symbol=sympy.Symbol(symbol))


def _iteration(d: Derivation, k: int, names, labels: np.ndarray, histograms) -> None:
    heading = "starting labels" if k == 0 else f"iteration {k}"
    _fixed(d, f"step{k}.colours", "distinct labels in all graphs",
           sympy.Integer(F.classes(labels)), "count", heading,
           f"colours{k}")
    for i, name in enumerate(names):
        codes, counts = histograms[i][k]
        _fixed(d, f"step{k}.{name}.colours", f"distinct labels in {name}",
               sympy.Integer(len(codes)), "count", heading, f"colours{k}({name})")
        sizes, classes = np.unique(counts, return_counts=True)
        _fixed(d, f"step{k}.{name}.class_sizes",
               f"class sizes in {name}: size → how many classes",
               S.Multiset((str(int(s)), sympy.Integer(int(c))) for s, c in zip(sizes, classes)),
               "multiset", heading, f"sizes{k}({name})")


def _tests(d: Derivation, names, histograms, count: int, stable: bool) -> None:
    for (i, a), (j, b) in ((x, y) for x in enumerate(names) for y in enumerate(names)
                           if x[0] < y[0]):
        split = next((k for k in range(count + 1)
                      if not F.same_histogram(histograms[i][k], histograms[j][k])), None)
        _fixed(d, KN.pair_name("verdict", a, b), f"WL test: are {a} and {b} isomorphic?",
               KN.verdict(split), "label", KN.TEST_GROUP, f"WL({a},{b})")
        d.notes.append(KN.verdict_note(a, b, split, count, stable))
        if split is not None:
            _fixed(d, KN.pair_name("split", a, b),
                   f"first iteration whose label histograms differ ({a}, {b})",
                   sympy.Integer(split), "count", KN.TEST_GROUP, f"split({a},{b})")
