"""Formulas as text and LaTeX, general and with the numbers put in.

The substituted form is printed from the very same expression tree as the general formula,
with each input symbol printed as its value. Nothing is evaluated, so the student sees
`a3 = 1·1 + (−1)·(−1) + (−1)` in the order the formula was written, not sympy's
simplification of it.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any, Mapping, Sequence

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.str import StrPrinter

from nnsolve.derivation import values as V

_LEAVES = (sympy.Symbol, sympy.MatrixSymbol)

#: an array axis longer than this shows only its first and last entries around an ellipsis,
#: so a 227×227 input reads as a matrix, not as a page of numbers
ELIDE_OVER = 8
_HEAD, _TAIL = 3, 2


def elided(items: Sequence) -> list:
    """The entries of a long axis worth showing, with `...` (Ellipsis) where the rest were."""
    items = list(items)
    if len(items) <= ELIDE_OVER:
        return items
    return items[:_HEAD] + [...] + items[-_TAIL:]


def _shown(items: Sequence, elide: bool) -> list:
    return elided(items) if elide else list(items)


def is_matrix(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and isinstance(value[0], tuple)


def array_cells(value: tuple, elide: bool = True) -> list:
    """What shows of a vector (its entries) or a matrix (rows of entries): `...` stands for
    elided entries, and for a whole elided row."""
    if is_matrix(value):
        return [row if row is ... else _shown(row, elide) for row in _shown(value, elide)]
    return _shown(value, elide)


def latex_value(value: Any, digits: int = 4, *, exact: bool = True, elide: bool = False) -> str:
    """A value in LaTeX: fractions as \\frac, vectors as columns, matrices as pmatrix.

    With `exact=False` only fractions stay exact; e^−1 and the like show as decimals, as they
    do when a formula is worked with numbers. With `elide`, long axes show \\cdots/\\vdots.
    """
    if isinstance(value, str):
        return r"\text{" + value.replace("_", r"\_") + "}"
    if isinstance(value, frozenset):
        return r"\{" + ", ".join(sorted(latex_value(v, digits) for v in value)) + r"\}"
    if isinstance(value, tuple):
        def cell(v, gap):
            return gap if v is ... else latex_value(v, digits, exact=exact)

        cells = array_cells(value, elide)
        if is_matrix(value):
            gap_row = " & ".join(r"\ddots" if v is ... else r"\vdots" for v in cells[0])
            rows = [gap_row if row is ... else " & ".join(cell(v, r"\cdots") for v in row)
                    for row in cells]
        else:
            rows = [cell(v, r"\vdots") for v in cells]
        return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"
    if isinstance(value, sympy.Expr) and (value.free_symbols or (
            _shows_exactly(value, exact) and not isinstance(value, sympy.Integer))):
        return sympy.latex(value)
    return latex_number(V.format_number(value, digits))


_SCIENTIFIC = re.compile(r"^(-?[0-9.]+)e([+-]?[0-9]+)$")


def latex_number(text: str) -> str:
    """format_number's 1.5e-07 as 1.5 \\times 10^{-7}."""
    match = _SCIENTIFIC.match(text)
    if not match:
        return text
    return rf"{match.group(1)} \times 10^{{{int(match.group(2))}}}"


def text_value(value: Any, digits: int = 4, *, exact: bool = True, elide: bool = False) -> str:
    if isinstance(value, tuple):
        entries = ("…" if v is ... else text_value(v, digits, exact=exact, elide=elide)
                   for v in _shown(value, elide))
        return "[" + ", ".join(entries) + "]"
    if isinstance(value, sympy.Expr) and value.free_symbols:
        return to_text(value)
    if isinstance(value, sympy.Expr) and _shows_exactly(value, exact) and \
            not isinstance(value, sympy.Integer):
        return to_text(value)
    return V.format_value(value, digits)


def substitutes_exactly(value: Any) -> bool:
    """True when a formula with numbers put in shows this value without rounding it."""
    if isinstance(value, tuple):
        return all(v is ... or substitutes_exactly(v) for v in value)
    if isinstance(value, sympy.Expr) and not value.free_symbols:
        return _shows_exactly(value, False)
    return not isinstance(value, float)


def _shows_exactly(value: sympy.Expr, exact: bool) -> bool:
    return V.is_exact(value) and (exact or value.is_Rational)


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


