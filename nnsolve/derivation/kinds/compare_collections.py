"""Arrays of any rank (vectors, matrices, tensors) and sets.

Arrays are compared element by element, so one wrong element costs one element and the
message names where it is (``row 2, column 1``). A student's array may differ from the key
only in axes of length 1 (``[[1, 2, 3]]`` for ``[1, 2, 3]``): that is how a vector is written as
a row, not a mistake. Sets are compared without regard to order; what equality does not pair
up may still match within the tolerance, and the credit of a selection is right picks less
wrong picks, so ticking every option earns nothing.

Both take an `element` comparator, ``(expected, given, tol, context) -> Comparison``, the
kind's own rule for one element: these rules do not need to know what an element is.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

from nnsolve.derivation import structures as S
from nnsolve.derivation.kinds.base import CompareContext
from nnsolve.derivation.kinds.compare_numbers import array_shape, describe, describe_shape, show
from nnsolve.derivation.kinds.tolerance import RIGHT, Comparison, Tolerance, wrong

#: (expected, given, tolerance, context) -> Comparison, for one element
Element = Callable[[Any, Any, Tolerance, CompareContext], Comparison]

MAX_LISTED = 3            # wrong elements named in one message
_MAX_PAIRS = 250_000      # set elements compared pairwise at most


# -- arrays -----------------------------------------------------------------------------------

def flatten(value: Any) -> list:
    if isinstance(value, tuple):
        return [item for v in value for item in flatten(v)]
    return [value]


def position(index: int, shape: tuple[int, ...]) -> str:
    """Where the element at a row-major index sits, as a student counts (from 1)."""
    if len(shape) == 1:
        return f"element {index + 1}"
    where = []
    for size in reversed(shape):
        where.append(index % size + 1)
        index //= size
    where.reverse()
    if len(shape) == 2:
        return f"row {where[0]}, column {where[1]}"
    return "element (" + ", ".join(map(str, where)) + ")"


def _squeezed(shape: tuple[int, ...] | None) -> tuple[int, ...] | None:
    return None if shape is None else tuple(n for n in shape if n != 1)


def listed_wrong(wrong_ones: list[str], total: int, what: str = "elements") -> str:
    """`2 of 9 elements wrong: row 1, column 1: …; …; and 3 more`."""
    listed = "; ".join(wrong_ones[:MAX_LISTED])
    more = f"; and {len(wrong_ones) - MAX_LISTED} more" if len(wrong_ones) > MAX_LISTED else ""
    summary = f"{len(wrong_ones)} of {total} {what} wrong: " if total > 1 else ""
    return summary + listed + more


def compare_array(expected: Any, given: Any, tol: Tolerance, context: CompareContext,
                  element: Element) -> Comparison:
    want, got = array_shape(expected), array_shape(given)
    if want is None:
        raise ValueError("expected value has rows of different lengths")
    if isinstance(given, frozenset):
        return wrong(f"expected {describe_shape(want)}, got a set")
    if not isinstance(given, tuple) and not isinstance(expected, tuple):
        return element(expected, given, tol, context)
    if want != got and _squeezed(want) != _squeezed(got):
        if got == () and not _is_value(given):
            return wrong(f"expected {describe_shape(want)}, got {describe(given)}")
        return wrong(f"shape mismatch: expected {describe_shape(want)}, got {describe_shape(got)}")
    wants, gots = flatten(expected), flatten(given)
    texts = flatten(context.given_text) if array_shape(context.given_text) == got \
        else [None] * len(gots)
    wrong_ones: list[str] = []
    low = False
    for index, (e, g, t) in enumerate(zip(wants, gots, texts)):
        result = element(e, g, tol, replace(context, given_text=t if isinstance(t, str) else None))
        if not result.ok:
            low = low or result.low_precision
            wrong_ones.append(f"{position(index, want)}: {result.message}" if want
                              else result.message)
    if not wrong_ones:
        return RIGHT
    total = len(wants)
    return Comparison(False, (total - len(wrong_ones)) / total, listed_wrong(wrong_ones, total),
                      low)


def _is_value(value: Any) -> bool:
    """Whether a non-array answer is a single value at all (not a mapping or a table)."""
    return not isinstance(value, (S.FrozenMap, S.TableValue))


# -- sets -------------------------------------------------------------------------------------

def compare_set(expected: Any, given: Any, tol: Tolerance, context: CompareContext,
                element: Element) -> Comparison:
    if not isinstance(expected, frozenset):
        expected = frozenset(expected if isinstance(expected, tuple) else (expected,))
    try:
        if isinstance(given, tuple):
            given = frozenset(given)
        elif not isinstance(given, frozenset):
            given = frozenset((given,))
    except TypeError:   # elements that are not values (mappings) cannot form a set
        return wrong(f"expected a set, got {describe(given)}")
    missing = [e for e in expected if e not in given]
    extra = [g for g in given if g not in expected]
    matched = len(expected) - len(missing)
    # what equality did not pair up may still match within the tolerance; huge
    # leftovers are only matched exactly, to keep the pairing quadratic cost small
    partners: dict[int, int] = {}
    if len(missing) * len(extra) <= _MAX_PAIRS:
        alone = replace(context, given_text=None)
        partners = match(missing, extra, lambda e, g: element(e, g, tol, alone).ok)
    matched += len(partners)
    paired = set(partners.values())
    missing = [e for i, e in enumerate(missing) if i not in partners]
    extra = [g for j, g in enumerate(extra) if j not in paired]
    if not missing and not extra:
        return RIGHT
    parts = []
    if missing:
        parts.append("missing: " + listing(missing))
    if extra:
        parts.append("not expected: " + listing(extra))
    fraction, scoring = _selection_score(matched, len(extra), len(expected))
    return Comparison(False, fraction, "; ".join(parts), scoring=scoring)


def _selection_score(right: int, wrong_picks: int, options: int) -> tuple[float, str]:
    """(right picks − wrong picks) / right options, at least 0: picking everything earns
    nothing, and each wrong pick cancels a right one. Also the sentence that says so."""
    fraction = max(0.0, (right - wrong_picks) / options) if options else 0.0
    picks = f"{count(right, 'right pick')} − {count(wrong_picks, 'wrong pick')}"
    rule = f"({picks}) / {count(options, 'right option')}"
    if fraction > 0:
        return fraction, f"{rule} = {fraction:.0%}"
    return fraction, f"{rule}, which is not above 0"


def count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def listing(items: list, limit: int = 5, shown=show) -> str:
    texts = sorted(shown(item) for item in items)
    more = f" and {len(texts) - limit} more" if len(texts) > limit else ""
    return ", ".join(texts[:limit]) + more


def match(left: list, right: list, fits) -> dict[int, int]:
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
