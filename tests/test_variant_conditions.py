"""`require:` and `let:`: read by nnsolve's own parser, never run as code, and drawn again
deterministically until every condition holds."""

import hashlib
import random
from fractions import Fraction

import pytest

from nnsolve.errors import NnsolveError
from nnsolve.spec.conditions import ConditionError, Expression
from nnsolve.spec.problem import load
from nnsolve.spec.variables import _text, draw, instantiate

VARIANT = "examples/problems/conv-output-variant.yaml"
EXACT = "examples/problems/conv-output-exact.yaml"


def value(text, **values):
    return Expression(text, set(values)).evaluate(values)


def test_arithmetic_is_exact_and_conditions_are_booleans():
    # 30 - 7 + 2 = 25 is odd: stride 2 does not divide it; 31 - 7 + 2 = 26 is even
    assert value("(n - k + 2*p) % s == 0", n=30, k=7, p=1, s=2) is False
    assert value("(n - k + 2*p) % s == 0", n=31, k=7, p=1, s=2) is True
    assert value("(k - 1) / 2", k=4) == Fraction(3, 2)
    assert value("(k - 1) / 2", k=5) == 2 and isinstance(value("(k - 1) / 2", k=5), int)
    assert value("max(k, 3, n) ^ 2", k=1, n=2) == 9
    assert value("min(k, n) + abs(-3) + floor(7 / 2) + ceil(7 / 2)", k=2, n=5) == 2 + 3 + 3 + 4
    assert value("1 <= k < n", k=1, n=1) is False        # chained as written: 1 ≤ 1 but 1 ≮ 1
    assert value("k <= n and not k > 2 or n == 0", k=3, n=5) is False
    assert value("x * 2", x=0.25) == 0.5