class _TextPrinter(StrPrinter):
    def __init__(self, substitutions: Mapping[sympy.Basic, Any] | None, digits: int,
                 elide: bool = False):
        super().__init__({"order": "none"})
        self._subs = substitutions or {}
        self._digits = digits
        self._elide = elide
        self._bare: frozenset = frozenset()

    def doprint(self, expr):
        self._bare = _bare_arguments(expr) if self._subs else frozenset()
        return super().doprint(expr)

    def _print_leaf(self, expr, fallback):
        if expr in self._subs:
            value = self._subs[expr]
            text = text_value(value, self._digits, exact=False, elide=self._elide)
            return text if expr in self._bare else _wrap_negative(text, value)
        return fallback(expr)

    def _print_Pow(self, expr, rational=False):
        """x^2 as students type it (and as the answer parser reads it), not Python's x**2."""
        return super()._print_Pow(expr, rational=rational).replace("**", "^")

    def _print_Symbol(self, expr):
        return self._print_leaf(expr, super()._print_Symbol)

    def _print_MatrixSymbol(self, expr):
        return self._print_leaf(expr, super()._print_MatrixSymbol)


class _LatexPrinter(LatexPrinter):
    def __init__(self, substitutions: Mapping[sympy.Basic, Any] | None, digits: int,
                 elide: bool = False):
        settings = {"order": "none"}
        if substitutions:
            settings["mul_symbol"] = "dot"
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
            value = self._subs[expr]
            text = latex_value(value, self._digits, exact=False, elide=self._elide)
            if expr in self._bare:
                return text
            if text.startswith("-") or (not isinstance(value, tuple) and (
                    "frac" in text or _compound(value))):
                return r"\left(" + text + r"\right)"
            return text
        return fallback(expr)

    def _print_Symbol(self, expr, style="plain"):
        return self._print_leaf(expr, lambda e: _upright_word(latex_greek(
            super(_LatexPrinter, self)._print_Symbol(e, style))))

    def _print_MatrixSymbol(self, expr):
        return self._print_leaf(expr, super()._print_MatrixSymbol)


def latex_greek(text: str) -> str:
    """Greek letters written in a symbol's name (Δw35) as LaTeX commands: pdflatex cannot set
    them in math."""
    import unicodedata

    out = []
    for char in text:
        name = unicodedata.name(char, "") if not char.isascii() else ""
        if name.startswith(("GREEK SMALL LETTER ", "GREEK CAPITAL LETTER ")):
            letter = name.rsplit(" ", 1)[-1]
            letter = letter.lower() if "SMALL" in name else letter.capitalize()
            out.append("\\" + letter + " ")
        else:
            out.append(char)
    return "".join(out)


