"""Optimiser steps on a vector of parameters: the givens, the gradient of each step, and the
optimiser's quantities (`nnsolve.derivation.optimizer_steps`) worked element by element
(`nnsolve.derivation.pointwise`).

Each step's quantities are built from the step before through the derivation (`d.iterate`:
step2.m is computed from step1.m), so a student's wrong m_1 carries forward into their m_2,
m̂_2 and θ_2.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation import pointwise as P
from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation
from nnsolve.derivation.optimizer_steps import Stepper
from nnsolve.derivation.optimizers import HYPERPARAMETERS, hyperparameters, state
from nnsolve.derivation.ordered import plus, times
from nnsolve.solvers.optim.gradient import Objective
from nnsolve.solvers.optim.given import Run

WRITTEN = {"m_hat": "m̂", "v_hat": "v̂", "velocity": "v", "direction": "d", "lookahead": "θ̃",
           "params": "θ", "grad": "g", "update": "Δθ"}


def build(run: Run) -> Derivation:
    return _Board(run).build()


def _written(base: str, k: int) -> str:
    stem = WRITTEN.get(base, base)
    return f"{stem}_{k}" if "_" not in stem else f"{stem}^({k})"


class _Board:
    def __init__(self, run: Run):
        self.run = run
        self.settings = run.settings
        self.d = Derivation()
        self.s: dict[str, sympy.Basic] = {}
        self.objective: Objective | None = None

    def _givens(self) -> dict[str, str]:
        run, d = self.run, self.d
        self.s["eta"] = d.given("eta", V.normalize(run.lr), "learning rate η",
                                symbol=sympy.Symbol("η"), group="given")
        for name in hyperparameters(self.settings):
            written, label, field = HYPERPARAMETERS[name]
            self.s[name] = d.given(name, V.normalize(getattr(self.settings, field)), label,
                                   symbol=sympy.Symbol(written), group="given")
        P.given(d, "step0.params", run.params, "initial parameters θ₀", written="θ_0",
                group="given")
        if run.function is not None:
            self.objective = Objective(d, run)
        start = {"params": "step0.params"}
        for base, value in state(self.settings).items():
            name = f"step0.{base}"
            P.given(d, name, tuple(value for _ in run.params), f"starting {base}",
                    written=_written(base, 0), group="given")
            start[base] = name
        return start

    def build(self) -> Derivation:
        start = self._givens()
        stepper = Stepper(self.settings, self.s, self._add, self._prev)
        for step in self.d.iterate(steps=self.run.steps, start=start):
            self.step = step
            theta = self._prev("params")
            update, wrong = stepper.step(step.k, theta, self._gradient(theta))
            self._add("params", "new parameters θ", plus(theta, update),
                      [(key, text, plus(theta, formula)) for key, text, formula in wrong])
            if self.objective is not None:
                self.objective.value_at(step.name("f"), self.d.symbol(step.name("params")),
                                        step.k)
        if self.settings.textbook and self.settings.nesterov and self.objective is None:
            self.d.notes.append("Nesterov momentum, textbook form: each given gradient is the "
                                "gradient at the look-ahead point θ + μv of the step before.")
        self.d.principal = [q.name for q in self.d if not q.given and q.name.startswith("step")
                            and not q.name.endswith(".grad")]
        return self.d

    def _add(self, base: str, label: str, formula, misconceptions=()):
        k = self.step.k
        return P.add(self.d, self.step.name(base), label, formula, misconceptions=misconceptions,
                     written=_written(base, k), group=f"step {k}")

    def _prev(self, base: str):
        return self.d.symbol(self.step.prev(base))

    def _gradient(self, theta):
        """g_k: given, or the objective's gradient at θ_{k−1} (at the look-ahead point
        θ_{k−1} + μ v_{k−1} for textbook Nesterov)."""
        run, step, k = self.run, self.step, self.step.k
        name = step.name("grad")
        if self.objective is None:
            return P.given(self.d, name, run.gradients[k - 1], "gradient (given)",
                           written=_written("grad", k), group=f"step {k}")
        at = theta
        if self.settings.textbook and self.settings.nesterov:
            at = self._add("lookahead", "look-ahead point θ + μv (of the step before)",
                           plus(theta, times(self.s["mu"], self._prev("velocity"))))
        return self.objective.gradient_at(name, at, _written("grad", k),
                                          "gradient ∇f at the parameters of the step before", f"step {k}")
