"""Exercise E14 and the `optim` solver: optimiser steps worked by hand, checked by hand,
by properties, and graded with error carried forward and named misconceptions."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from nnsolve.solvers.base import SolverError
from nnsolve.solvers.optim import OptimSolver

ROOT = Path(__file__).resolve().parent.parent
E14 = ROOT / "problems" / "e14-optimisers.yaml"


def solve(given: dict, momentum: str = "torch"):
    solver = OptimSolver()
    return solver.solve(solver.Given(**given), {"momentum": momentum})


def values(nnsolve, problem: Path, part: str) -> dict:
    result = nnsolve("run", problem, "--part", part, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {q["name"]: q["value"] for q in result.json()["parts"][0]["quantities"]}


# -- E14 by hand ----------------------------------------------------------------------------

def test_e14_gradient_descent_on_the_function(nnsolve):
    """f = x² + 10y², ∇f = (2x, 20y); from (1, 1) with η = 0.05: y overshoots to 0 at once
    (1 − 0.05·20 = 0) and stays there, x shrinks by 1 − 0.05·2 = 0.9 a step."""
    v = values(nnsolve, E14, "gd")
    assert v["gradient.x"] == "2*x" and v["gradient.y"] == "20*y"
    assert v["step1.grad"] == [2, 20]
    assert v["step1.params"] == pytest.approx([0.9, 0.0])
    assert v["step3.params"] == pytest.approx([0.729, 0.0])
    assert v["step3.f"] == pytest.approx(0.729 ** 2)


def test_e14_momentum_buffers_by_hand(nnsolve):
    """b1 = g1 = (2, 20); θ1 = (0.9, 0); g2 = (1.8, 0), b2 = 0.9·(2, 20) + (1.8, 0) = (3.6, 18);
    θ2 = (0.9, 0) − 0.05·(3.6, 18) = (0.72, −0.9); g3 = (1.44, −18), b3 = (4.68, −1.8),
    θ3 = (0.486, −0.81)."""
    v = values(nnsolve, E14, "momentum")
    assert v["step1.b"] == [2, 20]
    assert v["step2.b"] == pytest.approx([3.6, 18.0])
    assert v["step2.params"] == pytest.approx([0.72, -0.9])
    assert v["step3.b"] == pytest.approx([4.68, -1.8])
    assert v["step3.params"] == pytest.approx([0.486, -0.81])


def test_e14_nesterov_first_step_by_hand(nnsolve):
    """b1 = g1 = (2, 20), d1 = g1 + 0.9 b1 = (3.8, 38), θ1 = (1, 1) − 0.05 d1 = (0.81, −0.9)."""
    v = values(nnsolve, E14, "nesterov")
    assert v["step1.direction"] == pytest.approx([3.8, 38.0])
    assert v["step1.params"] == pytest.approx([0.81, -0.9])


def test_e14_adam_first_step_moves_each_parameter_by_the_learning_rate(nnsolve):
    """m̂1 = g1 and v̂1 = g1², so the first update is −η g/(|g| + ε) ≈ −η sign(g)."""
    v = values(nnsolve, E14, "adam")
    assert v["step1.m"] == pytest.approx([0.05, -0.1])
    assert v["step1.v"] == pytest.approx([0.00025, 0.001])
    assert v["step1.m_hat"] == pytest.approx([0.5, -1.0])
    assert v["step1.v_hat"] == pytest.approx([0.25, 1.0])
    assert v["step1.params"] == pytest.approx([0.9, -1.9], abs=1e-7)


def test_e14_adadelta_first_step_by_hand(nnsolve):
    """v1 = 0.1·g²; Δx1 = √(0 + 1e-6)/√(v1 + 1e-6)·g; u1 = 0.1·Δx1²."""
    v = values(nnsolve, E14, "adadelta")
    g = [0.5, -1.0]
    v1 = [0.1 * x * x for x in g]
    dx = [math.sqrt(1e-6) / math.sqrt(a + 1e-6) * x for a, x in zip(v1, g)]
    assert v["step1.v"] == pytest.approx(v1)
    assert v["step1.delta"] == pytest.approx(dx)
    assert v["step1.u"] == pytest.approx([0.1 * x * x for x in dx])
    assert v["step1.params"] == pytest.approx([1.0 - dx[0], -2.0 - dx[1]])


def test_exact_inputs_give_exact_steps():
    d = solve({"optimizer": "momentum", "lr": 1, "momentum": 0, "params": [1, 2],
               "gradients": [[1, -1]]})
    assert d["step1.params"].value == (0, 3)
    assert all(not isinstance(x, float) for x in d["step1.params"].value)


# -- properties -----------------------------------------------------------------------------

gradients = st.lists(st.floats(0.01, 100) | st.floats(-100, -0.01), min_size=1, max_size=4)


@given(gradients, st.sampled_from([0.001, 0.01, 0.1]))
def test_adams_first_step_is_about_the_learning_rate_against_the_gradient(g, lr):
    d = solve({"optimizer": "adam", "lr": lr, "params": [0.0] * len(g), "gradients": [g]})
    for step, grad in zip(d["step1.update"].value, g):
        assert step == pytest.approx(-lr * math.copysign(1, grad), rel=1e-5)


@given(gradients, st.floats(0.1, 10))
def test_adam_does_not_care_how_large_the_gradients_are(g, scale):
    rows = [g, [x / 2 for x in g]]
    plain = solve({"optimizer": "adam", "lr": 0.1, "params": [1.0] * len(g),
                   "gradients": rows, "eps": 0})
    scaled = solve({"optimizer": "adam", "lr": 0.1, "params": [1.0] * len(g),
                    "gradients": [[x * scale for x in r] for r in rows], "eps": 0})
    assert scaled["step2.params"].value == pytest.approx(plain["step2.params"].value, rel=1e-9)


@given(st.lists(gradients, min_size=3, max_size=3).filter(lambda r: len({len(x) for x in r}) == 1),
       st.sampled_from([0.5, 0.9]), st.sampled_from([0.01, 0.1]))
def test_torch_and_textbook_momentum_reach_the_same_parameters(rows, mu, lr):
    given_ = {"optimizer": "momentum", "lr": lr, "momentum": mu, "params": [0.0] * len(rows[0]),
              "gradients": rows}
    torch_form, textbook = solve(given_), solve(given_, momentum="textbook")
    for k in (1, 2, 3):
        assert textbook[f"step{k}.params"].value == pytest.approx(
            torch_form[f"step{k}.params"].value, rel=1e-9, abs=1e-12)
        assert textbook[f"step{k}.velocity"].value == pytest.approx(
            [-lr * b for b in torch_form[f"step{k}.b"].value], rel=1e-9, abs=1e-12)


# -- grading --------------------------------------------------------------------------------

ADAM = """\
nnsolve: 1
id: adam-two-steps
title: Two Adam steps
solver: optim
given: {optimizer: adam, lr: 0.1, params: [1.0, -2.0], gradients: [[0.5, -1.0], [0.4, -0.2]]}
ask: [step1.m, step1.v, step1.m_hat, step1.v_hat, step1.update, step1.params,
      step2.m, step2.v, step2.m_hat, step2.v_hat, step2.update, step2.params]
