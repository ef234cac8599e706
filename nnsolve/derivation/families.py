"""Indexed families: a quantity such as a feature map y[i, j], declared once by its general
formula and worked out element by element.

Each element is a quantity of its own (`y[1,2]`) whose formula is the general one with the
indices put in and the sums written out, so the board shows the worked sum
`y[1,2] = x[1,2]·k[1,1] + x[1,3]·k[1,2] + … = 1·0 + 2·1 + … = 5`, and a student's element is
recomputed from their own earlier elements (error carried forward one element at a time).
The family itself is the matrix of its elements. Indices run from 1, as courses write them.
"""

from __future__ import annotations

import itertools
from typing import Any, Iterable

import sympy

from nnsolve.derivation import names
from nnsolve.derivation import values as V

#: a family with at most this many elements shows every worked sum; a larger one shows its
#: first and last element unless the solver chooses
SHOW_ALL_UP_TO = 16


def indexed(d, name: str) -> sympy.IndexedBase:
    """Quantity `name` as X[i, j] in family formulas (registered so its elements resolve)."""
    base = sympy.IndexedBase(name)
    d.stands_for(base, name)
    return base


def element(d, name: str, index: tuple[int, ...]) -> sympy.Basic:
    """The symbol of element `index` of `name`: the family's own element, or a step that
    takes the element out of a vector or matrix (not shown on the board, but recomputed from
    the student's matrix like any other step)."""
    element_name = names.element(name, index)
    if element_name in d:
        return d[element_name].symbol
    parent = d[name]
    dims = V.shape(parent.value)
    if len(index) != len(dims) or any(not 1 <= i <= n for i, n in zip(index, dims)):
        raise IndexError(f"{element_name}: {name} has shape {'×'.join(map(str, dims))}")

    def take(values, name=name, index=index):
        value = values[name]
        for i in index:
            value = value[i - 1]
        return value

    return d.add(element_name, f"element {', '.join(map(str, index))} of {name}", rule=take,
                 inputs=(name,), symbol=sympy.Symbol(element_name), kind="number",
                 group=parent.group, shown=False)


def written_out(expr: sympy.Basic) -> sympy.Basic:
    """Every sum with numbers for limits written out term by term, in order (unevaluated, so
    the board keeps the order of the terms)."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Sum):
        return expr
    if isinstance(expr, sympy.Sum):
        ranges = [range(int(lo), int(hi) + 1) for _, lo, hi in expr.limits]
        variables = [limit[0] for limit in expr.limits]
        terms = [written_out(expr.function.xreplace(dict(zip(variables, point))))
                 for point in itertools.product(*ranges)]
        return sympy.Add(*terms, evaluate=False)
    return expr.func(*[written_out(a) for a in expr.args], evaluate=False) \
        if expr.is_Add or expr.is_Mul else expr.func(*[written_out(a) for a in expr.args])


def _elements_put_in(d, expr: sympy.Basic) -> sympy.Basic:
    """x[2, 3] with numbers for indices → the symbol of that element's quantity."""
    def resolve(node):
        try:
            name = d.name_of(node.base)
        except KeyError:
            raise KeyError(f"{node.base} is no quantity: make it with Derivation.indexed(name)") \
                from None
        return element(d, name, tuple(int(i) for i in node.indices))

    return expr.replace(lambda n: isinstance(n, sympy.Indexed) and
                        all(i.is_Integer for i in n.indices), resolve)


def _nested(flat: list, dims: tuple[int, ...]) -> Any:
    if len(dims) == 1:
        return tuple(flat)
    step = len(flat) // dims[0]
    return tuple(_nested(flat[k * step:(k + 1) * step], dims[1:]) for k in range(dims[0]))


def add_family(d, name: str, label: str, formula: sympy.Basic, index, shape, *,
               kind: str | None = None, group: str | None = None,
               show: Iterable[tuple[int, ...]] | str | None = None,
               misconceptions: Iterable = (), note: str = "") -> sympy.IndexedBase:
    """Add family `name` with elements name[i, j] = formula (indices from 1 up to `shape`).

    `show`: "all", a list of indices whose worked sums the board shows, or None (all of them
    for a small family, the first and last element of a large one). `misconceptions` are
    (id, description, formula) in the same indices: each element gets its own, so a student's
    wrong matrix is matched element by element. Returns the family as X[i, j] for later
    family formulas (a pooling over this feature map)."""
    index = tuple(index) if isinstance(index, (tuple, list)) else (index,)
    dims = tuple(int(n) for n in (shape if isinstance(shape, (tuple, list)) else (shape,)))
    if len(index) != len(dims):
        raise ValueError(f"{name}: {len(index)} indices for a shape of {len(dims)} axes")
    points = list(itertools.product(*(range(1, n + 1) for n in dims)))
    if show is None:
        shown = set(points) if len(points) <= SHOW_ALL_UP_TO else {points[0], points[-1]}
    elif show == "all":
        shown = set(points)
    else:
        shown = {tuple(p) for p in show}
    element_names = []
    for point in points:
        at = dict(zip(index, point))
        concrete = _elements_put_in(d, written_out(formula.xreplace(at)))
        wrong = [(key, text, _elements_put_in(d, written_out(alt.xreplace(at))))
                 for key, text, alt in misconceptions]
        element_name = names.element(name, point)
        d.add(element_name, f"{label} at ({', '.join(map(str, point))})", concrete,
              symbol=sympy.Symbol(element_name), misconceptions=wrong, group=group,
              shown=point in shown)
        element_names.append(element_name)
    kind = kind or {1: "vector", 2: "matrix"}.get(len(dims), "tensor")
    base = sympy.IndexedBase(name)
    d.add(name, label, formula, inputs=tuple(element_names),
          rule=lambda values: _nested([values[n] for n in element_names], dims),
          kind=kind, symbol=sympy.Indexed(base, *index), group=group, note=note,
          components=tuple(element_names))
    d.stands_for(base, name)
    return base
