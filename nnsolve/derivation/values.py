"""The one representation of values that solvers produce and renderers and the grader read.

A value is:
- a scalar: a sympy Integer or Rational (exact), a small exact sympy number such as
  sqrt(2)/2 or 1/(1 + e^-1), or a Python float (inexact);
- a vector: a tuple of scalars; a matrix: a tuple of row tuples; a tensor: deeper tuples;
- a label: a str; a set: a frozenset of values;
- a symbolic expression: a sympy Expr with free symbols;
- a mapping, multiset, partition or table (see `structures`).

Values are written as plain text here (`format_value`, on which every kind's text form and
every message rests) and as JSON (`to_json`); LaTeX and MathML are `printing`'s and `mathml`'s.

Exact stays exact while it stays readable: an exact result that grows beyond a few operations
becomes a float, so a second forward pass does not turn into a page of nested exponentials.
"""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction
from functools import lru_cache
from typing import Any, Iterable, Sequence

import sympy
from sympy.printing.str import StrPrinter

from nnsolve.derivation import layout as L
from nnsolve.derivation import structures as S

#: an exact number with more operations than this is shown and carried as a float
MAX_EXACT_OPS = 8
#: an exact form longer than this is not shown beside the decimal: it would not help a student
MAX_EXACT_TEXT = 24


def normalize(value: Any) -> Any:
    """Bring anything a solver computed (numpy arrays, lists, sympy matrices, ints) to a value."""
    if isinstance(value, (str, float)):
        return value
    if isinstance(value, (S.FrozenMap, S.TableValue)):
        return value
    if isinstance(value, Counter):
        return S.Multiset((k, normalize(v)) for k, v in value.items())
    if isinstance(value, dict):
        return S.FrozenMap((k, normalize(v)) for k, v in value.items())
    if isinstance(value, bool):
        return sympy.Integer(int(value))
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, (frozenset, set)):
        return frozenset(normalize(v) for v in value)
    if isinstance(value, sympy.NDimArray):
        return normalize(value.tolist())
    if isinstance(value, sympy.MatrixBase):
        rows = value.tolist()
        return tuple(tuple(normalize(v) for v in row) for row in rows)
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # numpy array or scalar
        if getattr(value, "ndim", 0) and value.dtype.kind == "f":
            return _float_tuples(value.tolist())    # a large feature map: floats are values
        return normalize(value.tolist())
    if isinstance(value, (list, tuple)):
        if _floats_only(value):
            return value if isinstance(value, tuple) else tuple(value)
        return tuple(normalize(v) for v in value)
    if isinstance(value, sympy.Basic):
        return _normalize_sympy(value)
    raise TypeError(f"not a value: {value!r}")


def _floats_only(row: Any) -> bool:
    """A row of plain floats, already values: checked in one pass, so a tensor of millions of
    floats is not normalised element by element."""
    return set(map(type, row)) <= {float}


def _float_tuples(nested: Any) -> Any:
    """Nested lists of floats (numpy's `tolist`) as nested tuples."""
    if nested and isinstance(nested[0], list):
        return tuple(_float_tuples(item) for item in nested)
    return tuple(nested)


def _normalize_sympy(expr: sympy.Basic) -> Any:
    if expr.free_symbols:
        return expr
    if isinstance(expr, sympy.Float):
        return float(expr)
    if expr.is_Rational:
        return expr
    if expr.is_number:
        settled = _settled(expr)
        if settled is not None:
            return settled
        if expr.has(sympy.Float) or sympy.count_ops(expr) > MAX_EXACT_OPS:
            return float(expr.evalf(17))
        if expr.is_real is False:
            raise ValueError(f"complex value {expr}")
        return expr
    return expr


def _settled(expr: sympy.Expr) -> Any:
    """An exact number as the board keeps it: exact while it is short and safe to hand on
    (sympy evaluates it right, so it prints, converts and grades as itself), else the float
    nearest it, proven by interval arithmetic; None when that cannot evaluate it. A saturated
    σ makes sympy lose exact values to cancellation: 1 − 1/(1 + e^−1000000) would print as
    2.4e-125 (kept as 1/(1 + e^1000000)), and −log(1/(1 + e^−60)) as 0 (it is 8.7565e-27)."""
    from nnsolve.derivation.proven import real_value

    number = real_value(expr)
    if number is None or not math.isfinite(number):
        return None
    if expr.has(sympy.Float) or sympy.count_ops(expr) > MAX_EXACT_OPS:
        return number
    for form in (expr, sympy.together(expr)):
        if sympy.count_ops(form) <= MAX_EXACT_OPS and not _log_near_one(form) and \
                _evaluates_to(form, number):
            return form
    return number


