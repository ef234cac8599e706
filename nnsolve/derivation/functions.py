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


class relu_prime(sympy.Function):
    """The derivative of ReLU written as on the board, ReLU'(a): 1 where a > 0, else 0.

    At a = 0 it is 0, the subgradient frameworks use, so hand and machine agree.
    """

    @classmethod
    def eval(cls, x):
        if x.is_Number:
            return sympy.Integer(1) if x > 0 else sympy.Integer(0)
        return None

    def _latex(self, printer):
        return r"\operatorname{ReLU}'\left(" + printer._print(self.args[0]) + r"\right)"

    def _sympystr(self, printer):
        return "ReLU'(" + printer._print(self.args[0]) + ")"


class leaky_relu(sympy.Function):
    """LeakyReLU(x) = x for x > 0, slope·x otherwise; the slope is the second argument."""

    @classmethod
    def eval(cls, x, slope):
        if x.is_Number and slope.is_Number:
            return x if x > 0 else slope * x
        return None

    def fdiff(self, argindex=1):
        return leaky_relu_prime(*self.args)

    def _latex(self, printer):
        return r"\operatorname{LeakyReLU}\left(" + printer._print(self.args[0]) + r"\right)"

    def _sympystr(self, printer):
        return "LeakyReLU(" + printer._print(self.args[0]) + ")"


class leaky_relu_prime(sympy.Function):
    """LeakyReLU'(x): 1 where x > 0, else the slope (the slope at 0, as frameworks take it)."""

    @classmethod
    def eval(cls, x, slope):
        if x.is_Number and slope.is_Number:
            return sympy.Integer(1) if x > 0 else slope
        return None

    def _latex(self, printer):
        return r"\operatorname{LeakyReLU}'\left(" + printer._print(self.args[0]) + r"\right)"

    def _sympystr(self, printer):
        return "LeakyReLU'(" + printer._print(self.args[0]) + ")"
