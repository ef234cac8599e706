"""The GCN derivation: the normalised adjacency Â from the graph, then each layer
H' = σ(Â H W + b), every intermediate matrix a quantity of its own.

Â is D̃^(−1/2) Ã D̃^(−1/2) (symmetric, Kipf & Welling), D̃^(−1) Ã (mean) or Ã itself (sum),
with Ã = A + I and D̃ the degrees of Ã: the `aggregation` convention. Each quantity is a
formula over the ones before, so a student's wrong D̃ is carried into their Â, and their Â
into every layer.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.derivation.functions import relu, sigmoid
from nnsolve.derivation.ordered import plus, times
from nnsolve.solvers.gcn.matrices import Degrees, DiagonalPower, EveryRow
from nnsolve.solvers.gcn.given import Graph

ACTIVATION = {"relu": relu, "tanh": sympy.tanh, "sigmoid": sigmoid, "linear": None}
HALF = sympy.Rational(-1, 2)
GRAPH = "graph"
NORMALISED = "normalised adjacency"


def build(graph: Graph, aggregation: str) -> Derivation:
    d = Derivation()
    n = len(graph.nodes)
    A = d.given("A", graph.adjacency, "adjacency matrix A (rows and columns: nodes " +
                ", ".join(map(str, graph.nodes)) + ")", kind="matrix",
                symbol=sympy.MatrixSymbol("A", n, n), group=GRAPH)
    width = len(graph.features[0])
    H = d.given("H", [row[0] for row in graph.features] if width == 1 else graph.features,
                "node features H (one row per node)", kind=_kind(width),
                symbol=sympy.MatrixSymbol("H", n, width), group=GRAPH)
    A_hat = _normalised(d, A, n, aggregation, _isolated(graph))
    for l, layer in enumerate(graph.layers, 1):
        H = _layer(d, l, layer, A_hat, H)
    d.notes.append({"symmetric": "Â = D̃^(−1/2) (A + I) D̃^(−1/2): symmetric normalisation",
                    "mean": "Â = D̃^(−1) (A + I): the mean over each node's neighbours and "
                            "itself",
                    "sum": "Â = A + I: the sum over each node's neighbours and itself"}
                   [aggregation])
    last = len(graph.layers)
    d.principal = ["A_tilde", "D_tilde"] + \
        {"symmetric": ["D_tilde_inv_sqrt"], "mean": ["D_tilde_inv"], "sum": []}[aggregation] + \
        ["A_hat"] + [f"layer{l}.{q}" for l in range(1, last + 1) for q in ("AH", "AHW", "H")]
    return d


def _isolated(graph: Graph) -> bool:
    return any(not any(row) for row in graph.adjacency)


def _normalised(d: Derivation, A, n: int, aggregation: str, isolated: bool):
    """Ã, D̃, its power and Â, with the mistakes made on the way."""
    I = sympy.Identity(n)
    A_tilde = d.add("A_tilde", "A + I: every node gets a self-loop", plus(A, I), kind="matrix",
                    symbol=sympy.MatrixSymbol("Ã", n, n), group=NORMALISED)
    D_tilde = d.add("D_tilde", "degree matrix D̃ of A + I (degrees + 1)", Degrees(A_tilde),
                    kind="matrix", symbol=sympy.MatrixSymbol("D̃", n, n), group=NORMALISED,
                    misconceptions=[Misconception(
                        "degree-without-self-loop", "took the degrees of A; D̃ counts the "
                        "self-loop of A + I, so every degree is one more", Degrees(A))])
    symmetric = _symmetric(A_tilde, D_tilde)
    mean = times(DiagonalPower(D_tilde, -1), A_tilde)
    if aggregation == "sum":
        return d.add("A_hat", "Â = A + I (sum aggregation)", A_tilde, kind="matrix",
                     symbol=sympy.MatrixSymbol("Â", n, n), group=NORMALISED)
    if aggregation == "symmetric":
        power = d.add("D_tilde_inv_sqrt", "D̃^(−1/2): 1/√degree on the diagonal",
                      DiagonalPower(D_tilde, HALF), kind="matrix",
                      symbol=sympy.MatrixSymbol("D̃^(-1/2)", n, n), group=NORMALISED)
        right = times(power, A_tilde, power)
        other = Misconception("mean-for-symmetric", "normalised by D̃^(−1) on the left (the "
                              "mean); the symmetric normalisation is D̃^(−1/2) Ã D̃^(−1/2)", mean)
    else:
        power = d.add("D_tilde_inv", "D̃^(−1): 1/degree on the diagonal",
                      DiagonalPower(D_tilde, -1), kind="matrix",
                      symbol=sympy.MatrixSymbol("D̃^(-1)", n, n), group=NORMALISED)
        right = times(power, A_tilde)
        other = Misconception("symmetric-for-mean", "normalised symmetrically, "
                              "D̃^(−1/2) Ã D̃^(−1/2); the mean aggregation is D̃^(−1) Ã",
                              symmetric)
    wrong = [other]
    if not isolated:      # without self-loops an isolated node has degree 0: no such Â
        A_sym = d.symbol("A")
        forgot = times(DiagonalPower(Degrees(A_sym), HALF), A_sym,
                       DiagonalPower(Degrees(A_sym), HALF)) if aggregation == "symmetric" \
            else times(DiagonalPower(Degrees(A_sym), -1), A_sym)
        wrong.append(Misconception("self-loops-forgotten", "normalised A instead of A + I: "
                                   "without the self-loops a node forgets its own features",
                                   forgot))
    return d.add("A_hat", "normalised adjacency Â", right, kind="matrix",
                 symbol=sympy.MatrixSymbol("Â", n, n), group=NORMALISED, misconceptions=wrong)


def _symmetric(A_tilde, D_tilde):
    power = DiagonalPower(D_tilde, HALF)
    return times(power, A_tilde, power)


def _kind(columns: int) -> str:
    """One column of features is a vector, as the derivation settles an n × 1 result."""
    return "vector" if columns == 1 else "matrix"


def _layer(d: Derivation, l: int, layer, A_hat, H):
    """H' = σ(Â H W + b), one product at a time."""
    group = f"layer {l}"
    n = A_hat.shape[0]
    W_rows, W_cols = len(layer.weights), len(layer.weights[0])
    W = d.given(f"layer{l}.W", layer.weights, f"weights W of layer {l} (inputs × outputs)",
                kind="matrix", symbol=sympy.MatrixSymbol(f"W{l}", W_rows, W_cols), group=group)
    AH = d.add(f"layer{l}.AH", "Â H: each node's aggregated features", A_hat * H,
               kind=_kind(W_rows), symbol=sympy.MatrixSymbol(f"(ÂH)_{l}", n, W_rows),
               group=group)
    wrong = []
    if W_rows == W_cols and layer.weights != [list(r) for r in zip(*layer.weights)]:
        wrong.append(Misconception("weights-transposed", "multiplied by Wᵀ (W taken as "
                                   "outputs × inputs); H W has W inputs × outputs",
                                   AH * W.T))
    total = d.add(f"layer{l}.AHW", "Â H W: the aggregated features transformed", AH * W,
                  kind=_kind(W_cols), symbol=sympy.MatrixSymbol(f"(ÂHW)_{l}", n, W_cols),
                  group=group, misconceptions=wrong)
    if layer.bias is not None:
        b = d.given(f"layer{l}.b", layer.bias, f"bias b of layer {l}", kind="vector",
                    symbol=sympy.MatrixSymbol(f"b{l}", W_cols, 1), group=group)
        total = d.add(f"layer{l}.Z", "Â H W + b (b added to every node's row)",
                      plus(total, EveryRow(b, n)), kind=_kind(W_cols),
                      symbol=sympy.MatrixSymbol(f"Z{l}", n, W_cols), group=group)
    function = ACTIVATION[layer.activation]
    out = total if function is None else function(total)
    forgot = [] if function is None else [Misconception(
        "activation-forgotten", f"left out the activation {layer.activation}", total)]
    return d.add(f"layer{l}.H", f"H{l} = {layer.activation}(…): the layer's output",
                 out, kind=_kind(W_cols), symbol=sympy.MatrixSymbol(f"H{l}", n, W_cols),
                 group=group, misconceptions=forgot)
