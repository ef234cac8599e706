"""Activation functions as sympy functions: they print as on the blackboard (σ(a₃), ReLU(a))
and evaluate exactly where the course expects exact values (σ(0) = 1/2, ReLU(−2) = 0). Signs
of exact arguments such as 1 − 6σ(5) are decided by `proven`, and each function tells it how
to enclose its own value (`enclose`)."""

from __future__ import annotations

import sympy

from nnsolve.derivation.proven import (leaky_interval, positive_number, relu_interval,
                                       step_interval)


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

    @staticmethod
    def enclose(iv, x):
        return 1 / (1 + iv.exp(-x))

    def _latex(self, printer):
        return r"\sigma\left(" + printer._print(self.args[0]) + r"\right)"

    def _sympystr(self, printer):
        return "σ(" + printer._print(self.args[0]) + ")"


class relu(sympy.Function):
    """ReLU(x) = max(0, x)."""

    @classmethod
    def eval(cls, x):
        positive = positive_number(x)
        if positive is None:
            return None
        if x.is_Number:
            return x if positive else sympy.Integer(0) * x
        return x if positive else sympy.Integer(0)

    def fdiff(self, argindex=1):
        return sympy.Heaviside(self.args[0], 0)

    @staticmethod
    def enclose(iv, x):
        return relu_interval(x)

    def _eval_is_extended_nonnegative(self):
        return True if self.args[0].is_extended_real else None

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

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
        positive = positive_number(x)
        if positive is None:
            return None
        return sympy.Integer(1) if positive else sympy.Integer(0)

    @staticmethod
    def enclose(iv, x):
        return step_interval(x, iv.mpf(0))

    def _latex(self, printer):
        return r"\operatorname{ReLU}'\left(" + printer._print(self.args[0]) + r"\right)"

    def _sympystr(self, printer):
        return "ReLU'(" + printer._print(self.args[0]) + ")"


class leaky_relu(sympy.Function):
    """LeakyReLU(x) = x for x > 0, slope·x otherwise; the slope is the second argument."""

    @classmethod
    def eval(cls, x, slope):
        positive = positive_number(x) if slope.is_Number else None
        if positive is None:
            return None
        return x if positive else slope * x

    def fdiff(self, argindex=1):
        return leaky_relu_prime(*self.args)

    @staticmethod
    def enclose(iv, x, slope):
        return leaky_interval(x, slope)

    def _latex(self, printer):
        return r"\operatorname{LeakyReLU}\left(" + printer._print(self.args[0]) + r"\right)"

    def _sympystr(self, printer):
        return "LeakyReLU(" + printer._print(self.args[0]) + ")"


class leaky_relu_prime(sympy.Function):
    """LeakyReLU'(x): 1 where x > 0, else the slope (the slope at 0, as frameworks take it)."""

    @classmethod
    def eval(cls, x, slope):
        positive = positive_number(x) if slope.is_Number else None
        if positive is None:
            return None
        return sympy.Integer(1) if positive else slope

    @staticmethod
    def enclose(iv, x, slope):
        return step_interval(x, slope)

    def _latex(self, printer):
        return r"\operatorname{LeakyReLU}'\left(" + printer._print(self.args[0]) + r"\right)"

    def _sympystr(self, printer):
        return "LeakyReLU'(" + printer._print(self.args[0]) + ")"


class xlogy(sympy.Function):
    """x·ln y, and 0 where x = 0 whatever y is: a cross-entropy term whose target is 0 adds
    nothing, even when the output it multiplies has come out as exactly 0 or 1 in floats."""

    @classmethod
    def eval(cls, x, y):
        if x.is_zero:
            return sympy.Integer(0)
        if x.is_number and y.is_number:
            return x * sympy.log(y)
        return None

    def _latex(self, printer):
        return printer._print(self.args[0]) + r"\ln\left(" + printer._print(self.args[1]) + \
            r"\right)"

    def _sympystr(self, printer):
        return printer._print(self.args[0]) + "*log(" + printer._print(self.args[1]) + ")"