"""


def grade(nnsolve, tmp_path, problem: Path, answers: dict) -> dict:
    path = tmp_path / "answers.yaml"
    path.write_text(json.dumps({"nnsolve": 1, "student": {"id": "s1"},
                                "problem": "adam-two-steps", "answers": answers}))
    result = nnsolve("grade", path, "--key", problem, "--format", "json")
    report = result.json()["results"][0]
    assert report["error"] is None, report["error"]
    return {r["name"]: r for r in report["records"]}


def test_a_wrong_first_moment_is_carried_into_the_later_steps(nnsolve, problem_file, tmp_path):
    """The student forgot the (1 − β1) on m1 (m1 = g1) and worked on correctly from it."""
    problem = problem_file(ADAM)
    right = {q.name: q.value for q in solve({"optimizer": "adam", "lr": 0.1,
                                             "params": [1.0, -2.0],
                                             "gradients": [[0.5, -1.0], [0.4, -0.2]]})}
    m1 = [0.5, -1.0]
    m_hat1 = [x / 0.1 for x in m1]
    v_hat1 = [float(x) for x in right["step1.v_hat"]]
    update1 = [-0.1 * m / (math.sqrt(v) + 1e-8) for m, v in zip(m_hat1, v_hat1)]
    params1 = [p + u for p, u in zip([1.0, -2.0], update1)]
    m2 = [0.9 * a + 0.1 * g for a, g in zip(m1, [0.4, -0.2])]
    answers = {"step1.m": m1, "step1.v": list(right["step1.v"]), "step1.m_hat": m_hat1,
               "step1.v_hat": v_hat1, "step1.update": update1, "step1.params": params1,
               "step2.m": m2}
    records = grade(nnsolve, tmp_path, problem, answers)
    assert records["step1.m"]["status"] == "incorrect"
    for name in ("step1.m_hat", "step1.update", "step1.params", "step2.m"):
        assert records[name]["status"] == "ecf", (name, records[name])
    assert records["step1.v"]["status"] == "correct"


def test_adam_without_bias_correction_is_named(nnsolve, problem_file, tmp_path):
    """m1/(√v1 + ε) = 0.05/√0.00025 instead of m̂1/√v̂1: the update is 0.316·η, not η. The
    update is named; the new parameters, worked from it, are carried forward; asked alone,
    the new parameters are named."""
    problem = problem_file(ADAM)
    m1, v1 = [0.05, -0.1], [0.00025, 0.001]
    update = [-0.1 * m / (math.sqrt(v) + 1e-8) for m, v in zip(m1, v1)]
    params = [1.0 + update[0], -2.0 + update[1]]
    records = grade(nnsolve, tmp_path, problem,
                    {"step1.m": m1, "step1.v": v1, "step1.update": update,
                     "step1.params": params})
    assert records["step1.update"]["status"] == "incorrect"
    assert records["step1.update"]["misconception"] == "no-bias-correction"
    assert records["step1.params"]["status"] == "ecf"
    records = grade(nnsolve, tmp_path, problem, {"step1.params": params})
    assert records["step1.params"]["status"] == "incorrect"
    assert records["step1.params"]["misconception"] == "no-bias-correction"


def test_momentum_with_the_learning_rate_inside_is_named(nnsolve, problem_file, tmp_path):
    problem = problem_file("""\