#: a logarithm of a number this close to 1 is not kept exact (see `_log_near_one`)
LOG_MARGIN = 1e-4


def _log_near_one(form: sympy.Expr) -> bool:
    """Whether `form` takes the logarithm of a number within LOG_MARGIN of 1, such as
    log(1/(1 + e^−40)). sympy decides such a logarithm's sign by evaluating u − 1 to a few
    digits, which cancellation spoils: whether it then calls −log(1/(1 + e^−40)) real depends
    on the hash seed (from u − 1 ≈ 10^−8 on), and a value it does not call real is refused."""
    from nnsolve.derivation.proven import real_value

    for node in sympy.preorder_traversal(form):
        if isinstance(node, sympy.log):
            gap = real_value(node.args[0] - 1)
            if gap is None or abs(gap) < LOG_MARGIN:
                return True
    return False


def _evaluates_to(form: sympy.Expr, number: float) -> bool:
    """Whether sympy's own evaluation of an exact form gives the proven value."""
    try:
        shown = float(form)
    except (TypeError, ValueError, ArithmeticError):
        return False
    return shown == number or abs(shown - number) <= 1e-12 * abs(number)


def is_exact(value: Any) -> bool:
    """True for values that carry no rounding (integers, fractions, small exact numbers)."""
    if isinstance(value, tuple):
        return all(is_exact(v) for v in value)
    return isinstance(value, sympy.Expr) and not value.free_symbols and not value.has(sympy.Float)


def to_sympy(value: Any) -> Any:
    """A scalar as a sympy number (floats become Floats), for substitution into formulas."""
    if isinstance(value, float):
        return sympy.Float(value, 17)
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, tuple):
        dims = shape_or_none(value)
        if dims is not None and len(dims) >= 3:
            return sympy.ImmutableDenseNDimArray([to_sympy(v) for _, v in
                                                  indexed_elements(value)], dims)
        if value and isinstance(value[0], tuple):
            return sympy.ImmutableMatrix([[to_sympy(v) for v in row] for row in value])
        return sympy.ImmutableMatrix([to_sympy(v) for v in value])
    return value


def sympy_object(value: Any) -> sympy.Basic:
    """A number or a sympy object as sympy's own, for the arguments of an expression a solver
    builds. Text, or anything else, is refused as sympy's strict conversion refuses it
    (SympifyError): what reaches a formula is never parsed, so no student's or file's string
    can become code or a symbol."""
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, sympy.MatrixBase):
        return sympy.ImmutableMatrix(value)
    if isinstance(value, bool):
        return sympy.true if value else sympy.false
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, float):
        return sympy.Float(value)
    if getattr(value, "shape", None) == () and hasattr(value, "item"):    # a numpy scalar
        return sympy_object(value.item())
    raise sympy.SympifyError(value)


def to_float(value: Any) -> float:
    if isinstance(value, float):
        return value
    if isinstance(value, sympy.Expr) and not value.is_Atom:
        return exact_float(value)
    return float(value)


@lru_cache(maxsize=4096)
def exact_float(value: sympy.Expr) -> float:
    """The float of an exact number such as tanh(1), evaluated once per process: a key's
    values are written into every student's record and compared with every answer."""
    return float(value)


def to_array(value: Any):
    """A vector or matrix value as a float numpy array (for numeric work)."""
    import numpy as np

    if isinstance(value, tuple):
        return np.array([to_array(v) for v in value], dtype=float)
    return to_float(value)


#: an array's shape read along its first entries (see `layout.dims`; `rank` checks it)
shape = L.dims


def rank(value: Any) -> int | None:
    """How many axes a nested tuple has; None when its rows differ in length or depth (a
    ragged array is no vector, matrix or tensor)."""
    dims = shape_or_none(value)
    return None if dims is None else len(dims)


def shape_or_none(value: Any) -> tuple[int, ...] | None:
    """The shape of a regular nested tuple, None for a ragged one."""
    if not isinstance(value, tuple):
        return ()
    if not value:
        return (0,)
    if not isinstance(value[0], tuple):     # a row of scalars, in one pass
        return None if any(issubclass(t, tuple) for t in set(map(type, value))) else \
            (len(value),)
    inner = {shape_or_none(v) for v in value}
    if len(inner) != 1 or None in inner:
        return None
    return (len(value), *inner.pop())


def indexed_elements(value: Any, dims: tuple[int, ...] | None = None):
    """(index tuple, scalar) for every element of a regular array, in row-major order."""
    if not isinstance(value, tuple):
        yield (), value
        return
    for i, item in enumerate(value):
        for index, element in indexed_elements(item):
            yield (i, *index), element


