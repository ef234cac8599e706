"""One optimiser step as the board writes it: every moment estimate, the update.

The formulas are the scalar rules courses write, in the order torch.optim computes them, so
the defaults reproduce torch exactly; `Settings.textbook` writes SGD's momentum as a velocity
with the learning rate inside (v ← μv − ηg, θ ← θ + v). A solver supplies how a quantity is
added and what the previous step's buffer is: the `optim` solver adds vectors worked element
by element (`pointwise`), the `mlp` solver one quantity per weight. Each quantity is a
formula over the step's earlier quantities and the previous step's, so a student's wrong m_1
carries forward into their m_2, m̂_2 and θ_2.

    stepper = Stepper(settings, symbols, add, prev)
    update, wrong = stepper.step(k, theta, grad)      # then θ_k = θ_{k−1} + update
"""

from __future__ import annotations

from typing import Callable

import sympy

from nnsolve.derivation.optimizers import Settings
from nnsolve.derivation.ordered import grouped, minus, over, plus, squared, times

Add = Callable[..., sympy.Basic]        # add(base, label, formula, misconceptions=()) → symbol
Previous = Callable[[str], sympy.Basic]  # the previous step's buffer (or its starting value)

NO_CORRECTION = ("no-bias-correction",
                 "m and v were used without the bias correction m̂ = m / (1 − β1^k), "
                 "v̂ = v / (1 − β2^k)")


def _sqrt(x):
    return sympy.sqrt(x, evaluate=False)


def _one_minus(x):
    return plus(sympy.Integer(1), minus(x))


