"""Comparing a student's value with the expected one: the grading contract."""

from __future__ import annotations

import threading
import time
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from nnsolve.derivation.kinds import compare_symbolic as symbolic_module
from nnsolve.grade.answers import parse_answer
from nnsolve.grade.compare import Comparison, Tolerance, compare, digits_written
from shared_paths import finish_abandoned_simplify

DEFAULT = Tolerance()
x, y, z, w, v = sympy.symbols("x y z w v")
eps, a3, x1, delta3 = sympy.symbols("eps a3 x1 delta3")


def student(text, expect="number"):
    return parse_answer(text, expect=expect)


# ---------------------------------------------------------------------------
# tolerance

def test_default_tolerance_is_isclose():
    assert compare(1.0, 1.011, DEFAULT).ok            # 0.001 + 0.01 * 1
    assert not compare(1.0, 1.0111, DEFAULT).ok
    assert compare(0.0, 0.001, DEFAULT).ok
    assert not compare(0.0, 0.0011, DEFAULT).ok


def test_exact_and_float_mix():
    assert compare(sympy.Rational(1, 3), 0.333, DEFAULT).ok
    assert compare(0.3333, student("1/3"), DEFAULT).ok
    assert compare(sympy.sqrt(2) / 2, 0.7071, DEFAULT).ok
    assert compare(sympy.exp(-1), student("e^-1"), Tolerance(rel=0, abs=0)).ok


def test_wrong_number_message():
    result = compare(0.3167, 0.3210, DEFAULT, given_text="0.3210")
    assert result == Comparison(False, 0.0,
                                "expected 0.3167, got 0.3210 (off by 0.0043, allowed ±0.0042)")


@pytest.mark.parametrize("answer, ok", [
    (1.2289, True), (1.2391, True), (1.234, True), (1.23, True),
    (1.2280, False), (1.2400, False), (1.2288, False), (1.2392, False),
])
def test_sigfigs_band(answer, ok):
    assert compare(1.234, answer, Tolerance(sigfigs=3)).ok is ok


@pytest.mark.parametrize("answer, ok", [
    (0.3116, True), (0.3218, True), (0.32, True), (0.3115, False), (0.3219, False),
])
def test_decimals_band(answer, ok):
    assert compare(0.3167, answer, Tolerance(decimals=2)).ok is ok


def test_sigfigs_for_large_and_small_numbers():
    assert compare(34944.0, 34900, Tolerance(sigfigs=3)).ok
    assert compare(34944.0, 35000, Tolerance(sigfigs=3)).ok is False
    assert compare(0.0012345, 0.00123, Tolerance(sigfigs=3)).ok
    assert compare(0.0012345, 0.00122, Tolerance(sigfigs=3)).ok is False


@settings(max_examples=200)
@given(st.fractions(min_value=Fraction(-10**6), max_value=Fraction(10**6)).filter(lambda f: f != 0),
       st.integers(1, 6))
def test_sigfigs_band_edges_are_exact(expected, figures):
    magnitude = abs(expected)
    order = 0
    while Fraction(10) ** order > magnitude:
        order -= 1
    while Fraction(10) ** (order + 1) <= magnitude:
        order += 1
    unit = Fraction(10) ** (order - figures + 1)
    centre = _r(expected)
    tol = Tolerance(sigfigs=figures)
    truncated = int(expected / unit) * unit     # cut to the figures asked: right, with a note
    for share, ok in ((Fraction(51, 100), True), (Fraction(52, 100), False)):
        for sign in (1, -1):
            given = expected + sign * share * unit
            assert compare(centre, _r(given), tol).ok is (ok or given == truncated)


def _r(value: Fraction) -> sympy.Rational:
    return sympy.Rational(value.numerator, value.denominator)


@given(st.floats(-1e12, 1e12, allow_nan=False))
def test_every_number_matches_itself(value):
    assert compare(value, value, DEFAULT).ok
    assert compare(value, value, Tolerance(sigfigs=4)).ok
    assert compare(value, value, Tolerance(exact=True)).ok


@given(st.floats(1e-6, 1e6), st.floats(-0.99, 0.99))
def test_relative_tolerance_scales(value, share):
    assert compare(value, value * (1 + share * 0.01), Tolerance(rel=0.01, abs=0)).ok


