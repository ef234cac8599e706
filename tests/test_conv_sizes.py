"""The conv solver's output sizes agree with the layers solver's (each keeps its own formula,
as solver families import no other): plain, padded per side or in total, strided, dilated,
`same`, transposed, and pooled with floor or ceil mode, on random sizes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nnsolve.solvers.base import SolverError
from nnsolve.solvers.conv import ConvSolver
from nnsolve.solvers.layers import LayersSolver


def conv_sizes(conventions, **given_):
    solver = ConvSolver()
    d = solver.solve(solver.Given(**given_), solver.resolve_conventions(conventions))
    pooled = (d["pool_h"].value, d["pool_w"].value) if "pool_h" in d else None
    return (d["out_h"].value, d["out_w"].value), pooled


def layers_sizes(conventions, shape, layers):
    solver = LayersSolver()
    d = solver.solve(solver.Given(input=shape, layers=layers),
                     solver.resolve_conventions(conventions))
    return [tuple(d[f"layer{k}.output_shape"].value[:2]) for k in range(1, len(layers) + 1)]


pairs = st.tuples(st.integers(1, 3), st.integers(1, 3))


@settings(max_examples=60)
@given(st.integers(3, 12), st.integers(3, 12), pairs, pairs, st.tuples(st.integers(0, 2),
       st.integers(0, 2)), st.tuples(st.integers(1, 2), st.integers(1, 2)),
       st.sampled_from(["per_side", "total", "same", "transposed"]), st.booleans(),
       pairs)
def test_sizes_agree_with_the_layers_solver(h, w, kernel, stride, padding, dilation, mode,
                                            ceil, pool):
    reach = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    if reach[0] > h or reach[1] > w:
        return
    conventions = {"padding": "total" if mode == "total" else "per_side",
                   "pooling": "ceil" if ceil else "floor"}
    transposed = mode == "transposed"
    if transposed:
        padding = tuple(min(p, (r - 1) // 2) for p, r in zip(padding, reach))
    options = dict(stride=list(stride), dilation=list(dilation),
                   padding="same" if mode == "same" else list(padding))
    layer = {"conv_transpose" if transposed else "conv": dict(filters=1, kernel=list(kernel),
                                                              **options)}
    try:
        (expected_conv,) = layers_sizes(conventions, [h, w, 1], [layer])
    except SolverError:
        return                      # a configuration the layers solver refuses
    if min(expected_conv) < 1:
        return
    pool_given = None
    if pool[0] <= expected_conv[0] and pool[1] <= expected_conv[1]:
        pool_given = {"size": list(pool), "stride": [2, 1]}
    image = np.ones((h, w)).astype(int).tolist()
    kernel_given = np.ones((1, 1) + kernel if transposed else kernel).astype(int).tolist()
    ours, pooled = conv_sizes(conventions, input=image, kernel=kernel_given,
                              transposed=transposed, pool=pool_given, detail="tensor",
                              **options)
    assert ours == expected_conv
    if pool_given:
        _, expected_pool = layers_sizes(conventions, [h, w, 1],
                                        [layer, {"maxpool": {"size": list(pool),
                                                             "stride": [2, 1]}}])
        assert pooled == expected_pool


@pytest.mark.parametrize("size, kernel, stride, padding, expected", [
    (227, 11, 4, 0, 55),          # AlexNet's first layer
    (32, 5, 1, 2, 32),
    (4, 2, 2, 0, 2),              # E9
])
def test_the_slides_sizes(size, kernel, stride, padding, expected):
    (h, w), _ = conv_sizes({}, input={"ones": [size, size]}, kernel={"ones": [kernel, kernel]},
                           stride=stride, padding=padding)
    assert h == w == expected
