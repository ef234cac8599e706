"""The Hebbian weights and the energy, as the board writes them.

W = c (ξ1 ξ1ᵀ + … + ξP ξPᵀ − P I): the outer products of the stored patterns, less their
diagonal (every ξ_i² is 1, so the diagonal of the sum is P), scaled by the normalisation c
(1/N, 1/P or 1, a convention). E = −½ sᵀ W s − bᵀ s.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.derivation.ordered import minus, plus, times
from nnsolve.derivation.vectors import dot

#: the normalisation convention → the written factor, from N neurons and P patterns
NORMALISATION = {"1/N": lambda n, p: sympy.Rational(1, n),
                 "1/P": lambda n, p: sympy.Rational(1, p),
                 "none": lambda n, p: sympy.Integer(1)}
HALF = sympy.Rational(1, 2)


def pattern_name(p: int) -> str:
    return f"xi{p}"


def weights(d: Derivation, patterns: list[sympy.Basic], n: int, normalisation: str,
            group: str) -> sympy.Basic:
    """W from the stored patterns, with the mistakes made computing it."""
    count = len(patterns)
    c = NORMALISATION[normalisation](n, count)
    products = [x * x.T for x in patterns]
    identity = sympy.Identity(n)
    without_diagonal = plus(*products, times(-count, identity))
    wrong = [Misconception("nonzero-diagonal",
                           "kept the diagonal of the outer products (w_ii = c·P); a neuron has "
                           "no connection to itself, w_ii = 0",
                           times(c, plus(*products)))]
    if c != 1:
        wrong.append(Misconception("normalisation-forgotten",
                                   f"left out the normalisation {c} ({normalisation})",
                                   without_diagonal))
    for other in ("1/N", "1/P"):
        factor = NORMALISATION[other](n, count)
        if other != normalisation and factor != c:
            wrong.append(Misconception(f"normalised-by-{other[-1]}",
                                       f"normalised by {other}; the convention here is "
                                       f"{normalisation}", times(factor, without_diagonal)))
    return d.add("W", "Hebbian weights, zero diagonal", times(c, without_diagonal),
                 kind="matrix", symbol=sympy.MatrixSymbol("W", n, n), misconceptions=wrong,
                 group=group, note=f"normalisation {normalisation}: c = {c}; w_ii = 0")


def energy_formula(W, s, b, *, half: bool = True) -> sympy.Basic:
    """E = −½ sᵀ W s − bᵀ s (`half=False`: the energy a student writes without the ½)."""
    quadratic = dot(s, W * s)
    first = times(-HALF, quadratic) if half else minus(quadratic)
    return plus(first, minus(dot(b, s)) if b is not None else None)


def energy(d: Derivation, name: str, label: str, W, s, b, group: str,
           symbol: sympy.Basic) -> sympy.Basic:
    return d.add(name, label, energy_formula(W, s, b), group=group, symbol=symbol,
                 misconceptions=[
        Misconception("energy-without-half", "left out the ½: E = −½ sᵀ W s − bᵀ s counts "
                      "each pair of neurons once", energy_formula(W, s, b, half=False))])
