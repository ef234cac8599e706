"""Formulas and values as presentation MathML, general and with the numbers put in, for the
HTML page: browsers lay MathML out natively, with no script and no fonts from the network.

The substituted form is printed from the same expression tree as the general formula, as the
text and LaTeX printers (`printing`) do, and values read as they do there: fractions as
<mfrac>, arrays as tables, a tensor as its channels side by side, a mapping as key ↦ value.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any, Mapping

import sympy
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.str import StrPrinter

from nnsolve.derivation import layout as L
from nnsolve.derivation import structures as S
from nnsolve.derivation import values as V

#: values that are put into a formula as they are, without parentheses of their own
_STANDALONE = (tuple, str, frozenset, S.FrozenMap, S.TableValue)


#: combining accents in a name and the spacing accents MathML sets over the letter
_ACCENTS = {"\u0302": "^", "\u0303": "~", "\u0304": "\u00af"}


def mathml_element(printer, tag: str, *children, text: str | None = None, **attributes):
    """An element of the printer's document, so that its text goes through the printer's
    escaping. A child given as a string is an operator (<mo>), the way a formula spells "(",
    "+" or "⊙" between the printed parts."""
    element = printer.dom.createElement(tag)
    if text is not None:
        element.appendChild(printer.dom.createTextNode(text))
    for child in children:
        element.appendChild(mathml_element(printer, "mo", text=child)
                            if isinstance(child, str) else child)
    for key, val in attributes.items():
        element.setAttribute(key, val)
    return element


def mathml_fenced(printer, inner, left: str = "(", right: str = ")"):
    """`inner` in brackets: one row with the brackets as operators, the way sympy's printer
    brackets its own arguments, so that the two read alike."""
    return mathml_element(printer, "mrow", left, inner, right)


class _MathMLPrinter(MathMLPresentationPrinter):
    """Presentation MathML, with input symbols printed as their values.

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

    # the same builders the matrix expressions of the solvers print themselves with
    _element = mathml_element
    _fenced = mathml_fenced

    def _listed(self, items, separator: str = ","):
        row = self._element("mrow")
        for i, item in enumerate(items):
            if i:
                row.appendChild(self._element("mo", text=separator))
            row.appendChild(item)
        return row

    # -- values ---------------------------------------------------------------------------
    def value_element(self, value: Any, exact: bool | str = True):
        if isinstance(value, str):
            return self._element("mtext", text=value)
        if isinstance(value, S.Partition):
            return self._partition(value)
        if isinstance(value, S.Multiset):
            pairs = ((self._key(k), self.value_element(n, exact))
                     for k, n in L.multiset_items(value))
            return self._fenced(self._pairs(pairs, ":"), "{{", "}}")
        if isinstance(value, S.FrozenMap):
            pairs = ((self._key(k), self.value_element(v, exact)) for k, v in value.items())
            return self._fenced(self._pairs(pairs, "↦"), "{", "}")
        if isinstance(value, S.TableValue):
            return self._value_table(value, exact)
        if isinstance(value, frozenset):
            items = sorted((self.value_element(v, exact) for v in value), key=lambda e: e.toxml())
            return self._fenced(self._listed(items), "{", "}")
        if isinstance(value, tuple):
            if L.is_tensor(value):
                return self._tensor(value, exact)
            return self._fenced(self._table(value, exact))
        if isinstance(value, sympy.Expr) and (value.free_symbols or (
                V.shows_exactly(value, exact) and not isinstance(value, sympy.Integer))):
            return self._unsubstituted(value)
        return self.number_element(V.format_number(value, self._digits))

    def _key(self, key: str):
        return self.number_element(key) if L.is_number_label(key) else \
            self._element("mtext", text=key)

    def _pairs(self, pairs, relation: str):
        return self._listed(self._element("mrow", key, self._element("mo", text=relation), value)
                            for key, value in pairs)

    def _partition(self, value: S.Partition):
        classes = L.partition_classes(value)
        colours = L.labels_worth_showing(classes)
        items = []
        for members, label in classes:
            item = self._fenced(self._listed(self._key(m) for m in members), "{", "}")
            items.append(self._element("msub", item, self._key(label)) if colours else item)
        return self._fenced(self._listed(items), "{", "}")

    def _value_table(self, value: S.TableValue, exact: bool | str):
        header = self._element("mtr", *(
            self._element("mtd", self._element("mtext", text=h, style="font-weight: bold"))
            for h in value.header))
        rows = [self._element("mtr", *(self._element("mtd", self.value_element(c, exact))
                                       for c in row)) for row in value.rows]
        return self._element("mtable", header, *rows, frame="solid", rowlines="solid none",
                             columnalign="left")

    def _tensor(self, value: tuple, exact: bool | str):
        """The slices side by side under their labels, in rows that fit the page."""
        lines = []
        for slices in L.tensor_rows(value, lambda v: V.format_value(v, self._digits),
                                    self._elide):
            line = self._element("mrow")
            for i, piece in enumerate(slices):
                if i:
                    line.appendChild(self._element("mspace", width="1em"))
                if piece is None:
                    line.appendChild(self._element("mo", text="⋯"))
                    continue
                label, matrix = piece
                line.appendChild(self._element(
                    "munder", self._fenced(self._table(matrix, exact)),
                    self._element("mtext", text=label)))
            lines.append(line)
        if len(lines) == 1:
            return lines[0]
        return self._element("mtable", *(
            self._element("mtr", self._element("mtd", line, style="text-align: left"))
            for line in lines), columnalign="left", rowspacing="1ex")

    def _unsubstituted(self, expr):
        """A symbolic value as written: its symbols are not inputs to put numbers in for."""
        substitutions, self._subs = self._subs, {}
        try:
            return self._print(expr)
        finally:
            self._subs = substitutions

    def _table(self, value: tuple, exact: bool | str):
        def cell(v, gap):
            return self._element("mtd", self._element("mo", text=gap) if v is ...
                                 else self.value_element(v, exact))

        cells = L.array_cells(value, self._elide)
        if not L.is_matrix(value):
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

    # -- formulas -------------------------------------------------------------------------
    def _print_leaf(self, expr, fallback):
        if expr in self._subs:
            value = self._subs[expr]
            grouped = V.grouped_count(value)
            element = self._element("mn", text=grouped) if grouped else \
                self.value_element(value, exact=V.FRACTIONS)
            if isinstance(value, _STANDALONE):
                return element
            return self._fenced(element) if self._signed_or_fraction(value) else element
        return fallback(expr)

    def _signed_or_fraction(self, value: Any) -> bool:
        """Whether a number put into a formula needs parentheses, by the LaTeX printer's rule:
        it starts with a minus sign or has a fraction bar."""
        if isinstance(value, sympy.Expr) and (value.free_symbols or (
                V.shows_exactly(value, V.FRACTIONS) and not isinstance(value, sympy.Integer))):
            text = sympy.latex(value)
            return text.startswith("-") or "frac" in text
        return V.format_number(value, self._digits).startswith("-")

    def _print_Symbol(self, expr, style="plain"):
        return self._print_leaf(expr, lambda e: self._accented(
            super(_MathMLPrinter, self)._print_Symbol(e, style)))

    def _print_Sum(self, expr):
        """Σ_{m=1}^{3} Σ_{n=1}^{3} k[m, n] x[…]: one Σ per limit (sympy's own printer writes
        the first limit only, so a feature map's double sum lost its second Σ)."""
        from sympy.printing.precedence import precedence_traditional

        row = self._element("mrow")
        for variable, low, high in expr.limits:
            below = self._element("mrow", self._print(variable), self._element("mo", text="="),
                                  self._print(low))
            row.appendChild(self._element("munderover", self._element("mo", text="\u2211"),
                                          below, self._print(high)))
        row.appendChild(self.parenthesize(expr.function, precedence_traditional(expr)))
        return row

    def _print_Indexed(self, expr):
        return V.offsets_last(self, super()._print_Indexed, expr)

    def _print_MatrixSymbol(self, expr):
        return self._print_leaf(expr, lambda e: self._accented(super(
            _MathMLPrinter, self)._print_MatrixSymbol(e)))

    def _accented(self, element):
        """A letter with a combining accent in its name (D̃, m̂) as an accent over the letter:
        browsers draw a combining character inside <mi> poorly or not at all."""
        for mi in list(element.getElementsByTagName("mi")) + (
                [element] if element.tagName == "mi" else []):
            text = mi.firstChild.data if mi.firstChild is not None else ""
            if len(text) == 2 and text[1] in _ACCENTS:
                over = self._element("mover", self._element("mi", text=text[0]),
                                     self._element("mo", text=_ACCENTS[text[1]]),
                                     accent="true")
                if mi is element:
                    return over
                mi.parentNode.replaceChild(over, mi)
        return element

    def _print_Exp1(self, expr):
        return self._element("mi", text="e")

    def _print_Mul(self, expr):
        """Factors in the order the formula was written (H·W·C), as the text and LaTeX
        printers keep them; sympy's MathML printer would sort them (C·H·W)."""
        from sympy.printing.precedence import PRECEDENCE
        from sympy.simplify import fraction

        if fraction(expr)[1] is not sympy.S.One:
            return super()._print_Mul(expr)
        coeff, terms = expr.as_coeff_mul()
        negative = coeff.is_negative
        coeff = -coeff if negative else coeff
        factors = ([coeff] if coeff != 1 else []) + list(terms)
        if len(factors) == 1 and not negative:
            return self._print(factors[0])
        row = self._element("mrow")
        if negative:     # −(a + b) keeps its parentheses, −η·g its order
            row.appendChild(self._element("mo", text="−"))
        for i, factor in enumerate(factors):
            if i:
                row.appendChild(self._element("mo", text=self.mathml_tag(expr)))
            row.appendChild(self.parenthesize(factor, PRECEDENCE["Mul"]))
        return row

    def _print_MatMul(self, expr):
        """With numbers put in, the product is written with a visible dot, as scalar products
        are: `1 · (1 − 1) · (1 0 0)ᵀ`, not three numbers side by side."""
        row = super()._print_MatMul(expr)
        if self._subs:
            for child in row.childNodes:
                if child.tagName == "mo" and child.firstChild is not None \
                        and child.firstChild.data == "&InvisibleTimes;":
                    child.firstChild.data = "&#xB7;"
        return row

    def _print_Function(self, expr):
        """The course's functions written the way their text form is: σ(a), ReLU′(a), H×W×C."""
        written = _written_as(expr)
        if written is not None and written[0] == "infix":
            _, separator, args = written
            return self._listed((self._print(arg) for arg in args), separator)
        name, args = written[1:] if written else (self.mathml_tag(expr), list(expr.args))
        variant = {"mathvariant": "normal"} if len(name) > 1 else {}
        return self._element("mrow", self._element("mi", text=name, **variant),
                             self._arguments(args))

    def _arguments(self, args):
        """(x, y) — a number put in for a lone x keeps just one pair of parentheses: σ(−1)."""
        if len(args) == 1 and args[0] in self._subs and \
                not isinstance(self._subs[args[0]], (tuple, frozenset)):
            return self._fenced(self.value_element(self._subs[args[0]], exact=V.FRACTIONS))
        return self._fenced(self._listed(self._print(arg) for arg in args))


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


def to_mathml(expr: sympy.Basic, substitutions: Mapping | None = None, digits: int = 4, *,
              elide: bool = False) -> str:
    """Presentation MathML (the inside of a <math> element), general or substituted."""
    return _MathMLPrinter(substitutions, digits, elide).doprint(expr)


def mathml_value(value: Any, digits: int = 4, *, exact: bool | str = True,
                 elide: bool = False) -> str:
    """A value in presentation MathML: exact numbers as written (1/3 as <mfrac>) unless
    `exact` is False (decimals) or FRACTIONS; vectors and matrices as tables."""
    printer = _MathMLPrinter(None, digits, elide)
    return printer.value_element(value, exact).toxml()


def mathml_number(text: str) -> str:
    """A number as `values.format_number` wrote it, in MathML (1.5e-05 as 1.5 × 10⁻⁵)."""
    return _MathMLPrinter(None, 4).number_element(text).toxml()


def symbol_mathml(symbol: sympy.Basic) -> str:
    return to_mathml(symbol)
