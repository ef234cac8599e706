"""The Hopfield derivation: the weights from the patterns, a run from every start state, and
what the network remembers."""

from __future__ import annotations

from typing import Mapping

import sympy

from nnsolve.derivation.core import Derivation
from nnsolve.solvers.hopfield import hebb, summary
from nnsolve.solvers.hopfield.given import Network
from nnsolve.solvers.hopfield.runs import Runs

GIVEN = "patterns and weights"
RULES = {"keep": "sgn(0): a neuron whose net input is 0 keeps its state",
         "1": "sgn(0) = +1", "-1": "sgn(0) = −1"}


def build(network: Network, conventions: Mapping[str, str]) -> Derivation:
    d = Derivation()
    n, at_zero = network.size, conventions["sign_zero"]
    patterns = [d.given(hebb.pattern_name(p), pattern, f"stored pattern {p}", kind="vector",
                        symbol=sympy.MatrixSymbol(f"ξ{p}", n, 1), group=GIVEN)
                for p, pattern in enumerate(network.patterns, 1)]
    if network.bias is not None:
        d.given("b", network.bias, "bias b (h = W s + b)", kind="vector",
                symbol=sympy.MatrixSymbol("b", n, 1), group=GIVEN)
    hebb.weights(d, patterns, n, conventions["normalisation"], GIVEN)
    c = hebb.NORMALISATION[conventions["normalisation"]](n, len(patterns))
    runs = Runs(d, network, at_zero, c * len(patterns))
    for r, start in enumerate(network.starts, 1):
        runs.run(r, start)
    summary.fixed_points(d, network, at_zero)
    summary.outcomes(d, network)
    update = "synchronous: every neuron at once, s ← sgn(W s + b)" if network.synchronous \
        else "asynchronous: one neuron per update, in the order " + \
        ", ".join(map(str, network.order)) + " (repeated)"
    d.notes.extend([update, RULES[at_zero]])
    d.principal = ["W", "stable_patterns", "fixed_points", "spurious"] + \
        [name for r in range(1, len(network.starts) + 1)
         for name in (f"attractor{r}", f"iterations{r}", f"kind{r}") if name in d]
    return d