# ---------------------------------------------------------------------------
# precision

def test_too_few_digits_is_flagged():
    result = compare(0.3167, 0.3, DEFAULT)
    assert not result.ok and result.low_precision
    assert "not enough precision: you wrote 0.3 but 3 decimals are needed" in result.message


def test_sigfigs_precision_message_uses_the_written_text():
    result = compare(1.234, 1.2, Tolerance(sigfigs=3), given_text="1.2")
    assert result.low_precision
    assert "you wrote 1.2 but 3 significant figures are needed" in result.message
    decimals = compare(0.3167, 0.3, Tolerance(decimals=2), given_text="0.3")
    assert decimals.low_precision and "2 decimals are needed" in decimals.message


def test_written_trailing_zeros_count():
    # "0.30" has two decimals, so with decimals=2 it is a wrong value, not a short one
    result = compare(0.3167, 0.3, Tolerance(decimals=2), given_text="0.30")
    assert not result.ok and not result.low_precision


def test_a_plainly_wrong_number_is_not_called_imprecise():
    result = compare(0.3167, 0.9, DEFAULT)
    assert not result.low_precision and result.message.startswith("expected 0.3167, got 0.9")
    assert not compare(0.3167, 0.4, DEFAULT).low_precision      # neither rounded nor cut
    assert not compare(1.0, 1e308, DEFAULT).low_precision


def test_truncated_answers_are_imprecise():
    assert compare(0.3167, 0.31, DEFAULT).low_precision
    assert compare(-0.3167, -0.31, DEFAULT).low_precision
    assert compare(1234.5, 1200, Tolerance(sigfigs=4)).low_precision


def test_exact_fraction_answers_are_never_imprecise():
    result = compare(0.3167, student("1/4"), DEFAULT, given_text="1/4")
    assert not result.ok and not result.low_precision


@pytest.mark.parametrize("text, digits", [
    ("0.3167", (4, 4)), ("2.9e-3", (2, 4)), ("1200", (2, 0)), ("1200.", (4, 0)),
    ("1.20e3", (3, -1)), ("-0.050", (2, 3)), ("0", (1, 0)), ("0.00", (2, 2)), ("7", (1, 0)),
    ("  3.14 ", (3, 2)), (".5", (1, 1)),
])
def test_digits_written(text, digits):
    assert digits_written(text) == digits


@pytest.mark.parametrize("text", ["1/3", "sqrt(2)", "", "abc", "1.2.3"])
def test_digits_written_rejects_non_numbers(text):
    with pytest.raises(ValueError):
        digits_written(text)


@given(st.integers(1, 10**9), st.integers(0, 8))
def test_digits_written_counts_decimals(mantissa, decimals):
    text = f"{mantissa / 10 ** decimals:.{decimals}f}"
    assert digits_written(text)[1] == decimals


# ---------------------------------------------------------------------------
# exact kinds, labels, booleans

def test_exact_counts():
    exact = Tolerance(exact=True)
    assert compare(34944, 34944.0, exact).ok
    assert compare(sympy.Integer(34944), student("34944"), exact).ok
    result = compare(34944, 34943, exact)
    assert not result.ok and result.message == "expected 34944, got 34943"
    assert compare(sympy.Rational(1, 10), 0.1, exact).ok


def test_labels_ignore_case_and_spaces():
    assert compare("negative", "  Negative ", DEFAULT, kind="label").ok
    assert compare("not spam", "Not   Spam", DEFAULT).ok
    result = compare("cat", "dog", DEFAULT, kind="label")
    assert result.message == "expected 'cat', got 'dog'"
    assert compare("3", student("3", "auto"), DEFAULT, kind="label").ok


def test_booleans():
    assert compare(True, "yes", DEFAULT, kind="boolean").ok
    assert compare(sympy.Integer(0), "false", DEFAULT, kind="boolean").ok
    assert not compare(True, "false", DEFAULT, kind="boolean").ok
    assert "true or false" in compare(True, "maybe", DEFAULT, kind="boolean").message


def test_type_mismatches_are_explained():
    assert compare(0.5, "half", DEFAULT).message == "expected a number, got 'half'"
    assert "expected a number" in compare(0.5, x, DEFAULT).message
    assert compare(0.5, None, DEFAULT).message == "no answer given"
    assert not compare("cat", ("cat", "dog"), DEFAULT).ok


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        compare(1, 1, DEFAULT, kind="numbr")


