"""Grading: credit, error carried forward, misconceptions, and submissions that fight back.

Most tests grade against E1's forward pass (the 2-2-1 sigmoid network of the exercise
catalogue: x = (1, −1), bias input 1, w13 = 1, w23 = −1, w03 = −1, w14 = −1, w24 = 1, w04 = 2,
w35 = 1, w45 = 1, w05 = −2, t = 1), built here by a small solver so the grader is tested on its
own. Expected figures are computed in the tests with `math`, never by the code under test.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field

from nnsolve import solvers
from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.derivation.functions import relu, sigmoid
from nnsolve.grade.grader import grade_file, grade_submission
from nnsolve.grade.key import Key
from nnsolve.grade.submission import load_submission, parse_submission
from nnsolve.solvers.base import Given, Solver
from nnsolve.spec.problem import parse_problem
from nnsolve.spec.variables import draw
from nnsolve.spec.yamlsafe import load_text

DATA = Path(__file__).parent / "data" / "grading"
ROOT = Path(__file__).resolve().parent.parent


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# E1(b) forward pass, by hand
A3 = 1 * 1 + (-1) * (-1) + (-1) * 1          # 1
Y3 = sig(A3)                                 # 0.7311
A4 = (-1) * 1 + 1 * (-1) + 2 * 1             # 0
Y4 = sig(A4)                                 # 0.5
A5 = 1 * Y3 + 1 * Y4 + (-2) * 1              # −0.7689
Y5 = sig(A5)                                 # 0.3167
DELTA5 = (1 - Y5) * Y5 * (1 - Y5)
DW35 = 1 * DELTA5 * Y3


class ForwardGiven(Given):
    x1: float = 1
    x2: float = -1
    w13: float = 1
    w23: float = -1
    w03: float = -1
    w14: float = -1
    w24: float = 1
    w04: float = 2
    w35: float = 1
    w45: float = 1
    w05: float = -2
    t: float = 1
    lr: float = 1
    shift: float = Field(0, description="added to x1 (for per-student variants)")


class ForwardSolver(Solver):
    """E1's network: forward pass, output delta and one weight update."""

    name = "e1-forward"
    summary = "test solver"
    Given = ForwardGiven
    principal = ("y5",)

    def solve(self, given, conventions):
        d = Derivation()
        g = {k: (sympy.Integer(int(v)) if float(v).is_integer() else v)
             for k, v in given.model_dump().items()}
        x1 = d.given("x1", g["x1"] + g["shift"])
        x2, x0 = d.given("x2", g["x2"]), d.given("x0", 1)
        w13, w23, w03 = (d.given(n, g[n]) for n in ("w13", "w23", "w03"))
        w14, w24, w04 = (d.given(n, g[n]) for n in ("w14", "w24", "w04"))
        w35, w45, w05 = (d.given(n, g[n]) for n in ("w35", "w45", "w05"))
        t, lr = d.given("t", g["t"]), d.given("lr", g["lr"])
        a3 = d.add("a3", "net input of neuron 3", w13 * x1 + w23 * x2 + w03 * x0,
                   misconceptions=[Misconception("bias-forgotten", "the bias weight w03 was left out",
                                                 lambda v: v["w13"] * v["x1"] + v["w23"] * v["x2"])])
        y3 = d.add("y3", "output of neuron 3", sigmoid(a3),
                   misconceptions=[Misconception("tanh-instead", "tanh was used instead of the sigmoid",
                                                 lambda v: sympy.tanh(v["a3"]))])
        a4 = d.add("a4", "net input of neuron 4", w14 * x1 + w24 * x2 + w04 * x0)
        y4 = d.add("y4", "output of neuron 4", sigmoid(a4))
        a5 = d.add("a5", "net input of neuron 5", w35 * y3 + w45 * y4 + w05 * x0)
        d.add("h5", "ReLU of a5", relu(a5), rule=lambda v: max(sympy.Integer(0), v["a5"]),
              inputs=("a5",))
        y5 = d.add("y5", "output of the network", sigmoid(a5))
        delta5 = d.add("delta5", "delta of neuron 5", (t - y5) * y5 * (1 - y5))
        dw35 = d.add("dw35", "update of w35", lr * delta5 * y3)
        d.add("w35.new", "new w35", w35 + dw35)
        d.add("e", "squared error", (t - y5) ** 2)
        d.add("hidden", "outputs of the hidden layer", rule=lambda v: (v["y3"], v["y4"]),
              inputs=("y3", "y4"), kind="vector")
        d.add("fan_in", "inputs of neuron 3, bias included", rule=lambda v: 3, inputs=(), value=3,
              kind="count")
        d.given("V", ((1, 2), (3, 4)), "values")
        d.add("P", "mixing weights", rule=lambda v: ((v["y3"], 1 - v["y3"]), (v["y4"], 1 - v["y4"])),
              inputs=("y3", "y4"), kind="matrix")
        d.add("Z", "mixed values P·V", rule=lambda v: tuple(
            tuple(sum(v["P"][i][k] * v["V"][k][j] for k in range(2)) for j in range(2))
            for i in range(2)), inputs=("P", "V"), kind="matrix")
        return d


@pytest.fixture(autouse=True)
def forward_solver(monkeypatch):
    """Make `solver: e1-forward` resolve to the test solver, as an installed plugin would."""
    real_get = solvers.get
    calls = {"solve": 0}

    class Counting(ForwardSolver):
        def solve(self, given, conventions):
            calls["solve"] += 1
            return super().solve(given, conventions)

    monkeypatch.setattr(solvers, "get", lambda name: Counting if name == "e1-forward" else real_get(name))
    return calls


E1_PROBLEM = """\
nnsolve: 1
id: e1-forward
title: "E1: forward pass"
solver: e1-forward
given: {}
ask:
  a3: 1
  y3: 1
  a4: 1
  y4: 1
  a5: 1
  h5: 1
  y5: 1
  delta5: 1
  dw35: 1
  w35.new: 1
  e: 1
"""


def problem_from(text: str, name: str = "problem.yaml"):
    return parse_problem(load_text(text, name))


@pytest.fixture
def key():
    return Key.from_problems([problem_from(E1_PROBLEM)])


def submission(answers: str, problem: str = "e1-forward", student: str = "s1"):
    """A submission read from a file, as `nnsolve grade` reads it (digits as typed)."""
    text = f"nnsolve: 1\nstudent: {{id: {student}}}\nproblem: {problem}\nanswers:\n{answers}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sub.yaml"
        path.write_text(text, encoding="utf-8")
        return load_submission(path)


