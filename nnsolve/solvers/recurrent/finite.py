"""Quantities whose numbers must stay within floating point.

A recurrent cell applies the same weights again and again, so givens of a reasonable size can
still grow past ±1.8e308 after enough linear or ReLU steps (or start there: 1e300 · 1e300).
Such a state cannot be shown, graded or carried on; the part is refused with its reason.
"""

from __future__ import annotations

import math

import sympy

from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation
from nnsolve.solvers.base import SolverError


def _finite(value) -> bool:
    if isinstance(value, tuple):
        return all(_finite(v) for v in value)
    try:
        return math.isfinite(V.to_float(value))
    except (TypeError, ValueError, OverflowError):
        return False


def add_finite(d: Derivation, name: str, label: str, formula: sympy.Basic, **options):
    """`d.add` for a formula whose value is checked first: a SolverError when it overflows."""
    try:
        value = d.evaluate(formula)
    except (ValueError, OverflowError, ArithmeticError):
        value = None
    if value is None or not _finite(value):
        raise SolverError(f"{name} overflows floating point: the weights and inputs are too "
                          "large for this many steps", ())
    return d.add(name, label, formula, value=value, **options)
