"""Properties of Weisfeiler-Lehman refinement that hold for every graph, on random ones.

* refinement is monotone: a colour class of iteration k + 1 lies inside one of iteration k;
* isomorphic graphs (the same graph with its nodes renamed and its edges shuffled) get equal
  feature vectors, the kernel of the self-pair, and the verdict "possibly isomorphic";
* the kernel matrix is symmetric, and the node view and the array view agree on it;
* the array engine's sequence ids are equal exactly when two rows hold the same sequence.
"""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nnsolve.solvers.wl import WlSolver
from nnsolve.solvers.wl import refine as F
from nnsolve.solvers.wl.given import WlGiven


@st.composite
def graphs(draw, max_nodes: int = 8):
    n = draw(st.integers(1, max_nodes))
    pairs = [(u, v) for u in range(1, n + 1) for v in range(u + 1, n + 1)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs))) \
        if pairs else []
    labels = draw(st.one_of(st.none(), st.lists(st.sampled_from("AB"), min_size=n,
                                                max_size=n)))
    edge_labels = draw(st.one_of(st.none(), st.lists(st.sampled_from("xy"), min_size=len(chosen),
                                                     max_size=len(chosen))))
    spec = {"nodes": list(range(1, n + 1)),
            "edges": [list(e) + ([edge_labels[i]] if edge_labels is not None else [])
                      for i, e in enumerate(chosen)]}
    if labels is not None:
        spec["labels"] = {i + 1: label for i, label in enumerate(labels)}
    return spec


def solve(graph_specs: dict, iterations: int, view: str = "nodes", **conventions):
    given = WlGiven.model_validate({"graphs": graph_specs, "iterations": iterations,
                                    "view": view})
    return WlSolver().solve(given, WlSolver.resolve_conventions(conventions))


def renamed(spec: dict, permutation: list[int], flip: list[bool]) -> dict:
    """The same graph, node i called permutation[i − 1] (+100, so no name is kept), edges in
    another order and written the other way round where `flip` says."""
    name = {i + 1: permutation[i] + 100 for i in range(len(spec["nodes"]))}
    edges = [[name[v], name[u], *label] if f else [name[u], name[v], *label]
             for (u, v, *label), f in zip(spec["edges"], flip)]
    out = {"nodes": sorted(name.values()), "edges": edges[::-1]}
    if "labels" in spec:
        out["labels"] = {name[v]: label for v, label in spec["labels"].items()}
    return out


@settings(max_examples=40)
@given(graphs(), st.integers(1, 4))
def test_refinement_only_splits_classes(spec, h):
    d = solve({"G1": spec}, h)
    for k in range(h):
        before = d[f"step{k}.G1.labels"].value
        after = d[f"step{k + 1}.G1.labels"].value
        for cls in after.groups():
            assert len({before[node] for node in cls}) == 1


@settings(max_examples=40)
@given(graphs(), st.data(), st.integers(1, 3))
def test_isomorphic_graphs_get_equal_features(spec, data, h):
    n = len(spec["nodes"])
    permutation = data.draw(st.permutations(range(1, n + 1)))
    flip = data.draw(st.lists(st.booleans(), min_size=len(spec["edges"]),
                              max_size=len(spec["edges"])))
    d = solve({"G1": spec, "G2": renamed(spec, permutation, flip)}, h)
    assert d["phi.G1"].value == d["phi.G2"].value
    assert d["K.G1.G2"].value == d["K"].value[0][0] == d["K"].value[1][1]
    assert d["verdict.G1.G2"].value == "possibly isomorphic"


def alike(specs: list[dict]) -> dict:
    """The graphs under names G1, G2, …, with edge labels in all or none (as a part must):
    the first graph's choice decides."""
    labelled = any(len(e) == 3 for e in specs[0]["edges"])
    named = {}
    for i, spec in enumerate(specs):
        edges = [(e if len(e) == 3 else e[:2] + ["x"]) if labelled else e[:2]
                 for e in spec["edges"]]
        named[f"G{i + 1}"] = {**spec, "edges": edges}
    return named


@settings(max_examples=30)
@given(st.lists(graphs(6), min_size=2, max_size=4), st.integers(0, 3),
       st.sampled_from(["included", "excluded"]))
def test_kernel_matrix_is_symmetric_and_both_views_agree(specs, h, iteration0):
    if h == 0 and iteration0 == "excluded":
        h = 1
    named = alike(specs)
    nodes = solve(named, h, "nodes", iteration0=iteration0)
    summary = solve(named, h, "summary", iteration0=iteration0)
    k = np.array(nodes["K"].value, dtype=object)
    assert (k == k.T).all()
    assert nodes["K"].value == summary["K"].value
    for a, b in [(a, b) for a in named for b in named if a < b]:
        assert nodes[f"verdict.{a}.{b}"].value == summary[f"verdict.{a}.{b}"].value


@settings(max_examples=60)
@given(st.lists(st.lists(st.integers(0, 3), max_size=9), min_size=1, max_size=12))
def test_sequence_ids_tell_equal_rows_from_different_ones(rows):
    indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    values = np.array([x for r in rows for x in r], dtype=np.int64)
    ids = F.sequence_ids(values, indptr)
    for i, a in enumerate(rows):
        for j, b in enumerate(rows):
            if len(a) == len(b):
                assert (ids[i] == ids[j]) == (a == b), (a, b)


@settings(max_examples=25)
@given(st.lists(graphs(7), min_size=2, max_size=3), st.integers(1, 3), st.booleans(),
       st.booleans())
def test_rows_are_checked_exactly_by_counts_or_sorted(specs, h, collide, sort):
    """With a mix that sends every label to 0, every row of a degree collides; the check
    against each group's first row (by counts, or sorted rows when COUNTS_LIMIT is 0) finds
    it and the exact pairing ids decide. Without collisions, both checks pass every row."""
    named = alike(specs)
    zero = (lambda values: np.zeros(values.size, dtype=np.uint64)) if collide else F.mixed
    with patch.object(F, "mixed", zero), \
            patch.object(F, "COUNTS_LIMIT", 0 if sort else F.COUNTS_LIMIT):
        summary = solve(named, h, "summary")
    assert summary["K"].value == solve(named, h, "nodes")["K"].value