def grade(key, answers: str, **kwargs):
    result = grade_submission(submission(answers, **kwargs), key)
    return result, {(r.name): r for r in result.records}


# -- credit ---------------------------------------------------------------------------------

def test_right_answers_rounded_to_three_decimals_get_full_marks(key):
    result, records = grade(key, f"""\
  a3: 1
  y3: {Y3:.3f}
  a4: 0
  y4: 0.5
  a5: {A5:.3f}
  h5: 0
  y5: {Y5:.3f}
  delta5: {DELTA5:.3f}
  dw35: {DW35:.3f}
  w35.new: {1 + DW35:.3f}
  e: {(1 - Y5) ** 2:.3f}
""")
    assert result.error is None
    assert {r.status for r in result.records} == {"correct"}
    assert result.score == result.max_score == 11


def test_exact_and_arithmetic_answers_are_accepted(key):
    _, records = grade(key, '  y4: "1/2"\n  y3: "1/(1+e^-1)"\n  a5: "1/(1 + exp(-1)) - 1.5"\n')
    assert records["y4"].status == "correct"
    assert records["y3"].status == "correct"
    assert records["a5"].status == "correct"


def test_missing_answers_score_nothing_and_say_so(key):
    _, records = grade(key, "  a3: 1\n  y_3: 0.731\n")
    assert records["a3"].status == "correct"
    assert records["y5"].status == "missing" and records["y5"].awarded == 0
    assert records["y5"].message.startswith("No answer for y5 (output of the network)")


def test_wrong_answer_says_what_was_expected_and_which_step_to_check(key):
    _, records = grade(key, "  a5: 0.5\n")
    a5 = records["a5"]
    assert a5.status == "incorrect" and a5.awarded == 0
    assert a5.expected == pytest.approx(A5)
    assert a5.given == 0.5
    assert "expected -0.7689" in a5.message.lower()
    assert "Check the step net input of neuron 5: a5 = " in a5.message


def test_precision_too_low_is_told_apart_from_a_mistake():
    problem = problem_from(E1_PROBLEM.replace("given: {}", "given: {}\ntolerance: {sigfigs: 3}"))
    key = Key.from_problems([problem])
    _, records = grade(key, "  y3: 0.7\n  y5: 0.320\n")
    assert records["y3"].status == "incorrect"
    assert "Not enough precision" in records["y3"].message
    assert "precision" not in records["y5"].message  # 0.320 has 3 significant figures
    assert "Expected 0.3167" in records["y5"].message and "got 0.320" in records["y5"].message


def test_tolerance_of_the_ask_then_the_part_then_the_problem():
    text = """\
nnsolve: 1
id: tol
tolerance: {rel: 0.2}
parts:
  - id: a
    solver: e1-forward
    given: {}
    tolerance: {rel: 0.0001, abs: 0}
    ask: {y3: 1, y4: {tolerance: {rel: 0.3}}, fan_in: 1}
  - id: b
    solver: e1-forward
    given: {}
    ask: {y3: 1, fan_in: {tolerance: {abs: 1}}}
"""
    key = Key.from_problems([problem_from(text)])
    result = grade_submission(submission("  a: {y3: 0.74, y4: 0.6, fan_in: 4}\n"
                                         "  b: {y3: 0.8, fan_in: 4}\n", problem="tol"), key)
    got = {(r.part, r.name): r.status for r in result.records}
    assert got == {("a", "y3"): "incorrect",    # the part's rel 0.0001 beats the problem's 0.2
                   ("a", "y4"): "correct",      # the ask's rel 0.3 beats the part's
                   ("a", "fan_in"): "incorrect",  # a count is exact whatever the part says
                   ("b", "y3"): "correct",      # the problem's rel 0.2
                   ("b", "fan_in"): "correct"}  # unless its ask says otherwise


# -- error carried forward --------------------------------------------------------------------

def test_values_computed_from_a_wrong_intermediate_earn_ecf(key):
    y3 = sig(2)
    a5 = y3 + 0.5 - 2
    _, records = grade(key, f"""\
  a3: 2
  y3: {y3:.3f}
  y4: 0.5
  a5: {a5:.3f}
  y5: {sig(a5):.3f}
""")
    assert records["a3"].status == "incorrect"
    assert records["y3"].status == "ecf" and records["y3"].awarded == 1
    assert "Consistent with your a3 = 2." in records["y3"].message
    assert records["a5"].status == "ecf"
    assert f"Consistent with your y3 = {y3:.3f}." in records["a5"].message
    assert records["y5"].status == "ecf"
    assert "correct value is" in records["y5"].message


def test_ecf_carries_through_a_step_the_student_skipped(key):
    a5 = sig(2) + 0.5 - 2        # y3 not written, computed from the wrong a3
    _, records = grade(key, f"  a3: 2\n  a5: {a5:.3f}\n")
    assert records["a5"].status == "ecf"
    assert "your a3 = 2" in records["a5"].message


def test_ecf_fraction_comes_from_the_ask_then_the_part_then_the_problem():
    text = E1_PROBLEM.replace("given: {}", "given: {}\necf: 0.5").replace("  y5: 1", "  y5: {points: 2, ecf: 0.25}")
    key = Key.from_problems([problem_from(text)])
    y3 = sig(2)
    a5 = y3 + 0.5 - 2
    _, records = grade(key, f"  a3: 2\n  y3: {y3:.3f}\n  a5: {a5:.3f}\n  y5: {sig(a5):.3f}\n")
    assert records["y3"].awarded == 0.5
    assert records["y5"].awarded == pytest.approx(0.5)   # 2 points × 0.25
    assert "25% of the points" in records["y5"].message


def test_a_wrong_answer_that_is_not_consistent_either_is_incorrect(key):
    _, records = grade(key, "  a3: 2\n  y3: 0.5\n")
    assert records["y3"].status == "incorrect"


def test_no_ecf_without_a_wrong_earlier_answer(key):
    _, records = grade(key, "  a3: 1\n  y3: 0.9\n")
    assert records["y3"].status == "incorrect"


