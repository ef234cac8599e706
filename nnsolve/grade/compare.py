"""Decide whether a student's value matches the expected one, and say why not.

The rules are the product's grading contract:

* numbers match when ``|given - expected| <= abs + rel * |expected|``
  (numpy ``isclose``), or, with ``sigfigs``/``decimals``, when they lie in a
  band of ±0.51 units in the last required place around the expected value;
  all of this is computed in exact fractions so band edges are not at the
  mercy of binary floating point;
* a wrong number that is the expected one cut to fewer digits than the
  tolerance needs is flagged ``low_precision`` ("not enough precision");
* ``exact`` tolerances (counts, shapes, labels) need exact equality;
* vectors and matrices are compared element by element, sets without
  regard to order, labels case-insensitively;
* symbolic answers are equivalent when they are structurally equal, or
  agree at several random points (undefined functions such as ``g'`` are
  replaced by the same random smooth function on both sides), or, when no
  point can be evaluated, when ``sympy.simplify`` proves the difference is
  zero within a time limit.

Random points come before simplify on purpose: agreement at six random
points to nine digits settles equivalence for the algebraic and elementary
expressions of the course, and a disagreement settles the opposite, in
milliseconds.  simplify can take seconds and cannot be interrupted (it runs
in a daemon thread that is merely abandoned at the time limit), so it is
kept for the rare pair that cannot be evaluated numerically.
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import Context, Decimal
from fractions import Fraction
from typing import Any

import mpmath
import sympy
from sympy.core.function import AppliedUndef

from nnsolve.grade.answers import canonical_name

__all__ = ["Tolerance", "Comparison", "compare", "digits_written", "KINDS"]

#: kinds ``compare`` understands; anything else is a programming error
KINDS = frozenset({"auto", "number", "count", "shape", "vector", "matrix", "label", "set",
                   "expression", "boolean"})

_MAX_LISTED = 3            # wrong elements named in one message
_MAX_TERMS = 8             # terms of a long sum shown in a message
_MAX_PAIRS = 250_000       # set elements compared pairwise at most
_POINTS = 6                # random points that must agree for equivalence
_ATTEMPTS = 20             # random points tried at most
_EVAL_DIGITS = 30          # working precision of the random-point evaluation
_SEED = 20240917           # random points are reproducible
_SYMBOLIC_REL = 1e-9       # agreement needed at a point between exact expressions
_MAX_DIGITS = 100          # digits a tolerance may ask for, or a written number may count


# ---------------------------------------------------------------------------
# tolerance and result

@dataclass(frozen=True)
class Tolerance:
    """How close a number must be.

    ``sigfigs`` and ``decimals`` replace ``rel``/``abs`` when set (if both are
    set, the wider band applies); ``exact`` overrides everything.
    """

    rel: float = 0.01
    abs: float = 0.001
    sigfigs: int | None = None
    decimals: int | None = None
    exact: bool = False

    def __post_init__(self) -> None:
        for name in ("rel", "abs"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise ValueError(f"tolerance {name} must be a number >= 0, got {value!r}")
        for name, least in (("sigfigs", 1), ("decimals", 0)):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or not least <= value <= _MAX_DIGITS):
                raise ValueError(f"tolerance {name} must be an integer from {least} to "
                                 f"{_MAX_DIGITS}, got {value!r}")
        if not isinstance(self.exact, bool):
            raise ValueError(f"tolerance exact must be true or false, got {self.exact!r}")

    @classmethod
    def from_spec(cls, spec: Mapping | None, base: Tolerance | None = None) -> Tolerance:
        """Merge a YAML tolerance mapping over ``base`` (default: the defaults).

        The most specific statement wins: a spec giving ``rel``/``abs`` but
        neither ``sigfigs`` nor ``decimals`` drops the base's digit rule, and
        a spec giving one digit rule drops the base's other one.
        """
        base = base or cls()
        if spec is None:
            return base
        if not isinstance(spec, Mapping):
            raise ValueError(f"a tolerance must be a mapping, got {spec!r}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(str(k) for k in spec if k not in known)
        if unknown:
            raise ValueError(f"unknown tolerance key(s): {', '.join(unknown)}; "
                             f"use {', '.join(sorted(known))}")
        changes = dict(spec)
        gives_digits = "sigfigs" in spec or "decimals" in spec
        if ("rel" in spec or "abs" in spec) and not gives_digits:
            changes.update(sigfigs=None, decimals=None)
        elif "sigfigs" in spec and "decimals" not in spec:
            changes["decimals"] = None
        elif "decimals" in spec and "sigfigs" not in spec:
            changes["sigfigs"] = None
        return replace(base, **changes)


@dataclass(frozen=True)
class Comparison:
    """The verdict on one answer, with what the student should be told."""

    ok: bool
    fraction: float          # share of elements right (1.0 or 0.0 for a single value)
    message: str             # "" when ok, otherwise for the student
    low_precision: bool = False
    #: neither evaluation nor simplification could settle it in time: a person must look
    undecided: bool = False
    #: how ``fraction`` was computed, when that is not simply the share of elements right
    #: (a selection: right picks minus wrong picks over the right options)
    scoring: str = ""


_RIGHT = Comparison(True, 1.0, "")


def _wrong(message: str, low_precision: bool = False) -> Comparison:
    return Comparison(False, 0.0, message, low_precision)


# ---------------------------------------------------------------------------
# digits the student wrote

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


# ---------------------------------------------------------------------------
# values

def _plain(value: Any) -> Any:
    """Lists to tuples, sets to frozensets, numpy scalars/arrays to Python values."""
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(_plain(v) for v in value)
    if isinstance(value, sympy.MatrixBase):
        return _plain(value.tolist())
    if hasattr(value, "tolist") and hasattr(value, "dtype"):
        return _plain(value.tolist())
    return value


def _is_symbolic(value: Any) -> bool:
    return isinstance(value, sympy.Basic) and bool(value.free_symbols)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Fraction)):
        return True
    return isinstance(value, sympy.Expr) and value.is_number


def _fraction(value: Any) -> Fraction | None:
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
        approx = value.evalf(_EVAL_DIGITS)
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


def _decimal(x: Fraction, digits: int) -> str:
    """x to ``digits`` significant figures, without float overflow for huge values."""
    if x.denominator == 1 and abs(x.numerator) < 10 ** 15:
        return str(x.numerator)
    context = Context(prec=max(digits, 1))
    value = context.divide(Decimal(x.numerator), Decimal(x.denominator))
    text = format(value, f".{digits}g")
    return text.replace("E", "e")


def _clip(text: str, limit: int = 160) -> str:
    """Long expressions would drown the message; keep their start."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _show(value: Any, digits: int = 4) -> str:
    """A value as the student should read it in a message."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(_show(v, digits) for v in value)) + "}"
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v, digits) for v in value) + "]"
    if isinstance(value, float):
        short = repr(value)
        return short if len(short) <= digits + 3 else _decimal(Fraction(short), digits)
    if _is_symbolic(value):
        if value.is_Add and len(value.args) > _MAX_TERMS:
            # printing thousands of terms is slow and unreadable: show a few
            head = sympy.Add(*value.args[:_MAX_TERMS], evaluate=False)
            return _clip(sympy.sstr(head, order="none") + " + …")
        return _clip(sympy.sstr(value))
    number = _fraction(value) if _is_number(value) else None
    if number is not None:
        return _decimal(number, digits)
    return str(value)


# ---------------------------------------------------------------------------
# numbers

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
    if sig > _MAX_DIGITS or abs(dec) > _MAX_DIGITS * 10:
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


def _compare_numbers(expected: Any, given: Any, tol: Tolerance, given_text: str | None) -> Comparison:
    if isinstance(given, bool) or not _is_number(given):
        return _wrong(f"expected a number, got {_describe(given)}")
    e, g = _fraction(expected), _fraction(given)
    if g is None:
        return _wrong(f"expected a real number, got {_show(given)}")
    if e is None:
        raise ValueError(f"expected value is not a real number: {expected!r}")
    shown = _clip(given_text.strip(), 40) if isinstance(given_text, str) else _show(given, 6)
    if tol.exact:
        if _is_irrational(expected) or _is_irrational(given):
            # known only to the evaluation precision: equal in all computed digits
            same = abs(e - g) <= max(abs(e), abs(g)) * Fraction(1, 10 ** (_EVAL_DIGITS - 5))
        else:
            same = e == g
        return _RIGHT if same else _wrong(f"expected {_show(expected, 15)}, got {shown}")
    band = _band(e, tol)
    off = abs(g - e)
    if off <= band:
        return _RIGHT
    digits = 4
    if e != 0 and band > 0:
        digits = min(15, max(4, _order(abs(e)) - _order(band) + 2))
    expected_text = _show(expected, digits)
    written = _written(given, given_text)
    needed = _needed(band, tol)
    if written and needed and _too_coarse(e, g, written[1], needed):
        count, what = needed
        return _wrong(f"not enough precision: you wrote {_clip(written[0], 40)} but {count} {what} "
                      f"are needed (expected {expected_text})", low_precision=True)
    return _wrong(f"expected {expected_text}, got {shown} "
                  f"(off by {_decimal(off, 2)}, allowed ±{_decimal(band, 2)})")


# ---------------------------------------------------------------------------
# labels and booleans

def _label_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else _show(value, 15)
    return " ".join(text.split()).casefold()


def _compare_labels(expected: Any, given: Any) -> Comparison:
    if isinstance(given, (tuple, frozenset)):
        return _wrong(f"expected a single label, got {_describe(given)}")
    if _label_text(expected) == _label_text(given):
        return _RIGHT
    return _wrong(f"expected {_show(expected)}, got {_show(given)}")


_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def _truth(value: Any) -> bool | None:
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


def _compare_booleans(expected: Any, given: Any) -> Comparison:
    want, got = _truth(expected), _truth(given)
    if want is None:
        return _compare_labels(expected, given)
    if got is None:
        return _wrong(f"expected true or false, got {_show(given)}")
    if want == got:
        return _RIGHT
    return _wrong(f"expected {_show(want)}, got {_show(got)}")


# ---------------------------------------------------------------------------
# vectors and matrices

def _shape(value: Any) -> tuple[int, ...] | None:
    """Dimensions of nested tuples, () for a scalar, None when rows differ in length."""
    if not isinstance(value, tuple):
        return ()
    if not value:
        return (0,)
    inner = [_shape(v) for v in value]
    if any(s is None for s in inner) or len(set(inner)) != 1:
        return None
    return (len(value), *inner[0])


def _flatten(value: Any) -> list:
    if isinstance(value, tuple):
        return [item for v in value for item in _flatten(v)]
    return [value]


def _describe_shape(shape: tuple[int, ...] | None) -> str:
    if shape is None:
        return "rows of different lengths"
    if shape == ():
        return "a single value"
    if len(shape) == 1:
        return f"a vector of length {shape[0]}"
    if len(shape) == 2:
        return f"a {shape[0]}×{shape[1]} matrix"
    return "an array of shape " + "×".join(str(n) for n in shape)


def _describe(value: Any) -> str:
    if isinstance(value, frozenset):
        return "a set"
    if isinstance(value, tuple):
        return _describe_shape(_shape(value))
    if isinstance(value, str):
        return f"'{value}'"
    if _is_symbolic(value):
        return f"an expression in {', '.join(sorted(map(str, value.free_symbols)))}"
    return _show(value)


def _where(index: int, shape: tuple[int, ...]) -> str:
    if len(shape) == 1:
        return f"element {index + 1}"
    position = []
    for size in reversed(shape):
        position.append(index % size + 1)
        index //= size
    position.reverse()
    if len(shape) == 2:
        return f"row {position[0]}, column {position[1]}"
    return "element (" + ", ".join(map(str, position)) + ")"


def _squeezed(shape: tuple[int, ...] | None) -> tuple[int, ...] | None:
    return None if shape is None else tuple(n for n in shape if n != 1)


def _compare_arrays(expected: Any, given: Any, tol: Tolerance, kind: str,
                    given_text: Any, deadline: float,
                    definitions: Mapping | None = None) -> Comparison:
    want, got = _shape(expected), _shape(given)
    if want is None:
        raise ValueError("expected value has rows of different lengths")
    if isinstance(given, frozenset):
        return _wrong(f"expected {_describe_shape(want)}, got a set")
    if want != got and _squeezed(want) != _squeezed(got):
        return _wrong(f"shape mismatch: expected {_describe_shape(want)}, got {_describe_shape(got)}")
    wants, gots = _flatten(expected), _flatten(given)
    texts = _flatten(given_text) if _shape(given_text) == got else [None] * len(gots)
    element_kind = "auto" if kind in ("vector", "matrix", "shape") else kind
    wrong: list[str] = []
    low = False
    for index, (e, g, t) in enumerate(zip(wants, gots, texts)):
        result = _compare_any(e, g, tol, element_kind, t if isinstance(t, str) else None, deadline,
                              definitions)
        if not result.ok:
            low = low or result.low_precision
            wrong.append(f"{_where(index, want)}: {result.message}" if want else result.message)
    if not wrong:
        return _RIGHT
    total = len(wants)
    listed = "; ".join(wrong[:_MAX_LISTED])
    more = f"; and {len(wrong) - _MAX_LISTED} more" if len(wrong) > _MAX_LISTED else ""
    summary = f"{len(wrong)} of {total} elements wrong: " if total > 1 else ""
    return Comparison(False, (total - len(wrong)) / total, summary + listed + more, low)


# ---------------------------------------------------------------------------
# sets

def _compare_sets(expected: Any, given: Any, tol: Tolerance, deadline: float) -> Comparison:
    if not isinstance(expected, frozenset):
        expected = frozenset(expected if isinstance(expected, tuple) else (expected,))
    try:
        if isinstance(given, tuple):
            given = frozenset(given)
        elif not isinstance(given, frozenset):
            given = frozenset((given,))
    except TypeError:   # elements that are not values (mappings) cannot form a set
        return _wrong(f"expected a set, got {_describe(given)}")
    missing = [e for e in expected if e not in given]
    extra = [g for g in given if g not in expected]
    matched = len(expected) - len(missing)
    # what equality did not pair up may still match within the tolerance; huge
    # leftovers are only matched exactly, to keep the pairing quadratic cost small
    partners: dict[int, int] = {}
    if len(missing) * len(extra) <= _MAX_PAIRS:
        partners = _match(missing, extra,
                          lambda e, g: _compare_any(e, g, tol, "auto", None, deadline).ok)
    matched += len(partners)
    paired = set(partners.values())
    missing = [e for i, e in enumerate(missing) if i not in partners]
    extra = [g for j, g in enumerate(extra) if j not in paired]
    if not missing and not extra:
        return _RIGHT
    parts = []
    if missing:
        parts.append("missing: " + _listing(missing))
    if extra:
        parts.append("not expected: " + _listing(extra))
    fraction, scoring = _selection_score(matched, len(extra), len(expected))
    return Comparison(False, fraction, "; ".join(parts), scoring=scoring)


def _selection_score(right: int, wrong: int, options: int) -> tuple[float, str]:
    """(right picks − wrong picks) / right options, at least 0: picking everything earns
    nothing, and each wrong pick cancels a right one. Also the sentence that says so."""
    fraction = max(0.0, (right - wrong) / options) if options else 0.0
    picks = f"{_count(right, 'right pick')} − {_count(wrong, 'wrong pick')}"
    rule = f"({picks}) / {_count(options, 'right option')}"
    if fraction > 0:
        return fraction, f"{rule} = {fraction:.0%}"
    return fraction, f"{rule}, which is not above 0"


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def _listing(items: list, limit: int = 5) -> str:
    shown = sorted(_show(item) for item in items)
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def _match(left: list, right: list, fits) -> dict[int, int]:
    """A maximum pairing of left and right items that fit (augmenting paths)."""
    edges = {i: [j for j, r in enumerate(right) if fits(l, r)] for i, l in enumerate(left)}
    owner: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or place(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in edges:
        place(i, set())
    return {i: j for j, i in owner.items()}


# ---------------------------------------------------------------------------
# symbolic expressions

def _derivative_name(function: sympy.Basic, order: int) -> str:
    return str(function.func) + "'" * order


def _canonical(expr: sympy.Expr) -> sympy.Expr:
    """One form for both sides: symbols by canonical name, f' for df/dx.

    Symbol assumptions are dropped (a real ``x`` and a plain ``x`` are the
    same variable to a student), and a derivative of an undefined function
    of one argument becomes the applied function named with a prime, the
    form the answer parser produces for ``g'(a3)``.
    """
    def derivative(node: sympy.Derivative):
        inner = node.expr
        if isinstance(inner, AppliedUndef) and len(inner.args) == 1 and len(node.variables) >= 1 \
                and all(v == inner.args[0] for v in node.variables):
            return sympy.Function(_derivative_name(inner, len(node.variables)))(inner.args[0])
        return node.doit()

    def subs_node(node: sympy.Subs):
        body = node.expr
        if isinstance(body, sympy.Derivative) and isinstance(body.expr, AppliedUndef) \
                and len(node.variables) == 1 and len(body.expr.args) == 1 \
                and all(v == node.variables[0] for v in body.variables) \
                and body.expr.args[0] == node.variables[0]:
            name = _derivative_name(body.expr, len(body.variables))
            return sympy.Function(name)(node.point[0])
        return node.doit()

    if expr.has(sympy.Subs):
        expr = expr.replace(lambda n: isinstance(n, sympy.Subs), subs_node)
    if expr.has(sympy.Derivative):
        expr = expr.replace(lambda n: isinstance(n, sympy.Derivative), derivative)
    renamed = {}
    for symbol in expr.free_symbols:
        plain = sympy.Symbol(canonical_name(symbol.name))
        if isinstance(symbol, sympy.Symbol) and (plain != symbol or type(symbol) is not sympy.Symbol):
            renamed[symbol] = plain
    return expr.xreplace(renamed) if renamed else expr


def _as_expr(value: Any) -> sympy.Expr | None:
    if isinstance(value, bool) or isinstance(value, (str, tuple, frozenset)):
        return None
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, float):
        return sympy.Float(value, 17) if math.isfinite(value) else None
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return value if isinstance(value, sympy.Expr) else None


def _random_function(rng: random.Random, arity: int):
    """A smooth function of ``arity`` arguments with random coefficients."""
    def draw() -> sympy.Float:
        return sympy.Float(rng.uniform(0.5, 1.5), _EVAL_DIGITS)

    offset = sympy.Float(rng.uniform(-1, 1), _EVAL_DIGITS)
    terms = [(draw(), draw(), draw(), draw()) for _ in range(arity)]

    def build(*args):
        total = offset
        for (a, b, c, d), x in zip(terms, args):
            total += a * sympy.sin(b * x + c) + d * x
        return total

    return build


def _replace_unknown_functions(exprs: list[sympy.Expr], rng: random.Random) -> list[sympy.Expr]:
    applied = set().union(*(e.atoms(AppliedUndef) for e in exprs))
    if not applied:
        return exprs
    keys = sorted({(str(a.func), len(a.args)) for a in applied})
    stand_ins = {key: _random_function(rng, key[1]) for key in keys}

    def swap(node):
        return stand_ins[(str(node.func), len(node.args))](*node.args)

    return [e.replace(lambda n: isinstance(n, AppliedUndef), swap) for e in exprs]


_MP_FUNCTIONS = {
    sympy.exp: mpmath.exp, sympy.log: mpmath.log, sympy.sin: mpmath.sin, sympy.cos: mpmath.cos,
    sympy.tan: mpmath.tan, sympy.tanh: mpmath.tanh, sympy.sinh: mpmath.sinh,
    sympy.cosh: mpmath.cosh, sympy.Abs: abs,
}


def _mp(node: sympy.Basic, point: dict):
    """Evaluate a sympy tree with mpmath numbers, walking it ourselves.

    Much faster than substituting into sympy and calling evalf on large
    expanded expressions; node types it does not know are handed to
    sympy's evalf with the point substituted.
    """
    if node.is_Symbol:
        return point[node]
    if node.is_Integer:
        return mpmath.mpf(int(node))
    if node.is_Rational:
        return mpmath.mpf(int(node.p)) / int(node.q)
    if node.is_Float:
        return mpmath.mpf(node._mpf_)
    if node is sympy.pi:
        return +mpmath.pi
    if node is sympy.E:
        return +mpmath.e
    if node.is_Add:
        return mpmath.fsum(_mp(a, point) for a in node.args)
    if node.is_Mul:
        return mpmath.fprod(_mp(a, point) for a in node.args)
    if node.is_Pow:
        return mpmath.power(_mp(node.base, point), _mp(node.exp, point))
    function = _MP_FUNCTIONS.get(node.func)
    if function is not None and len(node.args) == 1:
        return function(_mp(node.args[0], point))
    if node.func in (sympy.Max, sympy.Min):
        values = [_mp(a, point) for a in node.args]
        if any(isinstance(v, mpmath.mpc) for v in values):
            raise ValueError("comparison of complex values")
        return max(values) if node.func is sympy.Max else min(values)
    substituted = node.xreplace({s: sympy.Float(point[s], _EVAL_DIGITS) for s in node.free_symbols})
    return mpmath.mpmathify(complex(substituted.evalf(_EVAL_DIGITS)))


def _evaluate(expr: sympy.Expr, point: dict) -> complex | None:
    try:
        with mpmath.workdps(_EVAL_DIGITS):
            value = complex(_mp(expr, point))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, RecursionError, KeyError):
        return None
    if not (math.isfinite(value.real) and math.isfinite(value.imag)):
        return None
    return value


def _close(a: complex, b: complex, rel: float, tiny: float) -> bool:
    return abs(a - b) <= tiny + rel * max(abs(a), abs(b))


def _numeric_verdict(e: sympy.Expr, g: sympy.Expr, tol: Tolerance, deadline: float,
                     inexact: bool, written: frozenset = frozenset()) -> tuple[bool | None, str]:
    """True/False when random points decide, None when too few points evaluate.

    Agreement is to nine digits unless ``inexact`` (the expected expression itself holds
    decimals, such as 0.5*x): a student's 1.005*x is not x, whatever the numeric tolerance.
    A disagreement names the point, the ``written`` symbols (those of the answers as written,
    before definitions were put in) first.
    """
    rng = random.Random(_SEED)   # the same answer always gets the same verdict
    e2, g2 = _replace_unknown_functions([e, g], rng)
    symbols = sorted(e2.free_symbols | g2.free_symbols, key=str)
    rel = max(tol.rel, _SYMBOLIC_REL) if inexact else _SYMBOLIC_REL
    tiny = tol.abs if inexact else 1e-15
    agreed = 0
    for _ in range(_ATTEMPTS):
        if agreed >= _POINTS or time.monotonic() > deadline:
            break
        point = {s: mpmath.mpf(rng.choice((-1, 1)) * rng.uniform(0.1, 2.0)) for s in symbols}
        a, b = _evaluate(e2, point), _evaluate(g2, point)
        if a is None or b is None:
            continue
        if not _close(a, b, rel, tiny):
            shown = sorted(point, key=lambda s: (s not in written, str(s)))[:4]
            where = ", ".join(f"{s}={float(point[s]):.3g}" for s in shown)
            shown_a, shown_b = _show_pair(a, b)
            return False, f" (at {where} the expected value is {shown_a}, yours {shown_b})"
        agreed += 1
    return (True, "") if agreed >= min(_POINTS, 3) else (None, "")


def _show_complex(value: complex, digits: int = 4) -> str:
    if abs(value.imag) <= 1e-12 * max(1.0, abs(value.real)):
        return f"{value.real:.{digits}g}"
    return f"{value.real:.{digits}g}{value.imag:+.{digits}g}i"


def _show_pair(a: complex, b: complex) -> tuple[str, str]:
    """Two different values with enough digits that they read differently (-2.301 and
    -2.30127 would both be -2.301 to four)."""
    for digits in range(4, 18):
        shown_a, shown_b = _show_complex(a, digits), _show_complex(b, digits)
        if shown_a != shown_b:
            break
    return shown_a, shown_b


#: one simplify at a time: an abandoned one holds it until it ends
_SIMPLIFY_SLOT = threading.BoundedSemaphore(1)


def _simplifies_to_zero(difference: sympy.Expr, time_limit: float) -> bool | None:
    """Run simplify in a daemon thread; None when it does not finish in time.

    A thread cannot be stopped, so a stuck simplify keeps running in the
    background until it ends; as a daemon it never delays interpreter exit.
    While one is still running no other starts (the answer is left undecided
    instead), so a class full of hard expressions costs one busy core at most,
    not one more thread per answer.
    """
    if not _SIMPLIFY_SLOT.acquire(blocking=False):
        return None
    outcome: list[bool | None] = []

    def work() -> None:
        try:
            outcome.append(sympy.simplify(difference) == 0)
        except Exception:  # simplify failing only means "not proven"
            outcome.append(None)
        finally:
            _SIMPLIFY_SLOT.release()

    worker = threading.Thread(target=work, name="nnsolve-simplify", daemon=True)
    worker.start()
    worker.join(max(time_limit, 0.0))
    return outcome[0] if outcome else None


#: an expression expanded by the derivation's definitions is given up beyond this many nodes
_MAX_EXPANDED_NODES = 20_000


def _size_within(expr: sympy.Basic, limit: int) -> bool:
    count, stack = 0, [expr]
    while stack:
        count += 1
        if count > limit:
            return False
        stack.extend(stack.pop().args)
    return True


def _canonical_definitions(definitions: Mapping | None) -> dict:
    """Symbol -> what it stands for, in the canonical form of both sides."""
    out = {}
    for symbol, value in (definitions or {}).items():
        if isinstance(symbol, sympy.Symbol) and isinstance(value, sympy.Expr):
            key = sympy.Symbol(canonical_name(symbol.name))
            value = _canonical(value)
            if value != key:
                out[key] = value
    return out


def _expand(expr: sympy.Expr, definitions: dict) -> sympy.Expr | None:
    """``expr`` with every defined symbol replaced by its definition, repeatedly, until only
    undefined ones are left (y5 -> g(a5) -> g(w05 + w35*g(a3) + ...)); None when that grows
    beyond reason or does not end."""
    for _ in range(len(definitions) + 1):
        used = expr.free_symbols & definitions.keys()
        if not used:
            return expr
        expr = expr.xreplace({s: definitions[s] for s in used})
        if not _size_within(expr, _MAX_EXPANDED_NODES):
            return None
    return None


def _compare_expressions(expected: Any, given: Any, tol: Tolerance, deadline: float,
                         definitions: Mapping | None = None) -> Comparison:
    e, g = _as_expr(expected), _as_expr(given)
    if e is None:
        raise ValueError(f"expected value is not an expression: {expected!r}")
    if g is None:
        return _wrong(f"expected an expression, got {_describe(given)}")
    e, g = _canonical(e), _canonical(g)
    if e == g:
        return _RIGHT
    inexact = e.has(sympy.Float)
    defined = _canonical_definitions(definitions)
    # both sides with the derivation's definitions put in (y4 = g(a4), a3 = w03 + ...,
    # delta5 = ...), so that eps*delta5*g(a4) and eps*delta5*y4 are one answer
    e_full, g_full = (_expand(e, defined), _expand(g, defined)) if defined else (e, g)
    if e_full is None or g_full is None:
        e_full, g_full, defined = e, g, {}
    if e_full == g_full:
        return _RIGHT
    verdict, detail = _numeric_verdict(e_full, g_full, tol, deadline, inexact,
                                       frozenset(e.free_symbols | g.free_symbols))
    if verdict is None:
        verdict = _simplifies_to_zero(e_full - g_full, deadline - time.monotonic())
    if verdict:
        return _RIGHT
    message = f"expected {_show(e)}, got {_show(g)}"
    if verdict is None:
        return Comparison(False, 0.0, message + ": nnsolve could not decide whether these are "
                          "equal, so a person must check it", undecided=True)
    return _wrong(message + _symbol_hint(e, g, defined) + detail)


def _surface(expr: sympy.Basic) -> set:
    """The symbols of ``expr`` outside the arguments of functions such as g and g'."""
    found, stack = set(), [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, sympy.Symbol):
            found.add(node)
        elif not isinstance(node, AppliedUndef):
            stack.extend(node.args)
    return found