class _MathMLPrinter(MathMLPresentationPrinter):
    """Presentation MathML, with input symbols printed as their values like the printers above.

    sympy's MathML printer writes text nodes unescaped (so that it can emit entities); here
    every text is escaped except well-formed entity references, so a label such as `<UNK>`
    shows as written.
    """

    def __init__(self, substitutions: Mapping[sympy.Basic, Any] | None, digits: int,
                 elide: bool = False):
        settings = {"order": "none", "mat_delim": "("}
        if substitutions:
            settings["mul_symbol"] = "dot"
        super().__init__(settings)
        raw_text = self.dom.createTextNode
        self.dom.createTextNode = lambda data: raw_text(_true_minus(_escape_keeping_entities(
            str(data))))
        self._subs = substitutions or {}
        self._digits = digits
        self._elide = elide

    def _element(self, tag: str, *children, text: str | None = None, **attributes):
        element = self.dom.createElement(tag)
        if text is not None:
            element.appendChild(self.dom.createTextNode(text))
        for child in children:
            element.appendChild(child)
        for key, val in attributes.items():
            element.setAttribute(key, val)
        return element

    def _fenced(self, inner, left: str = "(", right: str = ")"):
        return self._element("mrow", self._element("mo", text=left), inner,
                             self._element("mo", text=right))

    def value_element(self, value: Any, exact: bool = True):
        if isinstance(value, str):
            return self._element("mtext", text=value)
        if isinstance(value, frozenset):
            items = sorted((self.value_element(v, exact) for v in value), key=lambda e: e.toxml())
            row = self._element("mrow")
            for i, item in enumerate(items):
                if i:
                    row.appendChild(self._element("mo", text=","))
                row.appendChild(item)
            return self._fenced(row, "{", "}")
        if isinstance(value, tuple):
            return self._fenced(self._table(value, exact))
        if isinstance(value, sympy.Expr) and (value.free_symbols or (
                _shows_exactly(value, exact) and not isinstance(value, sympy.Integer))):
            return self._unsubstituted(value)
        return self.number_element(V.format_number(value, self._digits))

    def _unsubstituted(self, expr):
        """A symbolic value as written: its symbols are not inputs to put numbers in for."""
        substitutions, self._subs = self._subs, {}
        try:
            return self._print(expr)
        finally:
            self._subs = substitutions

    def _table(self, value: tuple, exact: bool):
        def cell(v, gap):
            return self._element("mtd", self._element("mo", text=gap) if v is ...
                                 else self.value_element(v, exact))

        cells = array_cells(value, self._elide)
        if not is_matrix(value):
            return self._element("mtable", *(self._element("mtr", cell(v, "⋮")) for v in cells))
        rows = []
        for row in cells:
            if row is ...:
                row = [... for _ in cells[0]]
                gaps = ["⋱" if v is ... else "⋮" for v in cells[0]]
            else:
                gaps = ["⋯"] * len(row)
            rows.append(self._element("mtr", *(cell(v, gap) for v, gap in zip(row, gaps))))
        return self._element("mtable", *rows)

    def number_element(self, text: str):
        """A number as format_number wrote it: a true minus sign, 1.5e-05 as 1.5 × 10⁻⁵."""
        mantissa, _, exponent = text.partition("e")
        negative = mantissa.startswith("-")
        element = self._element("mn", text=mantissa.lstrip("-"))
        if exponent:
            power = self._element("msup", self._element("mn", text="10"),
                                  self.number_element(str(int(exponent))))
            element = self._element("mrow", element, self._element("mo", text="×"), power)
        if negative:
            element = self._element("mrow", self._element("mo", text="−"), element)
        return element

    def _print_leaf(self, expr, fallback):
        if expr in self._subs:
            value = self._subs[expr]
            element = self.value_element(value, exact=False)
            if isinstance(value, (tuple, str, frozenset)):
                return element
            text = latex_value(value, self._digits, exact=False)
            return self._fenced(element) if text.startswith("-") or "frac" in text else element
        return fallback(expr)

    def _print_Symbol(self, expr, style="plain"):
        return self._print_leaf(expr, lambda e: super(_MathMLPrinter, self)._print_Symbol(e, style))

    def _print_MatrixSymbol(self, expr):
        return self._print_leaf(expr, super()._print_MatrixSymbol)

    def _print_Exp1(self, expr):
        return self._element("mi", text="e")

    def _print_Mul(self, expr):
        """Factors in the order the formula was written (H·W·C), as the text and LaTeX
        printers keep them; sympy's MathML printer would sort them (C·H·W)."""
        from sympy.printing.precedence import PRECEDENCE
        from sympy.simplify import fraction

        if fraction(expr)[1] is not sympy.S.One or expr.could_extract_minus_sign():
            return super()._print_Mul(expr)
        coeff, terms = expr.as_coeff_mul()
        factors = ([coeff] if coeff != 1 else []) + list(terms)
        if len(factors) == 1:
            return self._print(factors[0])
        row = self._element("mrow")
        for i, factor in enumerate(factors):
            if i:
                row.appendChild(self._element("mo", text=self.mathml_tag(expr)))
            row.appendChild(self.parenthesize(factor, PRECEDENCE["Mul"]))
        return row

    def _print_Function(self, expr):
        """The course's functions written the way their text form is: σ(a), ReLU′(a), H×W×C."""
        written = _written_as(expr)
        if written is not None and written[0] == "infix":
            _, separator, args = written
            row = self._element("mrow")
            for i, arg in enumerate(args):
                if i:
                    row.appendChild(self._element("mo", text=separator))
                row.appendChild(self._print(arg))
            return row
        name, args = written[1:] if written else (self.mathml_tag(expr), list(expr.args))
        variant = {"mathvariant": "normal"} if len(name) > 1 else {}
        return self._element("mrow", self._element("mi", text=name, **variant),
                             self._arguments(args))

    def _arguments(self, args):
        """(x, y) — a number put in for a lone x keeps just one pair of parentheses: σ(−1)."""
        if len(args) == 1 and args[0] in self._subs and \
                not isinstance(self._subs[args[0]], (tuple, frozenset)):
            return self._fenced(self.value_element(self._subs[args[0]], exact=False))
        row = self._element("mrow")
        for i, arg in enumerate(args):
            if i:
                row.appendChild(self._element("mo", text=","))
            row.appendChild(self._print(arg))
        return self._fenced(row)