def test_rounded_earlier_answers_carried_forward_still_count_as_right():
    """E1: "students round to 3 decimals as they go; graders must accept that"."""
    text = """\
nnsolve: 1
id: e1-forward
solver: e1-forward
given: {}
ask:
  y3: {tolerance: {decimals: 3}}
  delta5: {tolerance: {decimals: 3}}
  dw35: {tolerance: {rel: 0.0001, abs: 0}}
"""
    key = Key.from_problems([problem_from(text)])
    y3, delta5 = round(Y3, 3), round(DELTA5, 3)
    dw35 = y3 * delta5                      # 0.108188, while the exact Δw35 is 0.108102
    assert abs(dw35 - DW35) > 0.0001 * DW35
    _, records = grade(key, f"  y3: {y3}\n  delta5: {delta5}\n  dw35: {dw35:.6f}\n")
    assert records["y3"].status == records["delta5"].status == "correct"
    assert records["dw35"].status == "correct" and records["dw35"].awarded == 1
    assert "consistent with your rounded" in records["dw35"].message


# -- ECF cannot be gamed ----------------------------------------------------------------------

def test_a_zero_delta_does_not_earn_ecf_for_zero_updates(key):
    _, records = grade(key, "  delta5: 0\n  dw35: 0\n  w35.new: 1\n")
    dw35 = records["dw35"]
    assert dw35.status == "incorrect" and dw35.awarded == 0
    assert "your delta5 = 0 makes update of w35 trivially 0" in dw35.message
    new = records["w35.new"]
    assert new.status == "incorrect"
    assert "repeats w35" in new.message


def test_an_earlier_answer_copied_forward_is_not_ecf(key):
    # a5 = 0.7 (wrong, right is −0.769): ReLU passes it through unchanged, so h5 = 0.7 shows
    # no work, while the right h5 (0) is not the right a5
    _, records = grade(key, "  a5: 0.7\n  h5: 0.7\n")
    assert records["h5"].status == "incorrect"
    assert "your answer just repeats your a5 = 0.7" in records["h5"].message


def test_an_answer_that_copies_an_input_is_called_out_even_when_inconsistent(key):
    _, records = grade(key, "  a5: -0.769\n  y5: -0.769\n")
    assert records["y5"].status == "incorrect"
    assert "just repeats your a5" in records["y5"].message


def test_an_identity_matrix_does_not_earn_ecf_for_copying_the_values():
    key = Key.from_problems([problem_from(E1_PROBLEM + "  P: 1\n  Z: {points: 2, partial: true}\n")])
    _, records = grade(key, "  P: [[1, 0], [0, 1]]\n  Z: [[1, 2], [3, 4]]\n")
    assert records["P"].status == "incorrect"
    z = records["Z"]
    assert z.status == "incorrect" and z.awarded == 0
    assert "your answer just repeats V" in z.message
    y3 = sig(1)
    honest = ((0.6, 0.4), (0.5, 0.5))                 # a wrong P, then P·V done right
    _, records = grade(key, f"  P: {[list(r) for r in honest]}\n"
                            f"  Z: [[{0.6 + 1.2}, {1.2 + 1.6}], [{0.5 + 1.5}, {1 + 2}]]\n")
    assert records["Z"].status == "ecf" and records["Z"].awarded == 2
    right_first_row = [[y3 * 1 + (1 - y3) * 3, y3 * 2 + (1 - y3) * 4], [0, 0]]
    _, records = grade(key, f"  Z: {right_first_row}\n")
    assert records["Z"].status == "partial" and records["Z"].awarded == 1   # 2 of 4 elements
    assert "2 of 4 elements wrong" in records["Z"].message


def test_an_output_equal_to_the_target_does_not_earn_a_zero_delta(key):
    # y5 = 1 = t makes (t − y5) vanish: δ5 = 0 would be "consistent", but no step was done
    _, records = grade(key, "  y5: 1\n  delta5: 0\n")
    assert records["delta5"].status == "incorrect"
    assert "equals t" in records["delta5"].message


def test_relu_of_a_wrong_negative_net_input_is_simply_right(key):
    _, records = grade(key, "  a5: -2\n  h5: 0\n")
    assert records["a5"].status == "incorrect"
    assert records["h5"].status == "correct"


# -- misconceptions ---------------------------------------------------------------------------

def test_a_known_mistake_is_named(key):
    _, records = grade(key, f"  y3: {math.tanh(1):.3f}\n  a3: 2\n")
    y3 = records["y3"]
    assert y3.status == "incorrect" and y3.awarded == 0
    assert y3.misconception == "tanh-instead"
    assert "tanh was used instead of the sigmoid" in y3.message


def test_a_known_mistake_on_the_students_own_inputs_is_named(key):
    _, records = grade(key, f"  a3: 2\n  y3: {math.tanh(2):.3f}\n")
    assert records["y3"].misconception == "tanh-instead"
    assert "applied to your earlier answers" in records["y3"].message


def test_forgotten_bias_is_recognised(key):
    _, records = grade(key, "  a3: 2\n")   # w13·x1 + w23·x2 without w03·x0
    assert records["a3"].misconception == "bias-forgotten"


# -- layout of answers ------------------------------------------------------------------------

def test_answers_may_be_grouped_under_the_part_id(key):
    _, records = grade(key, "  a:\n    a3: 1\n    y4: 0.5\n")
    assert records["a3"].status == "correct" and records["y4"].status == "correct"


def test_a_problem_set_is_graded_problem_by_problem():
    first = problem_from(E1_PROBLEM, "e1.yaml")
    second = problem_from(E1_PROBLEM.replace("id: e1-forward", "id: e1-other").replace(
        "given: {}", "given: {w13: 2}"), "e1b.yaml")
    key = Key.from_problems([first, second], {"week1": ["e1-forward", "e1-other"]})
    result, _ = grade(key, "  e1-forward: {a3: 1}\n  e1-other:\n    a: {a3: 2}\n", problem="week1")
    by_problem = {(r.problem, r.name): r for r in result.records}
    assert by_problem[("e1-forward", "a3")].status == "correct"
    assert by_problem[("e1-other", "a3")].status == "correct"
    assert by_problem[("e1-other", "y3")].status == "missing"
    assert result.max_score == 22


def test_a_problem_with_parts(tmp_path):
    text = """\
nnsolve: 1
id: two-parts
parts:
  - id: b
    solver: e1-forward
    given: {}
    ask: [a3]
  - id: c
    solver: e1-forward
    given: {w13: 3}
    ask: {a3: 2}
"""
    key = Key.from_problems([problem_from(text)])
    result = grade_submission(submission("  b: {a3: 1}\n  c: {a3: 2}\n", problem="two-parts"), key)
    statuses = {(r.part, r.name): (r.status, r.awarded) for r in result.records}
    assert statuses == {("b", "a3"): ("correct", 1), ("c", "a3"): ("incorrect", 0)}
    missing = grade_submission(submission("  b: {a3: 1}\n  x: {a3: 3}\n", problem="two-parts"), key)
    c = [r for r in missing.records if r.part == "c"][0]
    assert c.status == "missing" and "your answers name parts x" in c.message
    flat = grade_submission(submission("  a3: 1\n", problem="two-parts"), key)
    assert {r.status for r in flat.records} == {"missing"}
    assert "this problem has parts, so write it under its part (answers: {b: {a3: ...}})" \
        in flat.records[0].message


