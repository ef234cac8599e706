"""A small case worked element by element, as on the board: each score as the dot product of
its query and key, each softmax row with its exponentials and their sum, each output element
as the weighted sum of the values.

The elements are quantities of their own (`scores[1,2]`, `expsum[1]`, `weights[1,2]`,
`output[1,1]`), computed from the elements of the matrices before them, so a student may
answer one element and have it carried forward too; the matrices themselves stay what later
steps are computed from.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation import names
from nnsolve.derivation import values as V
from nnsolve.derivation.ordered import over, times, total


def _index(chain, name: str, i: int, j: int) -> tuple[int, ...]:
    """A result of one column is a vector: its elements have one index."""
    return (i,) if V.rank(chain.d[name].value) == 1 else (i, j)


def _written(chain, matrix: sympy.MatrixSymbol, index: tuple[int, ...]) -> str:
    return f"{matrix.name}[{','.join(map(str, index))}]"


def element(chain, matrix: sympy.MatrixSymbol, i: int, j: int) -> sympy.Basic:
    """The symbol of element (i, j) of a matrix quantity, written Q[1,2] (or Q_1[1,2])."""
    d = chain.d
    name = d.name_of(matrix)
    index = _index(chain, name, i, j)
    d.symbol(names.element(name, index), _written(chain, matrix, index))
    return d.element(name, index)


def _add(chain, matrix, i: int, j: int, label: str, formula, group: str) -> sympy.Basic:
    d = chain.d
    name = d.name_of(matrix)
    index = _index(chain, name, i, j)
    return d.add(names.element(name, index), label, formula,
                 symbol=sympy.Symbol(_written(chain, matrix, index)), kind="number",
                 group=group)


def dot_products(chain, head, scores, q, k) -> None:
    rows, cols = scores.shape
    width = q.shape[1]
    for i in range(1, rows + 1):
        for j in range(1, cols + 1):
            terms = [times(element(chain, q, i, m), element(chain, k, j, m))
                     for m in range(1, width + 1)]
            _add(chain, scores, i, j, f"score of query {i} and key {j}{head.of}: q_{i}·k_{j}",
                 total(terms), head.group)


def softmax_rows(chain, head, scaled, weights) -> None:
    d = chain.d
    rows, cols = scaled.shape
    keep = chain.setup.mask
    for i in range(1, rows + 1):
        open_keys = [j for j in range(1, cols + 1) if keep is None or keep[i - 1][j - 1]]
        exps = {j: sympy.exp(element(chain, scaled, i, j)) for j in open_keys}
        written = f"Σ{f'_{head.number}' if head.number else ''}[{i}]"
        hidden = "" if len(open_keys) == cols else \
            f", over the {len(open_keys)} keys the mask leaves"
        total_symbol = d.add(head.name(f"expsum[{i}]"),
                             f"row {i}: the sum of the exponentials{head.of}{hidden}",
                             total(exps.values()), symbol=sympy.Symbol(written), kind="number",
                             group=head.group)
        for j in open_keys:
            _add(chain, weights, i, j,
                 f"weight of key {j} for query {i}{head.of}", over(exps[j], total_symbol),
                 head.group)


def weighted_sums(chain, head, output, weights, v) -> None:
    rows, cols = output.shape
    keys = weights.shape[1]
    for i in range(1, rows + 1):
        for j in range(1, cols + 1):
            terms = [times(element(chain, weights, i, m), element(chain, v, m, j))
                     for m in range(1, keys + 1)]
            _add(chain, output, i, j, f"output {i}, feature {j}{head.of}: Σ_l P[{i},l]·V[l,{j}]",
                 total(terms), head.group)
