"""The `hopfield` solver: a Hopfield network's Hebbian weights from stored patterns, its runs
from start states (synchronous or asynchronous) with the energy at every step, and what it
remembers: fixed points, stable stored patterns, spurious states and limit cycles.

given.py reads and checks the given; network.py builds the derivation (imported in `solve`,
so listing the solvers loads no sympy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from nnsolve.solvers.base import Convention, Solver
from nnsolve.solvers.hopfield.given import HopfieldGiven

if TYPE_CHECKING:
    from nnsolve.derivation.core import Derivation


class HopfieldSolver(Solver):
    name = "hopfield"
    summary = "Hopfield networks: Hebbian weights, updates with energy, attractors, spurious states"
    Given = HopfieldGiven
    quantities = {
        "xi<p>": "stored pattern p (ξp)",
        "b": "the bias, when given",
        "W": "the Hebbian weights c (ξ1 ξ1ᵀ + … + ξP ξPᵀ − P I), zero diagonal, c from the "
             "normalisation convention",
        "step0.s<r>": "start state r",
        "step<k>.h<r>": "run r, update k: the net inputs W s + b (synchronous), or the net "
                        "input of the neuron updated (asynchronous)",
        "step<k>.s<r>": "run r: the state after update k",
        "step<k>.E<r>": "run r: the energy E = −½ sᵀ W s − bᵀ s after update k (k = 0: of the "
                        "start state)",
        "attractor<r>": "run r: the fixed point reached, or the set of states of the limit "
                        "cycle",
        "iterations<r>": "run r: updates until the fixed point is first reached (or the cycle "
                         "entered)",
        "kind<r>": "run r: stored, spurious (a fixed point that is no stored pattern) or cycle",
        "fixed_points": "every state no update changes, among all 2^N",
        "stable_patterns": "the stored patterns that are fixed points",
        "spurious": "the fixed points that are not stored patterns",
        "attractors": "the fixed points reached from the start states",
        "outcomes": "a table: start, attractor, kind, updates for every start state",
    }
    principal = ("W", "stable_patterns", "fixed_points", "spurious", "attractor<r>",
                 "iterations<r>", "kind<r>")
    conventions = {
        "normalisation": Convention("1/N", ("1/N", "1/P", "none"),
                                    "the factor c of W = c Σ ξ ξᵀ (diagonal 0): 1/N over the "
                                    "neurons, 1/P over the patterns, or none"),
        "sign_zero": Convention("keep", ("keep", "1", "-1"),
                                "a neuron's new state when its net input is 0: keep (its "
                                "previous state), 1 or -1"),
    }
    template = {
        "given": {
            "patterns": [[1, 1], [-1, -1], [1, -1]],
            "update": "synchronous",
            "starts": "all",
        },
        "ask": ["W", "fixed_points", "attractor4", "kind4"],
    }

    def solve(self, given: HopfieldGiven, conventions: Mapping[str, str]) -> "Derivation":
        from nnsolve.solvers.hopfield.given import read
        from nnsolve.solvers.hopfield.network import build

        return build(read(given), conventions)