#: `exact=FRACTIONS` writes a number the way it is put into a formula: a fraction stays exact
#: (1/3), any other exact number shows its decimal (1/(1 + e^-1) as 0.7311), so that the
#: substituted formula reads as arithmetic a student can check
FRACTIONS = "fractions"


def shows_exactly(value: Any, exact: bool | str) -> bool:
    """Whether an exact number is written in its exact form: with exact=True always, with
    FRACTIONS when it is a fraction, with exact=False never (the decimal form)."""
    if exact is False or not is_exact(value):
        return False
    return exact is True or (exact == FRACTIONS and value.is_Rational)


def format_number(value: Any, digits: int = 4) -> str:
    """A scalar as a person writes it: integers in full, others to `digits` decimals."""
    if isinstance(value, sympy.Integer) or isinstance(value, int):
        return str(int(value))
    if isinstance(value, sympy.Expr) and value.free_symbols:
        return expression_text(value)
    x = to_float(value) + 0.0   # + 0.0: no "-0.0" for a zero that came out negative
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x)) if not isinstance(value, float) else f"{x:.1f}"
    magnitude = abs(x)
    if magnitude != 0 and (magnitude < 10 ** -digits or magnitude >= 1e9):
        return f"{x:.{digits}e}"
    text = f"{x:.{digits}f}"
    if "." in text and abs(float(text) - x) <= 1e-14 * max(1.0, abs(x)):
        # 0.5, not 0.5000, for a value that is 0.5 (up to float noise, as 0.1 + 0.7 is); but
        # -0.8450 stays: its last zero says the value was rounded to four decimals
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def exact_text(value: Any) -> str | None:
    """The exact form of a value where it differs from its decimal form ("1/3"), else None."""
    if isinstance(value, tuple):
        if _floats_only(value):
            return None
        inner = [exact_text(v) for v in value]
        if all(t is None for t in inner):
            return None
        return "[" + ", ".join(t if t is not None else format_value(v)
                               for t, v in zip(inner, value)) + "]"
    if isinstance(value, sympy.Expr) and not value.free_symbols and not isinstance(
            value, sympy.Integer) and is_exact(value):
        text = expression_text(value)
        return text if len(text) <= MAX_EXACT_TEXT else None
    return None


def shown_exactly(value: Any, shown: str) -> bool:
    """True when the decimal text is the value itself (1/2 is 0.5), not a rounding of it."""
    if not (isinstance(value, sympy.Expr) and value.is_Rational):
        return False
    try:
        return sympy.Rational(shown) == value
    except (TypeError, ValueError):
        return False


def grouped_count(value: Any) -> str:
    """A whole number of 1,000 or more grouped by thousands as counts are (34,944), for the
    numbers put into a displayed formula to read as the values they came from; '' otherwise."""
    if isinstance(value, sympy.Integer) and value >= 1000:
        return f"{int(value):,}"
    return ""


def rounded_in(value: Any, shown: str) -> bool:
    """True when the text of a decimal number is a rounding of it (0.21618 shown as 0.2162),
    so that the chain says ≈ there and = everywhere else."""
    if isinstance(value, bool) or not isinstance(value, (float, sympy.Float)):
        return False
    try:
        return float(shown.replace(",", "").replace("\u2009", "")) != float(value)
    except ValueError:
        return False


def expression_text(value: sympy.Expr) -> str:
    """An expression in sympy's canonical order, as students type it and the answer parser
    reads it (x^2): the form JSON and the exact forms of numbers keep, whatever order the
    solver built the expression in."""
    return sympy.sstr(value).replace("**", "^")


class AsWritten(StrPrinter):
    """Expressions in the order the solver built them, which is the order of the formula on
    the board (1 + floor((H - F + 2*P)/S), not sympy's floor((-F + H + 2*P)/S) + 1), with
    powers written x^2."""

    def __init__(self, settings: dict | None = None):
        super().__init__({"order": "none", **(settings or {})})

    def _print_Pow(self, expr, rational=False):
        return super()._print_Pow(expr, rational=rational).replace("**", "^")

    def _print(self, expr, **kwargs):
        # an Indexed prints itself (`_sympystr`), which would pass by `_print_Indexed`
        if isinstance(expr, sympy.Indexed):
            return self._print_Indexed(expr)
        return super()._print(expr, **kwargs)

    def _print_Indexed(self, expr):
        return offsets_last(self, lambda e: f"{self._print(e.base.label)}["
                            f"{', '.join(self._print(i) for i in e.indices)}]", expr)


