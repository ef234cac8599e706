"""Formulas kept in the order the board writes them.

sympy sorts the terms of a sum and the factors of a product (w + η(t − y)x becomes
η(t − y)x + w; ⌊(H − F + 2P)/S⌋ + 1 becomes 1 + ⌊(−F + H + 2P)/S⌋). A formula built with
these helpers is left unevaluated, so its general form and its form with the numbers put in
read as the course writes them; its value still comes from substitution into the same tree.
Sums and products of matrices stay matrix expressions.
"""

from __future__ import annotations

from typing import Iterable

import sympy


def _is_matrix(term) -> bool:
    return bool(getattr(term, "is_Matrix", False))


def _unevaluated(operands: list, scalar, matrix, identity: int) -> sympy.Basic:
    """The operands joined by one operation, left as written: the operation's identity for
    none, the operand itself for one, and the matrix form of the operation (MatAdd, MatMul)
    once any operand is a matrix."""
    if not operands:
        return sympy.Integer(identity)
    if len(operands) == 1:
        return operands[0]
    if any(_is_matrix(o) for o in operands):
        return matrix(*operands, evaluate=False)
    return scalar(*operands, evaluate=False)


def plus(*terms) -> sympy.Basic:
    """A sum in the order given (None terms left out)."""
    return _unevaluated([t for t in terms if t is not None], sympy.Add, sympy.MatAdd, 0)


def total(terms: Iterable) -> sympy.Basic:
    """The sum of a list of terms (0 for none)."""
    return plus(*terms)


def minus(term) -> sympy.Basic:
    """−term, as written."""
    if _is_matrix(term):
        return sympy.MatMul(sympy.Integer(-1), term, evaluate=False)
    return sympy.Mul(-1, term, evaluate=False)


def difference(left, right) -> sympy.Basic:
    """left − right, in that order."""
    return plus(left, minus(right))


def times(*factors) -> sympy.Basic:
    """A product in the order given; factors of 1 (and None) left out, nested scalar products
    spread out (H·W·K·F², not ((H·W)·K)·F²)."""
    return _unevaluated(_factors(factors), sympy.Mul, sympy.MatMul, 1)


def grouped(*factors) -> sympy.Basic:
    """A product whose factors keep their own grouping, as the chain rule is written:
    g'(a3)·(w35·δ5) shows the derivative times the weighted sum of deltas."""
    kept = [f for f in factors if f is not None and (_is_matrix(f) or f != 1)]
    return _unevaluated(kept, sympy.Mul, sympy.MatMul, 1)


def _factors(factors) -> list:
    flat = []
    for f in factors:
        if f is None or (not _is_matrix(f) and f == 1):
            continue
        flat.extend(_factors(f.args) if isinstance(f, sympy.Mul) else (f,))
    return flat


def over(numerator, denominator) -> sympy.Basic:
    """numerator / denominator as a fraction on the board."""
    if denominator is None:
        return numerator
    return times(numerator, sympy.Pow(denominator, -1, evaluate=False))


def squared(x) -> sympy.Basic:
    return sympy.Pow(x, 2, evaluate=False)
