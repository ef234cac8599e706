"""The `wl` solver: Weisfeiler-Lehman relabelling of one or more graphs with one compression
table, the feature vectors φ(G), the WL subtree kernel K(G1, G2) = φ(G1)·φ(G2) with its matrix
and normalised form, and the WL isomorphism test.

Small graphs are worked node by node (nodes.py): every signature, the table, every colouring,
each graded and carried forward. Large ones (10⁵ nodes) are worked on arrays (refine.py) and
shown as a summary per iteration (summary.py): counts and class-size histograms, never one
line per node. given.py reads and bounds the given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from nnsolve.solvers.base import Convention, Solver
from nnsolve.solvers.wl.given import WlGiven, read

if TYPE_CHECKING:
    from nnsolve.derivation.core import Derivation


class WlSolver(Solver):
    name = "wl"
    summary = "Weisfeiler-Lehman relabelling, the WL subtree kernel and the WL isomorphism test"
    Given = WlGiven
    quantities = {
        "<G>.neighbours": "each node's neighbours in graph G, in the order the edges list them "
                          "(2 4 5; with edge labels a:2 b:4)",
        "<G>.successors, <G>.predecessors": "directed graphs: each node's successors and/or "
                                            "predecessors, as the neighbours convention says",
        "step0.<G>.labels": "the starting labels of graph G (all 1 unless given)",
        "step<k>.<G>.signatures": "iteration k: each node's signature, its own label and the "
                                  "sorted labels of its neighbours (1,11; with edge labels "
                                  "1,a:1 b:2)",
        "step<k>.table": "iteration k: the compression table, signature → new label, shared by "
                         "all graphs",
        "step<k>.<G>.labels": "iteration k: each node's new label, a colouring graded as a "
                              "partition (other colour names are right when they group alike)",
        "step<k>.colours": "distinct labels over all graphs after iteration k",
        "phi.<G>": "the feature vector φ(G): label → how often it occurs, over the iterations "
                   "counted (a multiset)",
        "K.<G>.<H>": "the WL subtree kernel K(G, H) = φ(G)·φ(H)",
        "K": "the kernel matrix, graphs in the order given",
        "K_norm": "the normalised kernel matrix K_ij / √(K_ii K_jj)",
        "verdict.<G>.<H>": "the WL test: not isomorphic, or possibly isomorphic",
        "split.<G>.<H>": "the first iteration whose label histograms differ (when they do)",
        "step<k>.<G>.colours, step<k>.<G>.class_sizes": "summary view: distinct labels of G "
                                                        "after iteration k, and class size → "
                                                        "how many classes",
        "phi.<G>.labels": "summary view: the number of distinct labels φ(G) counts",
    }
    principal = ("step<k>.<G>.signatures", "step<k>.table", "step<k>.<G>.labels", "phi.<G>",
                 "K.<G>.<H>", "verdict.<G>.<H>", "split.<G>.<H>")
    conventions = {
        "iteration0": Convention("included", ("included", "excluded"),
                                 "included: φ counts the starting labels too (iterations "
                                 "0 … h, as Shervashidze et al. and GraKeL); excluded: only "
                                 "the labels of iterations 1 … h"),
        "numbering": Convention("sorted", ("sorted", "first_seen"),
                                "new labels are numbered on from the largest label so far "
                                "(after 1 comes 2; after words such as A, B comes 1): sorted, "
                                "in sorted order of the signatures; first_seen, in the order "
                                "the signatures first occur, graph by graph, node by node"),
        "neighbours": Convention("out", ("out", "in", "both"),
                                 "directed graphs only: a signature lists the labels of a "
                                 "node's successors (out), of its predecessors (in), or of "
                                 "both, successors then predecessors (both: 1,11,1, as "
                                 "networkx's WL hashes of directed graphs)"),
    }
    template = {
        "given": {
            "graphs": {
                "G1": {"edges": [[1, 2], [2, 3], [3, 1], [3, 4]],
                       "labels": {1: "A", 2: "A", 3: "B", 4: "A"}},
                "G2": {"edges": [[1, 2], [2, 3], [3, 4], [4, 1]],
                       "labels": {1: "A", 2: "A", 3: "B", 4: "A"}},
            },
            "iterations": 2,
        },
        "ask": ["step1.table", "step1.G1.labels", "phi.G1", "phi.G2", "K.G1.G2",
                "verdict.G1.G2"],
    }
    def solve(self, given: WlGiven, conventions: Mapping[str, str]) -> "Derivation":
        graphs = read(given)
        # each view is imported when it is used: `nnsolve solvers` lists this solver without
        # sympy or numpy, and a small exercise never loads numpy
        if graphs.view == "summary":
            from nnsolve.solvers.wl.summary import build
        else:
            from nnsolve.solvers.wl.nodes import build
        return build(graphs, conventions)
