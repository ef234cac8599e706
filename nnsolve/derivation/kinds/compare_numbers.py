"""Numbers, labels and booleans: the single values, and how any value is shown in a message.

Numbers match when ``|given - expected| <= abs + rel * |expected|`` (numpy ``isclose``), or,
with ``sigfigs``/``decimals``, when they lie in a band of ±0.51 units in the last required
place around the expected value. All of it is computed in exact fractions, so band edges are
not at the mercy of binary floating point. A wrong number that is the expected one cut to fewer
digits than the tolerance needs is flagged ``low_precision`` ("not enough precision"), because
that student knows the step and only has to keep more digits. ``exact`` tolerances (counts,
shapes, labels) need exact equality; labels ignore case and spacing.
"""

from __future__ import annotations

import math
import re
from decimal import Context, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy

from nnsolve.derivation import structures as S
from nnsolve.derivation import values as V
from nnsolve.derivation.kinds.tolerance import MAX_DIGITS, RIGHT, Comparison, Tolerance, wrong

#: working precision (digits) of numeric evaluations: random points, irrational numbers
EVAL_DIGITS = 30
#: terms of a long sum shown in a message
MAX_TERMS = 8


# -- digits the student wrote ----------------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"\s*[+\-−]?([0-9]*)(?:[.,]([0-9]*))?(?:[eE]([+\-]?[0-9]+))?\s*\Z")


def digits_written(text: str) -> tuple[int, int]:
    """(significant figures, decimals) of a plain number as written.

    ``"0.3167"`` -> (4, 4); ``"2.9e-3"`` -> (2, 4); ``"1200"`` -> (2, 0)
    (trailing zeros of an integer are not significant); ``"1.20e3"`` ->
    (3, -1).  Zero has as many significant figures as digits after its
    point, at least one.  A decimal comma counts as a point (``"-0,845"`` ->
    (3, 3)), as the answer parser reads it.  Raises ValueError for anything that is not a plain
    decimal number (``"1/3"``, ``"sqrt(2)"``).
    """
    match = _PLAIN_NUMBER.match(text)
    if not match or not (match.group(1) or match.group(2)):
        raise ValueError(f"not a plain number: {text!r}")
    whole, frac, exponent = match.group(1), match.group(2), match.group(3)
    has_point = frac is not None
    frac = frac or ""
    shift = int(exponent) if exponent else 0
    decimals = len(frac) - shift
    digits = (whole + frac).lstrip("0")
    if not digits:
        return max(1, len(frac)), decimals
    if not has_point:
        digits = digits.rstrip("0") or "0"
    return len(digits), decimals


# -- values -----------------------------------------------------------------------------------

def plain(value: Any) -> Any:
    """Lists to tuples, sets to frozensets, numpy scalars/arrays to Python values: callers of
    the public `compare` pass what they have at hand."""
    if isinstance(value, (list, tuple)):
        return tuple(plain(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(plain(v) for v in value)
    if isinstance(value, sympy.MatrixBase):
        return plain(value.tolist())
    if hasattr(value, "tolist") and hasattr(value, "dtype"):
        return plain(value.tolist())
    return value


def is_symbolic(value: Any) -> bool:
    return isinstance(value, sympy.Basic) and bool(value.free_symbols)


def is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Fraction)):
        return True
    return isinstance(value, sympy.Expr) and value.is_number


def exact_fraction(value: Any) -> Fraction | None:
    """An exact fraction for a real number (floats as their shortest decimal); None if not real."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value)) if math.isfinite(value) else None
    if isinstance(value, sympy.Rational):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, sympy.Float):
        return _float_fraction(value)
    if isinstance(value, sympy.Expr) and value.is_number:
        return _evaluated_fraction(value)
    return None


@lru_cache(maxsize=4096)
def _evaluated_fraction(value: sympy.Expr) -> Fraction | None:
    """An exact number such as tanh(1) as a fraction of its evaluation. Kept per process:
    a key's values are compared with every student's answer, and evaluating one costs a
    millisecond where looking it up costs a microsecond."""
    approx = value.evalf(EVAL_DIGITS)
    if isinstance(approx, sympy.Float):
        return _float_fraction(approx)
    return None


#: a binary exponent beyond this (about 10^±1200) is no number an answer is compared with
_MAX_BINARY_EXPONENT = 4000


def _float_fraction(value: sympy.Float) -> Fraction | None:
    """A sympy Float as a fraction; None when it is not finite or so far out of range (such as
    e^(10^400), recomputed from a student's wild answers) that writing it out would never end."""
    if not value.is_finite:
        return None
    _sign, mantissa, exponent, bits = value._mpf_
    if mantissa and abs(exponent + bits) > _MAX_BINARY_EXPONENT:
        return None
    return Fraction(str(value))


def _is_irrational(value: Any) -> bool:
    """An exact number that is not a fraction, such as sqrt(2)/2."""
    return isinstance(value, sympy.Expr) and not isinstance(value, sympy.Rational) \
        and not value.has(sympy.Float)


def decimal_text(x: Fraction, digits: int) -> str:
    """x to ``digits`` significant figures, without float overflow for huge values."""
    if x.denominator == 1 and abs(x.numerator) < 10 ** 15:
        return str(x.numerator)
    context = Context(prec=max(digits, 1))
    value = context.divide(Decimal(x.numerator), Decimal(x.denominator))
    text = format(value, f".{digits}g")
    return text.replace("E", "e")


def clip(text: str, limit: int = 160) -> str:
    """Long expressions would drown the message; keep their start."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _sum_head(expr: sympy.Add) -> str:
    """The first terms of a long sum as typed: printing thousands of terms is slow and
    unreadable."""
    text = ""
    for term in expr.args[:MAX_TERMS]:
        written = V.expression_text(term)
        if not text:
            text = written
        elif written.startswith("-"):
            text += " - " + written[1:]
        else:
            text += " + " + written
    return text + " + …"


def show(value: Any, digits: int = 4) -> str:
    """A value as the student should read it in a message (expressions as they are typed)."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (S.FrozenMap, S.TableValue)):
        return V.format_value(value, digits)
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(show(v, digits) for v in value)) + "}"
    if isinstance(value, tuple):
        return "[" + ", ".join(show(v, digits) for v in value) + "]"
    if isinstance(value, float):
        short = repr(value)
        return short if len(short) <= digits + 3 else decimal_text(Fraction(short), digits)
    if is_symbolic(value):
        if value.is_Add and len(value.args) > MAX_TERMS:
            return clip(_sum_head(value))
        return clip(V.expression_text(value))
    number = exact_fraction(value) if is_number(value) else None
    if number is not None:
        return decimal_text(number, digits)
    return str(value)


