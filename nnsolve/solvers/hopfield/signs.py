"""The update of a Hopfield neuron, s = sgn(h), as sympy objects the board writes and the
derivation evaluates, so what is shown and what is graded cannot disagree.

Courses differ on sgn(0): +1, −1, or "the neuron keeps its state" (Hopfield's own rule, which
makes a state with h_i = 0 stay put). The third needs the previous state, so every form here
takes it as a second argument and shows it only under that convention.

Floats such as 1/3 are not exact in binary: a net input within `FLOAT_ZERO` of 0 counts as 0,
as it does on paper.
"""

from __future__ import annotations

from fractions import Fraction
from typing import ClassVar

import sympy

from nnsolve.derivation import values as V
from nnsolve.derivation.mathml import mathml_element, mathml_fenced
from nnsolve.derivation.proven import sign as proven_sign
from nnsolve.derivation.vectors import Computed, explicit

#: a float net input closer to 0 than this is 0: rounding noise of fractions such as 1/3
FLOAT_ZERO = 1e-9
#: the sign(0) conventions, as a problem states them
AT_ZERO = ("keep", "1", "-1")


def side(h) -> int | None:
    """−1, 0 or 1 for a number (python or sympy); None while it is symbolic."""
    if isinstance(h, float):
        return 0 if abs(h) < FLOAT_ZERO else (1 if h > 0 else -1)
    if isinstance(h, (int, Fraction)):
        return (h > 0) - (h < 0)
    h = V.sympy_object(h)
    if isinstance(h, sympy.Float):
        return side(float(h))
    if h.is_Number:
        return int(bool(h > 0)) - int(bool(h < 0))
    if h.is_number:
        return proven_sign(h)
    return None


def new_state(h, previous, at_zero: str) -> int | None:
    """A neuron's new state from its net input h: +1 above 0, −1 below, and at 0 what the
    convention says (`previous` is its state before the update)."""
    where = side(h)
    if where is None:
        return None
    if where:
        return where
    if at_zero == "keep":
        return int(previous)
    return int(at_zero)


def _mathml_sign(printer, h, previous, at_zero: str):
    """sgn(h), or sgn(h, s) when a zero input keeps the state s, in MathML."""
    inner = mathml_element(printer, "mrow", printer._print(h))
    if at_zero == "keep":
        inner.appendChild(mathml_element(printer, "mo", text=","))
        inner.appendChild(previous if not isinstance(previous, sympy.Basic)
                          else printer._print(previous))
    return mathml_element(printer, "mrow", mathml_element(printer, "mi", text="sgn"),
                          "(", inner, ")")


def _written(printer, h, previous, at_zero: str) -> str:
    inner = printer._print(h)
    if at_zero == "keep":
        inner += ", " + printer._print(previous)
    return f"sgn({inner})"


def _latex(printer, h, previous, at_zero: str) -> str:
    inner = printer._print(h)
    if at_zero == "keep":
        inner += ", " + printer._print(previous)
    return r"\operatorname{sgn}\left(" + inner + r"\right)"


class Sign(sympy.Function):
    """sgn(h) of one neuron, with its previous state s as the second argument."""

    at_zero: ClassVar[str] = "keep"

    @classmethod
    def eval(cls, h, previous):
        if previous.is_Number:
            value = new_state(h, previous, cls.at_zero)
            return None if value is None else sympy.Integer(value)
        return None

    def _sympystr(self, printer):
        return _written(printer, *self.args, self.at_zero)

    def _latex(self, printer):
        return _latex(printer, *self.args, self.at_zero)


class Signs(Computed):
    """sgn(h) of every neuron at once (a synchronous update), with the previous state s."""

    at_zero: ClassVar[str] = "keep"

    def _entry(self, i, j, **kwargs):
        return SIGN[self.at_zero](self.args[0][i, j], self.args[1][i, j])

    def doit(self, **hints):
        h, previous = (explicit(a, **hints) for a in self.args)
        if h is None or previous is None:
            return self
        return sympy.ImmutableMatrix(h.shape[0], h.shape[1], lambda i, j: SIGN[self.at_zero](
            h[i, j], previous[i, j]))

    def _sympystr(self, printer):
        return _written(printer, *self.args, self.at_zero)

    def _latex(self, printer):
        return _latex(printer, *self.args, self.at_zero)

    def _mathml_presentation(self, printer):
        return _mathml_sign(printer, *self.args, self.at_zero)


