"""Activation functions as sympy functions, and the functions a student may write in an answer.

The sympy functions print as on the blackboard (σ(a₃), ReLU(a)) and evaluate exactly where the
course expects exact values (σ(0) = 1/2, ReLU(−2) = 0). Signs of exact arguments such as
1 − 6σ(5) are decided by `proven`, and each function tells it how to enclose its own value
(`enclose`).

The functions students type (`sigmoid(1)`, `relu(a3)`, `log(8, 2)`) are listed once, in a
registry the answer parser consults: it calls a registered builder with arguments it has already
parsed into sympy values and never sees a function it was not told about. A plugin whose
exercises need another function calls `register_function` when it is imported. Builders are
the last line of defence against answers built to make sympy compute for ever (`exp(1e300)`,
`9^9^9^9`): anything whose size depends on its arguments goes through the guards below, which
raise `ArgumentError` with a message for the student.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

import sympy

from nnsolve.derivation.names import canonical_name
from nnsolve.derivation.tokens import MAX_BITS
from nnsolve.derivation.proven import (leaky_interval, positive_number, relu_interval,
                                       sign as proven_sign, step_interval)


class _BoardFunction(sympy.Function):
    """An activation printed as on the board: its name, then its first argument in parentheses
    (a LeakyReLU's slope is a setting of the layer, not written with each use)."""

    #: the name in plain text and in LaTeX
    text_name = ""
    latex_name = ""

    def _latex(self, printer):
        return self.latex_name + r"\left(" + printer._print(self.args[0]) + r"\right)"

    def _sympystr(self, printer):
        return self.text_name + "(" + printer._print(self.args[0]) + ")"


def _by_sign(x, positive_value, other_value):
    """A function of the ReLU family, piecewise at 0: `positive_value` where x > 0, else
    `other_value`; None (left unevaluated) while the sign of x is not proven."""
    positive = positive_number(x)
    if positive is None:
        return None
    return positive_value if positive else other_value


class sigmoid(_BoardFunction):
    """The logistic function σ(x) = 1 / (1 + e^−x)."""

    text_name, latex_name = "σ", r"\sigma"

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


class relu(_BoardFunction):
    """ReLU(x) = max(0, x)."""

    text_name, latex_name = "ReLU", r"\operatorname{ReLU}"

    @classmethod
    def eval(cls, x):
        return _by_sign(x, x, sympy.Integer(0) * x if x.is_Number else sympy.Integer(0))

    def fdiff(self, argindex=1):
        return sympy.Heaviside(self.args[0], 0)

    @staticmethod
    def enclose(iv, x):
        return relu_interval(x)

    def _eval_is_extended_nonnegative(self):
        return True if self.args[0].is_extended_real else None

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real


class relu_prime(_BoardFunction):
    """The derivative of ReLU written as on the board, ReLU'(a): 1 where a > 0, else 0.

    At a = 0 it is 0, the subgradient frameworks use, so hand and machine agree.
    """

    text_name, latex_name = "ReLU'", r"\operatorname{ReLU}'"

    @classmethod
    def eval(cls, x):
        return _by_sign(x, sympy.Integer(1), sympy.Integer(0))

    @staticmethod
    def enclose(iv, x):
        return step_interval(x, iv.mpf(0))


class leaky_relu(_BoardFunction):
    """LeakyReLU(x) = x for x > 0, slope·x otherwise; the slope is the second argument."""

    text_name, latex_name = "LeakyReLU", r"\operatorname{LeakyReLU}"

    @classmethod
    def eval(cls, x, slope):
        return _by_sign(x, x, slope * x) if slope.is_Number else None

    def fdiff(self, argindex=1):
        return leaky_relu_prime(*self.args)

    @staticmethod
    def enclose(iv, x, slope):
        return leaky_interval(x, slope)


class leaky_relu_prime(_BoardFunction):
    """LeakyReLU'(x): 1 where x > 0, else the slope (the slope at 0, as frameworks take it)."""

    text_name, latex_name = "LeakyReLU'", r"\operatorname{LeakyReLU}'"

    @classmethod
    def eval(cls, x, slope):
        return _by_sign(x, sympy.Integer(1), slope) if slope.is_Number else None

    @staticmethod
    def enclose(iv, x, slope):
        return step_interval(x, slope)


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


# -- guarded arithmetic: what an answer may make sympy build ----------------------------------

MAX_EXPONENT = 1000        # |exponent| of a power, a literal or exp()
MAX_ROOT_BITS = 1000       # size of a number raised to a fractional power
MAX_ARGS = 10              # arguments of one function call


class ArgumentError(ValueError):
    """A value the guards refuse to build (too large, undefined, not real); the message is
    meant for the student, and the answer parser reports it as its own error."""


def _bits(value: sympy.Rational) -> int:
    return max(int(value.p).bit_length(), int(value.q).bit_length())


def check_size(value: sympy.Expr) -> sympy.Expr:
    """`value`, unless its numbers grew too large when sympy combined them.

    Only the new node and its direct arguments are inspected: everything below was checked
    when it was built, and sympy merges like terms (exp(1000)*exp(1000) = exp(2000)) at the top.
    """
    for part in (value, *value.args):
        if isinstance(part, sympy.Rational) and _bits(part) > MAX_BITS:
            raise ArgumentError("number too large")
        if isinstance(part, sympy.exp):
            check_exponent(part.args[0])
        elif isinstance(part, sympy.Pow):
            check_exponent(part.exp)
    return value


def _magnitude(value: sympy.Expr) -> float | None:
    """|value| for a numeric expression, None when it has symbols or is not real."""
    if not value.is_number:
        return None
    if isinstance(value, sympy.Rational):
        try:
            return abs(float(Fraction(int(value.p), int(value.q))))
        except OverflowError:
            return math.inf
    approx = value if isinstance(value, sympy.Float) else value.evalf(15)
    if isinstance(approx, sympy.Float):
        return abs(float(approx))
    return None


def check_exponent(exponent: sympy.Expr) -> float | None:
    """|exponent| when it is a number (None otherwise); ArgumentError past MAX_EXPONENT."""
    size = _magnitude(exponent)
    if size is not None and size > MAX_EXPONENT:
        raise ArgumentError("exponent too large")
    return size


def guarded_power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """base^exponent, refused before sympy starts on a number it cannot hold (10^100000,
    the cube root of a 700-digit number) or one that is not real ((-8)^(1/3))."""
    size = check_exponent(exponent)
    if size is not None:
        widest = max((_bits(a) for a in base.atoms(sympy.Rational)), default=0)
        if widest * max(size, 1) > MAX_BITS:
            raise ArgumentError("number too large")
        if isinstance(exponent, sympy.Rational) and not exponent.is_integer \
                and widest > MAX_ROOT_BITS:
            raise ArgumentError("number too large")
    if base.is_zero and exponent.is_negative:
        raise ArgumentError("division by zero")
    if base.is_number and exponent.is_number and base.is_negative and not _integral(exponent):
        # (-8)^(1/3) is 1 + √3·i to sympy (the principal root), as sqrt(-1) is i
        raise ArgumentError("the answer is not a real number")
    return check_size(sympy.Pow(base, exponent))


def _integral(exponent: sympy.Expr) -> bool:
    """An exponent that is a whole number (2, or 2.0 written with a point)."""
    if exponent.is_integer:
        return True
    return isinstance(exponent, sympy.Float) and float(exponent).is_integer()


def guarded_reciprocal(denominator: sympy.Expr) -> sympy.Expr:
    """1/denominator; a zero denominator is the student's division by zero, not sympy's zoo."""
    if denominator.is_zero:
        raise ArgumentError("division by zero")
    return check_size(sympy.Pow(denominator, -1))


# -- the functions students write ---------------------------------------------------------------

_NAME = re.compile(r"[a-z][a-z0-9]*\Z")
#: names that mean a constant or a value no answer may have, never a function
_RESERVED = frozenset({"pi", "e", "inf", "infinity", "oo", "nan", "zoo"})


@dataclass(frozen=True)
class StudentFunction:
    """A function students may write in an answer."""

    #: the name it is listed under, as registered (`leaky_relu`)
    name: str
    #: builds the value from arguments the parser has already read (sympy values, never text)
    build: Callable[..., sympy.Expr]
    #: the fewest and the most arguments it takes
    arity: tuple[int, int]
    #: other spellings, as registered (`σ`, `sigma`)
    aliases: tuple[str, ...] = ()
    description: str = ""


_FUNCTIONS: dict[str, StudentFunction] = {}


def _key(name: str) -> str:
    """How a name is looked up: as the parser spells it (`leaky_relu` and `LeakyReLU` are
    `leakyrelu`, `σ` is `sigma`), in lower case (`ReLU`, `Sigmoid`)."""
    return canonical_name(name).lower()


def register_function(name: str, build: Callable[..., sympy.Expr], *,
                      arity: tuple[int, int] = (1, 1), aliases: tuple[str, ...] = (),
                      description: str = "") -> StudentFunction:
    """Let students write `name(...)` (and each alias) in answers; `build(*args)` makes the
    value from the parsed arguments and must itself refuse arguments that would make it huge
    (see `guarded_power`, `check_exponent`), raising ArgumentError. Registering a name again
    replaces the function (a plugin reloaded in a test); a name that is a constant (`pi`,
    `e`) or not a plain word is a programming error."""
    keys = [_key(n) for n in (name, *aliases)]
    for written, key in zip((name, *aliases), keys):
        if not _NAME.match(key) or key in _RESERVED:
            raise ValueError(f"{written!r} cannot name a function students write")
    least, most = arity
    if not 1 <= least <= most <= MAX_ARGS:
        raise ValueError(f"arity of {name!r} must be 1 <= least <= most <= {MAX_ARGS}, "
                         f"got {arity!r}")
    if not callable(build):
        raise TypeError(f"the builder of {name!r} is not callable")
    function = StudentFunction(name, build, (least, most), tuple(aliases), description)
    for key, known in list(_FUNCTIONS.items()):
        if _key(known.name) == keys[0]:
            del _FUNCTIONS[key]
    for key in keys:
        _FUNCTIONS[key] = function
    return function


def student_function(name: str) -> StudentFunction | None:
    """The function a student means by `name` (any registered spelling), None if none."""
    return _FUNCTIONS.get(_key(name))


def student_functions() -> list[StudentFunction]:
    """Every registered function once, by name (for documentation and messages)."""
    unique = {id(f): f for f in _FUNCTIONS.values()}
    return sorted(unique.values(), key=lambda f: f.name)


# -- builders of the course's functions --------------------------------------------------------

def _sqrt(x: sympy.Expr) -> sympy.Expr:
    return guarded_power(x, sympy.Rational(1, 2))


def _exp(x: sympy.Expr) -> sympy.Expr:
    check_exponent(x)
    return sympy.exp(x)


def _log(x: sympy.Expr, base: sympy.Expr | None = None) -> sympy.Expr:
    if x.is_zero:
        raise ArgumentError("logarithm of zero")
    if base is None:
        return sympy.log(x)
    if base.is_zero or (base - 1).is_zero:
        raise ArgumentError("logarithm base must not be 0 or 1")
    return sympy.log(x, base)


def _sigmoid(x: sympy.Expr) -> sympy.Expr:
    check_exponent(-x)          # σ(−10^400) would evaluate e^(10^400)
    return sigmoid(x)


def _relu(x: sympy.Expr) -> sympy.Expr:
    value = relu(x)
    if isinstance(value, relu) and x.is_number:
        # a sign interval arithmetic cannot settle (sin(10^100)): sympy's own comparison
        return sympy.Max(0, x)
    return value


def _number_sign(x: sympy.Expr) -> int | None:
    """−1, 0 or 1 for a number (exact ones by interval arithmetic), None for an expression."""
    if x.is_Number:
        try:
            return int(bool(x > 0)) - int(bool(x < 0))
        except TypeError:       # nan, zoo: no order (the parser refuses them afterwards)
            return None
    if x.is_number:
        return proven_sign(x)
    return None


def _sign(x: sympy.Expr) -> sympy.Expr:
    known = _number_sign(x)
    return sympy.sign(x) if known is None else sympy.Integer(known)


def _step(x: sympy.Expr, at_zero: sympy.Expr = sympy.Integer(1)) -> sympy.Expr:
    known = _number_sign(x)
    if known is None:
        return sympy.Heaviside(x, at_zero)
    return sympy.Integer(known > 0) if known else at_zero


def _leaky_relu(x: sympy.Expr, slope: sympy.Expr) -> sympy.Expr:
    value = leaky_relu(x, slope)
    if isinstance(value, leaky_relu) and x.is_number and slope.is_number:
        # a sign interval arithmetic cannot settle (sin(10^100)): sympy's own comparison, as
        # relu's Max makes it, rather than a number left unevaluated
        return sympy.Max(x, 0) + slope * sympy.Min(x, 0)
    return value


for _name, _build, _arity, _aliases, _description in (
    ("sqrt", _sqrt, (1, 1), (), "square root (also written √x)"),
    ("exp", _exp, (1, 1), (), "e to the power x"),
    ("ln", _log, (1, 1), (), "natural logarithm"),
    ("log", _log, (1, 2), (), "natural logarithm; log(x, b) has base b"),
    ("log10", lambda x: _log(x, sympy.Integer(10)), (1, 1), (), "logarithm to base 10"),
    ("log2", lambda x: _log(x, sympy.Integer(2)), (1, 1), (), "logarithm to base 2"),
    ("sin", sympy.sin, (1, 1), (), "sine (radians)"),
    ("cos", sympy.cos, (1, 1), (), "cosine (radians)"),
    ("tan", sympy.tan, (1, 1), (), "tangent (radians)"),
    ("tanh", sympy.tanh, (1, 1), (), "hyperbolic tangent"),
    ("sigmoid", _sigmoid, (1, 1), ("σ", "sigma"), "the logistic function 1/(1 + e^-x)"),
    ("relu", _relu, (1, 1), (), "max(0, x)"),
    ("leaky_relu", _leaky_relu, (2, 2), (),
     "leaky_relu(x, slope): x for x > 0, slope·x otherwise (the slope is always written)"),
    ("abs", sympy.Abs, (1, 1), (), "absolute value"),
    ("max", sympy.Max, (1, MAX_ARGS), (), "the largest argument"),
    ("min", sympy.Min, (1, MAX_ARGS), (), "the smallest argument"),
    ("floor", sympy.floor, (1, 1), (), "round down (output sizes: floor((W − F + 2P)/S) + 1)"),
    ("ceil", sympy.ceiling, (1, 1), ("ceiling",), "round up"),
    ("sign", _sign, (1, 1), ("sgn",), "−1 for x < 0, 0 for x = 0, 1 for x > 0"),
    ("step", _step, (1, 2), ("heaviside",),
     "1 for x ≥ 0, 0 for x < 0; step(x, h) is h at x = 0 (as numpy.heaviside)"),
):
    register_function(_name, _build, arity=_arity, aliases=_aliases, description=_description)
del _name, _build, _arity, _aliases, _description