def array_shape(value: Any) -> tuple[int, ...] | None:
    """Dimensions of nested tuples, () for a scalar, None when rows differ in length."""
    return V.shape_or_none(value)


def describe_shape(shape: tuple[int, ...] | None) -> str:
    if shape is None:
        return "rows of different lengths"
    if shape == ():
        return "a single value"
    if len(shape) == 1:
        return f"a vector of length {shape[0]}"
    if len(shape) == 2:
        return f"a {shape[0]}×{shape[1]} matrix"
    return "a " + "×".join(str(n) for n in shape) + " tensor"


def describe(value: Any) -> str:
    """What kind of thing a student gave, for "expected …, got …"."""
    if isinstance(value, frozenset):
        return "a set"
    if isinstance(value, tuple):
        return describe_shape(array_shape(value))
    if isinstance(value, S.TableValue):
        return "a table"
    if isinstance(value, S.FrozenMap):
        return "a mapping"
    if isinstance(value, str):
        return f"'{value}'"
    if is_symbolic(value):
        return f"an expression in {', '.join(sorted(map(str, value.free_symbols)))}"
    return show(value)


# -- numbers ----------------------------------------------------------------------------------

def _order(x: Fraction) -> int:
    """floor(log10(x)) for x > 0, exactly."""
    k = math.floor(math.log10(x.numerator) - math.log10(x.denominator))
    while Fraction(10) ** k > x:
        k -= 1
    while Fraction(10) ** (k + 1) <= x:
        k += 1
    return k


def _band(expected: Fraction, tol: Tolerance) -> Fraction:
    """Half-width of the accepted interval around ``expected``."""
    bands = []
    if tol.decimals is not None:
        bands.append(Fraction(51, 100) * Fraction(10) ** -tol.decimals)
    if tol.sigfigs is not None:
        if expected == 0:
            bands.append(Fraction(repr(float(tol.abs))))
        else:
            unit = Fraction(10) ** (_order(abs(expected)) - tol.sigfigs + 1)
            bands.append(Fraction(51, 100) * unit)
    if bands:
        return max(bands)
    return Fraction(repr(float(tol.abs))) + Fraction(repr(float(tol.rel))) * abs(expected)


def _needed(band: Fraction, tol: Tolerance) -> tuple[int, str] | None:
    """How many digits an answer needs, and of which kind, to be able to hit the band."""
    if tol.sigfigs is not None and tol.decimals is None:
        return tol.sigfigs, "significant figures"
    if tol.decimals is not None:
        return tol.decimals, "decimals"
    if band <= 0:
        return None
    needed = 0
    while Fraction(1, 2) * Fraction(10) ** -needed > band and needed < 30:
        needed += 1
    return needed, "decimals"


def _written(given: Any, given_text: str | None) -> tuple[str, tuple[int, int]] | None:
    """The plain number the student wrote and its (sigfigs, decimals), if it was one."""
    try:
        if isinstance(given_text, str):
            text = given_text
        elif isinstance(given, float):
            text = repr(given)
        elif isinstance(given, (int, sympy.Integer)) and not isinstance(given, bool):
            text = str(given)
        else:
            return None
        sig, dec = digits_written(text)
    except ValueError:   # not a plain number, or an integer too long to print
        return None
    if sig > MAX_DIGITS or abs(dec) > MAX_DIGITS * 10:
        return None
    return text.strip(), (sig, dec)