def test_a_misspelt_name_gets_a_hint(key):
    _, records = grade(key, "  y_5: 0.317\n  dw_35: 0.1\n")
    assert "did you mean dw35" in records["dw35"].message


# -- per-student variants and the cache -------------------------------------------------------

VARIANT = E1_PROBLEM.replace("given: {}", "variables:\n  k: {int: [1, 9]}\ngiven: {shift: $k}")


def test_each_student_is_graded_against_their_own_variant(forward_solver):
    problem = problem_from(VARIANT)
    students = [f"s{i}" for i in range(40)]
    by_k = {}
    for s in students:
        by_k.setdefault(draw(problem, s)["k"], s)
    (k1, alice), (k2, bob) = list(by_k.items())[:2]
    key = Key.from_problems([problem])
    for student, k in ((alice, k1), (bob, k2)):
        a3 = (1 + k) * 1 + (-1) * (-1) + (-1) * 1      # x1 shifted by the student's k
        result, records = grade(key, f"  a3: {a3}\n", student=student)
        assert records["a3"].status == "correct", (student, k)
        assert records["a3"].expected == a3
    _, records = grade(key, f"  a3: {(1 + k1)}\n", student=bob)
    assert records["a3"].status == "incorrect"


def test_the_key_solves_each_problem_once_per_variant(forward_solver, key):
    for i in range(5):
        grade(key, "  a3: 1\n", student=f"s{i}")
    assert forward_solver["solve"] == 1
    variants = Key.from_problems([problem_from(VARIANT)])
    students = [f"s{i}" for i in range(30)]
    forward_solver["solve"] = 0
    for s in students:
        grade(variants, "  a3: 1\n", student=s)
    distinct = {draw(variants.problems["e1-forward"], s)["k"] for s in students}
    assert forward_solver["solve"] == len(distinct)


def test_an_unknown_problem_id_is_an_error_naming_what_is_known(key):
    from nnsolve.errors import NnsolveError

    with pytest.raises(NnsolveError, match=r"no problem or problem set 'e1-forwad'.*did you mean 'e1-forward'"):
        grade(key, "  a3: 1\n", problem="e1-forwad")
    with pytest.raises(KeyError):
        key.problems_for("nothing")


# -- hostile and broken submissions -----------------------------------------------------------

def write(tmp_path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def e1_dir(tmp_path):
    (tmp_path / "e1.yaml").write_text(E1_PROBLEM, encoding="utf-8")
    return Key.from_path(tmp_path / "e1.yaml")


HOSTILE = {
    "a3": "__import__('os').system('touch {marker}')",
    "y3": "().__class__.__bases__",
    "a4": "9**9**9**9",
    "y4": "1e999999",
    "a5": "exec('import os')",
    "y5": "lambda: 0",
}


def test_hostile_answers_are_invalid_quickly_and_nothing_runs(tmp_path, e1_dir):
    marker = tmp_path / "marker"
    lines = "".join(f'  {k}: "{v.format(marker=marker)}"\n' for k, v in HOSTILE.items())
    lines += "  delta5: 1e999999\n"                 # a YAML float that is infinity
    path = write(tmp_path, "evil.yaml", f"nnsolve: 1\nstudent: {{id: mallory}}\nproblem: e1-forward\nanswers:\n{lines}")
    start = time.perf_counter()
    result = grade_file(path, e1_dir)
    elapsed = time.perf_counter() - start
    assert elapsed < 5
    assert not marker.exists()
    assert result.error is None and result.student == "mallory"
    records = {r.name: r for r in result.records}
    for name in ("a3", "y3", "a4", "y4", "a5", "y5", "delta5"):
        assert records[name].status == "invalid", (name, records[name].message)
        assert records[name].awarded == 0
        assert records[name].message.startswith(f"Your answer for {name}")
    assert "unexpected character '_'" in records["a3"].message
    assert "too large" in records["a4"].message
    assert records["a3"].given.startswith("__import__")
    assert records["e"].status == "missing"


def test_a_million_element_list_is_refused_quickly():
    from nnsolve.spec.yamlsafe import Document

    key = Key.from_problems([problem_from(E1_PROBLEM + "  hidden: 1\n")])
    doc = Document({"nnsolve": 1, "student": {"id": "m"}, "problem": "e1-forward",
                    "answers": {"hidden": [0.5] * 1_000_000, "y5": [0.5] * 1_000_000}},
                   "big.yaml", {})
    start = time.perf_counter()
    result = grade_submission(parse_submission(doc), key)
    assert time.perf_counter() - start < 5
    records = {r.name: r for r in result.records}
    assert records["hidden"].status == "invalid"
    assert "list too long" in records["hidden"].message
    assert records["hidden"].given == "a list of 1,000,000 items"
    assert records["y5"].status == "invalid" and "a single number" in records["y5"].message


def test_a_file_over_the_size_limit_keeps_its_row(tmp_path, e1_dir):
    path = write(tmp_path, "huge.yaml", "nnsolve: 1\nstudent: {id: s77, name: Big}\nproblem: e1-forward\n"
                 "answers:\n  y5: [" + ", ".join(["0"] * 1_100_000) + "]\n")
    start = time.perf_counter()
    result = grade_file(path, e1_dir)
    assert time.perf_counter() - start < 5
    assert result.student == "s77" and result.name == "Big" and result.problem == "e1-forward"
    assert "limit" in result.error
    assert result.records and {r.status for r in result.records} == {"invalid"}
    assert result.score == 0 and result.max_score == 11


def test_an_alias_bomb_is_an_invalid_result_with_the_reason(tmp_path, e1_dir):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 12):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        bomb += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    path = write(tmp_path, "bomb.yaml", "nnsolve: 1\nstudent:\n  id: s13\nproblem: e1-forward\n"
                 "answers:\n  y5: 0.3\n" + "".join("  " + line + "\n" for line in bomb.splitlines()))
    start = time.perf_counter()
    result = grade_file(path, e1_dir)
    assert time.perf_counter() - start < 5
    assert result.error and "aliases" in result.error
    assert result.student == "s13"
    assert {r.status for r in result.records} == {"invalid"}
    assert "could not be read" in result.records[0].message