nnsolve: 1
id: adam-two-steps
title: momentum
solver: optim
given: {optimizer: momentum, lr: 0.1, params: [1.0, -2.0], gradients: [[0.5, -1.0], [0.4, -0.2]]}
ask: [step1.b, step2.b]
""")
    records = grade(nnsolve, tmp_path, problem, {"step1.b": [-0.05, 0.1],
                                                 "step2.b": [-0.9 * 0.05 - 0.04, 0.09 + 0.02]})
    assert records["step1.b"]["misconception"] == "momentum-lr-inside"
    assert records["step2.b"]["misconception"] == "momentum-lr-inside"


def test_adamw_decay_added_to_the_gradient_is_named():
    d = solve({"optimizer": "adamw", "lr": 0.1, "weight_decay": 0.5, "params": [1.0, -2.0],
               "gradients": [[0.5, -1.0]]})
    coupled = solve({"optimizer": "adam", "lr": 0.1, "weight_decay": 0.5, "params": [1.0, -2.0],
                     "gradients": [[0.5, -1.0]]})
    params = d["step1.params"]
    wrong = {m.id: m.apply(d.inputs_of("step1.params")) for m in params.misconceptions}
    assert wrong["coupled-weight-decay"] == pytest.approx(coupled["step1.params"].value)
    assert params.value != pytest.approx(coupled["step1.params"].value)


# -- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("given_,field,words", [
    ({"gradients": [[1.0, 2.0], [1.0]]}, "gradients[1]", "2 values"),
    ({"function": "x^2 + z", "variables": ["x", "y"], "steps": 2}, "function", "unknown name"),
    ({"function": "__import__('os')", "variables": ["x", "y"], "steps": 1}, "function",
     "cannot be read"),
    ({"function": "x^100000", "variables": ["x", "y"], "steps": 1}, "function", ""),
    ({"function": "x^2", "variables": ["x"], "steps": 1}, "variables", "one per parameter"),
    ({"function": "x^2", "variables": ["x", "y"]}, "steps", "how many steps"),
    ({"gradients": [[1.0, 2.0]], "function": "x", "variables": ["x", "y"]}, "gradients",
     "either"),
    ({"gradients": [[1.0, 2.0]], "steps": 3}, "steps", "3 gradient rows"),
])
def test_unsolvable_givens_name_their_field(nnsolve, problem_file, given_, field, words):
    body = {"optimizer": "adam", "params": [1.0, 2.0], **given_}
    problem = problem_file(json.dumps({"nnsolve": 1, "id": "bad", "title": "bad",
                                       "solver": "optim", "given": body}))
    result = nnsolve("check", problem)
    assert result.exit_code == 1
    assert f"given.{field}" in result.stderr + result.stdout
    assert words in result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout


def test_too_much_work_is_refused_before_it_starts():
    with pytest.raises(SolverError, match="element updates"):
        solve({"optimizer": "sgd", "params": [1.0] * 60, "function": "x",
               "variables": [f"x{i}" for i in range(60)], "steps": 50})


def test_the_sample_submission_is_graded_as_its_comments_say(nnsolve):
    """tests/data/e14-slips.yaml: a momentum slip carried forward, Adam without bias
    correction named at both steps."""
    result = nnsolve("grade", ROOT / "tests" / "data" / "e14-slips.yaml", "--key", E14,
                     "--format", "json")
    records = {(r["part"], r["name"]): r for r in result.json()["results"][0]["records"]}
    status = {key: r["status"] for key, r in records.items() if r["status"] != "missing"}
    assert status[("momentum", "step2.b")] == "incorrect"
    for name in ("step2.params", "step3.grad", "step3.b", "step3.params"):
        assert status[("momentum", name)] == "ecf", name
    for k in (1, 2):
        record = records[("adam", f"step{k}.update")]
        assert (record["status"], record["misconception"]) == ("incorrect",
                                                               "no-bias-correction")
        assert status[("adam", f"step{k}.params")] == "ecf"
    assert status[("adam", "step2.m")] == status[("adam", "step2.v")] == "correct"


@pytest.mark.parametrize("given_", [
    {"optimizer": "sgd", "params": [3], "function": "x^4", "variables": ["x"], "steps": 40,
     "lr": 1},
    {"optimizer": "sgd", "params": [10], "function": "exp(exp(x))", "variables": ["x"],
     "steps": 2, "lr": 1},
    {"optimizer": "adam", "params": [1.0], "gradients": [[1.0e300]]},
])
def test_diverging_or_overflowing_steps_are_refused_with_their_reason(given_):
    """Exact steps of x ← x − 4x³ from 3 grow digits without end: carried as floats once
    long, they overflow, and the error says where and why, in seconds."""
    with pytest.raises(SolverError, match="not a finite number.*smaller learning rate"):
        solve(given_)