def _too_coarse(e: Fraction, g: Fraction, written: tuple[int, int], needed: tuple[int, str]) -> bool:
    """True when ``g`` is ``e`` cut to fewer digits than the tolerance needs.

    That is: the student gave fewer significant figures or decimals than
    needed, and their number is the expected one rounded (to nearest) or
    truncated at the last digit they wrote.  A number that is simply wrong
    is reported as wrong, not as imprecise.
    """
    sig, dec = written
    count, what = needed
    if (sig if what == "significant figures" else dec) >= count:
        return False
    if g == 0 and dec <= 0:
        # a bare 0 holds no digit of the value: it is wrong, not imprecise (cutting 0.731
        # to 0 is not rounding it), while 0.00 for 0.004 is a rounding to two decimals
        return False
    unit = Fraction(10) ** (-dec if g == 0 else _order(abs(g)) - sig + 1)
    if abs(g - e) <= unit / 2:
        return True
    if g == 0:
        return False
    truncated = math.floor(abs(e) / unit) * unit
    return g == (truncated if e >= 0 else -truncated)


#: a value cut off at the required digit instead of rounded: right, as teachers grade it
TRUNCATED = Comparison(True, 1.0, "", note="truncated rather than rounded: right, but round "
                                          "the last digit next time")


def _truncated(e: Fraction, g: Fraction, tol: Tolerance) -> bool:
    """Whether ``g`` is ``e`` cut (not rounded) to the decimals or significant figures the
    tolerance asks for: a student who writes 0.761 for tanh(1) = 0.76159 under ``decimals: 3``
    knows the step; only the rounding rule slipped."""
    units = []
    if tol.decimals is not None:
        units.append(Fraction(10) ** -tol.decimals)
    if tol.sigfigs is not None and e != 0:
        units.append(Fraction(10) ** (_order(abs(e)) - tol.sigfigs + 1))
    for unit in units:
        cut = math.floor(abs(e) / unit) * unit
        if g == (cut if e >= 0 else -cut):
            return True
    return False


def compare_number(expected: Any, given: Any, tol: Tolerance, given_text: str | None) -> Comparison:
    if isinstance(given, bool) or not is_number(given):
        return wrong(f"expected a number, got {describe(given)}")
    e, g = exact_fraction(expected), exact_fraction(given)
    if g is None:
        return wrong(f"expected a real number, got {show(given)}")
    if e is None:
        raise ValueError(f"expected value is not a real number: {expected!r}")
    shown = clip(given_text.strip(), 40) if isinstance(given_text, str) else show(given, 6)
    if tol.exact:
        if _is_irrational(expected) or _is_irrational(given):
            # known only to the evaluation precision: equal in all computed digits
            same = abs(e - g) <= max(abs(e), abs(g)) * Fraction(1, 10 ** (EVAL_DIGITS - 5))
        else:
            same = e == g
        return RIGHT if same else wrong(f"expected {show(expected, 15)}, got {shown}")
    band = _band(e, tol)
    off = abs(g - e)
    if off <= band:
        return RIGHT
    if _truncated(e, g, tol):
        return TRUNCATED
    digits = 4
    if e != 0 and band > 0:
        digits = min(15, max(4, _order(abs(e)) - _order(band) + 2))
    expected_text = show(expected, digits)
    written = _written(given, given_text)
    needed = _needed(band, tol)
    if written and needed and _too_coarse(e, g, written[1], needed):
        count, what = needed
        return wrong(f"not enough precision: you wrote {clip(written[0], 40)} but {count} {what} "
                     f"are needed (expected {expected_text})", low_precision=True)
    return wrong(f"expected {expected_text}, got {shown} "
                 f"(off by {decimal_text(off, 2)}, allowed ±{decimal_text(band, 2)})")


# -- labels and booleans ----------------------------------------------------------------------

def label_text(value: Any) -> str:
    """A label as it is compared: case and spacing do not matter."""
    if isinstance(value, (str, bool, int, float)):
        text = S.key_text(value)        # 1.0 and "1" are one label, as they are one key
    else:
        text = show(value, 15)
    return " ".join(text.split()).casefold()


def compare_label(expected: Any, given: Any) -> Comparison:
    if isinstance(given, (tuple, frozenset)):
        return wrong(f"expected a single label, got {describe(given)}")
    if label_text(expected) == label_text(given):
        return RIGHT
    return wrong(f"expected {show(expected)}, got {show(given)}")


#: the words a true-or-false answer or option id is written with (YAML 1.1 reads yes/on too)
_TRUE = {"true", "yes", "y", "1", "t", "on"}
_FALSE = {"false", "no", "n", "0", "f", "off"}


def truth(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, sympy.Integer)) and int(value) in (0, 1):
        return bool(int(value))
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def compare_boolean(expected: Any, given: Any) -> Comparison:
    want, got = truth(expected), truth(given)
    if want is None:
        return compare_label(expected, given)
    if got is None:
        return wrong(f"expected true or false, got {show(given)}")
    if want == got:
        return RIGHT
    return wrong(f"expected {show(want)}, got {show(got)}")