# ---------------------------------------------------------------------------
# vectors and matrices

def test_matrix_shape_mismatch():
    expected = ((1, 2, 3), (4, 5, 6), (7, 8, 9))
    result = compare(expected, ((1, 2, 3), (4, 5, 6)), DEFAULT, kind="matrix")
    assert result == Comparison(False, 0.0, "shape mismatch: expected a 3×3 matrix, got a 2×3 matrix")
    assert "a vector of length 3" in compare((1, 2, 3), (1, 2), DEFAULT).message


def test_matrix_elements_are_named_by_row_and_column():
    result = compare(((1, 2), (0.5, 4)), ((1, 2), (0.6, 4)), DEFAULT)
    assert not result.ok and result.fraction == 0.75
    assert "row 2, column 1: expected 0.5, got 0.6" in result.message


def test_vector_messages_list_the_first_wrong_elements():
    result = compare((1, 2, 3, 4, 5, 6), (0, 0, 0, 0, 0, 6), DEFAULT)
    assert result.fraction == pytest.approx(1 / 6)
    assert result.message.startswith("5 of 6 elements wrong: element 1: expected 1, got 0")
    assert result.message.endswith("and 2 more")


def test_shape_leniency():
    assert compare(5, (5,), DEFAULT).ok
    assert compare((5,), 5, DEFAULT).ok
    assert compare((1, 2, 3), ((1, 2, 3),), DEFAULT).ok
    assert compare((1, 2, 3), ((1,), (2,), (3,)), DEFAULT).ok
    assert compare([[1, 2], [3, 4]], [[1, 2], [3, 4]], DEFAULT).ok   # lists count as tuples


def test_matrix_from_student_text():
    given = parse_answer([["1/3", "0.5"], ["sqrt(2)", "2.9e-3"]], expect="matrix")
    expected = ((0.3333, sympy.Rational(1, 2)), (1.41421, 0.0029))
    assert compare(expected, given, DEFAULT).ok


def test_given_text_per_element():
    result = compare((0.3167, 0.5), (0.3, 0.5), DEFAULT, given_text=("0.3", "0.5"))
    assert result.low_precision and "element 1: not enough precision" in result.message


def test_shapes_compared_exactly():
    assert compare((55, 55, 96), (55, 55, 96), Tolerance(exact=True), kind="shape").ok
    assert not compare((55, 55, 96), (55, 54, 96), Tolerance(exact=True), kind="shape").ok


# ---------------------------------------------------------------------------
# sets

def test_sets_are_order_free():
    assert compare(frozenset({1, 2, 3}), (3, 1, 2), DEFAULT, kind="set").ok
    assert compare(frozenset({"cat", "dog"}), frozenset({"Dog", "CAT"}), DEFAULT).ok


def test_set_elements_use_the_tolerance():
    expected = frozenset({sympy.Rational(1, 3), sympy.Rational(2, 3)})
    assert compare(expected, frozenset({0.333, 0.667}), DEFAULT).ok


def test_set_differences_are_listed():
    result = compare(frozenset({"cat", "dog", "bird"}), frozenset({"cat", "fish"}), DEFAULT)
    assert not result.ok
    assert result.fraction == 0                 # (1 right − 1 wrong) / 3 right
    assert result.message == "missing: 'bird', 'dog'; not expected: 'fish'"


def test_set_of_vectors():
    expected = frozenset({(1, 0), (0, 1)})
    assert compare(expected, parse_answer([[0, 1], [1, 0]], expect="set"), DEFAULT).ok


def test_long_set_differences_are_shortened():
    result = compare(frozenset(range(100)), frozenset(range(50, 150)), Tolerance(exact=True))
    assert result.fraction == 0                 # (50 right − 50 wrong) / 100 right
    assert "and 45 more" in result.message and len(result.message) < 200


def test_empty_sets():
    assert compare(frozenset(), frozenset(), DEFAULT).ok
    assert compare(frozenset(), frozenset({1}), DEFAULT).fraction == 0.0


# ---------------------------------------------------------------------------
# symbolic expressions

