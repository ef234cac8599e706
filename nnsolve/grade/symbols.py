"""The names a symbolic answer may use, and what the problem already fixed about them.

A symbolic part (E1(a): Δw13 in terms of ε, g'(·), the inputs and the deltas) is answered
with the derivation's own names. Only those names are allowed, so a typo is reported as an
unknown name instead of silently becoming a new symbol; and a name whose value the problem
gives as a number (the bias input x0 = 1) may be written or left out: both mean the same.
"""

from __future__ import annotations

import re
from typing import Any

import sympy
from sympy.core.function import AppliedUndef

from nnsolve.derivation.core import Derivation

_TYPEABLE = re.compile(r"[^\W\d_][\w']*\Z")


def _scalars(value: Any):
    if isinstance(value, (tuple, frozenset)):
        for item in value:
            yield from _scalars(item)
    else:
        yield value


def has_symbols(value: Any) -> bool:
    return any(isinstance(v, sympy.Basic) and bool(v.free_symbols) for v in _scalars(value))


def answer_symbols(d: Derivation) -> dict[str, Any]:
    """Name -> sympy Symbol (or undefined function, such as g in g'(a3)) a student may write:
    every symbol in the derivation's symbolic values, and the quantities' own names."""
    symbols: dict[str, Any] = {}
    for q in d:
        if isinstance(q.symbol, sympy.Symbol) and _TYPEABLE.match(q.symbol.name):
            symbols.setdefault(q.symbol.name, q.symbol)
    for q in d:
        for item in _scalars(q.value):
            if isinstance(item, sympy.Basic) and item.free_symbols:
                for s in item.free_symbols:
                    if isinstance(s, sympy.Symbol):
                        symbols[s.name] = s
                for applied in item.atoms(AppliedUndef):
                    symbols[str(applied.func)] = applied.func
    return symbols


def fixed_numbers(d: Derivation, answer: Any, expected: Any) -> Any:
    """`answer` with given quantities the problem fixed as numbers put in (x0 -> 1), where the
    expected value has them put in too."""
    if not isinstance(answer, sympy.Basic) or not answer.free_symbols:
        return answer
    keep = set().union(*(v.free_symbols for v in _scalars(expected) if isinstance(v, sympy.Basic)))
    by_symbol = {q.symbol: q for q in d if q.given}
    numbers = {}
    for s in answer.free_symbols - keep:
        q = by_symbol.get(s) or next((g for g in by_symbol.values()
                                      if getattr(g.symbol, "name", None) == getattr(s, "name", "")),
                                     None)
        if q is not None and not isinstance(q.value, (str, tuple, frozenset)) \
                and isinstance(q.value, (int, float, sympy.Number)):
            numbers[s] = sympy.Float(q.value) if isinstance(q.value, float) else q.value
    return answer.xreplace(numbers) if numbers else answer


def definitions(d: Derivation) -> dict[sympy.Symbol, sympy.Expr]:
    """What each name a symbolic answer may use stands for in the derivation: y4 -> g(a4),
    a3 -> w03 + w13*x1 + w23*x2, delta5 -> 2*(t - y5)*g'(a5), x0 -> 1. Comparing answers
    with these put in on both sides makes eps*delta5*g(a4) the same answer as eps*delta5*y4.
    Givens the problem leaves symbolic (w13, x1) stand for themselves and are left out."""
    out: dict[sympy.Symbol, sympy.Expr] = {}
    for q in d:
        symbol, value = q.symbol, q.value
        if not isinstance(symbol, sympy.Symbol) or not _TYPEABLE.match(symbol.name):
            continue
        if not isinstance(value, sympy.Expr) or value == symbol:
            continue
        if q.given and not value.is_number:
            continue
        out[symbol] = value
    return out
