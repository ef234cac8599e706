"""The objective f of an optimiser exercise: read, differentiated once, evaluated at each step.

The partial derivatives are quantities of their own (`gradient.x = 2*x`, graded as
expressions), and each step's gradient is worked out from them at θ_{k−1}, so a student's
wrong ∂f/∂y carries forward into every step computed from it.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation import values as V
from nnsolve.derivation.pointwise import NotFinite, settled
from nnsolve.derivation.core import Derivation
from nnsolve.derivation.names import canonical_name
from nnsolve.solvers.base import SolverError
from nnsolve.solvers.optim.function import FunctionError, read_function
from nnsolve.solvers.optim.given import Run

#: names the board already uses for something else
RESERVED = {"f", "e", "pi", "E"}


class _Written(sympy.Function):
    """f(θ_1), ∇f(θ_0): the objective or its gradient at a point, as the board writes it; a
    display form only (the value comes from the step's rule)."""

    nargs = 1

    @classmethod
    def eval(cls, arg):
        return None

    def _sympystr(self, printer):
        return f"{self.board}({printer._print(self.args[0])})"

    def _latex(self, printer, exp=None):
        return rf"{self.latex}\left({printer._print(self.args[0])}\right)"


class _Partial(sympy.Function):
    """∂f/∂x written as the board does, ∂(x^2 + 10*y^2)/∂x with the function put in; the
    value comes from the quantity's rule (sympy's Derivative prints as Derivative(f, x))."""

    nargs = 2

    @classmethod
    def eval(cls, f, x):
        return None

    def _sympystr(self, printer):
        f, x = self.args
        inner = printer._print(f)
        return f"∂{inner if f.is_Atom else f'({inner})'}/∂{printer._print(x)}"

    def _latex(self, printer, exp=None):
        f, x = self.args
        return rf"\frac{{\partial}}{{\partial {printer._print(x)}}}\left({printer._print(f)}\right)"


    def _mathml_presentation(self, printer):
        return printer._print(sympy.Derivative(*self.args))


class _PartialSymbol(sympy.Symbol):
    """The symbol ∂f/∂x of a partial derivative, written \\partial f/\\partial x in LaTeX
    (pdflatex has no ∂ in a symbol's name)."""

    def _latex(self, printer, exp=None):
        variable = printer._print(sympy.Symbol(self.name.rsplit("∂", 1)[1]))
        return rf"\partial f/\partial {variable}"


class _F(_Written):
    board, latex = "f", "f"


class _Grad(_Written):
    board, latex = "∇f", r"\nabla f"


class Objective:
    def __init__(self, d: Derivation, run: Run):
        self.d = d
        self.variables = []
        for i, name in enumerate(run.variables):
            if canonical_name(name) in RESERVED:
                raise SolverError(f"{name!r} is taken (f is the function, e and pi are "
                                  "constants): choose another variable name", ("variables", i))
            self.variables.append(sympy.Symbol(canonical_name(name)))
        try:
            expr = read_function(run.function, {str(v): v for v in self.variables})
        except FunctionError as exc:
            raise SolverError(f"the function cannot be read: {exc}", ("function",)) from None
        if not isinstance(expr, sympy.Expr) or expr.has(sympy.zoo, sympy.nan, sympy.oo):
            raise SolverError("the function is not a finite expression", ("function",))
        self.f = d.given("f", expr, "objective function f", symbol=sympy.Symbol("f"),
                         kind="expression", group="given")
        self.partials = []
        for v in self.variables:
            name = f"gradient.{v}"
            d.add(name, f"partial derivative ∂f/∂{v}",
                  _Partial(self.f, v), rule=lambda values, v=v: sympy.diff(values["f"], v),
                  inputs=("f",), kind="expression", symbol=_PartialSymbol(f"∂f/∂{v}"),
                  group="gradient")
            self.partials.append(name)
        d.notes.append("∇f = (" + ", ".join(f"∂f/∂{v} = {d[n].value}"
                                            for v, n in zip(self.variables, self.partials))
                       + ")")

    def _at(self, expressions, point) -> tuple:
        mapping = {v: V.to_sympy(x) for v, x in zip(self.variables, point)}
        out = []
        for expr in expressions:
            expr = V.to_sympy(expr)
            value = settled(expr.xreplace(mapping) if isinstance(expr, sympy.Basic) else expr)
            if isinstance(value, sympy.Basic) and value.free_symbols:
                raise ValueError(f"{expr} has names other than the variables")
            out.append(value)
        return tuple(out)

    def gradient_at(self, name: str, point, written: str, label: str, group: str):
        d, point_name, partials = self.d, self.d.name_of(point), list(self.partials)

        def rule(values):
            return self._at([values[p] for p in partials], values[point_name])

        try:
            return d.add(name, label, _Grad(point), rule=rule, inputs=(point_name, *partials),
                         kind="vector", symbol=sympy.Symbol(written), group=group)
        except NotFinite as exc:
            raise NotFinite(f"{name} is {exc}") from None

    def value_at(self, name: str, point, k: int) -> None:
        point_name = self.d.name_of(point)
        try:
            self.d.add(name, f"f after step {k}", _F(point),
                       rule=lambda values: self._at([values["f"]], values[point_name])[0],
                       inputs=("f", point_name), symbol=sympy.Symbol(f"f_{k}"),
                       group=f"step {k}")
        except NotFinite as exc:
            raise NotFinite(f"{name} is {exc}") from None
