"""The matrix operations of attention as the board writes them: Kᵀ, S/√d_k, softmax row by
row (with a mask), a bias added to every row, a head's columns of Q, the heads side by side.

Each is a sympy matrix expression: it knows its shape (so Q·Kᵀ is checked like any product),
prints as the course writes it with the numbers put in, and computes exactly once its
arguments are matrices of numbers (`doit`). `numeric.evaluate` computes the same expressions
with numpy for large cases, so one formula serves the board, the exact answer and the float one.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation.mathml import mathml_element
from nnsolve.derivation.vectors import Computed


class Transposed(Computed):
    """Kᵀ."""

    @property
    def shape(self):
        rows, cols = self.args[0].shape
        return cols, rows

    def _of_numbers(self, m):
        return m.T

    def _sympystr(self, printer):
        return f"{printer.parenthesize(self.args[0], 60)}ᵀ"

    def _latex(self, printer):
        return f"{printer.parenthesize(self.args[0], 60)}^{{\\top}}"

    def _mathml_presentation(self, printer):
        return mathml_element(printer, "msup", printer._print(self.args[0]),
                              mathml_element(printer, "mi", text="⊤"))


class Scaled(Computed):
    """S/√d_k (or S/d_k): a matrix divided by a scalar, written as a fraction."""

    def _of_numbers(self, m, divisor):
        return m.applyfunc(lambda v: v / divisor)

    def _sympystr(self, printer):
        return f"{printer.parenthesize(self.args[0], 50)}/" \
            f"{printer.parenthesize(self.args[1], 60, strict=True)}"

    def _latex(self, printer):
        return rf"\frac{{{printer._print(self.args[0])}}}{{{printer._print(self.args[1])}}}"

    def _mathml_presentation(self, printer):
        return mathml_element(printer, "mfrac", printer._print(self.args[0]),
                              printer._print(self.args[1]))


class RowSoftmax(Computed):
    """softmax(S) row by row: P_ij = e^{S_ij} / Σ_l e^{S_il}. With a mask M (1: may attend,
    0: hidden), masked positions take no part: P_ij = M_ij e^{S_ij} / Σ_l M_il e^{S_il}, what
    adding −∞ to their scores does."""

    axis = 1

    def _of_numbers(self, scores, mask=None):
        exps = scores.applyfunc(sympy.exp)
        if mask is not None:
            exps = exps.multiply_elementwise(mask)
        if self.axis == 1:
            totals = [sum(exps.row(i)) for i in range(exps.rows)]
            return sympy.Matrix(exps.rows, exps.cols, lambda i, j: exps[i, j] / totals[i])
        totals = [sum(exps.col(j)) for j in range(exps.cols)]
        return sympy.Matrix(exps.rows, exps.cols,
                            lambda i, j: exps[i, j] / totals[j] if totals[j] else 0)

    def _name(self) -> str:
        return "softmax" if self.axis == 1 else "softmax_columns"

    def _sympystr(self, printer):
        inside = printer._print(self.args[0])
        if len(self.args) > 1:
            inside += f"; mask {printer._print(self.args[1])}"
        return f"{self._name()}({inside})"

    def _latex(self, printer):
        inside = printer._print(self.args[0])
        if len(self.args) > 1:
            inside += r";\ \text{mask } " + printer._print(self.args[1])
        name = r"\operatorname{softmax}" if self.axis == 1 else \
            r"\operatorname{softmax}_{\text{columns}}"
        return rf"{name}\left({inside}\right)"

    def _mathml_presentation(self, printer):
        name = mathml_element(printer, "mi", text=self._name(), mathvariant="normal")
        inside = [printer._print(self.args[0])]
        if len(self.args) > 1:
            inside += [";", mathml_element(printer, "mtext", text="mask"),
                       printer._print(self.args[1])]
        return mathml_element(printer, "mrow", name, "(", *inside, ")")


class ColumnSoftmax(RowSoftmax):
    """softmax down each column: the wrong axis, a misconception's formula."""

    axis = 0


class RowMean(Computed):
    """mean(V): the mean of the rows, one row (the plain context vector of encoder states)."""

    @property
    def shape(self):
        return 1, self.args[0].shape[1]

    def _of_numbers(self, m):
        return sympy.Matrix(1, m.cols, lambda _, j: sum(m.col(j)) / m.rows)

    def _sympystr(self, printer):
        return f"mean({printer._print(self.args[0])})"

    def _latex(self, printer):
        return rf"\operatorname{{mean}}\left({printer._print(self.args[0])}\right)"

    def _mathml_presentation(self, printer):
        name = mathml_element(printer, "mi", text="mean", mathvariant="normal")
        return mathml_element(printer, "mrow", name, "(", printer._print(self.args[0]), ")")


class RowsPlus(Computed):
    """A + b: the bias vector b added to every row of A (X W_q + b_q)."""

    def _of_numbers(self, m, bias):
        row = list(bias)
        return sympy.Matrix(m.rows, m.cols, lambda i, j: m[i, j] + row[j])

    def _sympystr(self, printer):
        return f"{printer._print(self.args[0])} + {printer._print(self.args[1])}"

    def _latex(self, printer):
        return f"{printer._print(self.args[0])} + {printer._print(self.args[1])}"

    def _mathml_presentation(self, printer):
        return mathml_element(printer, "mrow", printer._print(self.args[0]), "+",
                              printer._print(self.args[1]))


class Columns(Computed):
    """Q[:, a..b]: the columns of one head (from 1, both ends included)."""

    @property
    def shape(self):
        first, last = int(self.args[1]), int(self.args[2])
        return self.args[0].shape[0], last - first + 1

    def _of_numbers(self, m, first, last):
        return m[:, int(first) - 1:int(last)]

    def _sympystr(self, printer):
        return f"{printer.parenthesize(self.args[0], 60)}[:, {self.args[1]}..{self.args[2]}]"

    def _latex(self, printer):
        return f"{printer.parenthesize(self.args[0], 60)}_{{:,\\,{self.args[1]}..{self.args[2]}}}"

    def _mathml_presentation(self, printer):
        where = mathml_element(printer, "mtext", text=f":, {self.args[1]}..{self.args[2]}")
        return mathml_element(printer, "msub", printer._print(self.args[0]), where)


class Beside(Computed):
    """[Z_1, Z_2, …]: the heads' outputs side by side (concatenated along the features)."""

    @property
    def shape(self):
        return self.args[0].shape[0], sum(a.shape[1] for a in self.args)

    def _of_numbers(self, *parts):
        return sympy.Matrix.hstack(*parts)

    def _sympystr(self, printer):
        return "[" + ", ".join(printer._print(a) for a in self.args) + "]"

    def _latex(self, printer):
        return r"\left[" + r",\ ".join(printer._print(a) for a in self.args) + r"\right]"

    def _mathml_presentation(self, printer):
        parts = []
        for n, arg in enumerate(self.args):
            parts += ([","] if n else []) + [printer._print(arg)]
        return mathml_element(printer, "mrow", "[", *parts, "]")
