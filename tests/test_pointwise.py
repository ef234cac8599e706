"""Element-wise formulas over vectors (`derivation.pointwise`) and the LaTeX of accented
symbols (m̂, θ̃), which the optimiser and loss boards write."""

from __future__ import annotations

import sympy
import pytest

from nnsolve.derivation import pointwise as P
from nnsolve.derivation.core import Derivation
from nnsolve.derivation.ordered import plus, squared, times
from nnsolve.derivation.printing import symbol_latex
from nnsolve.derivation.texescape import escape


def test_a_scalar_rule_is_worked_element_by_element_and_recomputed_from_other_values():
    d = Derivation()
    beta = d.given("beta", sympy.Rational(9, 10), "β", symbol=sympy.Symbol("β"))
    m = P.given(d, "m", (0, 1), "m")
    g = P.given(d, "g", (2, 20), "g")
    new = P.add(d, "m1", "m", plus(times(beta, m), times(1 - beta, g)))
    assert d["m1"].value == (sympy.Rational(1, 5), sympy.Rational(29, 10))
    assert d.recompute("m1", {"g": (0, 0)}) == (0, sympy.Rational(9, 10))
    P.add(d, "sum", "Σ m²", P.Total(squared(new)))
    assert d["sum"].value == sympy.Rational(1, 25) + sympy.Rational(841, 100)
    P.add(d, "mean", "mean", P.Mean(g))
    assert d["mean"].value == 11
    P.add(d, "top", "max", P.Largest(g))
    assert d["top"].value == 20


def test_vectors_of_different_lengths_are_an_error():
    d = Derivation()
    a, b = P.given(d, "a", (1, 2), "a"), P.given(d, "b", (1, 2, 3), "b")
    with pytest.raises(ValueError, match="different lengths"):
        P.add(d, "c", "c", plus(a, b))


def test_long_exact_fractions_become_floats_and_overflow_is_named():
    long = sympy.Rational(1, 3 ** 200)
    assert isinstance(P.settled(long), float)
    assert P.settled(sympy.Rational(1, 3)) == sympy.Rational(1, 3)
    d = Derivation()
    x = P.given(d, "x", (1e200,), "x")
    with pytest.raises(P.NotFinite, match="y is not a finite number"):
        P.add(d, "y", "y", squared(x))


def test_combining_accents_are_latex_accents():
    assert symbol_latex(sympy.Symbol("m̂_1")) == r"\hat{m}_{1}"
    assert symbol_latex(sympy.Symbol("θ̃_2")) == r"\tilde{\theta}_{2}"
    assert escape("moment m̂ of x̂") == r"moment \^{m} of \^{x}"