def test_a_yaml_syntax_error_is_reported_with_its_line(tmp_path, e1_dir):
    path = write(tmp_path, "broken.yaml", "nnsolve: 1\nstudent: {id: s5}\nproblem: e1-forward\nanswers:\n  a3: [1, 2\n")
    result = grade_file(path, e1_dir)
    assert result.error.startswith(f"{path}:")
    assert "YAML syntax error" in result.error
    assert result.student == "s5"


def test_a_file_that_is_not_a_submission_gives_an_error_not_an_exception(tmp_path, e1_dir):
    cases = {
        "list.yaml": "- 1\n- 2\n",
        "empty.yaml": "",
        "no-student.yaml": "nnsolve: 1\nproblem: e1-forward\nanswers: {a3: 1}\n",
        "binary.yaml": None,
    }
    for name, content in cases.items():
        path = tmp_path / name
        if content is None:
            path.write_bytes(b"\xff\xfe\x00garbage")
        else:
            path.write_text(content)
        result = grade_file(path, e1_dir)
        assert result.error, name
    no_student = grade_file(tmp_path / "no-student.yaml", e1_dir)
    assert "student" in no_student.error
    assert {r.status for r in no_student.records} == {"invalid"}   # its problem is known
    missing = grade_file(tmp_path / "nowhere.yaml", e1_dir)
    assert "cannot read" in missing.error


def test_answers_that_are_not_a_mapping_of_the_part():
    text = """\
nnsolve: 1
id: e1-forward
parts:
  - {id: a, solver: e1-forward, given: {}, ask: [a3]}
  - {id: b, solver: e1-forward, given: {}, ask: [a3, y3]}
"""
    key = Key.from_problems([problem_from(text)])
    result = grade_submission(submission("  a: 5\n  b: {a3: 1}\n"), key)
    records = {(r.part, r.name): r for r in result.records}
    assert records[("a", "a3")].status == "invalid"
    assert "must be a mapping" in records[("a", "a3")].message
    assert records[("b", "a3")].status == "correct"
    assert records[("b", "y3")].status == "missing"


def test_the_grade_json_shape_is_stable(key):
    result, _ = grade(key, "  a3: 1\n")
    data = result.to_json()
    assert list(data) == ["student", "name", "problem", "file", "score", "max_score", "error", "records"]
    assert list(data["records"][0]) == ["problem", "part", "name", "points", "awarded", "status",
                                        "expected", "given", "message", "misconception"]


# -- the exercise: E2, AlexNet's first convolutional layer ------------------------------------

E2 = ROOT / "problems" / "alexnet-conv1.yaml"
needs_e2 = pytest.mark.skipif(not E2.exists(), reason="problems/alexnet-conv1.yaml not written yet")


@needs_e2
def test_e2_real_answers_get_full_marks():
    key = Key.from_path(E2)
    result = grade_file(ROOT / "examples" / "submissions" / "e2-correct.yaml", key)
    assert result.error is None
    assert result.records and all(r.status == "correct" for r in result.records)
    assert result.score == result.max_score


