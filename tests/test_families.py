"""Indexed families: a feature map declared once by its general formula, worked out element by
element, checked against numpy; pooling over it; one student's wrong element recomputed alone."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from nnsolve.derivation import board
from nnsolve.derivation.core import Derivation

i, j, m, n = sympy.symbols("i j m n", integer=True)


def feature_map(image, kernel, bias=0):
    d = Derivation()
    d.given("x", image, "input")
    d.given("k", kernel, "kernel")
    b = d.given("b", bias, "bias")
    X, K = d.indexed("x"), d.indexed("k")
    rows = len(image) - len(kernel) + 1
    cols = len(image[0]) - len(kernel[0]) + 1
    Y = d.family("y", "feature map",
                 sympy.Sum(X[i + m - 1, j + n - 1] * K[m, n], (m, 1, len(kernel)),
                           (n, 1, len(kernel[0]))) + b, (i, j), (rows, cols))
    return d, Y


def correlate(image, kernel, bias=0):
    image, kernel = np.array(image), np.array(kernel)
    rows = image.shape[0] - kernel.shape[0] + 1
    cols = image.shape[1] - kernel.shape[1] + 1
    return np.array([[np.sum(image[r:r + kernel.shape[0], c:c + kernel.shape[1]] * kernel) + bias
                      for c in range(cols)] for r in range(rows)])


IMAGE = [[1, 2, 0, 1], [0, 1, 3, 1], [2, 0, 1, 2], [1, 1, 0, 0]]
KERNEL = [[1, 0], [-1, 2]]


def test_a_feature_map_is_its_elements_each_a_worked_sum():
    d, _ = feature_map(IMAGE, KERNEL, 1)
    assert d["y"].kind == "matrix"
    assert np.array_equal(np.array(d["y"].value, dtype=int), correlate(IMAGE, KERNEL, 1))
    assert d["y"].components == tuple(f"y[{r},{c}]" for r in (1, 2, 3) for c in (1, 2, 3))
    worked = board.substituted(d, "y[1,2]")
    assert worked == "1 + 1*2 + 0*0 + (-1)*1 + 2*3"
    assert d["y[1,2]"].value == 8 and d["y[1,2]"].shown
    assert not d["x[1,2]"].shown          # elements taken out of the input are not written out
    assert "Sum" not in board.substituted(d, "y[3,3]")


def test_a_large_map_shows_its_first_and_last_worked_sums_only():
    image = [[(r * 7 + c) % 5 for c in range(8)] for r in range(8)]
    d, _ = feature_map(image, KERNEL)
    shown = [q.name for q in d if q.name.startswith("y[") and q.shown]
    assert shown == ["y[1,1]", "y[7,7]"]
    assert np.array_equal(np.array(d["y"].value, dtype=int), correlate(image, KERNEL))


def test_pooling_over_a_family_uses_its_elements_so_one_wrong_element_costs_one_window():
    d, Y = feature_map(IMAGE, KERNEL)
    d.family("z", "max pooling 2×2, stride 1",
             sympy.Max(Y[i, j], Y[i, j + 1], Y[i + 1, j], Y[i + 1, j + 1]), (i, j), (2, 2))
    y = correlate(IMAGE, KERNEL)
    pooled = [[max(y[r, c], y[r, c + 1], y[r + 1, c], y[r + 1, c + 1]) for c in range(2)]
              for r in range(2)]
    assert np.array_equal(np.array(d["z"].value, dtype=int), pooled)
    assert set(d["z[2,2]"].inputs) == {"y[2,2]", "y[2,3]", "y[3,2]", "y[3,3]"}
    # a student whose y[1,1] is 100 gets z[1,1] = 100 from their own work; z[2,2] is untouched
    assert d.recompute("z[1,1]", {"y[1,1]": 100}) == 100
    assert "y[1,1]" not in d["z[2,2]"].inputs


def test_an_element_is_recomputed_from_a_students_input_element():
    d, _ = feature_map(IMAGE, KERNEL)
    assert d.recompute("y[1,1]", {"x[1,1]": 10}) == d["y[1,1]"].value + 9


@settings(max_examples=30)
@given(st.integers(2, 5), st.integers(2, 5), st.integers(1, 2), st.integers(1, 2), st.data())
def test_any_valid_correlation_agrees_with_numpy(h, w, kh, kw, data):
    image = [[data.draw(st.integers(-4, 4)) for _ in range(w)] for _ in range(h)]
    kernel = [[data.draw(st.integers(-3, 3)) for _ in range(kw)] for _ in range(kh)]
    bias = data.draw(st.integers(-2, 2))
    d, _ = feature_map(image, kernel, bias)
    expected = correlate(image, kernel, bias)
    got = np.array(d["y"].value, dtype=int).reshape(expected.shape)
    assert np.array_equal(got, expected)


def test_a_family_declared_wrongly_is_refused_with_the_reason():
    d, Y = feature_map(IMAGE, KERNEL)
    X = d.indexed("x")
    with pytest.raises(ValueError, match="2 indices for a shape of 1 axes"):
        d.family("z", "bad", X[i, j], (i, j), (3,))
    with pytest.raises(IndexError, match="x has shape 4×4"):
        d.element("x", (5, 1))
    with pytest.raises(KeyError, match="no quantity"):
        d.family("w", "bad", sympy.IndexedBase("nowhere")[i], (i,), (2,))
