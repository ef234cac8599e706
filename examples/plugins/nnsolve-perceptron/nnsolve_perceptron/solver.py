"""The `perceptron` solver: what nnsolve needs to know about it, and nothing else.

The class declares the given schema, the conventions with their defaults, the quantity names
`nnsolve schema perceptron` lists, and a template `nnsolve new perceptron` prints. The work is
in given.py (reading and checking) and training.py (the derivation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from nnsolve.solvers.base import Convention, GivenFrom, Solver

if TYPE_CHECKING:
    from nnsolve.derivation.core import Derivation
    from nnsolve_perceptron.given import PerceptronGiven


class PerceptronSolver(Solver):
    name = "perceptron"
    summary = "Rosenblatt's perceptron learning rule, sample by sample, epoch by epoch"
    Given = GivenFrom("nnsolve_perceptron.given:PerceptronGiven")
    quantities = {
        "x<i>, t<i>": "sample i (with x0 = 1 first when bias: input) and its target",
        "eta": "the learning rate η",
        "step0.w, step0.b": "the initial weights (and bias, when bias: separate)",
        "step<k>.a": "net input at step k, a_k = w_{k−1}·x (+ b_{k−1}); step k sees sample "
                     "((k − 1) mod n) + 1 of the n samples",
        "step<k>.y": "output at step k: step(a_k), or sgn(a_k) with output: bipolar",
        "step<k>.error": "the error e_k = t − y_k",
        "step<k>.w": "the weight vector after step k, w_k = w_{k−1} + η (t − y_k) x",
        "step<k>.b": "bias: separate only: b_k = b_{k−1} + η (t − y_k)",
        "epoch<e>.mistakes": "samples of epoch e with a nonzero error",
        "w": "the weights after training",
        "b": "bias: separate only: the bias after training",
    }
    #: every step's quantities, each epoch's mistakes and the result are asked by default
    principal = ("step<k>.a", "step<k>.y", "step<k>.error", "step<k>.w", "step<k>.b",
                 "epoch<e>.mistakes", "w", "b")
    conventions = {
        "bias": Convention("input", ("input", "separate"),
                           "input: x0 = 1 is put in front of every sample and w0, the first "
                           "weight, is the bias; separate: a = w·x + b, b updated as "
                           "b ← b + η (t − y)"),
        "output": Convention("binary", ("binary", "bipolar"),
                             "binary: y = 1 for a ≥ 0, else 0, targets 0/1; bipolar: y = 1 "
                             "for a ≥ 0, else −1, targets ±1"),
    }
    template = {
        "given": {
            "samples": [[0, 0], [0, 1], [1, 0], [1, 1]],
            "targets": [0, 1, 1, 1],
            "weights": [0, 0, 0],
            "learning_rate": 1,
            "until": "converged",
        },
        "ask": ["step1.w", "step2.w", "w"],
    }

    def solve(self, given: PerceptronGiven, conventions: Mapping[str, str]) -> Derivation:
        from nnsolve_perceptron.given import read
        from nnsolve_perceptron.training import build  # sympy: only when solving

        return build(read(given, conventions))
