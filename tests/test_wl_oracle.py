"""The wl solver against GraKeL and networkx on random graphs, in both views.

GraKeL's `WeisfeilerLehman(n_iter=h, base_graph_kernel=VertexHistogram, normalize=False)` is
the sum over iterations 0 … h of the label histograms' dot products: n_iter = h counts h
relabelling iterations besides the starting labels (checked here on a graph worked by hand,
then relied on). networkx's `weisfeiler_lehman_subgraph_hashes` gives each node one hash per
iteration 1 … h: nodes with equal hashes must share a colour in our colouring and no others.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

grakel = pytest.importorskip("grakel")
nx = pytest.importorskip("networkx")

pytestmark = pytest.mark.oracle

from nnsolve.solvers.wl import WlSolver  # noqa: E402
from nnsolve.solvers.wl.given import WlGiven  # noqa: E402

LETTERS = "ABC"


def solve(graphs: dict, iterations: int, view: str, **conventions):
    given = WlGiven.model_validate({"graphs": graphs, "iterations": iterations, "view": view})
    return WlSolver().solve(given, WlSolver.resolve_conventions(conventions))


def random_graphs(seed: int, count: int, nodes: int, labelled: bool,
                  edge_labels: bool = False) -> dict:
    rng = np.random.default_rng(seed)
    out = {}
    for g in range(count):
        n = int(rng.integers(2, nodes + 1))
        edges = int(rng.integers(0, n * (n - 1) // 2 + 1)) if n < 12 else int(rng.integers(n, 3 * n))
        graph = nx.gnm_random_graph(n, edges, seed=int(rng.integers(1 << 30)))
        spec = {"edges": [[u + 1, v + 1] + ([LETTERS[int(rng.integers(0, 2))]] if edge_labels
                                             else []) for u, v in graph.edges()],
                "nodes": list(range(1, n + 1))}
        if labelled:
            spec["labels"] = {v + 1: LETTERS[int(rng.integers(0, 3))] for v in range(n)}
        out[f"G{g + 1}"] = spec
    return out


def grakel_matrix(graphs: dict, h: int) -> np.ndarray:
    inputs = []
    for spec in graphs.values():
        labels = spec.get("labels") or {v: "1" for v in spec["nodes"]}
        adjacency = {v: [] for v in spec["nodes"]}
        for u, v, *_ in spec["edges"]:
            adjacency[u].append(v)
            adjacency[v].append(u)
        inputs.append(grakel.Graph(adjacency, node_labels=labels))
    kernel = grakel.kernels.WeisfeilerLehman(n_iter=h, normalize=False,
                                            base_graph_kernel=grakel.kernels.VertexHistogram)
    return kernel.fit_transform(inputs)


def test_grakel_counts_h_iterations_as_n_iter_h():
    """Triangle with a pendant against a path of four, all labels 1: by hand, iteration 0 adds
    16 to every entry, iteration 1 adds 6 (K11: 2·2 + 1 + 1; K12: 1,11 twice in both, 1,1 once
    and twice; K22: 2·2 + 2·2 = 8), iteration 2 shares no label between the graphs."""
    graphs = {"G1": {"edges": [[1, 2], [2, 3], [3, 1], [3, 4]], "nodes": [1, 2, 3, 4]},
              "G2": {"edges": [[1, 2], [2, 3], [3, 4]], "nodes": [1, 2, 3, 4]}}
    assert grakel_matrix(graphs, 1).tolist() == [[22, 22], [22, 24]]
    assert grakel_matrix(graphs, 2).tolist() == [[28, 22], [22, 32]]
    assert solve(graphs, 2, "nodes")["K"].value == ((28, 22), (22, 32))


@pytest.mark.parametrize("seed", range(12))
def test_small_random_graphs_match_grakel_in_both_views(seed):
    graphs = random_graphs(seed, count=3, nodes=9, labelled=seed % 2 == 0)
    h = 1 + seed % 4
    expected = grakel_matrix(graphs, h)
    for view in ("nodes", "summary"):
        d = solve(graphs, h, view)
        assert np.array_equal(np.array(d["K"].value, dtype=float), expected), view
        assert int(d["K.G1.G2"].value) == int(expected[0][1])


@pytest.mark.parametrize("seed", range(3))
def test_larger_random_graphs_match_grakel_in_the_summary_view(seed):
    graphs = random_graphs(100 + seed, count=2, nodes=400, labelled=True)
    h = 3 + seed
    d = solve(graphs, h, "summary")
    assert np.array_equal(np.array(d["K"].value, dtype=float), grakel_matrix(graphs, h))
    normalised = np.array(d["K_norm"].value, dtype=float)
    k = grakel_matrix(graphs, h)
    assert np.allclose(normalised, k / np.sqrt(np.outer(np.diag(k), np.diag(k))))


def networkx_classes(spec: dict, h: int) -> list[set[frozenset]]:
    graph = nx.Graph()
    graph.add_nodes_from(spec["nodes"])
    for u, v, *label in spec["edges"]:
        graph.add_edge(u, v, **({"label": label[0]} if label else {}))
    edge_labels = any(len(e) == 3 for e in spec["edges"])
    if "labels" in spec:
        nx.set_node_attributes(graph, spec["labels"], "label")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hashes = nx.weisfeiler_lehman_subgraph_hashes(
            graph, iterations=h, node_attr="label" if "labels" in spec else None,
            edge_attr="label" if edge_labels else None)
    out = []
    for k in range(h):
        classes: dict[str, set] = {}
        for node, seq in hashes.items():
            classes.setdefault(seq[k], set()).add(str(node))
        out.append({frozenset(c) for c in classes.values()})
    return out


@pytest.mark.parametrize("seed", range(10))
def test_colourings_are_networkx_partitions(seed):
    graphs = random_graphs(200 + seed, count=1, nodes=14, labelled=seed % 3 == 0,
                           edge_labels=seed % 2 == 1)
    h = 4
    d = solve(graphs, h, "nodes")
    for k, expected in enumerate(networkx_classes(graphs["G1"], h), 1):
        assert d[f"step{k}.G1.labels"].value.groups() == expected, k


def test_summary_engine_partitions_are_networkx_partitions():
    from nnsolve.solvers.wl import refine as F

    graph = nx.gnm_random_graph(3000, 9000, seed=7)
    spec = {"nodes": list(range(3000)), "edges": [list(e) for e in graph.edges()]}
    union = F.union([3000], [np.array(spec["edges"])])
    history = F.refine([union], np.zeros(3000, dtype=np.int64), 5)
    for k, expected in enumerate(networkx_classes(spec, 5), 1):
        classes: dict[int, set] = {}
        for node, code in enumerate(history[k].tolist()):
            classes.setdefault(code, set()).add(str(node))
        assert {frozenset(c) for c in classes.values()} == expected, k


@pytest.mark.parametrize("view", ["nodes", "summary"])
def test_directed_graphs_seen_both_ways_as_networkx_does(view):
    graph = nx.gnm_random_graph(12, 25, seed=3, directed=True)
    spec = {"edges": [[u + 1, v + 1] for u, v in graph.edges()], "nodes": list(range(1, 13))}
    given = WlGiven.model_validate({"graphs": {"G1": spec, "G2": spec}, "iterations": 3,
                                    "directed": True, "view": view})
    d = WlSolver().solve(given, WlSolver.resolve_conventions({"neighbours": "both"}))
    relabelled = nx.relabel_nodes(graph, {v: v + 1 for v in graph})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hashes = nx.weisfeiler_lehman_subgraph_hashes(relabelled, iterations=3)
    for k in range(1, 4):
        classes: dict[str, set] = {}
        for node, seq in hashes.items():
            classes.setdefault(seq[k - 1], set()).add(str(node))
        expected = {frozenset(c) for c in classes.values()}
        if view == "nodes":
            assert d[f"step{k}.G1.labels"].value.groups() == expected
        else:       # the summary shows class sizes: equal to networkx's, for G1 and G2
            sizes = sorted(len(c) for c in expected)
            histogram = {str(s): sizes.count(s) for s in set(sizes)}
            shown = d[f"step{k}.G1.class_sizes"].value
            assert {size: int(n) for size, n in shown.items()} == histogram
