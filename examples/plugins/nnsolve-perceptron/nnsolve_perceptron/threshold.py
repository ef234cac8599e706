"""The perceptron's threshold units as sympy functions: the board writes y = step(a), and the
same function computes y, so what is shown and what is graded cannot disagree.

A course either trains with 0/1 targets (y = step(a)) or with ±1 targets (y = sgn(a)). Both
fire at a = 0, the convention of Rosenblatt's rule as taught; a student who fires only for
a > 0 makes a mistake that shows exactly when a = 0, which starting from zero weights is often.

Floats such as 0.1 are not exact in binary: 0.3 − 0.1 − 0.2 is 2.8e-17, not 0. A TA working
with decimals gets exactly 0 there, so a float net input within `FLOAT_ZERO` of 0 counts as 0.
"""

from __future__ import annotations

from typing import ClassVar

import sympy

from nnsolve.derivation.functions import register_function
from nnsolve.derivation.proven import sign as proven_sign

#: a float net input closer to 0 than this is 0: rounding noise of decimal inputs
FLOAT_ZERO = 1e-9


def sign_of(a: sympy.Expr) -> int | None:
    """−1, 0 or 1 for a number; None while `a` is symbolic."""
    if isinstance(a, sympy.Float):
        return 0 if abs(a) < FLOAT_ZERO else (1 if a > 0 else -1)
    if a.is_Number:
        return int(bool(a > 0)) - int(bool(a < 0))
    if a.is_number:
        return proven_sign(a)
    return None


class Threshold(sympy.Function):
    """A unit that outputs `high` above 0, `low` below it and `at_zero` at 0."""

    high: ClassVar[int] = 1
    low: ClassVar[int] = 0
    at_zero: ClassVar[int] = 1
    #: how the board writes it
    written: ClassVar[str] = "step"

    @classmethod
    def eval(cls, a):
        side = sign_of(a)
        if side is None:
            return None
        return sympy.Integer({1: cls.high, -1: cls.low, 0: cls.at_zero}[side])

    def _sympystr(self, printer):
        return f"{self.written}({printer._print(self.args[0])})"

    def _latex(self, printer):
        return rf"\operatorname{{{self.written}}}\left({printer._print(self.args[0])}\right)"


class step(Threshold):
    """y = 1 for a ≥ 0, else 0 (0/1 targets)."""


class sgn(Threshold):
    """y = 1 for a ≥ 0, else −1 (±1 targets)."""

    low = -1
    written = "sgn"


class step_above_zero(Threshold):
    """The mistake: 1 only for a > 0."""

    at_zero = 0


class sgn_above_zero(Threshold):
    """The mistake: 1 only for a > 0, −1 at 0."""

    low = -1
    at_zero = -1
    written = "sgn"


#: the output convention → (the unit, the unit a student who fires only above 0 uses)
UNITS = {"binary": (step, step_above_zero), "bipolar": (sgn, sgn_above_zero)}


# Courses taught with MATLAB's toolbox write the units as hardlim and hardlims; a student may
# type `hardlims(0.3)` for an output. nnsolve's own `step` and `sign` are registered already.
register_function("hardlim", step, description="1 for x ≥ 0, else 0 (MATLAB's hardlim)")
register_function("hardlims", sgn, description="1 for x ≥ 0, else −1 (MATLAB's hardlims)")
