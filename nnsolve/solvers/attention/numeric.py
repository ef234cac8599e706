"""The attention formulas computed with numpy, for cases too large to work exactly.

A large case keeps the very formulas of a small one (the board shows them, the matrices
elided); only the rule that computes them differs: `rule(formula, names)` walks the formula's
tree and does each operation with numpy, from the values of the quantities it names. The rule
runs on the derivation's values and on a student's alike, so error carried forward and the
misconceptions work here as they do in the exact case.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np
import sympy

from nnsolve.solvers.attention import matrices as M


def softmax_rows(scores: np.ndarray, mask: np.ndarray | None = None, axis: int = 1) -> np.ndarray:
    """Softmax along `axis`, the largest score taken off first (no overflow); masked
    positions (mask 0) get weight 0."""
    keep = np.ones_like(scores, dtype=bool) if mask is None else mask != 0
    shifted = np.where(keep, scores, -np.inf)
    top = np.max(shifted, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    exps = np.where(keep, np.exp(np.where(keep, scores, 0.0) - top), 0.0)
    totals = np.sum(exps, axis=axis, keepdims=True)
    return np.divide(exps, totals, out=np.zeros_like(exps), where=totals != 0)


def _matrix(value: Any) -> np.ndarray:
    array = np.array(value, dtype=float)
    return array.reshape(-1, 1) if array.ndim == 1 else array


def evaluate(expr: sympy.Basic, lookup: Callable[[sympy.Basic], Any]) -> Any:
    """The value of `expr` (a float or a 2-D array); `lookup(symbol)` gives a leaf's value."""
    if isinstance(expr, sympy.MatrixSymbol):
        return _matrix(lookup(expr))
    if isinstance(expr, sympy.Symbol):
        return float(lookup(expr))
    if expr.is_Number:
        return float(expr)
    args = [evaluate(a, lookup) for a in expr.args]
    if isinstance(expr, M.Transposed):
        return args[0].T
    if isinstance(expr, M.Scaled):
        return args[0] / args[1]
    if isinstance(expr, M.RowSoftmax):
        return softmax_rows(args[0], args[1] if len(args) > 1 else None, axis=expr.axis)
    if isinstance(expr, M.RowMean):
        return np.mean(args[0], axis=0, keepdims=True)
    if isinstance(expr, M.RowsPlus):
        return args[0] + args[1].reshape(1, -1)
    if isinstance(expr, M.Columns):
        return args[0][:, int(args[1]) - 1:int(args[2])]
    if isinstance(expr, M.Beside):
        return np.hstack(args)
    if isinstance(expr, sympy.MatMul):
        result = args[0]
        for a in args[1:]:
            result = result @ a if np.ndim(result) and np.ndim(a) else result * a
        return result
    if isinstance(expr, (sympy.MatAdd, sympy.Add)):
        return sum(args[1:], args[0])
    if isinstance(expr, sympy.Mul):
        return float(np.prod(args))
    if isinstance(expr, sympy.Pow):
        return args[0] ** args[1]
    raise TypeError(f"no numeric rule for {type(expr).__name__}")


def rule(formula: sympy.Basic, name_of: Callable[[sympy.Basic], str],
         current: Callable[[str], Any]):
    """The rule of `formula` over quantity values (the derivation's value where one is not
    given: a misconception may use a quantity the right formula does not). A result of one
    column is a vector, as the exact computation gives it."""
    def run(values: Mapping[str, Any]) -> Any:
        def lookup(symbol):
            name = name_of(symbol)
            return values[name] if name in values else current(name)

        with np.errstate(all="ignore"):
            result = evaluate(formula, lookup)
        return result[:, 0] if np.ndim(result) == 2 and result.shape[1] == 1 else result

    return run
