"""Softmax, log-softmax, categorical cross-entropy and the KL divergence between two
distributions.

Softmax is worked as a numerically stable implementation does it, with the largest logit
subtracted first (s = z − max z): the same value, and no overflow for large logits;
log-softmax is s − ln Σ e^s (PyTorch's log_softmax, in nats). Cross-entropy is
−Σ t log p over the classes: from logits (PyTorch's F.cross_entropy) through the
log-softmax, or from given probabilities; a class index is its one-hot target.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation.ordered import difference, minus, over, times
from nnsolve.derivation.pointwise import Largest, Total
from nnsolve.solvers.losses.board import Board, in_units
from nnsolve.solvers.losses.given import LossesGiven
from nnsolve.solvers.losses.logs import NATS


def softmax(b: Board, logits) -> tuple[sympy.Symbol, sympy.Symbol]:
    """The softmax chain of `logits`; returns the symbols of softmax and log-softmax."""
    z = b.given("z", logits, "logits z", "z")
    top = b.add("max", "the largest logit, subtracted for numerical stability", Largest(z),
                "z_max", group="softmax")
    s = b.add("shifted", "shifted logits s = z − max z", difference(z, top), "s",
              group="softmax")
    u = b.add("exp", "exponentials e^s", sympy.exp(s), "u", group="softmax")
    total = b.add("sum", "their sum Σ e^s", Total(u), "Z", group="softmax")
    p = b.add("softmax", "softmax(z) = e^s / Σ e^s", over(u, total), "p", group="softmax",
              misconceptions=[("softmax-no-exp", "divided the logits by their sum without "
                                                 "taking exponentials", over(z, Total(z)))])
    log_p = b.add("log_softmax", "log-softmax s − ln Σ e^s (natural log, as PyTorch)",
                  difference(s, NATS.log(total)), "ln p", group="softmax")
    return p, log_p


def run_softmax(b: Board, given: LossesGiven) -> list[str]:
    softmax(b, given.logits)
    return ["max", "shifted", "softmax", "log_softmax"]


def _target(b: Board, given: LossesGiven, size: int) -> sympy.Symbol:
    if isinstance(given.target, int):
        one_hot = tuple(1 if i == given.target else 0 for i in range(size))
        return b.given("t", one_hot, f"target t: class {given.target} (from 0), one-hot", "t")
    return b.given("t", given.target, "target distribution t", "t")


def cross_entropy(b: Board, given: LossesGiven) -> list[str]:
    if given.logits is not None:
        _, log_p = softmax(b, given.logits)
        t = _target(b, given, len(given.logits))

        def loss(base):
            return in_units(minus(Total(times(t, log_p))), base)

        b.add("loss", f"cross-entropy −Σ t log p ({b.base.unit})", loss(b.base), "L",
              misconceptions=[b.other_base(loss)])
        return ["softmax", "log_softmax", "loss"]
    p = b.given("p", given.probabilities, "predicted probabilities p", "p")
    t = _target(b, given, len(given.probabilities))

    def from_probabilities(base):
        return minus(Total(base.xlog(t, p)))

    b.add("loss", f"cross-entropy −Σ t log p ({b.base.unit})", from_probabilities(b.base), "L",
          misconceptions=[b.other_base(from_probabilities)])
    return ["loss"]


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
