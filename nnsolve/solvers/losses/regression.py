"""MSE and binary cross-entropy: an error or a term per element, then their mean.

MSE is the mean over all elements as PyTorch's MSELoss (`mse: mean`), or the sum, or half
the sum (`mse: sum`, `half_sum`), the forms courses write; BCE is PyTorch's
binary_cross_entropy, −mean[t ln y + (1 − t) ln(1 − y)], from probabilities or from logits
through σ.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation.functions import sigmoid
from nnsolve.derivation.ordered import difference, minus, plus, squared, times
from nnsolve.derivation.pointwise import Mean, Total
from nnsolve.solvers.losses.board import Board
from nnsolve.solvers.losses.given import LossesGiven

HALF = sympy.Rational(1, 2)
MSE_FORMS = {
    "mean": ("mse-mean", "the mean over the elements, as PyTorch's MSELoss",
             lambda sq: Mean(sq)),
    "sum": ("mse-sum", "the sum of the squared errors", lambda sq: Total(sq)),
    "half_sum": ("mse-half", "half the sum of the squared errors, ½Σ(y − t)²",
                 lambda sq: times(HALF, Total(sq))),
}


def mse(b: Board, given: LossesGiven) -> list[str]:
    y = b.given("y", given.prediction, "outputs y", "y")
    t = b.given("t", given.target, "targets t", "t")
    error = b.add("error", "error y − t", difference(y, t), "e")
    sq = squared(error)
    wrong = [(key, f"computed {text}; this problem's loss is "
                   f"{MSE_FORMS[b.mse][1]}", form(sq))
             for name, (key, text, form) in MSE_FORMS.items() if name != b.mse]
    b.add("loss", f"loss: {MSE_FORMS[b.mse][1]}", MSE_FORMS[b.mse][2](sq), "L",
          misconceptions=wrong)
    return ["error", "loss"]


def bce_terms(base, t, y) -> sympy.Basic:
    """−[t log y + (1 − t) log(1 − y)] per element, written −t log y − (1 − t) log(1 − y)."""
    return plus(minus(base.xlog(t, y)), minus(base.xlog(_one_minus(t), _one_minus(y))))


def swapped_terms(base, t, y) -> sympy.Basic:
    """BCE with the labels swapped: −[(1 − t) log y + t log(1 − y)]."""
    return plus(minus(base.xlog(_one_minus(t), y)), minus(base.xlog(t, _one_minus(y))))


def _one_minus(x):
    return plus(sympy.Integer(1), minus(x))


SWAPPED = "the labels are swapped: the term of target t is t·log y + (1 − t)·log(1 − y)"


def bce(b: Board, given: LossesGiven) -> list[str]:
    asked = []
    if given.logits is not None:
        z = b.given("z", given.logits, "logits z", "z")
        y = b.add("prediction", "predicted probability y = σ(z)", sigmoid(z), "y")
        asked.append("prediction")
    else:
        y = b.given("y", given.prediction, "predicted probabilities y", "y")
    t = b.given("t", given.target, "targets t", "t")
    terms = b.add("terms", "per-element loss −[t log y + (1 − t) log(1 − y)]",
                  bce_terms(b.base, t, y), "ℓ",
                  misconceptions=[("bce-labels-swapped", SWAPPED, swapped_terms(b.base, t, y)),
                                  b.other_base(lambda base: bce_terms(base, t, y))])
    b.add("loss", "binary cross-entropy: the mean of the terms", Mean(terms), "L",
          misconceptions=[("bce-labels-swapped", SWAPPED, Mean(swapped_terms(b.base, t, y))),
                          b.other_base(lambda base: Mean(bce_terms(base, t, y))),
                          ("bce-sum", "summed the terms; PyTorch's BCELoss takes their mean",
                           Total(terms))])
    return asked + ["terms", "loss"]
