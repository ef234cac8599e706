"""Proven values of exact numbers.

`real_value` and `sign` evaluate an exact number such as 1 − 1/(1 + e^−60) or
ReLU(1 − 6e³/(e^−2 + e³)) with interval arithmetic at rising precision, so the digits they give
are proven: sympy's own `evalf` can lose a result to cancellation (log(1/(1 + e^−60)) comes
out as 0, and 1 − 1/(1 + e^−10⁶) as a random 10^−125), and its sign decisions with it.
"""

from __future__ import annotations

import threading
from typing import Callable

import mpmath
import sympy
from mpmath.ctx_iv import MPIntervalContext
from mpmath.libmp import (finf, fnan, fninf, fone, fzero, mpf_abs, mpf_add, mpf_le, mpf_lt,
                          mpf_shift, mpf_sub, round_nearest, to_float)

#: working precisions (bits) tried in turn; beyond the last a value is given up on
PRECISIONS = (64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384)
#: a value is settled when its interval is this narrow relative to it (bits) ...
RELATIVE_BITS = 64
#: ... or this narrow absolutely (bits): far below the smallest float, so the float is 0
ABSOLUTE_BITS = 1100


class _Unknown(Exception):
    """An expression the interval evaluation does not know (or a complex, infinite value)."""


class _Contexts(threading.local):
    """An interval context of each thread's own: its precision is set per evaluation, and
    the grader works in more than one thread."""

    def __init__(self):
        self.iv = MPIntervalContext()


_contexts = _Contexts()


def _endpoints(x) -> tuple:
    return x._mpi_


def _interval(lo, hi):
    return _contexts.iv.mpf((mpmath.mpf(lo), mpmath.mpf(hi)))


def _hull(*values):
    points = [mpmath.mpf(p) for v in values for p in _endpoints(v)]
    return _contexts.iv.mpf((min(points), max(points)))


def _positive(x) -> bool:
    return mpf_lt(fzero, _endpoints(x)[0])


def _not_positive(x) -> bool:
    return mpf_le(_endpoints(x)[1], fzero)


def relu_interval(x):
    low, high = _endpoints(x)
    return _interval(low if mpf_lt(fzero, low) else fzero, high if mpf_lt(fzero, high) else fzero)


def leaky_interval(x, slope):
    if _positive(x):
        return x
    if _not_positive(x):
        return slope * x
    low, high = _endpoints(x)
    return _hull(slope * _interval(low, fzero), _interval(fzero, high))


def step_interval(x, below):
    """1 where x > 0, else `below` (at 0 too)."""
    one = _contexts.iv.mpf(1)
    if _positive(x):
        return one
    if _not_positive(x):
        return below
    return _hull(one, below)


def _enclose(expr: sympy.Basic):
    """An interval holding the value of the exact number `expr` (at the context's precision)."""
    iv = _contexts.iv
    if isinstance(expr, sympy.Integer):
        return iv.mpf(int(expr))
    if isinstance(expr, sympy.Rational):
        return iv.mpf(int(expr.p)) / iv.mpf(int(expr.q))
    if isinstance(expr, sympy.Float):
        return iv.mpf(mpmath.mpf(expr))
    if expr is sympy.E:
        return iv.e
    if expr is sympy.pi:
        return iv.pi
    args = [_enclose(a) for a in expr.args] if not isinstance(expr, sympy.Number) else []
    if isinstance(expr, sympy.Add):
        result = args[0]
        for a in args[1:]:
            result = result + a
        return result
    if isinstance(expr, sympy.Mul):
        result = args[0]
        for a in args[1:]:
            result = result * a
        return result
    if isinstance(expr, sympy.Pow):
        base, power = args
        if isinstance(expr.exp, sympy.Integer):
            if expr.exp < 0 and not (_positive(base) or _positive(-base)):
                raise _Unknown(expr)
            return base ** int(expr.exp)
        if not _positive(base):
            raise _Unknown(expr)
        return iv.exp(power * iv.log(base))
    if isinstance(expr, sympy.exp):
        return iv.exp(args[0])
    if isinstance(expr, sympy.log):
        if not _positive(args[0]):
            raise _Unknown(expr)
        return iv.log(args[0])
    if isinstance(expr, sympy.tanh):         # 1 − 2/(e^2x + 1): x once, so the bounds are tight
        return 1 - 2 / (iv.exp(2 * args[0]) + 1)
    enclose = getattr(expr, "enclose", None)    # the course's functions say how (functions.py)
    if enclose is not None:
        return enclose(iv, *args)
    raise _Unknown(expr)


def _settle(expr: sympy.Basic, settled: Callable[[tuple, tuple], object]):
    """The first answer `settled(low, high)` gives (None: not yet) as precision rises."""
    if not (isinstance(expr, sympy.Basic) and expr.is_number):
        return None
    iv = _contexts.iv
    for prec in PRECISIONS:
        iv.prec = prec
        try:
            low, high = _endpoints(_enclose(expr))
        except (_Unknown, ValueError, ZeroDivisionError, ArithmeticError):
            continue    # e.g. log of an interval that still reaches 0: try more digits
        if any(p in (finf, fninf, fnan) for p in (low, high)):
            continue
        answer = settled(low, high)
        if answer is not None:
            return answer
    return None


def _narrow(low, high) -> bool:
    width = mpf_sub(high, low, 0)
    if mpf_le(width, mpf_shift(fone, -ABSOLUTE_BITS)):
        return True
    if mpf_lt(fzero, low) or mpf_lt(high, fzero):
        smaller = mpf_abs(low) if mpf_lt(fzero, low) else mpf_abs(high)
        return mpf_le(width, mpf_shift(smaller, -RELATIVE_BITS))
    return False


def real_value(expr: sympy.Basic) -> float | None:
    """The float nearest the exact real number `expr`, proven by interval arithmetic (±inf
    beyond the float range, 0.0 below it); None for what it cannot evaluate (a complex or
    undefined value, a function it does not know)."""
    def settled(low, high):
        if not _narrow(low, high):
            return None
        return to_float(mpf_shift(mpf_add(low, high, 0), -1), rnd=round_nearest) + 0.0

    return _settle(expr, settled)


def sign(expr: sympy.Basic) -> int | None:
    """1, −1 or 0 for an exact real number: 0 when it is within 2^−1100 of 0 (the precision
    runs out before telling such a number from 0); None when it cannot be evaluated."""
    def settled(low, high):
        if mpf_lt(fzero, low):
            return 1
        if mpf_lt(high, fzero):
            return -1
        if mpf_le(mpf_sub(high, low, 0), mpf_shift(fone, -ABSOLUTE_BITS)):
            return 0
        return None

    return _settle(expr, settled)


def _exact_number(x) -> bool:
    """A number without symbols that is not a plain Integer, Rational or Float."""
    return isinstance(x, sympy.Expr) and not x.is_Number and x.is_number


def positive_number(x) -> bool | None:
    """Whether the number x is > 0 (True/False), None when that cannot be decided."""
    if x.is_Number:
        try:
            return bool(x > 0)
        except TypeError:       # nan, zoo: no order
            return None
    if _exact_number(x):
        s = sign(x)
        return None if s is None else s > 0
    return None