def test_expanded_square_is_equivalent():
    assert compare((x + 1) ** 2, x ** 2 + 2 * x + 1, DEFAULT, kind="expression").ok


def test_reordered_product_with_derivative_notation():
    expected = student("-eps*g'(a3)*x1*delta3", "expression")
    given = student("-x1*delta3*eps*g'(a3)", "expression")
    assert compare(expected, given, DEFAULT, kind="expression").ok
    assert compare(expected, student("-x_1*δ3*ε*g'(a3)", "expression"), DEFAULT).ok


def test_derivative_objects_match_the_prime_notation():
    g = sympy.Function("g")
    expected = -eps * sympy.Derivative(g(a3), a3) * x1 * delta3
    assert compare(expected, student("-x1*delta3*eps*g'(a3)", "expression"), DEFAULT).ok
    chained = sympy.Derivative(g(x), x).subs(x, 2 * y)        # sympy's Subs form of g'(2y)
    assert compare(chained, student("g'(2*y)", "expression"), DEFAULT).ok
    assert not compare(expected, student("-x1*delta3*eps*g(a3)", "expression"), DEFAULT).ok


def test_unknown_functions_are_the_same_function_on_both_sides():
    g = sympy.Function("g")
    assert compare(g((x + 1) ** 2), g(x ** 2 + 2 * x + 1), DEFAULT, kind="expression").ok
    assert not compare(g(x), g(y), DEFAULT, kind="expression").ok


def test_symbol_assumptions_and_spellings_do_not_matter():
    real_x = sympy.Symbol("x1", real=True)
    assert compare(2 * real_x, student("x_1 + x1", "expression"), DEFAULT).ok
    assert compare(sympy.Symbol("eps") * x, student("epsilon*x", "expression"), DEFAULT).ok


def test_not_equivalent_expression_is_explained():
    result = compare((x + 1) ** 2, x ** 2 + 2 * x + 2, DEFAULT, kind="expression")
    assert not result.ok and result.fraction == 0.0
    assert result.message.startswith("expected (x + 1)^2, got x^2 + 2*x + 2")
    extra = compare(x * y, x * z, DEFAULT, kind="expression")
    assert "uses z" in extra.message and "does not use y" in extra.message


def test_numeric_coefficients_use_the_tolerance():
    assert compare(0.3167 * x, 0.317 * x, DEFAULT, kind="expression").ok
    assert not compare(0.3167 * x, 0.33 * x, DEFAULT, kind="expression").ok
    assert not compare(x / 3, 0.3333333 * x + 1e-12, Tolerance(rel=0, abs=0), kind="expression").ok


def test_numbers_in_expression_kind():
    assert compare(sympy.Rational(1, 2), 0.5, DEFAULT, kind="expression").ok
    assert "expected an expression" in compare(x, "x", DEFAULT, kind="expression").message


def test_activation_functions_of_the_derivation():
    sigmoid = sympy.Function("sigmoid_placeholder")     # opaque on both sides
    assert compare(sigmoid(x) * (1 - sigmoid(x)), sigmoid(x) - sigmoid(x) ** 2, DEFAULT).ok
    logistic = student("σ(x)", "expression")
    assert compare(logistic * (1 - logistic), sympy.exp(-x) / (1 + sympy.exp(-x)) ** 2, DEFAULT).ok


def test_branches_are_distinguished():
    assert compare(sympy.sqrt(x ** 2), sympy.Abs(x), DEFAULT, kind="expression").ok
    assert not compare(sympy.sqrt(x ** 2), x, DEFAULT, kind="expression").ok


def test_slow_simplify_is_not_needed_when_random_points_decide():
    # sympy.simplify needs several seconds for this difference; random points take well under one
    expanded = sympy.expand((x + y + z + w + v + 1) ** 8)
    start = time.monotonic()
    assert compare(expanded, (x + y + z + w + v + 1) ** 8, DEFAULT, kind="expression", time_limit=2).ok
    assert time.monotonic() - start < 2.0
    start = time.monotonic()
    wrong = compare(expanded, (x + y + z + w + v + 1) ** 8 + 1, DEFAULT, kind="expression", time_limit=2)
    assert time.monotonic() - start < 2.0
    assert not wrong.ok and len(wrong.message) < 400


