"""Formulas as text and LaTeX, general and with the numbers put in.

The substituted form is printed from the very same expression tree as the general formula,
with each input symbol printed as its value. Nothing is evaluated, so the student sees
`a3 = 1·1 + (−1)·(−1) + (−1)` in the order the formula was written, not sympy's
simplification of it.
"""

from __future__ import annotations

from typing import Any, Mapping

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from nnsolve.derivation import values as V

_LEAVES = (sympy.Symbol, sympy.MatrixSymbol)


def latex_value(value: Any, digits: int = 4, *, exact: bool = True) -> str:
    """A value in LaTeX: fractions as \\frac, vectors as columns, matrices as pmatrix.

    With `exact=False` only fractions stay exact; e^−1 and the like show as decimals, as they
    do when a formula is worked with numbers.
    """
    if isinstance(value, str):
        return r"\text{" + value.replace("_", r"\_") + "}"
    if isinstance(value, frozenset):
        return r"\{" + ", ".join(sorted(latex_value(v, digits) for v in value)) + r"\}"
    if isinstance(value, tuple):
        if value and isinstance(value[0], tuple):
            rows = [" & ".join(latex_value(v, digits, exact=exact) for v in row) for row in value]
        else:
            rows = [latex_value(v, digits, exact=exact) for v in value]
        return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"
    if isinstance(value, sympy.Expr) and (value.free_symbols or (
            _shows_exactly(value, exact) and not isinstance(value, sympy.Integer))):
        return sympy.latex(value)
    return V.format_number(value, digits)


def text_value(value: Any, digits: int = 4, *, exact: bool = True) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(text_value(v, digits, exact=exact) for v in value) + "]"
    if isinstance(value, sympy.Expr) and not value.free_symbols and \
            _shows_exactly(value, exact) and not isinstance(value, sympy.Integer):
        return sympy.sstr(value)
    return V.format_value(value, digits)


def _shows_exactly(value: sympy.Expr, exact: bool) -> bool:
    return V.is_exact(value) and (exact or value.is_Rational)


def _wrap_negative(text: str, value: Any) -> str:
    if text.startswith("-") and not isinstance(value, tuple):
        return f"({text})"
    return text


class _TextPrinter(StrPrinter):
    def __init__(self, substitutions: Mapping[sympy.Basic, Any] | None, digits: int):
        super().__init__({"order": "none"})
        self._subs = substitutions or {}
        self._digits = digits

    def _print_leaf(self, expr, fallback):
        if expr in self._subs:
            value = self._subs[expr]
            return _wrap_negative(text_value(value, self._digits, exact=False), value)
        return fallback(expr)

    def _print_Symbol(self, expr):
        return self._print_leaf(expr, super()._print_Symbol)

    def _print_MatrixSymbol(self, expr):
        return self._print_leaf(expr, super()._print_MatrixSymbol)


class _LatexPrinter(LatexPrinter):
    def __init__(self, substitutions: Mapping[sympy.Basic, Any] | None, digits: int):
        settings = {"order": "none"}
        if substitutions:
            settings["mul_symbol"] = "dot"
        super().__init__(settings)
        self._subs = substitutions or {}
        self._digits = digits

    def _print_leaf(self, expr, fallback):
        if expr in self._subs:
            value = self._subs[expr]
            text = latex_value(value, self._digits, exact=False)
            if text.startswith("-") or (not isinstance(value, tuple) and "frac" in text):
                return r"\left(" + text + r"\right)"
            return text
        return fallback(expr)

    def _print_Symbol(self, expr, style="plain"):
        return self._print_leaf(expr, lambda e: super(_LatexPrinter, self)._print_Symbol(e, style))

    def _print_MatrixSymbol(self, expr):
        return self._print_leaf(expr, super()._print_MatrixSymbol)


def to_text(expr: sympy.Basic, substitutions: Mapping | None = None, digits: int = 4) -> str:
    return _TextPrinter(substitutions, digits).doprint(expr)


def to_latex(expr: sympy.Basic, substitutions: Mapping | None = None, digits: int = 4) -> str:
    return _LatexPrinter(substitutions, digits).doprint(expr)


def symbol_latex(symbol: sympy.Basic) -> str:
    return sympy.latex(symbol)
