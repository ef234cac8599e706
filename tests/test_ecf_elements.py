"""Error carried forward one element at a time: a wrong element of a feature map costs that
element, and what a later step computes from it is credited element by element.

The derivation is a small one of its own: a 5×5 input X convolved (valid, stride 1) with a 3×3
kernel K gives the feature map F, G = ReLU(F), and s is the sum of G. Expected figures are
computed here with plain Python, never by the code under test.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import sympy

from nnsolve import solvers
from nnsolve.derivation import structures as S
from nnsolve.derivation.core import Derivation
from nnsolve.grade.compare import Tolerance
from nnsolve.grade.ecf import StudentChain, carry_forward_elements
from nnsolve.grade.grader import grade_submission
from nnsolve.grade.key import Key
from nnsolve.grade.submission import load_submission
from nnsolve.solvers.base import Given, Solver
from nnsolve.spec.problem import parse_problem
from nnsolve.spec.yamlsafe import load_text

X = ((1, 0, 2, 1, 0), (0, 1, 1, 0, 2), (2, 1, 0, 1, 1), (1, 0, 1, 2, 0), (0, 2, 1, 0, 1))
K = ((1, 0, -1), (0, 1, 0), (-1, 0, 1))


def convolve(x, k):
    return [[sum(x[i + a][j + b] * k[a][b] for a in range(3) for b in range(3))
             for j in range(3)] for i in range(3)]


def relu(m):
    return [[max(0, v) for v in row] for row in m]


F = convolve(X, K)      # [[-2, 0, 3], [0, 3, -1], [3, -1, 1]]
G = relu(F)


def _conv_rule(v):
    return tuple(tuple(sum(v["X"][i + a][j + b] * v["K"][a][b] for a in range(3) for b in range(3))
                       for j in range(3)) for i in range(3))


def _relu_rule(v):
    return tuple(tuple(max(sympy.Integer(0), x) for x in row) for row in v["F"])


class MapGiven(Given):
    pass


class FeatureMapSolver(Solver):
    name = "feature-map"
    summary = "test solver"
    Given = MapGiven
    principal = ("F",)

    def solve(self, given, conventions):
        d = Derivation()
        d.given("X", X, "input")
        d.given("K", K, "kernel")
        d.add("F", "feature map", rule=_conv_rule, inputs=("X", "K"), kind="matrix")
        d.add("G", "ReLU of the feature map", rule=_relu_rule, inputs=("F",), kind="matrix")
        d.add("s", "sum of G", rule=lambda v: sum(x for row in v["G"] for x in row),
              inputs=("G",), kind="number")
        return d


@pytest.fixture(autouse=True)
def feature_map_solver(monkeypatch):
    real_get = solvers.get
    monkeypatch.setattr(solvers, "get",
                        lambda name: FeatureMapSolver if name == "feature-map" else real_get(name))


PROBLEM = """\
nnsolve: 1
id: fmap
title: feature map
solver: feature-map
given: {}
ask:
  F: {points: 9, partial: true}
  G: {points: 9, partial: true}
  s: 1
