"""The perceptron learning rule written out as a derivation, one step per sample seen.

Every step is three formulas and a vector formula, as a TA writes them on the board:

    a_k = w_{k-1}·x^(i)                       net input
    y_k = step(a_k)                            output
    e_k = t^(i) − y_k                          error
    w_k = w_{k-1} + η (t^(i) − y_k) x^(i)      new weight vector

Because w_k is one quantity computed from w_{k-1}, a student's wrong w_3 is the input of their
a_4 and w_4: the grader recomputes those from it (error carried forward) with no code here.
The update uses (t − y) itself rather than e_k, so the board shows the rule as taught.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.derivation.vectors import dot
from nnsolve.derivation.ordered import plus, times
from nnsolve_perceptron import notation as N
from nnsolve_perceptron.given import Training
from nnsolve_perceptron.threshold import UNITS

#: what the output convention makes of a net input, for the notes
RULES = {"binary": "y = step(a) = 1 for a ≥ 0, else 0",
         "bipolar": "y = sgn(a) = 1 for a ≥ 0, else −1"}


def build(training: Training) -> Derivation:
    d = Derivation()
    _record_givens(d, training)
    separate_bias = training.bias is not None
    state = ("w", "b") if separate_bias else ("w",)
    count = len(training.samples)

    def converged(k: int) -> str | None:
        """Convergence is a whole epoch without a mistake (not one step that leaves w
        unchanged), so the end of each epoch is where training may stop."""
        epoch = k // count
        if k % count or not training.until_converged or d[N.epoch_mistakes(epoch)].value:
            return None
        return f"converged: epoch {epoch} classifies every sample correctly"

    exhausted = (f"not converged within {training.epochs} epochs (max_epochs): the samples "
                 "may not be linearly separable") if training.until_converged else \
        f"{training.epochs} epochs of {count} samples, as asked"
    run = d.iterate(until=converged, max_steps=training.epochs * count, exhausted=exhausted,
                    state=state, start={base: f"step0.{base}" for base in state})
    errors_this_epoch: list[str] = []
    for step in run:
        epoch, i = (step.k - 1) // count + 1, (step.k - 1) % count + 1
        _learn_from_sample(d, step, i, training.output, separate_bias,
                           heading=f"epoch {epoch}, sample {i}")
        errors_this_epoch.append(step.name("error"))
        if i == count:
            _count_mistakes(d, epoch, errors_this_epoch)
            errors_this_epoch = []
    _final_weights(d, step.k, separate_bias)
    d.notes.append(RULES[training.output])
    d.principal = [q.name for q in d.derived()]
    return d


def _record_givens(d: Derivation, training: Training) -> None:
    d.given(N.LEARNING_RATE, training.learning_rate, "learning rate", symbol=sympy.Symbol("η"))
    with_x0 = " (x0 = 1 first)" if training.bias is None else ""
    for i, (x, t) in enumerate(zip(training.samples, training.targets), 1):
        d.given(N.sample(i), x, f"sample {i}{with_x0}", kind="vector",
                symbol=N.sample_symbol(i, training.size))
        d.given(N.target(i), t, f"target of sample {i}", symbol=N.target_symbol(i))
    first = ", bias weight w0 first" if training.bias is None else ""
    d.given("step0.w", training.weights, f"initial weights{first}", kind="vector")
    if training.bias is not None:
        d.given("step0.b", training.bias, "initial bias")


def _learn_from_sample(d: Derivation, step, i: int, output: str, separate_bias: bool,
                       heading: str) -> None:
    """Step k: sample i through the unit, then the update of the weights (and bias)."""
    unit, unit_above_zero = UNITS[output]
    eta = d.symbol(N.LEARNING_RATE)
    x, t = d.symbol(N.sample(i)), d.symbol(N.target(i))
    w = d.symbol(step.prev("w"))
    net = dot(w, x)
    if separate_bias:
        net = plus(net, d.symbol(step.prev("b")))
    a = d.add(step.name("a"), "net input", net, group=heading)
    y = d.add(step.name("y"), "output", unit(a), group=heading, misconceptions=[
        Misconception("fires-above-zero-only",
                      "fired only for a > 0; the unit fires for a ≥ 0, so at a = 0 the "
                      f"output is {unit.at_zero}", unit_above_zero(a))])
    error = plus(t, -y)
    d.add(step.name("error"), "error t − y", error, symbol=N.error_symbol(step.k),
          group=heading, misconceptions=[
              Misconception("y-minus-t", "wrote the error as y − t; it is t − y",
                            plus(y, -t))])
    d.add(step.name("w"), "new weight vector", plus(w, times(eta, error, x)),
          group=heading, misconceptions=[
              Misconception("update-when-right",
                            "added η x as if the error t − y were always 1; a right "
                            "prediction (t = y) leaves w unchanged", plus(w, times(eta, x))),
              Misconception("output-for-error",
                            "used the output y in place of the error t − y",
                            plus(w, times(eta, y, x)))])
    if separate_bias:
        b = d.symbol(step.prev("b"))
        d.add(step.name("b"), "new bias", plus(b, times(eta, error)), group=heading,
              misconceptions=[
                  Misconception("update-when-right",
                                "added η as if the error t − y were always 1",
                                plus(b, eta)),
                  Misconception("output-for-error",
                                "used the output y in place of the error t − y",
                                plus(b, times(eta, y)))])


def _count_mistakes(d: Derivation, epoch: int, errors: list[str]) -> int:
    """Samples of the epoch with a nonzero error: an epoch with none has converged."""
    names = tuple(errors)
    d.add(N.epoch_mistakes(epoch), f"mistakes in epoch {epoch} (samples with e ≠ 0)",
          rule=lambda values: sum(1 for n in names if values[n] != 0), inputs=names,
          kind="count", symbol=sympy.Symbol(f"mistakes_{epoch}"),
          group=f"end of epoch {epoch}")
    return int(d[N.epoch_mistakes(epoch)].value)


def _final_weights(d: Derivation, last: int, separate_bias: bool) -> None:
    """The weights training ends with, under a name that does not depend on the step count."""
    d.add("w", "weights after training", d.symbol(f"step{last}.w"), group="result")
    if separate_bias:
        d.add("b", "bias after training", d.symbol(f"step{last}.b"), group="result")