def offsets_last(printer, print_indexed, expr) -> str:
    """x[i + m - 1, j + n - 1] as a course writes an index: the constant offset last, the
    other terms in the order the printer keeps them (sympy puts a sum's number first, and
    x[-1 + i + m] reads as a typo). Each printer's Indexed goes through here."""
    ordered = printer._as_ordered_terms

    def numbers_last(add, order=None):
        terms = ordered(add, order=order)
        return [t for t in terms if not t.is_Number] + [t for t in terms if t.is_Number]

    printer._as_ordered_terms = numbers_last
    try:
        return print_indexed(expr)
    finally:
        del printer._as_ordered_terms


def as_written(expr: sympy.Basic) -> str:
    """A symbolic value or exact number as the derivation shows it (see AsWritten)."""
    return AsWritten().doprint(expr)


def format_value(value: Any, digits: int = 4, *, exact: bool | str = False,
                 elide: bool = False) -> str:
    """A value on one line of plain text: the one writer of values as text, for the terminal,
    feedback, messages and every kind's `text`. Numbers are decimals unless `exact` (True:
    1/3 and 1/(1 + exp(-1)); FRACTIONS: 1/3 only); `elide` shortens long axes with `…`.
    Shapes (55×55×96) and counts (34,944) are their kinds' forms, not the value's."""
    def inner(item: Any) -> str:
        return format_value(item, digits, exact=exact, elide=elide)

    if isinstance(value, str):
        return value
    if isinstance(value, S.Partition):
        classes = L.partition_classes(value)
        colours = L.labels_worth_showing(classes)
        return "{" + ", ".join("{" + ", ".join(members) + "}" + (f"_{label}" if colours else "")
                               for members, label in classes) + "}"
    if isinstance(value, S.Multiset):
        return "{" + mapping_text((k, inner(n)) for k, n in L.multiset_items(value)) + "}"
    if isinstance(value, S.FrozenMap):
        return mapping_text((k, inner(v)) for k, v in value.items())
    if isinstance(value, S.TableValue):
        return table_text(value.header, [[inner(c) for c in row] for row in value.rows])
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(inner(v) for v in value)) + "}"
    if isinstance(value, tuple):
        if L.is_tensor(value):
            slices = ("…" if s is None else f"{s[0]}: {inner(s[1])}"
                      for s in L.tensor_slices(value, elide))
            return f"shape {L.shape_text(value)}; " + ", ".join(slices)
        return "[" + ", ".join("…" if v is ... else inner(v) for v in L.shown(value, elide)) + "]"
    if isinstance(value, sympy.Expr) and (value.free_symbols or (
            shows_exactly(value, exact) and not isinstance(value, sympy.Integer))):
        return as_written(value)
    return format_number(value, digits)


def mapping_text(pairs: Iterable[tuple[str, str]]) -> str:
    """Written keys and values as `{1: A, 2: B}`."""
    return "{" + ", ".join(f"{key}: {text}" for key, text in pairs) + "}"


def table_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A header and written rows on one line: `[node | colour] 1 | A; 2 | B`."""
    head = "[" + " | ".join(header) + "]"
    return " ".join([head, "; ".join(" | ".join(row) for row in rows)]).rstrip()


def to_json(value: Any) -> Any:
    """JSON numbers, nested lists or strings: sets as sorted lists, symbolic values as text,
    mappings as objects in the order written, multisets as objects in natural key order,
    partitions as their classes (lists of elements in natural order, classes by their first
    element: a colouring's labels are not part of it), tables as header and rows."""
    if isinstance(value, str):
        return value
    if isinstance(value, S.Partition):
        return [members for members, _ in L.partition_classes(value)]
    if isinstance(value, S.Multiset):
        return {key: to_json(n) for key, n in L.multiset_items(value)}
    if isinstance(value, S.FrozenMap):
        return {key: to_json(v) for key, v in value.items()}
    if isinstance(value, S.TableValue):
        return {"header": list(value.header), "rows": [[to_json(c) for c in row]
                                                       for row in value.rows]}
    if isinstance(value, frozenset):
        items = [to_json(v) for v in value]
        return sorted(items, key=lambda v: (str(type(v)), str(v)))
    if isinstance(value, tuple):
        return list(value) if _floats_only(value) else [to_json(v) for v in value]
    if isinstance(value, float):
        return value
    if isinstance(value, sympy.Integer):
        return int(value)
    if isinstance(value, sympy.Expr):
        if value.free_symbols:
            return expression_text(value)
        try:
            return exact_float(value)
        except TypeError:  # not a real number (a student's (-8)^(1/3)): shown as written
            return expression_text(value)
    if isinstance(value, int):
        return value
    return str(value)
