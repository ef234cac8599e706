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


def _inside(d, expr: sympy.Basic) -> bool:
    """Whether every element `expr` names with numbers for indices lies inside its array."""
    for node in expr.atoms(sympy.Indexed):
        try:
            dims = V.shape(d[d.name_of(node.base)].value)
        except KeyError:
            continue            # not a quantity: `_elements_put_in` says so
        if len(node.indices) != len(dims) or not all(
                i.is_Integer and 1 <= int(i) <= n for i, n in zip(node.indices, dims)):
            return False
    return True


def _outside_left_out(d, expr: sympy.Basic) -> sympy.Basic:
    """The terms of sums and the arguments of maxima that name an element outside its array
    left out: zero padding adds nothing to a sum, and a max pooling window ignores the padding
    (a sum left with no term is 0). A term that is itself a sum is pruned inside; a lone
    term outside (a sum of one term) is 0."""
    if not expr.has(sympy.Add, sympy.Max, sympy.Min):
        return expr if _inside(d, expr) else sympy.Integer(0)

    def kept(args):
        return [_outside_left_out(d, a) for a in args
                if a.has(sympy.Add, sympy.Max, sympy.Min) or _inside(d, a)]

    if isinstance(expr, (sympy.Max, sympy.Min)):
        args = kept(expr.args)
        return expr.func(*args) if args else sympy.Integer(0)
    if expr.is_Add:
        args = kept(expr.args)
        return sympy.Add(*args, evaluate=False) if len(args) > 1 else \
            (args[0] if args else sympy.Integer(0))
    if expr.is_Mul:
        return sympy.Mul(*[_outside_left_out(d, a) for a in expr.args], evaluate=False)
    if isinstance(expr, sympy.Function):
        return expr.func(*[_outside_left_out(d, a) for a in expr.args])
    return expr


def _nested(flat: list, dims: tuple[int, ...]) -> Any:
    if len(dims) == 1:
        return tuple(flat)
    step = len(flat) // dims[0]
    return tuple(_nested(flat[k * step:(k + 1) * step], dims[1:]) for k in range(dims[0]))


def add_family(d, name: str, label: str, formula: sympy.Basic, index, shape, *,
               kind: str | None = None, group: str | None = None,
               show: Iterable[tuple[int, ...]] | str | None = None,
               misconceptions: Iterable = (), note: str = "",
               outside: str = "error") -> sympy.IndexedBase:
    """Add family `name` with elements name[i, j] = formula (indices from 1 up to `shape`).

    `show`: "all", a list of indices whose worked sums the board shows, or None (all of them
    for a small family, the first and last element of a large one). `misconceptions` are
    (id, description, formula) in the same indices: each element gets its own, so a student's
    wrong matrix is matched element by element. Returns the family as X[i, j] for later
    family formulas (a pooling over this feature map).

    The family as a whole gets each misconception too, made of its elements' (a student who
    flipped the kernel answers the whole matrix), so it also takes their inputs.
    `outside="omit"`: an element named outside its array (zero padding, a transposed
    convolution's kernel copy that misses a position) is left out of the worked sum or the
    maximum; by default it is an error."""
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
    if outside not in ("error", "omit"):
        raise ValueError(f"{name}: outside is 'error' or 'omit', not {outside!r}")
    misconceptions = list(misconceptions)

    def worked(expr: sympy.Basic, at: dict) -> sympy.Basic:
        expr = written_out(expr.xreplace(at))
        return _elements_put_in(d, _outside_left_out(d, expr) if outside == "omit" else expr)

    element_names = []
    for point in points:
        at = dict(zip(index, point))
        concrete = worked(formula, at)
        wrong = [(key, text, worked(alt, at)) for key, text, alt in misconceptions]
        element_name = names.element(name, point)
        d.add(element_name, f"{label} at ({', '.join(map(str, point))})", concrete,
              symbol=sympy.Symbol(element_name), misconceptions=wrong, group=group,
              shown=point in shown)
        element_names.append(element_name)
    kind = kind or {1: "vector", 2: "matrix"}.get(len(dims), "tensor")
    base = sympy.IndexedBase(name)
    inputs = list(element_names)
    if misconceptions:
        seen = set(inputs)
        inputs += [n for e in element_names for n in d[e].inputs if not (n in seen or seen.add(n))]
    d.add(name, label, formula, inputs=tuple(inputs),
          rule=lambda values: _nested([values[n] for n in element_names], dims),
          kind=kind, symbol=sympy.Indexed(base, *index), group=group, note=note,
          components=tuple(element_names),
          misconceptions=[_as_whole(d, element_names, dims, key, text)
                          for key, text, _ in misconceptions])
    d.stands_for(base, name)
    return base


def _as_whole(d, element_names: list[str], dims: tuple[int, ...], key: str, text: str):
    """Misconception `key` of a family as a whole: each element's own, from its own inputs
    (as the triple `Derivation.add` takes)."""
    def each(e):
        quantity = d[e]
        wrong = next(m for m in quantity.misconceptions if m.id == key)
        return wrong, quantity.inputs

    parts = [each(e) for e in element_names]

    def rule(values):
        return _nested([wrong.apply({n: values[n] for n in inputs}) for wrong, inputs in parts],
                       dims)

    return key, text, rule