class Component(sympy.Expr):
    """Element i (from 1) of a column vector expression: (W s_0 + b)_2, the net input of one
    neuron, written as the vector it is taken from. (Not a sympy Function: a function of a
    matrix is applied element by element in formulas, and this one takes an element.)"""

    def __new__(cls, vector, index):
        vector = V.sympy_object(vector)
        numbers = explicit(vector)
        if numbers is not None:
            return numbers[int(index) - 1, 0]
        return super().__new__(cls, vector, sympy.Integer(index))

    def doit(self, **hints):
        return type(self)(self.args[0].doit(**hints), self.args[1])

    def _sympystr(self, printer):
        return f"({printer._print(self.args[0])})_{self.args[1]}"

    def _latex(self, printer):
        return r"\left(" + printer._print(self.args[0]) + r"\right)_{" + str(self.args[1]) + "}"

    def _mathml_presentation(self, printer):
        return mathml_element(printer, "msub", mathml_fenced(printer, printer._print(self.args[0])),
                              mathml_element(printer, "mn", text=str(self.args[1])))


class WithNeuron(Computed):
    """The state s with neuron i updated to sgn(h) (an asynchronous update), written
    s_{k−1} with s[i] ← sgn(h_k)."""

    at_zero: ClassVar[str] = "keep"

    def __new__(cls, state, index, h):
        return super().__new__(cls, V.sympy_object(state), sympy.Integer(index),
                               V.sympy_object(h))

    def _entry(self, i, j, **kwargs):
        state, index, h = self.args
        if i == int(index) - 1:
            return SIGN[self.at_zero](h, state[i, j])
        return state[i, j]

    def doit(self, **hints):
        state, index, h = self.args
        state = explicit(state, **hints)
        h = h.doit(**hints) if hasattr(h, "doit") else h
        if state is None:
            return self
        i = int(index) - 1
        value = new_state(h, state[i, 0], self.at_zero)
        if value is None:
            return self
        rows = [state[j, 0] for j in range(state.rows)]
        rows[i] = sympy.Integer(value)
        return sympy.ImmutableMatrix(rows)

    def _update(self, printer) -> str:
        _, index, h = self.args
        keep = f", s[{index}]" if self.at_zero == "keep" else ""
        return f"sgn({printer._print(h)}{keep})"

    def _sympystr(self, printer):
        state, index, _ = self.args
        return f"{printer._print(state)} with s[{index}] ← {self._update(printer)}"

    def _latex(self, printer):
        state, index, h = self.args
        keep = f", s_{{{index}}}" if self.at_zero == "keep" else ""
        update = r"\operatorname{sgn}\left(" + printer._print(h) + keep + r"\right)"
        return (printer._print(state) + r"\,\big|_{s_{" + str(index) + r"} \leftarrow " +
                update + "}")

    def _mathml_presentation(self, printer):
        state, index, h = self.args
        def s_index():
            return mathml_element(printer, "msub", mathml_element(printer, "mi", text="s"),
                                  mathml_element(printer, "mn", text=str(index)))

        neuron, previous = s_index(), s_index()     # a node stands in one place of the tree
        return mathml_element(printer, "mrow", printer._print(state), "with", neuron, "←",
                              _mathml_sign(printer, h, previous, self.at_zero))


def _variant(base, at_zero: str):
    return type(f"{base.__name__}_{at_zero.replace('-', 'minus')}", (base,),
                {"at_zero": at_zero})


#: the convention → the scalar sign and the sign of every neuron
SIGN = {at_zero: _variant(Sign, at_zero) for at_zero in AT_ZERO}
SIGNS = {at_zero: _variant(Signs, at_zero) for at_zero in AT_ZERO}
UPDATE_ONE = {at_zero: _variant(WithNeuron, at_zero) for at_zero in AT_ZERO}
