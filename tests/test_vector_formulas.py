"""Vector and matrix formulas in the derivation core, checked against numpy: an Elman step of
exercise E3 (x1 = (0, −1, 2), W_xh = [[0, −1, 2], [1, −2, 0]], W_hh = I, ReLU), softmax, the
concatenated form W [x; h], gates multiplied element by element, and kinds that refuse values
that are not theirs."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from nnsolve.derivation import board
from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.derivation.functions import relu, sigmoid
from nnsolve.derivation.vectors import Softmax, hadamard, stacked

W_XH = [[0, -1, 2], [1, -2, 0]]
W_HH = [[1, 0], [0, 1]]
INPUTS = [[0, -1, 2], [0, 0, 0], [-2, -2, 1]]


def elman(activation=relu, inputs=INPUTS):
    d = Derivation()
    W, U = d.given("W_xh", W_XH), d.given("W_hh", W_HH)
    d.given("h0", [0, 0])
    for t, x in enumerate(inputs, 1):
        d.given(f"x{t}", x)
    run = d.iterate(steps=len(inputs), start={"h": "h0"})
    for step in run:
        x, h = d.symbol(f"x{step.k}"), d.symbol(step.prev("h"))
        d.add(step.name("h"), f"hidden state at t = {step.k}", activation(W * x + U * h),
              misconceptions=[Misconception("no-recurrence", "W_hh h was left out",
                                            activation(W * x))])
    return d, run


def numpy_elman(activation, inputs=INPUTS):
    h, out = np.zeros(2), []
    for x in inputs:
        h = activation(np.array(W_XH) @ np.array(x) + np.array(W_HH) @ h)
        out.append(h)
    return out


def test_an_elman_step_is_a_vector_formula_with_the_numbers_put_in():
    d, run = elman()
    h1 = d["step1.h"]
    assert h1.kind == "vector" and h1.value == (5, 2)
    assert h1.inputs == ("W_hh", "h0", "W_xh", "x1")
    assert board.formula(d, "step1.h") == "ReLU(W_hh*h0 + W_xh*x1)"
    assert board.substituted(d, "step1.h") == \
        "ReLU([[1, 0], [0, 1]]*[0, 0] + [[0, -1, 2], [1, -2, 0]]*[0, -1, 2])"
    latex = board.substituted(d, "step1.h", "latex")
    assert r"\begin{pmatrix}0 & -1 & 2 \\ 1 & -2 & 0\end{pmatrix}" in latex
    assert "<mtable>" in board.substituted(d, "step1.h", "mathml")
    assert run.count == 3 and run.outcome == "3 steps, as asked"
    expected = numpy_elman(lambda v: np.maximum(v, 0))
    for t, h in enumerate(expected, 1):
        assert d[f"step{t}.h"].value == tuple(int(v) for v in h)


def test_tanh_steps_stay_exact_and_agree_with_numpy():
    d, _ = elman(sympy.tanh)
    assert d["step1.h"].value == (sympy.tanh(5), sympy.tanh(2))
    for t, h in enumerate(numpy_elman(np.tanh), 1):
        assert np.allclose([float(v) for v in d[f"step{t}.h"].value], h, rtol=1e-12)


def test_a_students_state_carries_into_the_next_step_and_misconceptions_are_formulas():
    d, _ = elman()
    assert d.recompute("step2.h", {"step1.h": (1, 1)}) == (1, 1)
    step3 = d["step3.h"]
    assert step3.misconceptions[0].apply(d.inputs_of("step3.h")) == (4, 2)   # ReLU(W_xh x3)


def test_softmax_concatenation_and_gates():
    d = Derivation()
    z = d.given("z", [1, 2, 3])
    d.add("p", "class probabilities", Softmax(z))
    e = np.exp([1, 2, 3])
    assert np.allclose([float(v) for v in d["p"].value], e / e.sum(), rtol=1e-14)
    assert board.formula(d, "p") == "softmax(z)"
    x, h = d.given("x", [1, 2]), d.given("h", [3])
    W = d.given("W", [[1, 0, 1], [0, 1, -1]])
    d.add("a", "net input, concatenated form", W * stacked(x, h))
    assert d["a"].value == (4, -1)
    assert board.formula(d, "a") == "W*[x; h]"
    f, c = d.given("f", [0.5, 0.25]), d.given("c", [2, 8])
    d.add("kept", "cell state kept", hadamard(f, c))
    assert d["kept"].value == (1.0, 2.0)
    assert "⊙" in board.formula(d, "kept")


@settings(max_examples=40)
@given(st.lists(st.integers(-3, 3), min_size=6, max_size=6),
       st.lists(st.integers(-3, 3), min_size=3, max_size=3),
       st.lists(st.integers(-3, 3), min_size=2, max_size=2))
def test_sigmoid_of_an_affine_map_agrees_with_numpy(weights, x, b):
    d = Derivation()
    W = d.given("W", [weights[:3], weights[3:]])
    X, B = d.given("x", x), d.given("b", b)
    d.add("y", "output", sigmoid(W * X + B))
    z = np.array([weights[:3], weights[3:]]) @ np.array(x) + np.array(b)
    assert np.allclose([float(v) for v in d["y"].value], 1 / (1 + np.exp(-z)), rtol=1e-12)


def test_values_of_the_wrong_kind_are_refused_when_added():
    d = Derivation()
    with pytest.raises(TypeError, match="kind 'matrix'"):
        d.given("T", [[[1, 2], [3, 4]], [[5, 6], [7, 8]]], kind="matrix")
    assert d.given("T", [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]) is not None
    assert d["T"].kind == "tensor"
    with pytest.raises(TypeError, match="kind 'number'"):
        d.add("colours", "colouring", rule=lambda v: {"1": "A"}, inputs=(), kind="number")
    with pytest.raises(KeyError, match="unknown kind"):
        d.add("q", "q", rule=lambda v: 1, inputs=(), kind="no-such-kind")
    d.add("hist", "histogram", rule=lambda v: {"A": 2, "B": 1}, inputs=(), kind="multiset")
    assert d["hist"].value["A"] == 2


def test_a_dot_product_is_one_number_written_as_the_course_writes_it():
    from nnsolve.derivation.vectors import dot

    d = Derivation()
    w, x = d.given("w", [1, -2, 3]), d.given("x", [2, 5, -1])
    d.add("a", "net input", dot(w, x))
    assert d["a"].value == 1 * 2 + (-2) * 5 + 3 * (-1) == -11
    assert board.formula(d, "a") == "w·x"
    assert board.formula(d, "a", "latex") == r"w^\top x"


def test_a_formula_over_unknown_symbols_or_nothing_at_all_is_refused():
    d = Derivation()
    with pytest.raises(KeyError, match="neither given nor derived"):
        d.add("y", "output", sympy.Symbol("nowhere") + 1)
    with pytest.raises(ValueError, match="needs a formula or a rule"):
        d.add("z", "nothing", inputs=())
    with pytest.raises(KeyError, match="unknown inputs"):
        d.add("q", "q", rule=lambda v: 1, inputs=("ghost",))


@pytest.mark.parametrize("text", ["x", "__import__('os').system('true')", "1/0", "W*x"])
def test_text_never_becomes_a_formula_argument(text):
    """What a solver builds a formula from is a number or a sympy object; a string is refused,
    never parsed (the solvers' own matrix operations and max windows included)."""
    from nnsolve.derivation import values as V
    from nnsolve.derivation.vectors import Computed
    from nnsolve.solvers.conv.elements import WindowMax

    with pytest.raises(sympy.SympifyError):
        V.sympy_object(text)
    with pytest.raises(sympy.SympifyError):
        Computed(sympy.ImmutableMatrix([[1]]), text)
    with pytest.raises(sympy.SympifyError):
        WindowMax(sympy.Symbol("a"), text)
    assert V.sympy_object(np.float64(0.5)) == sympy.Float(0.5)
    assert V.sympy_object(np.int64(3)) == 3 and V.sympy_object(True) is sympy.true
    assert V.sympy_object(sympy.Matrix([[1, 2]])) == sympy.ImmutableMatrix([[1, 2]])
