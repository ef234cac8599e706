"""The weight update of a step taken by an optimiser other than plain gradient descent
(momentum, Nesterov, Adagrad, RMSprop, Adam, AdamW, Adadelta), weight by weight.

For each weight w_ij the board writes its gradient ∂E/∂w_ij = −δ_j y_i, then the optimiser's
quantities (`nnsolve.derivation.optimizer_steps`) named after the weight, as the course names
them: m35, v35, mhat35, vhat35 at step 1, step2.m35 at step 2; the update is Δw35 (dw35) and
the new weight w35 + Δw35, as with plain gradient descent. The buffers start at 0 (Adagrad's
sum at its initial_accumulator_value); the learning rate is the network's ε.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation import values as V
from nnsolve.derivation.optimizer_steps import Stepper
from nnsolve.derivation.optimizers import HYPERPARAMETERS, Settings, hyperparameters, state
from nnsolve.derivation.ordered import grouped, minus

#: how each buffer is named after its weight (no underscores: a weight name may have them)
BASES = {"m_hat": "mhat", "v_hat": "vhat", "v_max": "vmax", "g_avg": "gavg", "update": "dw"}
WRITTEN = {"m_hat": "m̂", "v_hat": "v̂", "v_max": "vmax", "g_avg": "g\u0304", "update": "Δw",
           "direction": "d", "delta": "Δx", "velocity": "v"}


def add_hyperparameters(board, settings: Settings) -> dict[str, sympy.Basic]:
    """The optimiser's hyperparameters as givens (optimizer.beta1, …), by the names the
    stepper knows; the learning rate is ε. Its own ε is written ε_opt, apart from ε."""
    symbols = {"eta": board._s("epsilon")}
    for name in hyperparameters(settings):
        written, label, field = HYPERPARAMETERS[name]
        written = "ε_opt" if name == "epsilon" else written
        symbols[name] = board.d.given(f"optimizer.{name}", V.normalize(getattr(settings, field)),
                                      label, symbol=sympy.Symbol(written), group="given")
    board.d.notes.append(f"Optimiser: {settings.optimizer}, with torch.optim's formulas; "
                         "its buffers start at 0.")
    return symbols


class WeightStep:
    """Step k of the optimiser for one weight (`pair`, such as 35)."""

    def __init__(self, board, settings: Settings, symbols, k: int, pair: str, group: str):
        self.board, self.settings, self.k, self.pair, self.group = board, settings, k, pair, group
        self.stepper = Stepper(settings, symbols, self._add, self._prev)

    def _name(self, base: str, k: int) -> str:
        return ("" if k == 1 else f"step{k}.") + BASES.get(base, base) + self.pair

    def _add(self, base: str, label: str, formula, misconceptions=()):
        mark = "" if self.k == 1 else f"^({self.k})"
        written = f"{WRITTEN.get(base, base)}{self.pair}{mark}"
        suffix = "" if self.k == 1 else f" (step {self.k})"
        return self.board._add(self._name(base, self.k), written,
                               f"{label}, weight {self.pair}{suffix}", formula, self.group,
                               misconceptions=misconceptions)

    def _prev(self, base: str):
        if self.k == 1:
            return V.to_sympy(V.normalize(state(self.settings)[base]))
        return self.board._s(self._name(base, self.k - 1))

    def take(self, weight, delta, source, descent: bool):
        """The gradient ∂E/∂w, the optimiser's quantities and the update Δw; returns the
        update's name and the misconceptions of the new weight as formulas of Δw's place."""
        gradient = grouped(delta, source)
        if descent:
            gradient = minus(gradient)
        grad = self._add("grad", "gradient ∂E/∂w", gradient)
        update, wrong = self.stepper.step(self.k, weight, grad)
        return self.board.d.name_of(update), wrong
