"""Properties of attention that hold for any input: every query's weights sum to 1, a masked
position gets weight 0, softmax does not see a shift common to a row, and scaling by √d_k is
dividing the queries by √d_k."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("nnsolve.solvers.attention")

from nnsolve import solvers  # noqa: E402


def solve(given_values: dict, **conventions):
    solver = solvers.get("attention")()
    return solver.solve(solver.Given(**given_values), solver.resolve_conventions(conventions))


def matrices(rows, cols, elements=st.integers(-3, 3)):
    return st.lists(st.lists(elements, min_size=cols, max_size=cols), min_size=rows,
                    max_size=rows)


@st.composite
def problems(draw, exact=True):
    n_q, n_k = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    d_k, d_v = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    elements = st.integers(-3, 3) if exact else st.floats(-3, 3, allow_nan=False).map(
        lambda x: round(x, 3))
    return {"Q": draw(matrices(n_q, d_k, elements)), "K": draw(matrices(n_k, d_k, elements)),
            "V": draw(matrices(n_k, d_v, elements))}


def rows(value) -> list[list]:
    return [list(r) if isinstance(r, tuple) else [r] for r in value] \
        if isinstance(value[0], tuple) else [[v] for v in value]


@settings(max_examples=30, deadline=None)
@given(problems())
def test_every_row_of_weights_sums_to_one(problem):
    d = solve(problem)
    for row in rows(d["weights"].value):
        total = sum(sympy.nsimplify(v) if isinstance(v, float) else v for v in row)
        assert abs(float(total) - 1) < 1e-12


@settings(max_examples=30, deadline=None)
@given(problems(), st.data())
def test_masked_positions_get_weight_zero(problem, data):
    n_q, n_k = len(problem["Q"]), len(problem["K"])
    mask = [data.draw(st.lists(st.integers(0, 1), min_size=n_k, max_size=n_k).filter(any))
            for _ in range(n_q)]
    d = solve({**problem, "mask": mask})
    weights = np.array(rows(d["weights"].value), dtype=object).reshape(n_q, n_k)
    for i in range(n_q):
        for j in range(n_k):
            if not mask[i][j]:
                assert weights[i, j] == 0
        assert abs(float(sum(weights[i])) - 1) < 1e-12


@settings(max_examples=25, deadline=None)
@given(problems(exact=False), st.lists(st.integers(-2, 2), min_size=3, max_size=3))
def test_a_shift_common_to_every_key_leaves_the_weights_unchanged(problem, shift):
    d_k = len(problem["K"][0])
    shifted = [[k + c for k, c in zip(row, shift[:d_k])] for row in problem["K"]]
    before = np.array(solve(problem)["weights"].value, dtype=float)
    after = np.array(solve({**problem, "K": shifted})["weights"].value, dtype=float)
    assert np.allclose(before, after, rtol=0, atol=1e-9)      # q·(k + c) = q·k + q·c, per row


@settings(max_examples=25, deadline=None)
@given(problems(exact=False))
def test_scaling_is_dividing_the_queries_by_the_root_of_d_k(problem):
    root = np.sqrt(len(problem["K"][0]))
    divided = [[v / root for v in row] for row in problem["Q"]]
    scaled = solve(problem)
    unscaled = solve({**problem, "Q": divided}, scaling="none")
    for name in ("weights", "output"):
        assert np.allclose(np.array(scaled[name].value, dtype=float),
                           np.array(unscaled[name].value, dtype=float), rtol=0, atol=1e-9)


@settings(max_examples=20, deadline=None)
@given(problems(exact=False), st.sampled_from([2, 0.5, -1]))
def test_the_output_is_linear_in_the_values(problem, factor):
    base = np.array(solve(problem)["output"].value, dtype=float)
    times = np.array(solve({**problem, "V": [[factor * v for v in row] for row in problem["V"]]})
                     ["output"].value, dtype=float)
    assert np.allclose(times, factor * base, rtol=0, atol=1e-9)
