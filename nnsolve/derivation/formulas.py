"""A formula's inputs and its recompute rule: the one place that turns a sympy formula into
"which quantities does this use, and what is it for other values of them".

The same rule computes the right answer, the answer from a student's own earlier values (error
carried forward) and the answer a known mistake gives (a misconception written as a formula),
so the three can never disagree about what the formula means.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import sympy
from sympy.core.operations import LatticeOp
from sympy.core.sorting import default_sort_key
from sympy.matrices.expressions.matexpr import MatrixExpr

from nnsolve.derivation import values as V

Rule = Callable[[Mapping[str, Any]], Any]

_LEAVES = (sympy.Symbol, sympy.MatrixSymbol)


def leaves(formula: sympy.Basic) -> list[sympy.Basic]:
    """The symbols a formula uses, in the order it is written (a3 = w13·x1 + w23·x2 + w03
    uses w13, x1, w23, x2, w03), each once; bound variables of sums are not inputs. The
    arguments of max and min are a set to sympy, so they are taken in the order they are
    printed: the same on every run."""
    seen: list[sympy.Basic] = []
    bound: set = set()
    stack = [formula]
    while stack:
        node = stack.pop()
        if isinstance(node, (sympy.Indexed, sympy.IndexedBase)):
            continue            # x[i + m, j + n] of a family's general formula: no input
        if isinstance(node, (sympy.Sum, sympy.Product)):
            bound.update(limit[0] for limit in node.limits)
        if isinstance(node, _LEAVES) and node not in seen and node not in bound and \
                not isinstance(node, sympy.Dummy):
            seen.append(node)
        args = node.args
        if isinstance(node, LatticeOp):
            args = sorted(args, key=default_sort_key)
        stack.extend(reversed(args))
    return seen


def inputs(formula: sympy.Basic, names_by_symbol: Mapping[sympy.Basic, str],
           keep: Iterable[str] = ()) -> tuple[str, ...]:
    """The names of the quantities a formula uses, in written order; names in `keep` stay
    symbols (a symbolic exercise) and are no inputs."""
    keep = frozenset(keep)
    names = []
    for symbol in leaves(formula):
        name = names_by_symbol.get(symbol)
        if name is None:
            raise KeyError(f"symbol {symbol} in a formula is neither given nor derived")
        if name not in keep and name not in names:
            names.append(name)
    return tuple(names)


def settled(result: Any) -> Any:
    """A computed matrix expression as numbers: a column comes out as a vector, as the course
    writes h = (h1, h2)."""
    if isinstance(result, MatrixExpr) and not result.free_symbols:
        result = sympy.ImmutableMatrix(result.as_explicit())
    if isinstance(result, sympy.MatrixBase) and result.cols == 1 and not result.free_symbols:
        return tuple(result[i, 0] for i in range(result.rows))
    return result


def rebuilt(expr: sympy.Basic) -> sympy.Basic:
    """A formula written unevaluated (to keep the board's order) rebuilt the way sympy builds
    it, so a symbolic value compares structurally with a student's parsed answer."""
    if expr.is_Atom:
        return expr
    return expr.func(*[rebuilt(arg) for arg in expr.args])


def substitution_rule(formula: sympy.Basic, names_by_symbol: Mapping[sympy.Basic, str],
                      current: Callable[[str], Any], *, keep: Iterable[str] = (),
                      settle: bool = True) -> Rule:
    """The rule of a formula: the values given for its inputs put in, evaluated.

    An input the caller leaves out takes `current(name)` (the derivation's own value), so a
    misconception's rule can use a quantity the right formula does not. Names in `keep` stay
    symbols. With `settle`, the result is brought to a value (`values.normalize`: exact while
    short, else the proven float); without it the raw sympy result is returned (for solvers
    that print it before settling it)."""
    keep = frozenset(keep)
    pairs = [(s, names_by_symbol[s]) for s in leaves(formula)
             if names_by_symbol.get(s) is not None and names_by_symbol[s] not in keep]

    def rule(values: Mapping[str, Any]) -> Any:
        mapping = {s: V.to_sympy(values[n] if n in values else current(n)) for s, n in pairs}
        result = formula.xreplace(mapping)
        if isinstance(result, sympy.Basic) and result.free_symbols and \
                not isinstance(result, (MatrixExpr, sympy.MatrixBase)):
            return rebuilt(result)
        if hasattr(result, "doit"):
            result = result.doit()
        result = settled(result)
        return V.normalize(result) if settle else result

    return rule
