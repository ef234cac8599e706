"""The plugin through nnsolve's command line, as a course uses it."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("nnsolve_perceptron",
                    reason="not installed: pip install -e examples/plugins/nnsolve-perceptron")


@pytest.fixture
def and_problem(problems):
    return problems / "perceptron-and.yaml"


def test_the_solver_is_listed(nnsolve):
    code, out = nnsolve("solvers")
    assert code == 0 and "perceptron" in out


def test_the_board_shows_vector_formulas_with_the_numbers_put_in(nnsolve, tmp_path, and_problem):
    target = tmp_path / "and.txt"
    code, _ = nnsolve("run", and_problem, "-o", target)
    text = " ".join(target.read_text(encoding="utf-8").replace("│", " ").split())
    assert code == 0
    assert "epoch 1, sample 2" in text
    assert "a_1 = w_0·x^(1) = [0.2, -0.1, 0.4]·[1, 0, 0] = 0.2" in text
    assert "y_1 = step(a_1) = step(0.2) = 1" in text
    assert "e_1 = t^(1) - y_1 = 0 - 1 = -1" in text
    assert "w_1 = w_0 + η*(t^(1) - y_1)*x^(1) = [0.2, -0.1, 0.4] + 0.5*(0 - 1)*[1, 0, 0] = " \
           "[-0.3, -0.1, 0.4]" in text


def test_json_gives_each_step_as_a_vector_with_its_formula(nnsolve, and_problem):
    code, out = nnsolve("run", and_problem, "--format", "json")
    quantities = {q["name"]: q for q in json.loads(out)["parts"][0]["quantities"]}
    assert code == 0
    w1 = quantities["step1.w"]
    assert w1["value"] == pytest.approx([-0.3, -0.1, 0.4])
    assert w1["formula"] == "w_0 + η*(t^(1) - y_1)*x^(1)"
    assert w1["substituted"] == "[0.2, -0.1, 0.4] + 0.5*(0 - 1)*[1, 0, 0]"
    assert w1["inputs"][0] == "step0.w" and w1["asked"]
    assert quantities["w"]["value"] == pytest.approx([-0.3, 0.9, 0.4])


@pytest.mark.parametrize("fmt, needle", [("md", r"w_{0}^\top x^{(1)}"),
                                         ("tex", r"\operatorname{step}"),
                                         ("html", "<math")])
def test_the_other_formats_render(nnsolve, tmp_path, and_problem, fmt, needle):
    target = tmp_path / f"and.{fmt}"
    code, _ = nnsolve("run", and_problem, "--format", fmt, "-o", target)
    assert code == 0 and needle in target.read_text(encoding="utf-8")


def test_problems_and_submissions_check(nnsolve, problems, submissions):
    code, out = nnsolve("check", *sorted(problems.glob("*.yaml")),
                        *sorted(submissions.glob("*.yaml")))
    assert code == 0, out


def test_schema_lists_the_given_the_conventions_and_the_quantities(nnsolve):
    code, out = nnsolve("schema", "perceptron")
    assert code == 0
    for needle in ("samples:", "learning_rate", "bias: input | separate",
                   "output: binary | bipolar", "step<k>.w"):
        assert needle in out


def test_the_shipped_given_schema_is_the_models():
    from nnsolve_perceptron import PerceptronSolver

    shipped = json.loads(PerceptronSolver.shipped_schema_path().read_text(encoding="utf-8"))
    assert shipped == PerceptronSolver.Given.model_json_schema(), \
        "stale: write perceptron.given.json again (docs/writing-a-solver.md, section 4)"


def test_a_template_problem_runs_as_is(nnsolve, tmp_path):
    code, template = nnsolve("new", "perceptron")
    path = tmp_path / "new.yaml"
    path.write_text(template, encoding="utf-8")
    assert code == 0 and nnsolve("run", path)[0] == 0


def test_an_unsolvable_given_is_reported_at_its_line(nnsolve, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("nnsolve: 1\nid: bad\ntitle: bad\nsolver: perceptron\ngiven:\n"
                    "  samples: [[0, 0], [1, 1]]\n  targets: [0, 2]\n  weights: [0, 0, 0]\n"
                    "  epochs: 1\n", encoding="utf-8")
    code, out = nnsolve("check", path)
    assert code == 1
