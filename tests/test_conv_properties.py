"""Properties of the conv solver's arithmetic, whatever the numbers: the map is linear in the
kernel, a delta kernel gives the input back, convolution is cross-correlation with the kernel
turned by 180°, and the element-by-element and whole-tensor views agree exactly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nnsolve.solvers.conv import ConvSolver

small = st.integers(-4, 4)


def solve(conventions=None, **given_):
    solver = ConvSolver()
    return solver.solve(solver.Given(**given_), solver.resolve_conventions(conventions or {}))


def value(d, name="y"):
    return np.array(d[name].value, dtype=float)


@st.composite
def problems(draw):
    """An integer image C×H×W, a kernel F×C×k×k that fits, a stride and a padding."""
    channels, filters = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    k = draw(st.integers(1, 3))
    h, w = draw(st.integers(k, 5)), draw(st.integers(k, 5))
    image = draw(st.lists(st.lists(st.lists(small, min_size=w, max_size=w), min_size=h,
                                   max_size=h), min_size=channels, max_size=channels))
    kernel = [[[[draw(small) for _ in range(k)] for _ in range(k)] for _ in range(channels)]
              for _ in range(filters)]
    return image, kernel, draw(st.integers(1, 2)), draw(st.integers(0, 1))


@settings(max_examples=25)
@given(problems(), st.integers(-3, 3), st.integers(-3, 3), st.data())
def test_the_map_is_linear_in_the_kernel(problem, alpha, beta, data):
    image, k1, stride, padding = problem
    k2 = (np.array(data.draw(st.lists(small, min_size=np.size(k1), max_size=np.size(k1))))
          .reshape(np.shape(k1)))
    combined = (alpha * np.array(k1) + beta * k2).tolist()
    options = dict(input=image, stride=stride, padding=padding, detail="tensor")
    y1, y2 = value(solve(kernel=k1, **options)), value(solve(kernel=k2.tolist(), **options))
    assert np.array_equal(value(solve(kernel=combined, **options)), alpha * y1 + beta * y2)


@settings(max_examples=25)
@given(problems(), st.data())
def test_a_delta_kernel_gives_the_input_back(problem, data):
    image, _, _, _ = problem
    channels = len(image)
    k = data.draw(st.sampled_from([1, 3]))
    k = min(k, len(image[0]), len(image[0][0])) | 1
    delta = np.zeros((channels, channels, k, k))
    for c in range(channels):
        delta[c, c, k // 2, k // 2] = 1
    d = solve(input=image, kernel=delta.astype(int).tolist(), padding=k // 2,
              detail=data.draw(st.sampled_from(["tensor", "elements"])))
    assert np.array_equal(value(d), np.array(image, dtype=float))


@settings(max_examples=25)
@given(problems(), st.sampled_from(["tensor", "elements"]))
def test_convolution_is_correlation_with_the_kernel_turned(problem, detail):
    image, kernel, stride, padding = problem
    options = dict(input=image, stride=stride, padding=padding, detail=detail)
    convolved = solve({"convolution": "flipped"}, kernel=kernel, **options)
    turned = np.array(kernel)[..., ::-1, ::-1].tolist()
    assert np.array_equal(value(convolved), value(solve(kernel=turned, **options)))


@settings(max_examples=15)
@given(problems(), st.booleans(), st.sampled_from(["max", "average"]))
def test_worked_elements_and_whole_tensors_agree(problem, transposed, kind):
    image, kernel, stride, padding = problem
    if transposed:
        kernel = np.transpose(kernel, (1, 0, 2, 3)).tolist()     # C×F×k×k
        padding = min(padding, (len(kernel[0][0]) - 1) // 2)
    options = dict(input=image, kernel=kernel, stride=stride, padding=padding,
                   transposed=transposed, bias=[1] * np.shape(kernel)[1 if transposed else 0],
                   activation="relu")
    y_size = solve(**options, detail="tensor")
    pool = {"type": kind, "size": 2, "stride": 1} if min(np.shape(y_size["y"].value)[1:]) >= 2 \
        else None
    worked = solve(**options, pool=pool, detail="elements")
    whole = solve(**options, pool=pool, detail="tensor")
    for name in ("y", "a") + (("p",) if pool else ()):
        assert np.allclose(value(worked, name), value(whole, name), rtol=0, atol=1e-12), name
    # exact integers stay exact when worked by hand
    assert all(float(v) == int(v) for v in np.ravel(value(worked)))


def test_the_flipped_kernel_is_no_misconception_for_a_symmetric_kernel():
    d = solve(input=[[1, 2, 3], [4, 5, 6], [7, 8, 9]], kernel=[[1, 0], [0, 1]])
    assert not any(m.id == "kernel-flipped" for m in d["y[1,1]"].misconceptions)
    d = solve(input=[[1, 2, 3], [4, 5, 6], [7, 8, 9]], kernel=[[1, 2], [0, 1]])
    assert any(m.id == "kernel-flipped" for m in d["y"].misconceptions)


@pytest.mark.parametrize("detail", ["elements", "tensor"])
def test_a_misconception_reproduces_what_its_student_computes(detail):
    image, kernel = [[1, 2, 0], [0, 1, 3], [2, 0, 1]], [[1, 2], [0, -1]]
    d = solve(input=image, kernel=kernel, bias=2, detail=detail)
    wrong = {m.id: m for m in d["y"].misconceptions}
    flipped = value(solve(input=image, kernel=[[-1, 0], [2, 1]], bias=2))
    assert np.array_equal(np.array(wrong["kernel-flipped"].apply(d.inputs_of("y")), dtype=float),
                          flipped)
    no_bias = value(d) - 2
    assert np.array_equal(np.array(wrong["bias-forgotten"].apply(d.inputs_of("y")),
                                   dtype=float), no_bias)
