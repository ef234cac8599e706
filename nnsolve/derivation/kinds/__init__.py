"""Kinds of value: each knows how its values are normalised, written, read and compared.

    from nnsolve.derivation import kinds
    kinds.get("partition").compare(expected, given, tolerance, context)
    kinds.register(MyKind())          # a plugin's own kind
"""

from __future__ import annotations

import time
from typing import Any, Mapping

from nnsolve.derivation.kinds.base import AnswerReader, CompareContext, ValueKind
from nnsolve.derivation.kinds.registry import all_kinds, get, guess, names, register
from nnsolve.derivation.kinds.tolerance import Comparison, Tolerance

__all__ = ["AnswerReader", "CompareContext", "Comparison", "Tolerance", "ValueKind", "all_kinds",
           "compare", "get", "guess", "names", "register"]


def compare(expected: Any, given: Any, tol: Tolerance, *, kind: str = "number",
            time_limit: float = 2.0, given_text: Any = None,
            definitions: Mapping | None = None,
            simplify_limit: float | None = None) -> Comparison:
    """Compare a student's `given` value with `expected` by the rules of `kind` ("auto": by
    what `expected` is). `given_text` is what the student wrote (it counts their digits);
    `time_limit` bounds symbolic checks in seconds; `definitions` maps symbols to what they
    stand for in the derivation; `simplify_limit` bounds the seconds `simplify` may take (None:
    what is left of `time_limit`, 0: not tried). Lists may stand for tuples and sets for frozensets. Raises
    ValueError only for a malformed `expected` or an unknown kind; anything a student can give
    yields a Comparison."""
    from nnsolve.derivation.kinds.compare_numbers import plain
    from nnsolve.derivation.kinds.scalars import compare_any

    now = time.monotonic()
    context = CompareContext(now + time_limit, plain(given_text), definitions,
                             None if simplify_limit is None else now + simplify_limit)
    expected, given = plain(expected), plain(given)
    if kind == "auto":
        return compare_any(expected, given, tol, context)
    try:
        value_kind = get(kind)
    except KeyError as exc:
        raise ValueError(str(exc)) from None
    if given is None:
        from nnsolve.derivation.kinds.tolerance import wrong

        return wrong("no answer given")
    return value_kind.compare(expected, given, tol, context)
