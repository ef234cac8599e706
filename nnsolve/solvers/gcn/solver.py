"""The `gcn` solver: graph convolutional layers H' = σ(Â H W + b) with every intermediate
matrix (A + I, D̃, D̃^(−1/2), Â, Â H, Â H W, H'), exact where the inputs are exact.

given.py reads and checks the graph and the layers; propagation.py builds the derivation
(imported in `solve`, so listing the solvers loads no sympy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from nnsolve.solvers.base import Convention, Solver
from nnsolve.solvers.gcn.given import GcnGiven

if TYPE_CHECKING:
    from nnsolve.derivation.core import Derivation


class GcnSolver(Solver):
    name = "gcn"
    summary = "graph convolutional layers: A + I, D̃, Â, then Â H W and the activation"
    Given = GcnGiven
    quantities = {
        "A": "the adjacency matrix (from the edges, rows in the order of the nodes)",
        "H": "the node features",
        "A_tilde": "Ã = A + I",
        "D_tilde": "D̃ = diag(Ã 1), the degrees of Ã",
        "D_tilde_inv_sqrt": "D̃^(−1/2) (aggregation: symmetric)",
        "D_tilde_inv": "D̃^(−1) (aggregation: mean)",
        "A_hat": "Â = D̃^(−1/2) Ã D̃^(−1/2), D̃^(−1) Ã or Ã, by the aggregation convention",
        "layer<l>.W, layer<l>.b": "layer l's weights (inputs × outputs) and bias",
        "layer<l>.AH": "Â H, with H the layer's input (the features, or the layer before)",
        "layer<l>.AHW": "Â H W",
        "layer<l>.Z": "Â H W + b, when the layer has a bias",
        "layer<l>.H": "the layer's output σ(Â H W + b)",
    }
    principal = ("A_tilde", "D_tilde", "D_tilde_inv_sqrt", "A_hat", "layer<l>.AH",
                 "layer<l>.AHW", "layer<l>.H")
    conventions = {
        "aggregation": Convention("symmetric", ("symmetric", "mean", "sum"),
                                  "symmetric: Â = D̃^(−1/2) (A + I) D̃^(−1/2); mean: "
                                  "D̃^(−1) (A + I), the average over a node and its "
                                  "neighbours; sum: A + I"),
    }
    template = {
        "given": {
            "edges": [[1, 2], [2, 3], [3, 1], [3, 4]],
            "features": [[1, 0], [0, 1], [1, 1], [2, 0]],
            "layers": [{"weights": [[1, -1], [0, 2]], "activation": "relu"}],
        },
        "ask": ["A_hat", "layer1.AHW", "layer1.H"],
    }

    def solve(self, given: GcnGiven, conventions: Mapping[str, str]) -> "Derivation":
        from nnsolve.solvers.gcn.given import read
        from nnsolve.solvers.gcn.propagation import build

        return build(read(given), conventions["aggregation"])