class Stepper:
    """The quantities of optimiser steps, added through `add` with `symbols` for the
    hyperparameters (eta, mu, tau, beta1, beta2, epsilon, lambda, alpha, rho, kappa, as
    `optimizers.hyperparameters` lists them) and `prev(base)` for the buffer of the step
    before."""

    def __init__(self, settings: Settings, symbols: dict[str, sympy.Basic], add: Add,
                 prev: Previous):
        self.settings, self.s, self.add, self.prev = settings, symbols, add, prev

    def step(self, k: int, theta, grad) -> tuple[sympy.Basic, list]:
        """Step k from parameters θ_{k−1} and gradient g_k: the update's symbol, and the
        misconceptions of the update as formulas (the caller's θ_k = θ_{k−1} + update has
        θ_{k−1} + each of them as its own)."""
        self.k = k
        g = grad
        if self.settings.weight_decay != 0 and self.settings.optimizer != "adamw":
            g = self.add("g", "gradient with L2 weight decay g + λθ",
                         plus(grad, times(self.s["lambda"], theta)))
        method = {"sgd": self._sgd, "adagrad": self._adagrad, "rmsprop": self._rmsprop,
                  "adam": self._adam, "adadelta": self._adadelta}[self.settings.family]
        return method(theta, g, grad)

    def _sgd(self, theta, g, grad):
        run, s, k = self.settings, self.s, self.k
        if run.momentum == 0:
            return self.add("update", "update −η g", minus(times(s["eta"], g))), []
        mu = s["mu"]
        if run.textbook:
            v_prev = self.prev("velocity")
            wrong = [("momentum-lr-outside",
                      "the learning rate belongs inside the velocity here (v ← μv − ηg, "
                      "θ ← θ + v); μv + g is torch's buffer", plus(times(mu, v_prev), g))]
            velocity = self.add("velocity", "velocity v ← μ v − η g",
                                plus(times(mu, v_prev), minus(times(s["eta"], g))), wrong)
            return velocity, []
        damped = g if run.dampening == 0 else times(_one_minus(s["tau"]), g)
        buffer = g if k == 1 else plus(times(mu, self.prev("b")), damped)
        textbook = minus(times(s["eta"], g)) if k == 1 else \
            plus(times(mu, self.prev("b")), minus(times(s["eta"], g)))
        b = self.add("b", "momentum buffer b ← μ b + (1 − τ) g (b_1 = g_1)", buffer,
                     [("momentum-lr-inside",
                       "torch's buffer has no learning rate (b ← μb + g, θ ← θ − ηb); "
                       "μv − ηg is the textbook velocity", textbook)])
        direction = b
        if run.nesterov:
            direction = self.add("direction", "Nesterov direction g + μ b", plus(g, times(mu, b)))
        label = "update −η (g + μ b)" if run.nesterov else "update −η b"
        return self.add("update", label, minus(times(s["eta"], direction))), []

    def _adagrad(self, theta, g, grad):
        s, k = self.s, self.k
        total = self.add("s", "sum of squared gradients s ← s + g²",
                         plus(self.prev("s"), squared(g)))
        rate = s["eta"]
        if "kappa" in s:
            rate = self.add("lr", "decayed learning rate η / (1 + (k − 1) κ)",
                            over(s["eta"], plus(1, times(k - 1, s["kappa"]))))
        return self.add("update", "update −η g / (√s + ε)",
                        minus(times(rate, over(g, plus(_sqrt(total), s["epsilon"]))))), []

    def _rmsprop(self, theta, g, grad):
        run, s = self.settings, self.s
        alpha = s["alpha"]
        v = self.add("v", "running mean of squares v ← α v + (1 − α) g²",
                     plus(times(alpha, self.prev("v")), times(_one_minus(alpha), squared(g))))
        spread = v
        if run.centered:
            mean = self.add("g_avg", "running mean of gradients g\u0304 ← α g\u0304 + (1 − α) g",
                            plus(times(alpha, self.prev("g_avg")), times(_one_minus(alpha), g)))
            spread = plus(v, minus(squared(mean)))
        scaled = over(g, plus(_sqrt(spread), s["epsilon"]))
        if run.momentum:
            scaled = self.add("b", "momentum buffer b ← μ b + g / (√v + ε)",
                              plus(times(s["mu"], self.prev("b")), scaled))
        return self.add("update", "update −η g / (√v + ε)", minus(times(s["eta"], scaled))), []

    def _moments(self, g):
        """Adam's m_k and v_k from gradient g and the previous step's moments."""
        s = self.s
        m = plus(times(s["beta1"], self.prev("m")), times(_one_minus(s["beta1"]), g))
        v = plus(times(s["beta2"], self.prev("v")), times(_one_minus(s["beta2"]), squared(g)))
        return m, v

    def _corrected(self, m, v):
        s, k = self.s, self.k
        return (over(m, _one_minus(sympy.Pow(s["beta1"], k, evaluate=False))),
                over(v, _one_minus(sympy.Pow(s["beta2"], k, evaluate=False))))

    def _adam_update(self, m_hat, v_hat):
        s = self.s
        return minus(times(s["eta"], over(m_hat, plus(_sqrt(v_hat), s["epsilon"]))))

    def _adam(self, theta, g, grad):
        run, s = self.settings, self.s
        m_formula, v_formula = self._moments(g)
        m = self.add("m", "first moment m ← β1 m + (1 − β1) g", m_formula)
        v = self.add("v", "second moment v ← β2 v + (1 − β2) g²", v_formula)
        if run.amsgrad:
            v = self.add("v_max", "running maximum of v (AMSGrad)",
                         sympy.Max(self.prev("v_max"), v, evaluate=False))
        corrected_m, corrected_v = self._corrected(m, v)
        m_hat = self.add("m_hat", "bias-corrected first moment m̂ = m / (1 − β1^k)", corrected_m)
        v_hat = self.add("v_hat", "bias-corrected second moment v̂ = v / (1 − β2^k)",
                         corrected_v)
        decay = None
        if run.optimizer == "adamw" and run.weight_decay != 0:
            decay = minus(times(s["eta"], s["lambda"], theta))
        wrong = [NO_CORRECTION + (plus(decay, self._adam_update(m, v)),)]
        if run.weight_decay != 0 and not run.amsgrad:
            if run.optimizer == "adamw":
                coupled = self._adam_update(*self._corrected(
                    *self._moments(plus(grad, times(s["lambda"], theta)))))
                wrong.append(("coupled-weight-decay",
                              "AdamW decays the weights directly, θ ← θ − ηλθ; adding λθ to "
                              "the gradient (Adam's L2) is coupled weight decay", coupled))
            else:
                decoupled = self._adam_update(*self._corrected(*self._moments(grad)))
                wrong.append(("decoupled-weight-decay",
                              "Adam adds λθ to the gradient before the moments (L2, coupled); "
                              "θ ← θ − ηλθ after them is AdamW's decoupled decay",
                              plus(minus(times(s["eta"], s["lambda"], theta)), decoupled)))
        label = "update −ηλθ − η m̂ / (√v̂ + ε)" if decay is not None else \
            "update −η m̂ / (√v̂ + ε)"
        update = self.add("update", label, plus(decay, self._adam_update(m_hat, v_hat)),
                          wrong)
        return update, wrong

    def _adadelta(self, theta, g, grad):
        s = self.s
        rho, eps = s["rho"], s["epsilon"]
        v = self.add("v", "running mean of squared gradients v ← ρ v + (1 − ρ) g²",
                     plus(times(rho, self.prev("v")), times(_one_minus(rho), squared(g))))
        delta = self.add("delta", "rescaled step Δx = √(u + ε) / √(v + ε) · g",
                         grouped(over(_sqrt(plus(self.prev("u"), eps)), _sqrt(plus(v, eps))), g))
        self.add("u", "running mean of squared steps u ← ρ u + (1 − ρ) Δx²",
                 plus(times(rho, self.prev("u")), times(_one_minus(rho), squared(delta))))
        return self.add("update", "update −η Δx", minus(times(s["eta"], delta))), []