def _written_out(symbols: set, defined: dict) -> set:
    """The surface symbols that ``symbols`` come to when defined ones are written out
    (delta5 -> 2*(t - y5)*g'(a5) -> t, since y5 = g(a5) hides a5 inside g)."""
    out, seen, stack = set(), set(), list(symbols)
    while stack:
        symbol = stack.pop()
        if symbol in seen:
            continue
        seen.add(symbol)
        if symbol in defined:
            stack.extend(_surface(defined[symbol]))
        else:
            out.add(symbol)
    return out


def _symbol_hint(e: sympy.Expr, g: sympy.Expr, defined: dict) -> str:
    """Names one side uses that the other has no counterpart for, even with the derivation's
    definitions written out: delta5 in an answer is no stranger to an expected answer written
    with 2*(t - y5)*g'(a5), while x2 where x1 belongs is."""
    e_names, g_names = _surface(e), _surface(g)
    e_all, g_all = _written_out(e_names, defined), _written_out(g_names, defined)
    foreign = sorted(str(s) for s in g_names - e_names
                     if not _written_out({s}, defined) <= e_all)
    unused = sorted(str(s) for s in e_names - g_names
                    if not _written_out({s}, defined) <= g_all)
    hint = ""
    if foreign:
        hint += f"; your answer uses {', '.join(foreign)}, which the expected answer does not use"
    if unused:
        hint += f"; your answer does not use {', '.join(unused)}"
    return hint


