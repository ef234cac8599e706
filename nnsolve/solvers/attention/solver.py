"""The `attention` solver: scaled dot-product attention as a TA works it on the board.

Scores S = Q·Kᵀ, scaled scores S/√d_k, weights P = softmax(S/√d_k) row by row (with a causal
or given mask), output Z = P·V; with projections Q = X W_q, K = X W_k, V = X W_v, several
heads (each its own columns of Q, K and V) and the output projection of their concatenation.
Small cases are worked exactly, element by element; large ones with numpy. From sizes alone,
the shapes of every matrix and the projections' parameter counts.

given.py reads and checks the given; chain.py (with worked.py) and shapes.py build the
derivation, imported only when a part is solved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from nnsolve.solvers.base import Convention, GivenFrom, Solver

if TYPE_CHECKING:
    from nnsolve.derivation.core import Derivation
    from nnsolve.solvers.attention.given import AttentionGiven


class AttentionSolver(Solver):
    name = "attention"
    summary = "scaled dot-product attention: scores, softmax weights, output, heads, shapes"
    Given = GivenFrom("nnsolve.solvers.attention.given:AttentionGiven")
    quantities = {
        "Q, K, V": "queries, keys and values, one row per position (given, or X W_q, X W_k, "
                   "X W_v with projections)",
        "scores": "S = Q·Kᵀ: query i with key j in row i, column j",
        "dk": "the key width d_k (of each head)",
        "scaled": "S/√d_k (convention scaling: sqrt_dk)",
        "weights": "P = softmax(S/√d_k) row by row; masked positions 0",
        "output": "Z = P·V; with heads, the concatenation through W_o (+ b_o)",
        "scores[i,j], expsum[i], weights[i,j], output[i,j]": "small cases: each score as a dot "
                                                               "product, each softmax row with "
                                                               "its exponentials and their sum, "
                                                               "each output as a weighted sum",
        "head<k>.Q, head<k>.K, head<k>.V": "head k's columns of Q, K and V",
        "head<k>.scores, head<k>.scaled, head<k>.weights, head<k>.output": "head k's attention",
        "concat": "the heads' outputs side by side",
        "mean": "with mean_context: the plain context vector, the mean of the rows of V",
        "<matrix>.shape": "shapes only: X, Q, K, V, scores, weights, Z, concat, output (and "
                          "head.Q, head.K, head.V, head.output with several heads)",
        "head.dk, head.dv": "shapes only: one head's query/key and value widths d_q/h, d_v/h",
        "params.Wq, params.Wk, params.Wv, params.Wo": "shapes only: parameters of each "
                                                      "projection",
        "params": "shapes only: the projections' parameters together",
    }
    principal = ("scores", "scaled", "weights", "output")
    conventions = {
        "weights": Convention("xw", ("xw", "linear"),
                              "xw: Q = X W_q with W_q of d_in×d_q, as the papers write it; "
                              "linear: W_q is stored d_q×d_in as torch's nn.Linear holds it, "
                              "Q = X W_qᵀ + b_q (likewise W_k, W_v, W_o)"),
        "scaling": Convention("sqrt_dk", ("sqrt_dk", "none"),
                              "sqrt_dk: the scores are divided by √d_k before the softmax "
                              "(scaled dot-product attention); none: the softmax of Q·Kᵀ"),
        "mask": Convention("keep", ("keep", "block"),
                           "how a 0/1 mask reads: keep: 1 = may attend (the boolean mask of "
                           "F.scaled_dot_product_attention); block: 1 = hidden (the boolean "
                           "attn_mask of nn.MultiheadAttention). A mask of 0 and -.inf is "
                           "added to the scores either way"),
        "biases": Convention("with", ("with", "without"),
                             "shapes only: whether each projection's parameter count includes "
                             "its bias (nn.MultiheadAttention has them by default)"),
    }
    template = {
        "given": {
            "Q": [[1, 0], [0, 1]],
            "K": [[1, 0], [0, 1], [1, 1]],
            "V": [[1, 2], [3, 4], [5, 6]],
        },
        "ask": ["scores", "scaled", "weights", "output"],
    }

    def solve(self, given: AttentionGiven, conventions: Mapping[str, str]) -> Derivation:
        from nnsolve.solvers.attention.given import read

        setup = read(given, conventions)
        # the builders load sympy (and numpy for large cases) only when a part is solved
        if setup.mode == "shapes":
            from nnsolve.solvers.attention.shapes import build
            d = build(setup.sizes, biases=conventions["biases"] == "with")
            d.principal = [q.name for q in d.derived()]
            return d
        from nnsolve.solvers.attention.chain import Chain
        d = Chain(setup, conventions).build()
        prefixes = [""] if setup.heads == 1 and "W_o" not in setup.matrices else \
            [f"head{k}." for k in range(1, setup.heads + 1)]
        d.principal = [f"{p}{n}" for p in prefixes for n in ("scores", "scaled", "weights")
                       if f"{p}{n}" in d] + ["output"]
        return d