@pytest.mark.parametrize("text, message", [
    ("__import__('os')", "unexpected character '_' at position 1"),
    ("k = 1", "unexpected character '=' at position 3"),
    ("open(k)", "unknown function 'open'"),
    ("k <= q", "unknown name 'q' (the variables: k)"),
    ("k +", "unexpected end of expression"),
    ("(k", "missing ')' for the '(' at position 1"),
    ("max(k)", "max() takes 2 or more arguments, got 1"),
    ("", "must be an expression"),
])
def test_anything_but_arithmetic_over_the_variables_is_refused(text, message):
    with pytest.raises(ConditionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Expression(text, {"k"})


def test_a_number_and_a_condition_are_not_mixed():
    with pytest.raises(ConditionError, match="join conditions"):
        value("k and n", k=1, n=2)
    with pytest.raises(ConditionError, match="used as a number"):
        value("(k < n) + 1", k=1, n=2)
    with pytest.raises(ConditionError, match="division by zero"):
        value("k % n", k=1, n=0)


def test_answers_still_refuse_comparison_characters(nnsolve, tmp_path):
    """The tokenizer reads `<` and `%` only for conditions: in a student's answer they are
    refused as before."""
    from nnsolve.grade.answer_text import parse_text
    from nnsolve.grade.answer_limits import AnswerError

    for text, char in (("3 % 2", "%"), ("1 < 2", "<")):
        with pytest.raises(AnswerError, match=f"unexpected character '{char}'"):
            parse_text(text)


def test_every_draw_meets_the_conditions_and_is_the_same_each_time():
    problem = load(EXACT)
    for i in range(1, 201):
        v = draw(problem, f"s{i}")
        assert (v["n"] - v["k"] + 2 * v["p"]) % v["s"] == 0 and v["k"] <= v["n"]
        assert v["same"] == (v["k"] - 1) // 2          # k is odd: (k - 1)/2 is whole
        assert draw(problem, f"s{i}") == v


def test_without_conditions_no_students_numbers_move():
    """The generator of the first release: sha256(problem id, NUL, student id), one draw per
    variable in name order (k, n, p, s)."""
    for student in ("s1", "s1234", "ada"):
        digest = hashlib.sha256(f"conv-output-variant\x00{student}".encode()).digest()
        rng = random.Random(int.from_bytes(digest[:8], "big"))
        expected = {"k": rng.choice([3, 5, 7]), "n": rng.randint(28, 64),
                    "p": rng.choice([0, 1, 2]), "s": rng.choice([1, 2])}
        assert draw(load(VARIANT), student) == expected


def test_the_instructors_variant_meets_the_conditions_too(problem_file):
    # the lower bounds (n = 10, k = 3, s = 2) break the condition: 10 - 3 = 7 is odd
    path = problem_file(PROBLEM.format(require='["(n - k) % s == 0"]'))
    v = draw(load(path), None)
    assert (v["n"] - v["k"]) % v["s"] == 0
    assert draw(load(path), None) == v


PROBLEM = """nnsolve: 1
id: p
statement: "n=$n k=$k s=$s half=$half"
variables:
  n: {{int: [10, 20]}}
  k: {{choice: [3, 5]}}
  s: {{choice: [2, 3]}}
let: {{half: "n / 2"}}
require: {require}
solver: layers
given: {{input: [$n, $n, 1], layers: [{{conv: {{filters: 1, kernel: $k, stride: $s}}}}]}}
"""


def test_an_unmeetable_condition_is_named_at_check_time(nnsolve, problem_file):
    path = problem_file(PROBLEM.format(require='["k <= n", "n > 100"]'))
    result = nnsolve("check", path)
    assert result.exit_code == 1
    assert f"{path}:9: require[1]: no draw of the variables meets 'n > 100' (1000 tried)" \
        in result.stderr


def test_conditions_that_only_fail_together_name_the_one_broken_most(problem_file):
    # n ≤ 12 holds for 3 of the 11 values of n, n ≥ 18 for 3 others: never both
    path = problem_file(PROBLEM.format(require='["n <= 12", "n >= 18"]'))
    with pytest.raises(NnsolveError, match=r"require\[[01]\]: no draw of the variables meets "
                                           r"every condition \(1000 tried\)"):
        draw(load(path), "s1")


@pytest.mark.parametrize("require, line, message", [
    ('["k <= q"]', 9, "require[0]: unknown name 'q' (the variables: half, k, n, s)"),
    ('["k + n"]', 9, "require[0]: must be a condition, such as k <= n, not a number"),
    ('{a: 1}', 9, "require: must be a list of conditions"),
    ('["n % (k - k) == 0"]', 9, "require[0]: division by zero (with k = 3, n = 10)"),
])
def test_bad_conditions_are_located_errors(nnsolve, problem_file, require, line, message):
    path = problem_file(PROBLEM.format(require=require))
    result = nnsolve("run", path)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert f"{path}:{line}: {message}" in result.stderr


def test_let_values_are_usable_wherever_a_variable_is(problem_file):
    path = problem_file(PROBLEM.format(require='["n % 2 == 1"]'))
    problem = instantiate(load(path), "s3")
    v = problem.variable_values
    assert v["n"] % 2 == 1 and v["half"] == round(v["n"] / 2, 6)    # 11 / 2 = 5.5, not 11/2
    assert problem.statement == f"n={v['n']} k={v['k']} s={v['s']} half={v['half']}"


def test_a_let_that_names_a_variable_or_gives_a_condition_is_refused(nnsolve, problem_file):
    clash = PROBLEM.format(require="[]").replace('let: {half: "n / 2"}', 'let: {n: "2"}')
    result = nnsolve("run", problem_file(clash))
    assert result.exit_code == 1 and "let.n: 'n' is already a variable" in result.stderr
    condition = PROBLEM.format(require="[]").replace('"n / 2"', '"n > 2"')
    result = nnsolve("run", problem_file(condition, "b.yaml"))
    assert "let.half: gives true or false: a condition belongs in `require:`" in result.stderr


FLOATS = """nnsolve: 1
id: f
statement: "x=$x third=$third tiny=$tiny"
variables:
  x: {float: [0, 1], decimals: 2}
  tiny: {float: [0.00001, 0.00001]}
let: {third: "x / 3"}
solver: layers
given: {input: [4, 4, 1], layers: [{conv: {filters: 1, kernel: 3}}]}
"""


def test_float_variables_are_shown_as_the_numbers_the_key_uses(problem_file):
    problem = instantiate(load(problem_file(FLOATS)), "s7")
    v = problem.variable_values
    assert v["x"] == round(v["x"], 2) and v["third"] == round(v["x"] / 3, 6)
    shown = dict(item.split("=") for item in problem.statement.split())
    assert float(shown["x"]) == v["x"] and float(shown["third"]) == v["third"]
    assert shown["tiny"] == "0.00001"
    assert _text(1e-05) == "0.00001" and _text(0.25) == "0.25" and _text(3) == "3"


def test_a_fractional_power_of_a_negative_number_is_refused():
    assert value("k ^ 0.5", k=4) == 2.0 and value("k ^ -1", k=4) == Fraction(1, 4)
    with pytest.raises(ConditionError, match="negative number to a fractional power"):
        value("k ^ 0.5", k=-4)
    with pytest.raises(ConditionError, match="power too large"):
        value("k ^ 100", k=2)


def test_a_condition_whose_exact_powers_explode_is_refused_quickly(nnsolve, problem_file):
    """(0.999999^64)^64… is a fraction of millions of digits in exact arithmetic."""
    import time

    path = problem_file(PROBLEM.format(
        require='["((((999999/1000000)^64)^64)^64)^64 > 0"]'))
    start = time.monotonic()
    result = nnsolve("check", path)
    assert time.monotonic() - start < 5
    assert result.exit_code == 1 and "power too large" in result.stderr
