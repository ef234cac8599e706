"""Activation functions as sympy functions: they print as on the blackboard (σ(a₃), ReLU(a))
and evaluate exactly where the course expects exact values (σ(0) = 1/2, ReLU(−2) = 0)."""

from __future__ import annotations

import sympy


class sigmoid(sympy.Function):
    """The logistic function σ(x) = 1 / (1 + e^−x)."""

    @classmethod
    def eval(cls, x):
        if x.is_Number:
            if x.is_zero:
                return sympy.Rational(1, 2)
            if isinstance(x, sympy.Float):
                return sympy.Float(1) / (1 + sympy.exp(-x))
            return 1 / (1 + sympy.exp(-x))
        return None

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sympy.exp(-x))

    def _eval_evalf(self, prec):
        return (1 / (1 + sympy.exp(-self.args[0]))).evalf(prec)

    def _latex(self, printer):
        return r"\sigma\left(" + printer._print(self.args[0]) + r"\right)"

    def _sympystr(self, printer):
        return "σ(" + printer._print(self.args[0]) + ")"


class relu(sympy.Function):
    """ReLU(x) = max(0, x)."""

    @classmethod
    def eval(cls, x):
        if x.is_Number:
            return x if x > 0 else sympy.Integer(0) * x
        return None

    def fdiff(self, argindex=1):
        return sympy.Heaviside(self.args[0], 0)

    def _latex(self, printer):
        return r"\operatorname{ReLU}\left(" + printer._print(self.args[0]) + r"\right)"

    def _sympystr(self, printer):
        return "ReLU(" + printer._print(self.args[0]) + ")"
