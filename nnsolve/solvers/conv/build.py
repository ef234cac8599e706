"""The derivation of a `conv` part: the givens, the sizes with their formulas, then the maps
worked element by element (small) or as whole tensors (large), and a softmax when asked."""

from __future__ import annotations

import math

from nnsolve.derivation.core import Derivation
from nnsolve.derivation.vectors import Softmax
from nnsolve.solvers.base import SolverError
from nnsolve.solvers.conv.given import MAX_ELEMENTS, MAX_PRODUCTS, Setup
from nnsolve.solvers.conv.sizes import add_sizes

#: `detail: auto` works a map element by element up to this many outputs…
ELEMENTS_UP_TO = 64
#: …and this many products per output; `detail: elements` up to this many products in all
TERMS_UP_TO = 64
ELEMENTS_LIMIT = 20_000


def build(s: Setup) -> Derivation:
    d = Derivation()
    exact = not s.generated and all(isinstance(v, int) for v in _numbers(s))
    d.given("x", s.x, "input" + _described(s, "input"), group="given",
            kind="matrix" if s.input_rank == 2 else "tensor")
    d.given("k", s.kernel, "kernel" + _described(s, "kernel"), group="given",
            kind={2: "matrix"}.get(_rank(s.kernel), "tensor"))
    if s.bias is not None:
        d.given("b", s.bias, "bias" if s.one_map else "bias of each filter", group="given",
                kind="number" if s.one_map else "vector")
    sizes = add_sizes(d, s)
    outputs = math.prod(sizes.out) * s.filters
    terms = s.kh * s.kw * (s.channels // s.groups)
    if s.transposed:
        terms = s.height * s.width * (s.channels // s.groups)
    if outputs > MAX_ELEMENTS:
        raise SolverError(f"the feature maps would have {outputs:,} elements; the limit is "
                          f"{MAX_ELEMENTS:,}", ("input",))
    if outputs * terms > MAX_PRODUCTS:
        raise SolverError(f"{outputs * terms:,} multiply-adds; the limit is {MAX_PRODUCTS:,}",
                          ("kernel",))
    elements = s.detail == "elements" or (
        s.detail == "auto" and not s.generated and outputs <= ELEMENTS_UP_TO
        and terms <= TERMS_UP_TO)
    if elements and outputs * terms > ELEMENTS_LIMIT:
        raise SolverError(f"{outputs * terms:,} products are too many to write out one by one "
                          f"(at most {ELEMENTS_LIMIT:,}): use detail: tensor", ("detail",))
    groups = {"y": "transposed convolution" if s.transposed else "feature map",
              "a": "activation", "p": "pooling"}
    if elements:
        from nnsolve.solvers.conv.elements import build as worked
        worked(d, s, sizes, groups)
    else:
        from nnsolve.solvers.conv.tensors import build as whole
        whole(d, s, sizes, groups, exact)
    for name in ("y", "a", "p"):
        if name in d and not _finite(d[name].value):
            raise SolverError(f"the {d[name].label} overflows floating point (an element is "
                              "inf or nan): give smaller numbers", ("input",))
    if s.softmax is not None:
        z = d.given("z", list(s.softmax), "vector z", kind="vector", group="softmax")
        d.add("softmax", "softmax of z", Softmax(z), group="softmax")
    d.principal = [n for n in ("y", "a", "p", "softmax") if n in d]
    return d


def _finite(value) -> bool:
    import numpy as np

    return bool(np.isfinite(np.asarray(value, dtype=float)).all())


def _numbers(s: Setup):
    for array in (s.x, s.kernel, s.bias):
        yield from _flat(array)


def _flat(value):
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flat(item)
    elif value is not None:
        yield value


def _rank(array) -> int:
    rank = 0
    while isinstance(array, (list, tuple)):
        rank, array = rank + 1, array[0]
    return rank if not hasattr(array, "ndim") else array.ndim


def _described(s: Setup, field: str) -> str:
    return " (generated)" if field in s.generated else ""