@pytest.fixture
def stuck_simplify(monkeypatch):
    """sympy.simplify that never finishes on its own (released after the test)."""
    release = threading.Event()
    calls = []

    def simplify(expr, *args, **kwargs):
        calls.append(expr)
        release.wait(30)
        return expr

    monkeypatch.setattr(sympy, "simplify", simplify)
    yield calls
    release.set()
    finish_abandoned_simplify()


def test_random_points_decide_while_simplify_hangs(stuck_simplify):
    start = time.monotonic()
    assert compare(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, sympy.Integer(1) + 0 * x, DEFAULT,
                   kind="expression", time_limit=1).ok
    assert compare(sympy.tanh(x), (sympy.exp(2 * x) - 1) / (sympy.exp(2 * x) + 1), DEFAULT,
                   kind="expression", time_limit=1).ok
    assert time.monotonic() - start < 1.0
    assert stuck_simplify == []


def test_undecided_simplify_is_reported_not_failed_silently(stuck_simplify, monkeypatch):
    monkeypatch.setattr(symbolic_module, "_evaluate", lambda expr, point: None)
    start = time.monotonic()
    result = compare(x ** 2, x * x + 0 * y, DEFAULT, kind="expression", time_limit=0.5)
    assert time.monotonic() - start < 1.5
    assert result.ok   # structurally equal after sympy's own evaluation
    result = compare(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, sympy.Integer(1) + 0 * x, DEFAULT,
                     kind="expression", time_limit=0.5)
    assert time.monotonic() - start < 1.5
    assert not result.ok and result.undecided and "a person must check it" in result.message


def test_a_verdict_does_not_depend_on_a_simplify_stuck_before_it(monkeypatch):
    """Issue 17 item 13: a timed-out simplify used to hold the one slot, so the next
    student's provable answer was `invalid`; now each runs in its own child, ended in time."""
    monkeypatch.setattr(symbolic_module, "_evaluate", lambda expr, point: None)
    real = sympy.simplify

    def simplify(expr, *args, **kwargs):
        if expr.has(sympy.tan):
            time.sleep(30)  # stuck: ended by the time limit
        return real(expr, *args, **kwargs)

    monkeypatch.setattr(sympy, "simplify", simplify)
    alone = compare(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, sympy.Integer(1) + 0 * x, DEFAULT,
                    kind="expression", time_limit=5)
    stuck = compare(sympy.tan(x), sympy.sin(x) / sympy.cos(x) + 0 * y, DEFAULT,
                    kind="expression", time_limit=0.3)
    after = compare(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, sympy.Integer(1) + 0 * x, DEFAULT,
                    kind="expression", time_limit=5)
    assert stuck.undecided
    assert alone.ok and after.ok


def test_simplify_decides_when_points_cannot_be_evaluated(monkeypatch):
    monkeypatch.setattr(symbolic_module, "_evaluate", lambda expr, point: None)
    assert compare(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, sympy.Integer(1) + 0 * x, DEFAULT,
                   kind="expression").ok


# ---------------------------------------------------------------------------
# Tolerance.from_spec

def test_tolerance_from_spec_merges_over_base():
    base = Tolerance(rel=0.05)
    assert Tolerance.from_spec(None, base) is base
    assert Tolerance.from_spec({"abs": 0.1}, base) == Tolerance(rel=0.05, abs=0.1)
    assert Tolerance.from_spec({"exact": True}) == Tolerance(exact=True)


def test_tolerance_from_spec_most_specific_rule_wins():
    digits = Tolerance(sigfigs=3)
    assert Tolerance.from_spec({"rel": 0.02}, digits) == Tolerance(rel=0.02)
    assert Tolerance.from_spec({"decimals": 2}, digits) == Tolerance(decimals=2)
    assert Tolerance.from_spec({"abs": 0.5, "sigfigs": 2}, digits) == Tolerance(abs=0.5, sigfigs=2)


@pytest.mark.parametrize("spec", [{"relative": 0.1}, {"rel": -1}, {"sigfigs": 0}, {"decimals": 1.5},
                                  {"exact": "yes"}, {"rel": True}, [1, 2], {"decimals": 10**9},
                                  {"abs": float("nan")}])
def test_tolerance_from_spec_rejects_bad_specs(spec):
    with pytest.raises(ValueError):
        Tolerance.from_spec(spec)


