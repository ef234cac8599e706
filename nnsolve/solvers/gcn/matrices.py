"""The degree matrix and its powers as matrix expressions the board writes: D̃ = diag(Ã 1),
D̃^(−1/2), D̃^(−1); and a bias added to every node's row, written + b. They compute once their
argument is a matrix of numbers, exactly for exact degrees (1/√3 stays 1/√3), so what is
shown and what is graded cannot disagree."""

from __future__ import annotations

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from nnsolve.derivation import values as V
from nnsolve.derivation.mathml import mathml_element
from nnsolve.derivation.vectors import Computed, explicit


class Degrees(Computed):
    """diag(M 1): the row sums of M on the diagonal (every node's degree, self-loop included
    when M is A + I)."""

    def _entry(self, i, j, **kwargs):
        return sum(self.args[0][i, k] for k in range(self.args[0].shape[1])) if i == j else 0

    def doit(self, **hints):
        matrix = explicit(self.args[0], **hints)
        if matrix is None:
            return self
        return sympy.ImmutableMatrix(sympy.diag(*[sum(matrix.row(i)) for i in range(matrix.rows)]))

    def _sympystr(self, printer):
        return f"diag({printer._print(self.args[0])}·1)"

    def _latex(self, printer):
        return r"\operatorname{diag}\left(" + printer._print(self.args[0]) + r"\,\mathbf{1}\right)"

    def _mathml_presentation(self, printer):
        inner = mathml_element(printer, "mrow", printer._print(self.args[0]),
                               mathml_element(printer, "mn", text="1"))
        return mathml_element(printer, "mrow", mathml_element(printer, "mi", text="diag"),
                              "(", inner, ")")


class DiagonalPower(Computed):
    """D^p of a diagonal matrix, entry by entry on the diagonal (p = −1/2 or −1)."""

    def _entry(self, i, j, **kwargs):
        return self.args[0][i, j] ** self.args[1] if i == j else 0

    def doit(self, **hints):
        matrix = explicit(self.args[0], **hints)
        if matrix is None:
            return self
        power = self.args[1]
        return sympy.ImmutableMatrix(sympy.diag(*[matrix[i, i] ** power
                                                  for i in range(matrix.rows)]))

    def _written_power(self) -> str:
        return "-1/2" if self.args[1] == sympy.Rational(-1, 2) else str(self.args[1])

    def _sympystr(self, printer):
        return f"{printer._print(self.args[0])}^({self._written_power()})"

    def _latex(self, printer):
        return "{" + printer._print(self.args[0]) + "}^{" + \
            sympy.latex(self.args[1]) + "}"

    def _mathml_presentation(self, printer):
        return mathml_element(printer, "msup", printer._print(self.args[0]), mathml_element(
            printer, "mn", text=self._written_power().replace("-", "−")))


class EveryRow(MatrixExpr):
    """A bias vector b (one entry per output feature) added to every node's row: the board
    writes Â H W + b; the value is the n × f matrix whose rows are all b."""

    def __new__(cls, bias, rows):
        return super().__new__(cls, V.sympy_object(bias), sympy.Integer(rows))

    @property
    def shape(self):
        return (self.args[1], self.args[0].shape[0])

    def _entry(self, i, j, **kwargs):
        return self.args[0][j, 0]

    def doit(self, **hints):
        bias = explicit(self.args[0], **hints)
        if bias is None:
            return self
        row = list(bias)
        return sympy.ImmutableMatrix([row] * int(self.args[1]))

    def _sympystr(self, printer):
        return printer._print(self.args[0])

    def _latex(self, printer):
        return printer._print(self.args[0])

    def _mathml_presentation(self, printer):
        return printer._print(self.args[0])
