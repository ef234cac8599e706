"""Formulas over vectors worked element by element, written as the scalar rule they apply.

Optimisers and losses are taught as scalar rules applied to every parameter or output:
m_t = β1 m_{t−1} + (1 − β1) g_t, θ_t = θ_{t−1} − η m̂_t / (√v̂_t + ε),
−[t ln y + (1 − t) ln(1 − y)].
Written with matrix symbols these need element-wise division, roots and logarithms that
matrix algebra has no notation for. Here a vector quantity is a plain symbol (m_1) in a scalar
formula: the board shows the rule once and the vectors put in
(m_1 = 0.9·[0, 0] + (1 − 0.9)·[2, 20]), and the value is the formula worked out for each
element, the scalars (β1, η) shared by all. The rule is the same for the right answer, a
student's values (error carried forward) and a misconception's formula.

    m = add(d, step.name("m"), "first moment", plus(times(b1, m0), times(1 - b1, g)))
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable, Mapping

import sympy

from nnsolve.derivation import names
from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation, Misconception

Rule = Callable[[Mapping[str, Any]], Any]

#: an exact fraction whose numerator or denominator outgrows this many bits is carried as a
#: float: steps of exact arithmetic (x ← x − η·4x³) would otherwise grow digits without end
MAX_EXACT_BITS = 256


class NotFinite(ValueError):
    """A value that has outgrown floating point (±1.8e308) or is undefined: a diverging
    iteration, or givens too large to work with."""


def settled(value: Any) -> Any:
    """A computed scalar as a value: exact while its fraction stays short, else a float;
    NotFinite for an infinite or undefined one."""
    try:
        value = V.normalize(value)
        if isinstance(value, sympy.Rational) and \
                max(abs(value.p).bit_length(), value.q.bit_length()) > MAX_EXACT_BITS:
            value = float(value)
        number = value if isinstance(value, float) else \
            float(value) if isinstance(value, sympy.Expr) and value.is_number else None
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise NotFinite(f"not a finite number ({exc})") from None
    if number is not None and not math.isfinite(number):
        raise NotFinite("not a finite number")
    return value


def vector_symbol(d: Derivation, name: str, written: str | None = None) -> sympy.Symbol:
    """The plain symbol that stands for vector quantity `name` in element-wise formulas
    (a vector quantity would otherwise get a matrix symbol)."""
    return d.symbol(name, sympy.Symbol(written or names.written(name)))


class _Reduction(sympy.Function):
    """Σ(…) or mean(…) of an element-wise formula: one number from the vectors in it. A
    display form and a marker for `rule`, which works the argument out element by element
    and reduces it; sympy never evaluates it by itself."""

    nargs = 1
    written = ""

    @classmethod
    def eval(cls, arg):
        return None

    def _sympystr(self, printer):
        return f"{self.written}({printer._print(self.args[0])})"

    def _latex(self, printer, exp=None):
        return self.latex + r"\left(" + printer._print(self.args[0]) + r"\right)"


class Total(_Reduction):
    """Σ over the elements."""
    written, latex = "Σ", r"\sum"

    @staticmethod
    def reduce(elements: tuple) -> sympy.Expr:
        return sympy.Add(*elements)


class Mean(_Reduction):
    """The mean over the elements (PyTorch's reduction='mean')."""
    written, latex = "mean", r"\operatorname{mean}"

    @staticmethod
    def reduce(elements: tuple) -> sympy.Expr:
        return sympy.Add(*elements) / len(elements)


class Largest(_Reduction):
    """The largest element (the max subtracted before a softmax)."""
    written, latex = "max", r"\max"

    @staticmethod
    def reduce(elements: tuple) -> sympy.Expr:
        return sympy.Max(*elements)


def _worked(formula: sympy.Basic, values: Mapping[sympy.Basic, Any]) -> Any:
    """`formula` with `values` (symbol → value) put in: reductions first, each to one number,
    then the rest element by element."""
    if formula.has(_Reduction):
        formula = formula.replace(
            lambda node: isinstance(node, _Reduction),
            lambda node: V.to_sympy(node.reduce(_as_tuple(_worked(node.args[0], values)))))
    present = [s for s in values if formula.has(s)]
    lengths = {len(values[s]) for s in present if isinstance(values[s], tuple)}
    if len(lengths) > 1:
        raise ValueError(f"vectors of different lengths {sorted(lengths)}")

    def element(i: int | None):
        mapping = {s: V.to_sympy(values[s][i] if i is not None and isinstance(values[s], tuple)
                                 else values[s]) for s in present}
        return settled(formula.xreplace(mapping))

    if not lengths:
        return element(None)
    return tuple(element(i) for i in range(lengths.pop()))


def _as_tuple(value: Any) -> tuple:
    return tuple(V.to_sympy(v) for v in value) if isinstance(value, tuple) else \
        (V.to_sympy(value),)


def rule(d: Derivation, formula: sympy.Basic) -> Rule:
    """The formula worked out element by element: a vector input gives element i to the i-th
    result, a scalar input the same value to all; Σ(…) and mean(…) (`Total`, `Mean`) reduce
    their argument, worked the same way, to one number. The result is a vector when any
    input outside a reduction is one, a scalar otherwise; vectors of different lengths are an
    error."""
    inputs = d.inputs_in(formula)
    symbols = [(d.symbol(n), n) for n in inputs]

    def apply(values: Mapping[str, Any]) -> Any:
        return _worked(formula, {s: values[n] if n in values else d[n].value
                                 for s, n in symbols})

    return apply


def add(d: Derivation, name: str, label: str, formula: sympy.Basic, *,
        misconceptions: Iterable[tuple[str, str, sympy.Basic]] = (), written: str | None = None,
        kind: str | None = None, **options) -> sympy.Symbol:
    """Add quantity `name` worked element by element from `formula` (see `rule`); each
    misconception is a formula over earlier quantities, worked the same way. Its symbol is
    a plain one (`written`, default the name as the board spells it)."""
    wrong = [Misconception(key, text, rule(d, alt)) for key, text, alt in misconceptions]
    inputs = list(d.inputs_in(formula))
    for _, _, alt in misconceptions:
        inputs += [n for n in d.inputs_in(alt) if n not in inputs]
    right = rule(d, formula)
    try:
        value = right({})
    except NotFinite as exc:
        raise NotFinite(f"{name} is {exc}") from None
    if kind is None:
        kind = "vector" if isinstance(value, tuple) else "number"
    return d.add(name, label, formula, rule=right, inputs=tuple(inputs), value=value, kind=kind,
                 symbol=vector_symbol(d, name, written), misconceptions=wrong, **options)


def given(d: Derivation, name: str, value: Any, label: str, *, written: str | None = None,
          **options) -> sympy.Symbol:
    """A given vector (or scalar) under a plain symbol, for element-wise formulas."""
    value = V.normalize(value)
    kind = "vector" if isinstance(value, tuple) else None
    return d.given(name, value, label, symbol=vector_symbol(d, name, written), kind=kind,
                   **options)