def test_wider_of_two_digit_rules_applies():
    both = Tolerance(sigfigs=2, decimals=3)
    assert compare(1.234, 1.24, both).ok          # 2 significant figures: ±0.051
    assert compare(0.001234, 0.0017, both).ok     # 3 decimals: ±0.00051


# ---------------------------------------------------------------------------
# fixes: bare zeros, decimal commas, selections, tight symbolic equivalence

def test_a_bare_zero_is_wrong_not_imprecise():
    y3 = 1 / (1 + 2.718281828459045 ** -1)                # σ(1) = 0.7311
    result = compare(y3, 0, Tolerance(decimals=3), given_text="0")
    assert not result.ok and not result.low_precision
    assert "not enough precision" not in result.message
    assert result.message.startswith("expected 0.73106, got 0")
    # 0.00 for 0.004 is that value rounded to two decimals: imprecise, not wrong
    assert compare(0.004, 0.0, Tolerance(decimals=4), given_text="0.00").low_precision


def test_digits_of_a_number_with_a_decimal_comma():
    assert digits_written("-0,845") == (3, 3)
    result = compare(-0.84546, -0.85, Tolerance(decimals=3), given_text="-0,85")
    assert result.low_precision


def test_ticking_every_option_earns_nothing():
    right = frozenset({"a", "c"})
    everything = compare(right, frozenset({"a", "b", "c", "d"}), DEFAULT, kind="set")
    assert everything.fraction == 0
    assert everything.scoring == "(2 right picks − 2 wrong picks) / 2 right options, " \
                                 "which is not above 0"
    one_extra = compare(right, frozenset({"a", "b", "c"}), DEFAULT, kind="set")
    assert one_extra.fraction == pytest.approx((2 - 1) / 2)
    assert one_extra.scoring == "(2 right picks − 1 wrong pick) / 2 right options = 50%"
    assert compare(right, frozenset({"a"}), DEFAULT, kind="set").fraction == pytest.approx(1 / 2)


def test_symbolic_equivalence_is_tight_when_the_key_is_exact():
    expected = student("eps*delta3*x1", "expression")
    assert not compare(expected, student("1.005*eps*delta3*x1", "expression"), DEFAULT,
                       kind="expression").ok
    assert compare(expected, student("1.0*eps*delta3*x1", "expression"), DEFAULT,
                   kind="expression").ok
    # a key that holds decimals keeps the numeric tolerance
    assert compare(0.5 * x, student("0.5001*x", "expression"), DEFAULT, kind="expression").ok


def test_a_small_symbolic_difference_is_shown_with_enough_digits():
    result = compare(x * y - 2, student("1.0001*x*y - 2", "expression"), DEFAULT,
                     kind="expression")
    expected_value, given_value = result.message.split("the expected value is ")[1] \
        .rstrip(")").split(", yours ")
    assert expected_value != given_value


def test_symbolic_answers_are_compared_through_the_derivations_definitions():
    g, g_prime = sympy.Function("g"), sympy.Function("g'")
    t, y4, a4, y5, a5, delta5, w04, w14 = sympy.symbols("t y4 a4 y5 a5 delta5 w04 w14")
    definitions = {y4: g(a4), a4: w04 + w14 * x1, y5: g(a5), delta5: 2 * (t - y5) * g_prime(a5)}
    expected = 2 * eps * y4 * (t - y5) * g_prime(a5)
    for written in ("eps*delta5*g(a4)", "eps*delta5*y4", "2*eps*(t - g(a5))*g'(a5)*y4",
                    "eps*delta5*g(w04 + w14*x1)"):
        given = student(written, "expression")
        assert not compare(expected, given, DEFAULT, kind="expression").ok   # delta5 unknown
        assert compare(expected, given, DEFAULT, kind="expression", definitions=definitions).ok
    wrong = compare(expected, student("eps*delta5*y5", "expression"), DEFAULT, kind="expression",
                    definitions=definitions)
    assert not wrong.ok and "delta5, which" not in wrong.message
    foreign = compare(expected, student("eps*delta5*y4*x1", "expression"), DEFAULT,
                      kind="expression", definitions=definitions)
    assert "your answer uses x1, which the expected answer does not use" in foreign.message
