"""Formulas as text and LaTeX, general and with the numbers put in; values in LaTeX.

The substituted form is printed from the very same expression tree as the general formula,
with each input symbol printed as its value. Nothing is evaluated, so the student sees
`a3 = 1·1 + (−1)·(−1) + (−1)` in the order the formula was written, not sympy's
simplification of it. Values are written as text by `values.format_value` and as MathML by
`mathml` (whose functions this module also offers, for those who print in every format).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Mapping

import sympy
from sympy.printing.latex import LatexPrinter

from nnsolve.derivation import layout as L
from nnsolve.derivation import structures as S
from nnsolve.derivation import texescape
from nnsolve.derivation import values as V
from nnsolve.derivation.mathml import mathml_number, mathml_value, symbol_mathml, to_mathml

__all__ = ["latex_greek", "latex_number", "latex_value", "mathml_number", "mathml_value",
           "substitutes_exactly", "symbol_latex", "symbol_mathml", "text_value", "to_latex",
           "to_mathml", "to_text"]

_LEAVES = (sympy.Symbol, sympy.MatrixSymbol)


def text_value(value: Any, digits: int = 4, *, exact: bool | str = True,
               elide: bool = False) -> str:
    """A value as text, exact numbers in their exact form unless told otherwise (the
    default of a kind's `text`; see `values.format_value`)."""
    return V.format_value(value, digits, exact=exact, elide=elide)


def latex_value(value: Any, digits: int = 4, *, exact: bool | str = True,
                elide: bool = False) -> str:
    """A value in LaTeX math: fractions as \\frac, vectors as columns, matrices as pmatrix, a
    tensor as its channels side by side, a mapping as key ↦ value, a table as an array.

    `exact=False` writes every number as a decimal, FRACTIONS keeps only fractions exact (as
    numbers read when put into a formula). With `elide`, long axes show \\cdots/\\vdots.
    """
    def inner(item: Any) -> str:
        return latex_value(item, digits, exact=exact, elide=elide)

    if isinstance(value, str):
        return texescape.text(value)
    if isinstance(value, S.Partition):
        classes = L.partition_classes(value)
        colours = L.labels_worth_showing(classes)
        written = (r"\{" + ", ".join(map(_latex_key, members)) + r"\}"
                   + (f"_{{{_latex_key(label)}}}" if colours else "") for members, label in classes)
        return r"\{" + ", ".join(written) + r"\}"
    if isinstance(value, S.Multiset):
        return r"\{\!\{" + ",\\ ".join(f"{_latex_key(k)}\\colon {inner(n)}"
                                      for k, n in L.multiset_items(value)) + r"\}\!\}"
    if isinstance(value, S.FrozenMap):
        return r"\{" + ",\\ ".join(f"{_latex_key(k)} \\mapsto {inner(v)}"
                                  for k, v in value.items()) + r"\}"
    if isinstance(value, S.TableValue):
        head = " & ".join(texescape.text(h) for h in value.header)
        rows = [" & ".join(inner(c) for c in row) for row in value.rows]
        body = " ".join([head, r"\\ \hline", r" \\ ".join(rows)]) if rows else head
        return rf"\begin{{array}}{{{'l' * len(value.header)}}}{body}\end{{array}}"
    if isinstance(value, frozenset):
        return r"\{" + ", ".join(sorted(inner(v) for v in value)) + r"\}"
    if isinstance(value, tuple):
        if L.is_tensor(value):
            def piece(s) -> str:
                return r"\cdots" if s is None else r"\underset{" + texescape.text(s[0]) + "}{" \
                    + _pmatrix(s[1], digits, exact, elide) + "}"

            rows = L.tensor_rows(value, lambda v: V.format_value(v, digits), elide)
            lines = [r" \quad ".join(map(piece, row)) for row in rows]
            if len(lines) == 1:
                return lines[0]
            return r"\begin{gathered}" + r" \\[1ex] ".join(lines) + r"\end{gathered}"
        return _pmatrix(value, digits, exact, elide)
    if isinstance(value, sympy.Expr) and (value.free_symbols or (
            V.shows_exactly(value, exact) and not isinstance(value, sympy.Integer))):
        return sympy.latex(value)
    return latex_number(V.format_number(value, digits))


def _pmatrix(value: tuple, digits: int, exact: bool | str, elide: bool) -> str:
    def cell(v, gap):
        return gap if v is ... else latex_value(v, digits, exact=exact)

    cells = L.array_cells(value, elide)
    if L.is_matrix(value):
        gap_row = " & ".join(r"\ddots" if v is ... else r"\vdots" for v in cells[0])
        rows = [gap_row if row is ... else " & ".join(cell(v, r"\cdots") for v in row)
                for row in cells]
    else:
        rows = [cell(v, r"\vdots") for v in cells]
    return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"


def _latex_key(key: str) -> str:
    """A mapping's key or a class's label: 3 as a number, a word as text."""
    return latex_number(key) if L.is_number_label(key) else texescape.text(key)


_SCIENTIFIC = re.compile(r"^(-?[0-9.]+)e([+-]?[0-9]+)$")


def latex_number(text: str) -> str:
    """format_number's 1.5e-07 as 1.5 \\times 10^{-7}."""
    match = _SCIENTIFIC.match(text)
    if not match:
        return text
    return rf"{match.group(1)} \times 10^{{{int(match.group(2))}}}"


def substitutes_exactly(value: Any) -> bool:
    """True when a formula with numbers put in shows this value without rounding it."""
    if isinstance(value, tuple):
        return all(v is ... or substitutes_exactly(v) for v in value)
    if isinstance(value, sympy.Expr) and not value.free_symbols:
        return V.shows_exactly(value, V.FRACTIONS)
    return not isinstance(value, float)


def _wrap_negative(text: str, value: Any) -> str:
    if (text.startswith("-") or _compound(value)) and not isinstance(value, tuple):
        return f"({text})"
    return text


def _compound(value: Any) -> bool:
    """A symbolic value with operators (33 − F): put in a formula, it needs parentheses."""
    return isinstance(value, sympy.Expr) and bool(value.free_symbols) and not value.is_Atom


def _bare_arguments(expr: sympy.Basic) -> frozenset:
    """Symbols that appear only as the whole argument of a function, as a5 in σ(a5): the
    function's own parentheses suffice, so the board reads σ(−0.7689), not σ((−0.7689))."""
    as_argument, elsewhere = set(), set()
    stack = [(expr, False)]
    while stack:
        node, inside_function = stack.pop()
        if isinstance(node, _LEAVES):
            (as_argument if inside_function else elsewhere).add(node)
            continue
        is_function = isinstance(node, sympy.Function) and len(node.args) == 1
        stack.extend((arg, is_function) for arg in node.args)
    return frozenset(as_argument - elsewhere)


class _Substituting:
    """What the text and the LaTeX printer share: a symbol with a value in `substitutions` is
    printed as that value (each printer writes and brackets it its own way in its method
    `_substituted(value, bare)`),
    without brackets where it is a function's whole argument (see `_bare_arguments`)."""

    def __init__(self, substitutions: Mapping[sympy.Basic, Any] | None, digits: int,
                 elide: bool = False, settings: dict | None = None):
        super().__init__(settings)
        self._subs = substitutions or {}
        self._digits = digits
        self._elide = elide
        self._bare: frozenset = frozenset()

    def doprint(self, expr):
        self._bare = _bare_arguments(expr) if self._subs else frozenset()
        return super().doprint(expr)

    def _print_leaf(self, expr, fallback):
        if expr in self._subs:
            return self._substituted(self._subs[expr], bare=expr in self._bare)
        return fallback(expr)

    def _print_MatrixSymbol(self, expr):
        return self._print_leaf(expr, super()._print_MatrixSymbol)


class _TextPrinter(_Substituting, V.AsWritten):
    #: counts put in grouped by thousands (34,944), as the terminal shows values; JSON keeps
    #: the plain digits its readers parse
    grouped = False

    def _substituted(self, value: Any, bare: bool) -> str:
        if self.grouped and V.grouped_count(value):
            return V.grouped_count(value)
        text = V.format_value(value, self._digits, exact=V.FRACTIONS, elide=self._elide)
        return text if bare else _wrap_negative(text, value)

    def _print_Symbol(self, expr):
        return self._print_leaf(expr, super()._print_Symbol)

    def _print_Sum(self, expr):
        """Σ_{m=1..2} Σ_{n=1..2} x[i + m - 1, j + n - 1]*k[m, n], as typed on one line."""
        bounds = " ".join(f"Σ_{{{self._print(v)}={self._print(lo)}..{self._print(hi)}}}"
                          for v, lo, hi in expr.limits)
        return f"{bounds} {self.parenthesize(expr.function, 40)}"



class _LatexPrinter(_Substituting, LatexPrinter):
    def __init__(self, substitutions: Mapping[sympy.Basic, Any] | None, digits: int,
                 elide: bool = False):
        settings = {"order": "none"}
        if substitutions:
            settings["mul_symbol"] = "dot"
        super().__init__(substitutions, digits, elide, settings)

    def _substituted(self, value: Any, bare: bool) -> str:
        grouped = V.grouped_count(value)
        if grouped:
            return grouped.replace(",", "{,}")
        text = latex_value(value, self._digits, exact=V.FRACTIONS, elide=self._elide)
        if bare:
            return text
        if text.startswith("-") or (not isinstance(value, tuple) and (
                "frac" in text or _compound(value))):
            return r"\left(" + text + r"\right)"
        return text

    def _print_Indexed(self, expr):
        return V.offsets_last(self, super()._print_Indexed, expr)

    def _print_Symbol(self, expr, style="plain"):
        return self._print_leaf(expr, lambda e: _upright_word(latex_greek(
            super(_LatexPrinter, self)._print_Symbol(e, style))))


#: combining accents in a symbol's name (m̂, θ̃) as math accents on the letter before them
MATH_ACCENTS = {"\u0302": "\\hat", "\u0303": "\\tilde", "\u0304": "\\bar"}


def latex_greek(text: str) -> str:
    """Greek letters written in a symbol's name (Δw35) as LaTeX commands: pdflatex cannot set
    them in math."""
    out = []
    for char in text:
        if char in MATH_ACCENTS and out:
            out[-1] = MATH_ACCENTS[char] + "{" + out[-1].strip() + "}"
            continue
        name = unicodedata.name(char, "") if not char.isascii() else ""
        if name.startswith(("GREEK SMALL LETTER ", "GREEK CAPITAL LETTER ")):
            letter = name.rsplit(" ", 1)[-1]
            letter = letter.lower() if "SMALL" in name else letter.capitalize()
            out.append("\\" + letter + " ")
        else:
            out.append(char)
    return "".join(out)


def to_text(expr: sympy.Basic, substitutions: Mapping | None = None, digits: int = 4, *,
            elide: bool = False, grouped: bool = False) -> str:
    printer = _TextPrinter(substitutions, digits, elide)
    printer.grouped = grouped
    return printer.doprint(expr)


def to_latex(expr: sympy.Basic, substitutions: Mapping | None = None, digits: int = 4, *,
             elide: bool = False) -> str:
    return _one_epsilon(_LatexPrinter(substitutions, digits, elide).doprint(expr))


def symbol_latex(symbol: sympy.Basic) -> str:
    return _one_epsilon(_upright_word(latex_greek(sympy.latex(symbol))))


_EPSILON = re.compile(r"\\epsilon(?![A-Za-z])")


def _one_epsilon(latex: str) -> str:
    """ε as the text, the statements and MathML show it (\\varepsilon), never the lunate ϵ
    of TeX's \\epsilon: one learning rate should not look like two symbols."""
    return _EPSILON.sub(r"\\varepsilon", latex)


_WORD = re.compile(r"^([A-Za-z]{2,})(?=[_^]|$)")
#: a dotted name (layer1.W, option.a) is a name as a whole, upright like a word
_DOTTED = re.compile(r"^([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+)(?=[_^]|$)")


def _upright_word(text: str) -> str:
    """`\\mathrm{params}_{1}`: a name of several letters is a word, not a product of
    italic variables p·a·r·a·m·s (MathML's <mi> does the same by itself)."""
    if _DOTTED.match(text):
        return _DOTTED.sub(r"\\mathrm{\1}", text)
    return _WORD.sub(r"\\mathrm{\1}", text)