@needs_e2
def test_the_design_example_submission_gets_full_marks(nnsolve, monkeypatch):
    """The submission of the design, graded as the design says: (a)–(c) in part a, (d) in d."""
    monkeypatch.chdir(ROOT)
    result = nnsolve("grade", "examples/submissions/e2-design-example.yaml",
                     "--key", "problems/alexnet-conv1.yaml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    (graded,) = result.json()["results"]
    assert (graded["student"], graded["name"]) == ("s1234", "Ada Lovelace")
    assert [(r["part"], r["name"], r["status"], r["awarded"]) for r in graded["records"]] == [
        ("a", "output_shape", "correct", 2), ("a", "units", "correct", 1),
        ("a", "params", "correct", 2), ("d", "params", "correct", 1)]
    assert graded["score"] == graded["max_score"] == 2 + 1 + 2 + 1


@needs_e2
def test_e2_forgotten_biases_are_named():
    key = Key.from_path(E2)
    result = grade_file(ROOT / "examples" / "submissions" / "e2-bias-forgotten.yaml", key)
    params = [r for r in result.records if r.part == "a" and r.name == "params"][0]
    assert params.given == 11 * 11 * 3 * 96 == 34848
    assert params.expected == (11 * 11 * 3 + 1) * 96 == 34944
    assert params.status == "incorrect" and params.awarded == 0
    assert params.misconception == "bias-forgotten"
    assert "bias" in params.message


@needs_e2
def test_a_problem_set_of_shipped_problems():
    key = Key.from_path(DATA / "week1.yaml")
    result = grade_file(DATA / "submissions" / "week1-s2001.yaml", key)
    assert result.error is None and (result.student, result.problem) == ("s2001", "week1")
    got = {(r.problem, r.part, r.name): (r.status, r.awarded) for r in result.records}
    assert got == {
        ("alexnet-conv1", "a", "output_shape"): ("correct", 2),
        ("alexnet-conv1", "a", "units"): ("correct", 1),
        ("alexnet-conv1", "a", "params"): ("incorrect", 0),
        ("alexnet-conv1", "d", "params"): ("correct", 1),
        ("nn-concepts", "a", "answer"): ("correct", 1), ("nn-concepts", "b", "answer"): ("correct", 1),
        ("nn-concepts", "c", "answer"): ("correct", 1), ("nn-concepts", "d", "answer"): ("missing", 0),
    }
    assert result.score == 4 + 3 and result.max_score == 6 + 5      # E2 4/6, concepts 3/5


@needs_e2
def test_the_shipped_hostile_submission_runs_nothing():
    marker = Path("/tmp/nnsolve-grading-marker")
    marker.unlink(missing_ok=True)
    key = Key.from_path(E2)
    start = time.perf_counter()
    result = grade_file(DATA / "submissions" / "hostile.yaml", key)
    assert time.perf_counter() - start < 5
    assert not marker.exists()
    assert result.student == "s6666" and result.error is None
    assert [r.status for r in result.records] == ["invalid"] * 4
    assert result.records[0].given.startswith("__import__")
    assert "too large" in result.records[2].message and "too large" in result.records[3].message


@needs_e2
@pytest.mark.parametrize("name, student, reason", [("alias-bomb.yaml", "s6667", "aliases are expanded"),
                                                   ("broken-yaml.yaml", "s6668", "YAML syntax error")])
def test_unreadable_shipped_submissions_keep_their_row(name, student, reason):
    key = Key.from_path(E2)
    start = time.perf_counter()
    result = grade_file(DATA / "submissions" / name, key)
    assert time.perf_counter() - start < 5
    assert result.student == student and result.problem == "alexnet-conv1"
    assert reason in result.error and f"{name}:" in result.error
    assert [r.status for r in result.records] == ["invalid"] * 4
    assert result.max_score == 2 + 1 + 2 + 1 and result.score == 0


E1 = ROOT / "problems" / "e1-backprop-sigmoid.yaml"


@pytest.mark.skipif(not E1.exists(), reason="problems/e1-backprop-sigmoid.yaml not written yet")
def test_e1_a_slip_in_a3_carries_forward_through_the_forward_pass(tmp_path):
    """A student who took w03 = +1 gets a3 = 3, and then computes everything else right from it,
    rounding to 3 decimals as they go (as the exercise asks)."""
    a3 = 1 * 1 + (-1) * (-1) + 1 * 1                    # 3 instead of 1
    y3 = round(sig(a3), 3)                              # 0.953
    a5 = round(1 * y3 + 1 * 0.5 - 2 * 1, 3)             # −0.547
    y5 = round(sig(a5), 3)                              # 0.367
    e = round((1 - y5) ** 2, 3)                         # 0.401
    path = tmp_path / "e1.yaml"
    path.write_text(f"nnsolve: 1\nstudent: {{id: s3001}}\nproblem: e1-backprop-sigmoid\nanswers:\n"
                    f"  a3: {a3}\n  y3: {y3}\n  a4: 0\n  y4: 0.5\n  a5: {a5}\n  y5: {y5}\n  E: {e}\n")
    result = grade_file(path, Key.from_path(E1))
    records = {r.name: r for r in result.records}
    assert records["a3"].status == "incorrect" and records["a3"].awarded == 0
    assert records["a4"].status == records["y4"].status == "correct"
    for name, earlier in (("y3", "a3 = 3"), ("a5", f"y3 = {y3}"), ("y5", f"a5 = {a5}"), ("E", f"y5 = {y5}")):
        assert records[name].status == "ecf", (name, records[name].message)
        assert records[name].awarded == 1
        assert f"Consistent with your {earlier}" in records[name].message
    assert records["delta5"].status == "missing"
    assert result.score == 6


# -- properties -------------------------------------------------------------------------------

SHIPPED = sorted((ROOT / "problems").glob("*.yaml")) + [ROOT / "examples" / "problems" / "nn-concepts.yaml"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_key_graded_as_a_submission_scores_full_marks(path, tmp_path):
    """The key's own values, written as a student would (JSON numbers, lists, strings for
    expressions), read back through the safe parser and compared: all correct."""
    import yaml

    from nnsolve.derivation import values as V

    key = Key.from_path(path)
    for problem_id, problem in key.problems.items():
        solution = key.solution(problem, "s1")
        answers = {part.id: {a.name: V.to_json(part.derivation[a.name].value) for a in part.asked}
                   for part in solution.parts}
        sub = tmp_path / f"{problem_id}.yaml"
        sub.write_text(yaml.safe_dump({"nnsolve": 1, "student": {"id": "s1"}, "problem": problem_id,
                                       "answers": answers}, allow_unicode=True))
        result = grade_file(sub, key)
        wrong = [(r.part, r.name, r.message) for r in result.records if r.status != "correct"]
        assert not wrong and result.score == result.max_score > 0


@settings(max_examples=40, deadline=None)
@given(a3=st.floats(-6, 6).filter(
    # wrong beyond the default tolerance (rel 0.01 + abs 0.001), and so is its sigmoid
    lambda a: abs(a - 1) > 0.05 and abs(sig(a) - sig(1)) > 0.02 and abs(a - 0.659) > 0.05))
def test_any_wrong_net_input_with_its_sigmoid_earns_ecf(a3):
    key = Key.from_problems([problem_from(E1_PROBLEM)])
    _, records = grade(key, f"  a3: {a3!r}\n  y3: {sig(a3):.4f}\n")
    assert records["a3"].status == "incorrect"
    assert records["y3"].status == "ecf"


@settings(max_examples=40, deadline=None)
@given(delta5=st.floats(-3, 3).filter(lambda d: abs(d - DELTA5) > 0.01 and abs(d - DW35) > 0.01))
def test_a_wrong_delta_never_earns_ecf_for_an_update_that_repeats_it(delta5):
    """Δw35 = ε·δ5·y3: writing δ5 itself as Δw35 is not the step, whatever δ5 was (unless
    that number happens to be the right Δw35)."""
    key = Key.from_problems([problem_from(E1_PROBLEM)])
    _, records = grade(key, f"  delta5: {delta5!r}\n  dw35: {delta5!r}\n")
    assert records["dw35"].status == "incorrect" and records["dw35"].awarded == 0


def test_wild_earlier_answers_do_not_stall_error_carried_forward(tmp_path):
    """δ3 = 0 and w23 = 10^400 after one step make the second-pass a3 = −10^400 and, carried
    forward, y3 = σ(−10^400) ≈ e^(−10^400): a number no comparison should try to write out."""
    sub = tmp_path / "wild.yaml"
    sub.write_text("nnsolve: 1\nstudent: {id: s1}\nproblem: e1-backprop-sigmoid\nanswers:\n"
                   "  delta3: '0'\n  w23.new: '10^400'\n  pass2.y3: 'exp(800)'\n")
    key = ROOT / "problems" / "e1-backprop-sigmoid.yaml"
    # in a process of its own: a regression would hang in one big-integer operation that no
    # thread can interrupt, and must fail this test rather than stall the suite
    done = subprocess.run([sys.executable, "-m", "nnsolve", "grade", str(sub), "--key", str(key),
                           "--format", "json"], capture_output=True, text=True, timeout=30)
    records = {r["name"]: r for r in json.loads(done.stdout)["results"][0]["records"]}
    assert records["w23.new"]["status"] == records["pass2.y3"]["status"] == "incorrect"


def test_rules_are_not_run_on_numbers_no_course_uses():
    """a4 = e^800 would make σ(−e^800) and everything after it cost sympy seconds each."""
    from nnsolve.grade.ecf import out_of_range, run_rule

    assert [out_of_range(v) for v in (sympy.exp(800), sympy.Integer(10) ** 400, 1e300,
                                      float("inf"), (1, 2e16))] == [True] * 5
    assert [out_of_range(v) for v in (sympy.exp(30), 39_574_528, -0.845, (1, 2),
                                      sympy.Symbol("x"), "b")] == [False] * 6
    assert run_rule(lambda v: sigmoid(-v["a4"]), {"a4": sympy.exp(800)}) is None
    assert run_rule(lambda v: sympy.exp(v["a"]), {"a": 800}) is None          # e^800 as a result
    assert run_rule(lambda v: 2 * v["a"], {"a": 3}) == 6


# -- the tester's findings ----------------------------------------------------------------------

E1C = ROOT / "problems" / "e1-backprop-tanh.yaml"
E1A = ROOT / "problems" / "e1-backprop-symbolic.yaml"


def grade_shipped(tmp_path, problem: Path, answers: dict):
    """A submission as a student writes it (YAML), graded against a shipped problem."""
    import yaml

    key = Key.from_path(problem)
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump({"nnsolve": 1, "student": {"id": "s1"},
                                    "problem": next(iter(key.problems)), "answers": answers},
                                   allow_unicode=True))
    result = grade_file(path, key)
    return result, {r.name: r for r in result.records}


@pytest.mark.parametrize("written", ["(-8)^(1/3)", "(-1)^(2/3)"])
def test_an_answer_that_is_not_real_is_invalid_alone(tmp_path, written):
    result, records = grade_shipped(tmp_path, E1, {"a3": 1, "y3": written, "a5": "-0.769"})
    assert result.error is None
    assert records["y3"].status == "invalid" and "not a real number" in records["y3"].message
    assert records["a3"].status == "correct"
    assert records["a5"].status == "correct"
    json.dumps([r.given for r in result.records])              # every record still writes out
    result, _ = grade_shipped(tmp_path, E2, {"a": {"units": 290400, "params": written}})
    part_a = {r.name: r for r in result.records if r.part == "a"}
    assert result.error is None and part_a["params"].status == "invalid"
    assert part_a["units"].status == "correct"


SELECT_ALL = """\
nnsolve: 1
id: pick
title: "Select all"
solver: choice
given:
  question: "Which of these are activation functions? (select all)"
  options: {a: sigmoid, b: softmax cross-entropy, c: tanh, d: Adam, e: ReLU}
  answer: ANSWER
ask: {answer: {points: 2, partial: true}}
"""


def test_option_e_of_a_select_all_question_is_an_option(tmp_path):
    key = Key.from_problems([problem_from(SELECT_ALL.replace("ANSWER", "[a, c, e]"))])
    _, records = grade(key, "  answer: [a, c, e]\n", problem="pick")
    assert records["answer"].status == "correct" and records["answer"].awarded == 2
    _, records = grade(key, "  answer: [a, e]\n", problem="pick")
    assert "2.718" not in records["answer"].message
    assert records["answer"].message.startswith("Missing: 'c'.")


def test_ticking_every_option_of_a_select_all_question_earns_nothing(tmp_path):
    key = Key.from_problems([problem_from(SELECT_ALL.replace("ANSWER", "[a, c]")
                                          .replace(", e: ReLU", ""))])
    _, records = grade(key, "  answer: [a, b, c, d]\n", problem="pick")
    everything = records["answer"]
    assert everything.status == "incorrect" and everything.awarded == 0
    assert "(2 right picks − 2 wrong picks) / 2 right options" in everything.message
    _, records = grade(key, "  answer: [a, b, c]\n", problem="pick")
    assert records["answer"].awarded == pytest.approx(2 * (2 - 1) / 2)
    assert "(2 right picks − 1 wrong pick) / 2 right options = 50%" in records["answer"].message


def test_symbolic_answers_may_use_the_derivations_own_definitions(tmp_path):
    """y4 is g(a4), a3 is w03 + w13·x1 + w23·x2 and δ5 is 2(t − y5)g'(a5) by definition."""
    _, records = grade_shipped(tmp_path, E1A, {
        "dw45": "eps*delta5*g(a4)",
        "dw35": "eps*delta5*y3",
        "dw05": "2*eps*(t - g(a5))*g'(a5)",
        "dw23": "eps*delta5*w35*g'(w03 + w13*x1 + w23*x2)*x2",
        "dw13": "eps*delta3*x1",
    })
    for name in ("dw45", "dw35", "dw05", "dw23", "dw13"):
        assert records[name].status == "correct", (name, records[name].message)
    _, records = grade_shipped(tmp_path, E1A, {"dw45": "eps*delta5*y3", "dw14": "eps*delta4*x2"})
    assert records["dw45"].status == "incorrect"
    assert "delta5, which" not in records["dw45"].message
    assert "your answer uses x2, which the expected answer does not use" in records["dw14"].message


def test_a_float_factor_in_a_symbolic_answer_is_not_within_tolerance(tmp_path):
    _, records = grade_shipped(tmp_path, E1A, {"dw13": "1.005*eps*delta5*w35*g'(a3)*x1"})
    assert records["dw13"].status == "incorrect"


def test_zeros_from_the_students_own_zeros_name_no_mistake(tmp_path):
    """y5 = 1 = t makes E, δ5 and everything after 0 with or without the ½, a sign or the
    updated weights: those misconceptions say nothing here."""
    _, records = grade_shipped(tmp_path, E1, {"y5": 1, "E": 0, "delta5": 0, "delta3": 0,
                                              "dw23": 0, "dw35": 0})
    for name in ("E", "delta5", "delta3", "dw23", "dw35"):
        assert records[name].status == "incorrect" and records[name].awarded == 0
        assert records[name].misconception is None, (name, records[name].message)
    assert "your y5 = 1 equals t" in records["delta5"].message
    assert "your delta5 = 0 makes" in records["delta3"].message


def r3(x: float) -> float:
    return round(x, 3)


def e1c_with_the_sigmoid_derivative() -> dict:
    """E1(c) worked with σ'(a) = y(1 − y) instead of tanh'(a) = 1 − y², rounding to 3
    decimals: y4 = tanh(0) = 0 makes δ4 = y4(1 − y4)·w45·δ5 = 0, and everything after follows."""
    w = {"w13": 1, "w23": -1, "w03": -1, "w14": -1, "w24": 1, "w04": 2, "w35": 1, "w45": 1,
         "w05": -2}
    x1, x2 = 1, -1
    a3, a4 = 1 * x1 - 1 * x2 - 1, -1 * x1 + 1 * x2 + 2
    y3, y4 = r3(math.tanh(a3)), r3(math.tanh(a4))
    a5 = r3(y3 + y4 - 2)
    y5 = r3(math.tanh(a5))
    d5 = r3(2 * (1 - y5) * y5 * (1 - y5))
    d3, d4 = r3(d5 * 1 * y3 * (1 - y3)), r3(d5 * 1 * y4 * (1 - y4))
    dw = {"dw35": r3(d5 * y3), "dw45": r3(d5 * y4), "dw05": d5,
          "dw13": r3(d3 * x1), "dw23": r3(d3 * x2), "dw03": d3,
          "dw14": r3(d4 * x1), "dw24": r3(d4 * x2), "dw04": d4}
    new = {n: r3(v + dw["d" + n]) for n, v in w.items()}
    p3 = r3(new["w13"] * x1 + new["w23"] * x2 + new["w03"])
    p4 = r3(new["w14"] * x1 + new["w24"] * x2 + new["w04"])
    q3, q4 = r3(math.tanh(p3)), r3(math.tanh(p4))
    p5 = r3(new["w35"] * q3 + new["w45"] * q4 + new["w05"])
    q5 = r3(math.tanh(p5))
    return {"a3": a3, "y3": y3, "a4": a4, "y4": y4, "a5": a5, "y5": y5,
            "E": r3((1 - y5) ** 2), "delta5": d5, "delta3": d3, "delta4": d4, **dw,
            **{f"{n}.new": v for n, v in new.items()},
            "pass2.a3": p3, "pass2.y3": q3, "pass2.a4": p4, "pass2.y4": q4, "pass2.a5": p5,
            "pass2.y5": q5, "pass2.E": r3((1 - q5) ** 2)}


@pytest.mark.skipif(not E1C.exists(), reason="problems/e1-backprop-tanh.yaml not written yet")
def test_an_honest_zero_delta_carries_forward(tmp_path):
    answers = e1c_with_the_sigmoid_derivative()
    assert answers["delta4"] == 0 and answers["pass2.a4"] == 0
    result, records = grade_shipped(tmp_path, E1C, answers)
    for name in ("delta5", "delta3", "delta4"):       # the one mistake, three times
        assert records[name].status == "incorrect"
        assert records[name].misconception == "wrong-activation-derivative"
        assert "repeats" not in records[name].message
    for name in ("dw14", "dw24", "dw04", "w14.new", "w24.new", "w04.new", "pass2.a4",
                 "pass2.y4"):
        assert records[name].status == "ecf", (name, records[name].message)
        assert records[name].misconception is None
    assert result.score == 32 and result.max_score == 35


def test_an_unexplained_zero_still_earns_nothing(key):
    _, records = grade(key, "  delta5: 0\n  dw35: 0\n")
    assert records["dw35"].status == "incorrect"
    assert "your delta5 = 0 makes update of w35 trivially 0" in records["dw35"].message
    assert records["dw35"].misconception is None


def test_equal_to_an_input_is_only_blamed_where_it_makes_the_step_vanish(tmp_path):
    """w14.new = −1 = x2 does not make w14·x1 + w24·x2 + w04 vanish: no such claim."""
    answers = e1c_with_the_sigmoid_derivative()
    _, records = grade_shipped(tmp_path, E1C, {k: answers[k] for k in (
        "delta4", "w14.new", "w24.new", "w04.new", "pass2.a4")})
    assert "equals x2" not in records["pass2.a4"].message


@pytest.mark.skipif(not E1C.exists(), reason="problems/e1-backprop-tanh.yaml not written yet")
def test_decimal_commas_are_read(tmp_path):
    y5 = math.tanh(math.tanh(1) - 2)                          # −0.845
    e = (1 - r3(y5)) ** 2                                     # 3.404 from the rounded y5
    _, records = grade_shipped(tmp_path, E1C, {"y5": f"{r3(y5):.3f}".replace(".", ","),
                                               "E": f"{r3(e):.3f}".replace(".", ",")})
    assert records["y5"].status == "correct", records["y5"].message
    assert records["E"].status == "correct", records["E"].message
    _, records = grade_shipped(tmp_path, E1C, {"y5": "-0,8,45"})
    assert records["y5"].status == "invalid" and "use a decimal point" in records["y5"].message
    _, records = grade_shipped(tmp_path, E2, {"a": {"units": "290,400"}})
    assert records["units"].status == "correct"


def test_a_zero_is_wrong_not_imprecise(tmp_path):
    _, records = grade_shipped(tmp_path, E1, {"y3": 0})
    assert records["y3"].status == "incorrect"
    assert "precision" not in records["y3"].message.lower()


def test_a_named_mistake_comes_before_repeats_an_input(tmp_path):
    """Δw23 = ε·δ3·x2 with x2 = −1 is −δ3: writing δ3 itself is the sign flipped."""
    delta3 = 2 * (1 - Y5) * Y5 * (1 - Y5) * 1 * Y3 * (1 - Y3)   # 0.058
    _, records = grade_shipped(tmp_path, E1, {"delta3": r3(delta3), "dw23": r3(delta3)})
    dw23 = records["dw23"]
    assert dw23.status == "incorrect" and dw23.misconception == "gradient-ascent"
    assert "repeats" not in dw23.message


def test_a_symbolic_output_shape_is_answered_with_floor(tmp_path):
    """W₂ = ⌊(W₁ − F + 2P)/S⌋ + 1 in general: students write floor(...), in any order."""
    problem = tmp_path / "p.yaml"
    problem.write_text("nnsolve: 1\nid: symbolic-shape\nsolver: layers\ngiven:\n"
                       "  input: [H, H, C]\n"
                       "  layers: [{conv: {filters: K, kernel: F, stride: S, padding: P}}]\n"
                       "ask: [output_shape]\n")
    key = Key.from_path(problem)

    def graded(shape: list):
        sub = tmp_path / "s.yaml"
        sub.write_text(json.dumps({"nnsolve": 1, "student": {"id": "s1"},
                                   "problem": "symbolic-shape", "answers": {"output_shape": shape}}))
        return grade_file(sub, key).records[0]

    right = graded(["floor((H - F + 2*P)/S) + 1", "1 + floor((2*P + H - F)/S)", "K"])
    assert right.status == "correct"
    unrounded = graded(["(H - F + 2*P)/S + 1", "(H - F + 2*P)/S + 1", "K"])
    assert unrounded.status == "incorrect" and unrounded.misconception == "no-floor"
