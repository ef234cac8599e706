"""Softmax, log-softmax, categorical cross-entropy and the KL divergence between two
distributions.

Softmax is worked as a numerically stable implementation does it, with the largest logit
subtracted first (s = z − max z): the same value, and no overflow for large logits;
log-softmax is s − ln Σ e^s (PyTorch's log_softmax, in nats). Cross-entropy is
−Σ t log p over the classes: from logits (PyTorch's F.cross_entropy) through the
log-softmax, or from given probabilities; a class index is its one-hot target.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from nnsolve.derivation.ordered import difference, minus, over, times, total
from nnsolve.derivation.pointwise import Largest, Total
from nnsolve.solvers.losses.board import Board, in_units
from nnsolve.solvers.losses.given import LossesGiven
from nnsolve.solvers.losses.logs import NATS


@dataclass(frozen=True)
class Sample:
    """How the quantities of one sample are named: as they are for a single sample (z,
    softmax, loss), or `sample<n>.z` written z^(n) in a batch."""

    n: int | None = None

    def name(self, base: str) -> str:
        return base if self.n is None else f"sample{self.n}.{base}"

    def written(self, stem: str) -> str:
        return stem if self.n is None else f"{stem}^({self.n})"

    def label(self, text: str) -> str:
        return text if self.n is None else f"{text}, sample {self.n}"

    @property
    def group(self) -> str:
        return "softmax" if self.n is None else f"sample {self.n}"


def softmax(b: Board, logits, at: Sample = Sample()) -> tuple[sympy.Symbol, sympy.Symbol]:
    """The softmax chain of `logits`; returns the symbols of softmax and log-softmax."""
    def add(base, label, formula, stem, **options):
        return b.add(at.name(base), at.label(label), formula, at.written(stem), group=at.group,
                     **options)

    z = b.given(at.name("z"), logits, at.label("logits z"), at.written("z"))
    top = add("max", "the largest logit, subtracted for numerical stability", Largest(z),
              "z_max")
    s = add("shifted", "shifted logits s = z − max z", difference(z, top), "s")
    u = add("exp", "exponentials e^s", sympy.exp(s), "u")
    total = add("sum", "their sum Σ e^s", Total(u), "Z")
    p = add("softmax", "softmax(z) = e^s / Σ e^s", over(u, total), "p",
            misconceptions=[("softmax-no-exp", "divided the logits by their sum without "
                                               "taking exponentials", over(z, Total(z)))])
    log_p = add("log_softmax", "log-softmax s − ln Σ e^s (natural log, as PyTorch)",
                difference(s, NATS.log(total)), "ln p")
    return p, log_p


def run_softmax(b: Board, given: LossesGiven) -> list[str]:
    softmax(b, given.logits)
    return ["max", "shifted", "softmax", "log_softmax"]


def _target(b: Board, target, size: int, at: Sample) -> sympy.Symbol:
    if isinstance(target, int):
        one_hot = tuple(1 if i == target else 0 for i in range(size))
        return b.given(at.name("t"), one_hot,
                       at.label(f"target t: class {target} (from 0), one-hot"), at.written("t"))
    return b.given(at.name("t"), target, at.label("target distribution t"), at.written("t"))


def _one_sample(b: Board, logits, probabilities, target, at: Sample) -> list[str]:
    """The cross-entropy of one sample, from its logits or its probabilities."""
    if logits is not None:
        _, log_p = softmax(b, logits, at)
        t = _target(b, target, len(logits), at)

        def loss(base):
            return in_units(minus(Total(times(t, log_p))), base)
        asked = [at.name("softmax"), at.name("log_softmax")]
    else:
        p = b.given(at.name("p"), probabilities, at.label("predicted probabilities p"),
                    at.written("p"))
        t = _target(b, target, len(probabilities), at)

        def loss(base):
            return minus(Total(base.xlog(t, p)))
        asked = []
    b.add(at.name("loss"), at.label(f"cross-entropy −Σ t log p ({b.base.unit})"), loss(b.base),
          at.written("L"), misconceptions=[b.other_base(loss)],
          group=None if at.n is None else at.group)
    return asked + [at.name("loss")]


def cross_entropy(b: Board, given: LossesGiven) -> list[str]:
    rows = given.logits if given.logits is not None else given.probabilities
    if not isinstance(rows[0], list):
        return _one_sample(b, given.logits, given.probabilities, given.target, Sample())
    asked, losses = [], []
    for n, row in enumerate(rows, start=1):
        at = Sample(n)
        asked += _one_sample(b, row if given.logits is not None else None,
                             row if given.logits is None else None, given.target[n - 1], at)
        losses.append(b.d.symbol(at.name("loss")))
    b.add("loss", f"cross-entropy of the batch: the mean over its {len(rows)} samples",
          over(total(losses), len(rows)), "L",
          misconceptions=[("ce-batch-sum", "summed the samples' losses; PyTorch's "
                                           "cross_entropy takes their mean", total(losses))])
    return asked + ["loss"]


def kl(b: Board, given: LossesGiven) -> list[str]:
    p = b.given("p", given.p, "distribution p", "p")
    q = b.given("q", given.q, "distribution q", "q")

    def divergence(base, first=p, second=q):
        return Total(base.xlog(first, over(first, second)))

    wrong = [b.other_base(divergence),
             ("kl-sign", "KL(p ‖ q) = Σ p log(p/q) ≥ 0; this is Σ p log(q/p), its negative",
              Total(b.base.xlog(p, over(q, p))))]
    if all(v > 0 for v in given.p):
        wrong.append(("kl-direction", "this is KL(q ‖ p); KL is not symmetric, KL(p ‖ q) "
                                      "weighs log(p/q) by p", divergence(b.base, q, p)))
    b.add("kl", f"KL(p ‖ q) = Σ p log(p/q) ({b.base.unit})", divergence(b.base), "KL",
          misconceptions=wrong)
    return ["kl"]