def _written_as(expr) -> tuple[str, str, list] | None:
    """How a function with its own text form writes itself: ("call", "LeakyReLU", [x]) for
    `LeakyReLU(x)` (the slope not shown), ("infix", "×", [H, W, C]) for `H×W×C`; None for
    sympy's own functions and for forms of any other shape."""
    if getattr(type(expr), "_sympystr", None) is None:
        return None
    try:
        holders = [sympy.Symbol(f"\x00{i}") for i in range(len(expr.args))]
        text = StrPrinter().doprint(expr.func(*holders))
    except Exception:  # a function that cannot take placeholders prints the default way
        return None
    pieces = re.split("\x00([0-9]+)", text)
    outside, between = [pieces[0], pieces[-1]], pieces[2:-1:2]
    shown = [expr.args[int(i)] for i in pieces[1::2]]
    if not shown:
        return None
    if outside[0].endswith("(") and outside[1] == ")" and all(b == ", " for b in between):
        return "call", outside[0][:-1].replace("'", "′"), shown
    if outside == ["", ""] and between and len(set(between)) == 1 and between[0].strip():
        return "infix", between[0].strip(), shown
    return None


def _true_minus(text: str) -> str:
    """A minus sign, not a hyphen, for "-" and for negative numbers such as the -1 of e⁻¹."""
    if text == "-" or (text.startswith("-") and text[1:2].isdigit()):
        return "−" + text[1:]
    return text


_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


def _escape_keeping_entities(text: str) -> str:
    parts = []
    position = 0
    for match in _ENTITY.finditer(text):
        parts.append(escape(text[position:match.start()], quote=False))
        parts.append(match.group(0))
        position = match.end()
    parts.append(escape(text[position:], quote=False))
    return "".join(parts)


def to_text(expr: sympy.Basic, substitutions: Mapping | None = None, digits: int = 4, *,
            elide: bool = False) -> str:
    return _TextPrinter(substitutions, digits, elide).doprint(expr)


def to_latex(expr: sympy.Basic, substitutions: Mapping | None = None, digits: int = 4, *,
             elide: bool = False) -> str:
    return _LatexPrinter(substitutions, digits, elide).doprint(expr)


def to_mathml(expr: sympy.Basic, substitutions: Mapping | None = None, digits: int = 4, *,
              elide: bool = False) -> str:
    """Presentation MathML (the inside of a <math> element), general or substituted."""
    return _MathMLPrinter(substitutions, digits, elide).doprint(expr)


def mathml_value(value: Any, digits: int = 4, *, exact: bool = True, elide: bool = False) -> str:
    """A value in presentation MathML: fractions as <mfrac>, vectors and matrices as tables."""
    printer = _MathMLPrinter(None, digits, elide)
    return printer.value_element(value, exact).toxml()


def mathml_number(text: str) -> str:
    """A number as `values.format_number` wrote it, in MathML (1.5e-05 as 1.5 × 10⁻⁵)."""
    return _MathMLPrinter(None, 4).number_element(text).toxml()


def symbol_mathml(symbol: sympy.Basic) -> str:
    return to_mathml(symbol)


def symbol_latex(symbol: sympy.Basic) -> str:
    return _upright_word(latex_greek(sympy.latex(symbol)))


_WORD = re.compile(r"^([A-Za-z]{2,})(?=[_^]|$)")


def _upright_word(text: str) -> str:
    """`\\mathrm{params}_{1}`: a name of several letters is a word, not a product of
    italic variables p·a·r·a·m·s (MathML's <mi> does the same by itself)."""
    return _WORD.sub(r"\\mathrm{\1}", text)
