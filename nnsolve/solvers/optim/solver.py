"""The `optim` solver: steps of an optimiser worked by hand, every moment estimate shown.

SGD (with momentum, Nesterov), Adagrad, RMSprop, Adam, AdamW and Adadelta, with torch.optim's
option names and defaults, so the numbers are the ones PyTorch prints. The gradients are given
row by row, or derived from an objective function. given.py reads the exercise; steps.py
builds the derivation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from nnsolve.solvers.base import Convention, Solver, SolverError
from nnsolve.solvers.optim.given import OptimGiven

if TYPE_CHECKING:
    from nnsolve.derivation.core import Derivation


class OptimSolver(Solver):
    name = "optim"
    summary = "optimiser steps (SGD, momentum, Nesterov, Adagrad, RMSprop, Adam, AdamW, " \
              "Adadelta): every moment estimate, update and new parameter"
    Given = OptimGiven
    quantities = {
        "eta, mu, tau, beta1, beta2, epsilon, lambda, alpha, rho, kappa":
            "the learning rate and the optimiser's options, as given or torch's defaults",
        "step0.params": "the initial parameters θ_0 (step0.m, step0.v, …: starting buffers)",
        "f, gradient.<x>": "with a function: the objective and its partial derivatives",
        "step<k>.grad": "the gradient g_k (given, or ∇f at θ_{k−1})",
        "step<k>.g": "with weight decay (not AdamW): g_k + λ θ_{k−1}",
        "step<k>.b": "SGD: torch's momentum buffer b_k = μ b_{k−1} + (1 − τ) g_k, b_1 = g_1; "
                     "RMSprop: its momentum buffer",
        "step<k>.velocity": "momentum: textbook: v_k = μ v_{k−1} − η g_k",
        "step<k>.lookahead": "Nesterov, textbook, with a function: θ_{k−1} + μ v_{k−1}",
        "step<k>.direction": "Nesterov (torch): g_k + μ b_k",
        "step<k>.s": "Adagrad: the sum of squared gradients",
        "step<k>.lr": "Adagrad with lr_decay: η / (1 + (k − 1) κ)",
        "step<k>.m, step<k>.v": "Adam: the first and second moments (v: RMSprop's and "
                                "Adadelta's running mean of g²)",
        "step<k>.v_max": "Adam with amsgrad: the running maximum of v",
        "step<k>.m_hat, step<k>.v_hat": "Adam: the bias-corrected moments",
        "step<k>.g_avg": "RMSprop, centered: the running mean of g",
        "step<k>.delta, step<k>.u": "Adadelta: the rescaled step and the running mean of its "
                                    "squares",
        "step<k>.update": "the change of the parameters at step k",
        "step<k>.params": "the parameters θ_k after step k",
        "step<k>.f": "with a function: f(θ_k)",
    }
    principal = ("step<k>.m", "step<k>.v", "step<k>.m_hat", "step<k>.v_hat", "step<k>.update",
                 "step<k>.params")
    conventions = {
        "momentum": Convention("torch", ("torch", "textbook"),
                               "torch: b ← μb + (1 − τ)g (b_1 = g_1), θ ← θ − ηb; textbook: "
                               "v ← μv − ηg, θ ← θ + v (the learning rate inside the "
                               "velocity; Nesterov's gradient taken at θ + μv)"),
    }
    template = {
        "given": {"optimizer": "adam", "lr": 0.1, "params": [1.0, -2.0],
                  "gradients": [[0.5, -1.0], [0.25, -0.5]]},
        "ask": ["step1.m", "step1.v", "step1.m_hat", "step1.v_hat", "step1.params",
                "step2.params"],
    }

    def solve(self, given: OptimGiven, conventions: Mapping[str, str]) -> "Derivation":
        from nnsolve.derivation.pointwise import NotFinite
        from nnsolve.solvers.optim.given import read
        from nnsolve.solvers.optim.steps import build

        try:
            return build(read(given, conventions["momentum"]))
        except NotFinite as exc:
            raise SolverError(f"{exc}: the steps diverge, or the numbers are too large; a "
                              "smaller learning rate or fewer steps keeps them finite",
                              ("lr",)) from None
