"""The derivation core: formulas become values, stay exact, print with numbers, recompute."""

import math

import pytest
import sympy
from hypothesis import given, strategies as st

from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.derivation.functions import relu, sigmoid
from nnsolve.derivation import board


def e1_hidden_neuron():
    """Neuron 3 of exercise E1: x = (1, −1), w13 = 1, w23 = −1, w03 = −1."""
    d = Derivation()
    x1, x2 = d.given("x1", 1), d.given("x2", -1)
    w13, w23, w03 = d.given("w13", 1), d.given("w23", -1), d.given("w03", -1)
    a3 = d.add("a3", "net input of neuron 3", sympy.Add(w13 * x1, w23 * x2, w03, evaluate=False))
    d.add("y3", "output of neuron 3", sigmoid(a3),
          misconceptions=[Misconception("tanh-for-sigmoid", "used tanh instead of σ",
                                        lambda v: sympy.tanh(v["a3"]))])
    return d


def test_values_are_exact_when_inputs_are():
    d = e1_hidden_neuron()
    assert d["a3"].value == 1 and isinstance(d["a3"].value, sympy.Integer)
    assert d["a3"].inputs == ("w13", "x1", "w23", "x2", "w03")   # as written
    assert float(d["y3"].value) == 1 / (1 + math.exp(-1))
    assert V.exact_text(d["y3"].value) == "1/(exp(-1) + 1)"


def test_formula_and_substitution_print_the_same_tree():
    d = e1_hidden_neuron()
    assert board.formula(d, "a3") == "w13*x1 + w23*x2 + w03"
    assert board.substituted(d, "a3") == "1*1 + (-1)*(-1) + (-1)"
    assert board.formula(d, "a3", "latex") == "w_{13} x_{1} + w_{23} x_{2} + w_{03}"
    assert board.substituted(d, "y3", "latex") == r"\sigma\left(1\right)"


def test_recompute_uses_the_students_inputs():
    d = e1_hidden_neuron()
    assert math.isclose(d.recompute("y3", {"a3": 2.309}), 1 / (1 + math.exp(-2.309)), rel_tol=1e-15)
    assert d.recompute("a3", {"x1": 2}) == 2
    assert d["y3"].misconceptions[0].apply({"a3": 1}) == sympy.tanh(1)


def test_softmax_of_four_zeros_is_exactly_a_quarter():
    d = Derivation()
    zs = [d.given(f"z{i}", 0) for i in range(4)]
    total = d.add("S", "normaliser", sympy.Add(*[sympy.exp(z) for z in zs]))
    d.add("p1", "probability of class 1", sympy.exp(zs[0]) / total)
    assert d["p1"].value == sympy.Rational(1, 4)
    assert V.exact_text(d["p1"].value) == "1/4"
    assert V.to_json(d["p1"].value) == 0.25


def test_big_exact_expressions_become_floats():
    d = Derivation()
    a = d.given("a", 1)
    d.add("y", "", sigmoid(a) + sigmoid(2 * a) + sigmoid(3 * a))
    assert isinstance(d["y"].value, float)


def test_rules_for_non_scalar_quantities():
    d = Derivation()
    d.given("H", 28)
    d.given("C", 32)
    d.add("shape", "output volume", rule=lambda v: (v["H"], v["H"], v["C"]), inputs=("H", "C"),
          kind="shape")
    assert d["shape"].value == (28, 28, 32)
    assert d.recompute("shape", {"H": 14}) == (14, 14, 32)


@given(st.integers(-50, 50), st.integers(-50, 50), st.integers(1, 20))
def test_substituted_formula_evaluates_to_the_value(a, b, c):
    """Whatever the numbers, the printed substitution is the same arithmetic as the value."""
    d = Derivation()
    x, y, z = d.given("x", a), d.given("y", b), d.given("z", c)
    d.add("q", "", (x - y) * z + relu(x) - y / z)
    text = board.substituted(d, "q").replace("ReLU", "max0")
    computed = eval(text, {"max0": lambda t: max(0, t)})  # trusted: text printed from our own tree
    assert math.isclose(computed, float(d["q"].value), rel_tol=1e-12, abs_tol=1e-12)


def test_numpy_and_nested_lists_normalise_to_tuples():
    import numpy as np

    assert V.normalize(np.array([[1, 2], [3, 4]])) == ((1, 2), (3, 4))
    assert V.shape(V.normalize([[1.5, 2], [3, 4]])) == (2, 2)
    assert V.to_json(V.normalize([sympy.Rational(1, 3), 2])) == [1 / 3, 2]


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(lambda x: abs(x) > 1e-3))
def test_a_number_is_shown_to_four_decimals_and_its_zeros_mean_rounding(x):
    shown = V.format_number(x)
    assert abs(float(shown) - x) <= 0.5e-4 + 1e-9 * abs(x)
    decimals = shown.split(".")[1] if "." in shown else ""
    if len(decimals) < 4 and abs(float(shown) - x) > 1e-14 * max(1.0, abs(x)):  # not noise
        raise AssertionError(f"{shown} drops the zeros of a rounded {x!r}")


def test_exact_decimals_drop_their_zeros_rounded_ones_keep_them():
    assert V.format_number(sympy.Rational(1, 2)) == "0.5"
    assert V.format_number(0.25) == "0.25"
    assert V.format_number(-0.8450003215118197) == "-0.8450"
    assert V.format_number(3.404026186378718) == "3.4040"


def test_float_noise_and_negative_zero_do_not_show():
    assert V.format_number(0.1 + 0.7) == "0.8"               # 0.7999999999999999
    assert V.format_number(-0.4000000000000001) == "-0.4"
    assert V.format_number(-0.0) == V.format_number(0.0) == "0.0"


def test_a_number_that_is_not_real_is_shown_not_refused():
    assert V.to_json(sympy.Integer(-8) ** sympy.Rational(1, 3)) == "2*(-1)^(1/3)"


def test_expressions_in_json_are_written_as_students_type_them():
    k, c, f = sympy.symbols("K C F")
    assert V.to_json(k * (c * f ** 2 + 1)) == "K*(C*F^2 + 1)"


def test_normalize_settles_exact_numbers_that_sympy_would_lose_to_cancellation():
    """Any solver's value goes through normalize: a saturated σ stays right, not noise."""
    far = 1 - sigmoid(sympy.Integer(10) ** 6)          # e^−1000000/(1 + e^−1000000), below floats
    assert float(V.normalize(far)) == 0.0                 # sympy's own evalf gives ~1e-125
    loss = -sympy.log(sigmoid(sympy.Integer(60)))      # ln(1 + e^−60) ≈ e^−60
    assert float(V.normalize(loss)) == pytest.approx(math.exp(-60), rel=1e-12)
    assert V.normalize(sigmoid(sympy.Integer(0))) == sympy.Rational(1, 2)
    assert V.normalize(sigmoid(sympy.Integer(1))) == 1 / (1 + sympy.exp(-1))   # short: exact