"""


def grade(answers: dict, problem: str = PROBLEM):
    key = Key.from_problems([parse_problem(load_text(problem, "problem.yaml"))])
    lines = "".join(f"  {name}: {value}\n" for name, value in answers.items())
    text = f"nnsolve: 1\nstudent: {{id: s1}}\nproblem: fmap\nanswers:\n{lines}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sub.yaml"
        path.write_text(text, encoding="utf-8")
        result = grade_submission(load_submission(path), key)
    return {r.name: r for r in result.records}


def with_element(m, i, j, value):
    out = [list(row) for row in m]
    out[i][j] = value
    return out


WRONG_F = with_element(F, 0, 0, 5)        # −2 slipped to 5 early on: ReLU keeps the 5


def test_the_key_grades_itself_correct():
    records = grade({"F": F, "G": G, "s": sum(map(sum, G))})
    assert {r.status for r in records.values()} == {"correct"}


def test_one_wrong_element_costs_one_element_and_what_follows_from_it_is_ecf():
    own_g = relu(WRONG_F)
    records = grade({"F": WRONG_F, "G": own_g, "s": sum(map(sum, own_g))})
    f = records["F"]
    assert f.status == "partial" and f.awarded == pytest.approx(8)     # 8 of 9 elements
    assert "1 of 9 elements wrong: row 1, column 1: expected -2, got 5" in f.message
    g = records["G"]
    assert g.status == "ecf" and g.awarded == pytest.approx(9)
    assert "1 of 9 elements (row 1, column 1) follows from your earlier answers" in g.message
    assert "the other 8 are right" in g.message
    assert records["s"].status == "ecf"                                   # a scalar, as before


def test_an_element_wrong_even_from_the_students_own_answers_still_costs():
    own_g = with_element(relu(WRONG_F), 2, 1, 4)                      # right: ReLU(−1) = 0
    g = grade({"F": WRONG_F, "G": own_g})["G"]
    assert g.status == "partial"
    assert g.awarded == pytest.approx(8)              # 7 right + 1 carried forward, of 9
    assert "1 of 9 elements wrong: row 3, column 2: expected 0, got 4" in g.message
    assert "1 element (row 1, column 1) follows from your F = " in g.message
    assert "(7 right + 1 carried forward) / 9 elements = 89%" in g.message


def test_carried_elements_earn_the_parts_ecf_share():
    problem = PROBLEM.replace("given: {}", "given: {}\necf: 0.5")
    g = grade({"F": WRONG_F, "G": relu(WRONG_F)}, problem)["G"]
    assert g.status == "ecf"
    assert g.awarded == pytest.approx(9 * (8 + 0.5) / 9)


def test_no_ecf_for_elements_made_trivially_zero():
    zeros = [[0] * 3 for _ in range(3)]
    g = grade({"F": zeros, "G": zeros})["G"]
    assert g.status == "partial"
    right_zeros = sum(v == 0 for row in G for v in row)             # ReLU(F) is 0 there anyway
    assert g.awarded == pytest.approx(right_zeros)
    assert "trivially 0" in g.message


def test_without_partial_credit_a_wrong_element_still_costs_the_whole_map():
    problem = PROBLEM.replace("G: {points: 9, partial: true}", "G: 9")
    own_g = with_element(relu(WRONG_F), 2, 1, 4)
    g = grade({"F": WRONG_F, "G": own_g}, problem)["G"]
    assert g.status == "incorrect" and g.awarded == 0
    assert grade({"F": WRONG_F, "G": relu(WRONG_F)}, problem)["G"].status == "ecf"


# -- the ecf functions alone ----------------------------------------------------------------------

def _chain(d: Derivation, answered: dict) -> StudentChain:
    return StudentChain(d, answered, lambda name: answered.get(name) != d[name].value)


def test_element_credit_through_the_ecf_functions():
    d = FeatureMapSolver().solve(None, {})
    wrong_f = tuple(tuple(sympy.Integer(v) for v in row) for row in WRONG_F)
    own_g = tuple(tuple(max(sympy.Integer(0), v) for v in row) for row in wrong_f)
    credit = carry_forward_elements(_chain(d, {"F": wrong_f}), "G", own_g, Tolerance(), "matrix")
    assert credit.total == 9 and credit.right == 8 and credit.carried == ("row 1, column 1",)
    assert credit.wrong == () and credit.sources == ("F",)
    assert credit.fraction(0.5) == pytest.approx(8.5 / 9)
    # a shape of its own is graded whole, not element by element
    assert carry_forward_elements(_chain(d, {"F": wrong_f}), "G", ((1, 2),), Tolerance(),
                                  "matrix") is None


def test_element_credit_for_a_mapping():
    d = Derivation()
    d.given("base", {"a": 1, "b": 2})
    d.add("w", "base plus one", rule=lambda v: {k: x + 1 for k, x in v["base"].items()},
          inputs=("base",), kind="mapping")
    d.add("m", "twice w", rule=lambda v: {k: 2 * x for k, x in v["w"].items()},
          inputs=("w",), kind="mapping")
    wrong_w = S.FrozenMap({"a": sympy.Integer(5), "b": sympy.Integer(3)})
    own_m = S.FrozenMap({"b": sympy.Integer(6), "a": sympy.Integer(10)})
    credit = carry_forward_elements(_chain(d, {"w": wrong_w}), "m", own_m, Tolerance(), "mapping")
    assert credit.right == 1 and credit.carried == ("a",) and not credit.wrong