# ---------------------------------------------------------------------------
# dispatch

def _compare_any(expected: Any, given: Any, tol: Tolerance, kind: str,
                 given_text: Any, deadline: float,
                 definitions: Mapping | None = None) -> Comparison:
    if given is None:
        return _wrong("no answer given")
    if kind == "set" or isinstance(expected, frozenset):
        return _compare_sets(expected, given, tol, deadline)
    if kind == "boolean" or isinstance(expected, bool):
        return _compare_booleans(expected, given)
    if kind == "label" or isinstance(expected, str):
        return _compare_labels(expected, given)
    if isinstance(expected, tuple) or isinstance(given, tuple):
        return _compare_arrays(expected, given, tol, kind, given_text, deadline, definitions)
    if isinstance(given, frozenset):
        return _wrong(f"expected {_describe_shape(())}, got a set")
    if _is_symbolic(expected) or (kind == "expression" and not _is_number(given)):
        return _compare_expressions(expected, given, tol, deadline, definitions)
    return _compare_numbers(expected, given, tol, given_text)


def compare(expected: Any, given: Any, tol: Tolerance, *, kind: str = "number",
            time_limit: float = 2.0, given_text: Any = None,
            definitions: Mapping | None = None) -> Comparison:
    """Compare a student's ``given`` value with ``expected``.

    ``kind`` is one of :data:`KINDS`; the shape of ``expected`` decides
    most cases by itself (tuples are arrays, frozensets sets, str labels,
    expressions with symbols symbolic), ``kind`` forces set, label, boolean
    or expression semantics.  ``given_text`` is what the student wrote (a
    string, or nested lists of strings for an array) and serves only to
    count the digits they gave; for a float without it, ``repr`` is used.
    ``time_limit`` bounds the symbolic checks in seconds; a symbolic answer
    that can neither be evaluated nor simplified in time is not accepted,
    and its message says it could not be checked.  ``definitions`` maps symbols
    to what they stand for in the derivation (y4 -> g(a4), a3 -> w03 + w13*x1 + ...): a
    symbolic answer is compared with both sides written out through them.

    Raises ValueError only for a malformed ``expected`` value or ``kind``;
    anything a student can give yields a Comparison.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of {sorted(KINDS)}")
    deadline = time.monotonic() + time_limit
    return _compare_any(_plain(expected), _plain(given), tol, kind, _plain(given_text), deadline,
                        definitions)
