"""Grading as teachers grade: truncated and locally written numbers, partial credit shown,
hidden answers, checked submissions and the self-test of a problem."""

from __future__ import annotations

import json
import math

import pytest

from shared_paths import PROBLEMS, ROOT
from nnsolve.derivation import kinds
from nnsolve.grade.answers import AnswerError, AnswerReader
from nnsolve.grade.compare import Tolerance, compare
from nnsolve.grade.grader import grade_file
from nnsolve.grade.key import Key
from nnsolve.spec.yamlsafe import load_text

TANH = PROBLEMS / "e1-backprop-tanh.yaml"
ALEXNET = PROBLEMS / "alexnet-conv1.yaml"
SLIP = ROOT / "tests" / "data" / "e1c-slip.yaml"

# one sigmoid neuron: y2 = σ(−0.1324) = 0.466948…, a probability of 0.4669
SHARE = """nnsolve: 1
id: share
title: one sigmoid neuron
solver: mlp
given:
  input: [1]
  inputs: [1]
  target: [1]
  layers:
    - {weights: [[-0.1324]], bias: [0], activation: sigmoid, neurons: [2]}
  loss: squared_error
  learning_rate: 1
  steps: 1
tolerance: {abs: 1e-4, rel: 0}
ask: [y2]
"""


def submission(tmp_path, problem: str, answers: str, name: str = "s.yaml"):
    path = tmp_path / name
    path.write_text(f"nnsolve: 1\nstudent: {{id: s1, name: Ada}}\nproblem: {problem}\n"
                    f"answers:\n{answers}", encoding="utf-8")
    return path


def records(path, key) -> dict:
    return {f"{r.part}.{r.name}": r for r in grade_file(path, Key.from_paths(key)).records}


# -- truncation is rounding too ---------------------------------------------------------------

def test_the_e1c_student_who_truncates_tanh_1_to_0_761(tmp_path):
    """y3 = tanh(1) = 0.76159 written 0.761 (cut, not rounded); the second pass's slip
    2.309 for 2.3295 stays wrong, and tanh(2.309) = 0.980 follows from it."""
    path = tmp_path / "e1c.yaml"
    path.write_text(SLIP.read_text(encoding="utf-8").replace("  y3: 0.762\n", "  y3: 0.761\n"),
                    encoding="utf-8")
    got = records(path, [TANH])
    assert got["a.y3"].status == "correct" and got["a.y3"].awarded == 1
    assert "truncated rather than rounded" in got["a.y3"].message
    assert got["a.pass2.a3"].status == "incorrect"
    assert got["a.pass2.y3"].status == "ecf"


def test_truncation_is_right_to_the_decimals_or_significant_figures_asked():
    y3 = math.tanh(1)                                   # 0.761594…
    assert compare(y3, 0.761, Tolerance(decimals=3)).ok                      # cut
    assert compare(y3, 0.762, Tolerance(decimals=3)).note == ""              # rounded
    assert compare(y3, 0.761, Tolerance(sigfigs=3)).ok
    assert not compare(y3, 0.760, Tolerance(decimals=3)).ok                  # neither
    assert not compare(2.3295, 2.309, Tolerance(decimals=3)).ok
    assert not compare(y3, 0.761, Tolerance(rel=0, abs=0.0005)).ok           # no digits asked


# -- numbers as European courses write them -----------------------------------------------------

def test_alexnet_counts_written_with_thousands_points(tmp_path):
    path = submission(tmp_path, "alexnet-conv1",
                      "  a: {output_shape: '[55, 55, 96]', units: 290.400, params: 34.944}\n"
                      "  d: {params: 39.574.528}\n")
    assert {n: r.status for n, r in records(path, [ALEXNET]).items()} == dict.fromkeys(
        ["a.output_shape", "a.units", "a.params", "d.params"], "correct")


def test_a_unit_word_must_name_the_quantity(tmp_path):
    path = submission(tmp_path, "alexnet-conv1",
                      "  a: {units: 290400 units, params: 34944 parameters}\n"
                      "  d: {params: 39574528 weights}\n")
    got = records(path, [ALEXNET])
    assert got["a.units"].status == got["a.params"].status == "correct"
    assert got["d.params"].status == "invalid"
    assert "'weights' after the number does not name params" in got["d.params"].message


@pytest.mark.parametrize("written", ["0.4669", "46.69%", "46.69 %"])
def test_a_probability_of_0_4669_as_a_decimal_or_a_percentage(tmp_path, written):
    problem = tmp_path / "share.yaml"
    problem.write_text(SHARE, encoding="utf-8")           # abs: 1e-4, without a dot
    path = submission(tmp_path, "share", f"  y2: '{written}'\n")
    assert records(path, [problem])["a.y2"].status == "correct"


def test_a_vector_typed_as_one_string():
    vector, matrix = kinds.get("vector"), kinds.get("matrix")
    assert vector.read("[1, 2]", AnswerReader()) == (1, 2)
    assert matrix.read("[[1, 0], [0.5, 1/3]]", AnswerReader())[1][0] == 0.5
    with pytest.raises(AnswerError, match="not closed"):
        vector.read("[1, 2", AnswerReader())
    with pytest.raises(AnswerError, match="element is missing before position 4"):
        vector.read("[1,,2]", AnswerReader())


def test_a_number_with_two_points_says_so(tmp_path):
    """Only a count may group thousands with points: a net input of 1.234.5 is a typo."""
    path = submission(tmp_path, "e1-backprop-tanh", "  a3: '1.234.5'\n")
    message = records(path, [TANH])["a.a3"].message
    assert "a second decimal point at position 6" in message


def test_exponents_without_a_point_are_numbers_in_yaml_files():
    assert load_text("abs: 1e-9\nrel: 2E3\nname: 1e5x\n").data == \
        {"abs": 1e-9, "rel": 2000.0, "name": "1e5x"}


# -- partial credit ---------------------------------------------------------------------------

def test_half_a_select_all_item_is_partial_everywhere(nnsolve, tmp_path):
    sub = ROOT / "examples" / "submissions" / "nn-concepts-s1003.yaml"
    key = ROOT / "examples" / "problems"
    data = nnsolve("grade", sub, "--key", key, "--format", "json",
                   "--feedback-dir", tmp_path / "fb").json()
    d = next(r for r in data["results"][0]["records"] if r["part"] == "d")
    assert d["status"] == "partial" and d["awarded"] == 1
    assert next(i for i in data["summary"]["items"] if i["part"] == "d")["counts"]["partial"] == 1
    assert "◐ partial" in (tmp_path / "fb" / "s1003.md").read_text(encoding="utf-8")
    assert "partial" in (tmp_path / "fb" / "item-analysis.html").read_text(encoding="utf-8")
    assert "◐" in nnsolve("grade", sub, "--key", key).stdout


# -- what students see ------------------------------------------------------------------------

def test_hints_keep_the_misconception_and_never_the_key(nnsolve, tmp_path):
    """params 34848 is AlexNet's conv1 without its 96 biases (the key is 34944)."""
    path = submission(tmp_path, "alexnet-conv1", "  a: {output_shape: [55, 55, 95], "
                      "units: 290400, params: 34848}\n  d: {params: 1}\n")
    out = tmp_path / "out"
    result = nnsolve("grade", path, "--key", ALEXNET, "--reveal", "hints", "--format", "json",
                     "--feedback-dir", out / "fb", "--gradescope", out / "results.json",
                     "--gradescope-visibility", "after_published")
    text = nnsolve("grade", path, "--key", ALEXNET, "--reveal", "hints").stdout
    shown = [result.stdout, text, (out / "results.json").read_text(encoding="utf-8")] + \
        [p.read_text(encoding="utf-8") for p in (out / "fb").iterdir()]
    for output in shown:
        for key_value in ("34944", "34,944", "39574528", "39,574,528", "55, 55, 96", "55×55×96"):
            assert key_value not in output
    assert all(r["expected"] is None for r in result.json()["results"][0]["records"])
    assert "bias" in text and "bias" in shown[2]                      # the mistake is named
    assert json.loads(shown[2])["visibility"] == "after_published"


def test_status_only_says_right_or_wrong(nnsolve, tmp_path):
    path = submission(tmp_path, "alexnet-conv1", "  a: {params: 34848}\n")
    data = nnsolve("grade", path, "--key", ALEXNET, "--reveal", "status", "--format", "json").json()
    params = next(r for r in data["results"][0]["records"] if r["name"] == "params")
    assert (params["status"], params["message"], params["misconception"]) == ("incorrect", "", None)


# -- checked before grading -------------------------------------------------------------------

def test_check_reads_a_submission_against_its_problem(nnsolve, tmp_path):
    path = submission(tmp_path, "alexnet-conv1",
                      "  a: {output_shape: [55, 55, 96], unit: 290400, params: '34,94x'}\n"
                      "  d: {params: 39574528}\n")
    result = nnsolve("check", path, "--key", PROBLEMS)
    assert result.exit_code == 1
    assert f"error: {path}:5: answers.a.unit: 'unit' is not a quantity of part a, so this " \
           f"answer is not graded; did you mean units?" in result.stderr
    assert f"error: {path}:5: answers.a.params: Your answer for params" in result.stderr
    assert f"warning: {path}:5: answers.a.units: No answer for units" in result.stderr
    assert "34944" not in result.stderr


def test_check_names_the_part_of_a_question_left_out_with_its_whole_part(nnsolve, tmp_path):
    """Part a answered, part d not at all: the warnings for d point at answers.d, not at
    `answers`, so a student knows which part they forgot."""
    path = submission(tmp_path, "alexnet-conv1", "  a: {output_shape: [55, 55, 96]}\n")
    result = nnsolve("check", path, "--key", PROBLEMS)
    assert result.exit_code == 0
    assert f"warning: {path}:4: answers.d.params: No answer for params" in result.stderr


def test_grade_records_answers_to_names_the_problem_does_not_have(tmp_path):
    path = submission(tmp_path, "alexnet-conv1", "  a: {parms: 34944}\n")
    result = grade_file(path, Key.from_paths([ALEXNET]))
    stray = next(r for r in result.records if r.name == "parms")
    assert (stray.status, stray.points, stray.asked) == ("invalid", 0, False)
    assert stray.message.endswith("did you mean params?")
    assert stray.to_json()["asked"] is False


def test_every_bad_ask_name_and_misspelt_layer_option(nnsolve, problem_file):
    path = problem_file("nnsolve: 1\nid: x\nsolver: layers\ngiven:\n  input: [8, 8, 1]\n"
                        "  layers: [{conv: {filters: 2, kernel: 3, strides: 1}}]\n"
                        "ask: [param, output_shap]\n")
    errors = nnsolve("check", path).stderr
    assert f"{path}:6: given.layers[0].conv.strides: unknown field (did you mean 'stride'?)" \
        in errors
    path = problem_file("nnsolve: 1\nid: x\nsolver: layers\ngiven: {input: [8, 8, 1], "
                        "layers: [flatten]}\nask: [param, output_shap]\n", "asks.yaml")
    errors = nnsolve("check", path).stderr
    assert "ask[0]: layers does not produce 'param'" in errors
    assert "ask[1]: layers does not produce 'output_shap'" in errors


# -- the self-test ----------------------------------------------------------------------------

@pytest.mark.parametrize("where", [PROBLEMS, ROOT / "examples" / "problems",
                                   ROOT / "examples" / "plugins" / "nnsolve-perceptron" /
                                   "problems"])
def test_every_shipped_problem_grades_as_intended(nnsolve, where):
    result = nnsolve("selftest", where)
    assert result.exit_code == 0, result.stdout
    assert "0 not as intended" in result.stderr


def test_a_tolerance_too_wide_for_slips_fails_the_self_test(nnsolve, tmp_path):
    """rel: 0.2 lets a3 = 1.2 for 1 pass, and y3 = tanh(1.2) = 0.834 for 0.762 too."""
    lax = tmp_path / "e1-lax.yaml"
    lax.write_text(TANH.read_text(encoding="utf-8")
                   .replace("tolerance: {decimals: 3}", "tolerance: {rel: 0.2}")
                   .replace("id: e1-backprop-tanh", "id: e1-lax"), encoding="utf-8")
    result = nnsolve("selftest", lax)
    assert result.exit_code == 1
    assert "e1-lax a.a3: slip in a3, carried forward: graded correct, meant incorrect" \
        in result.stdout
    assert "e1-lax a.y3: slip in a3, carried forward: graded correct, meant ecf" in result.stdout


def test_the_self_test_grades_other_students_variants_too():
    """A problem with variables is tested in several students' numbers, not one."""
    from nnsolve.grade.selftest import selftest

    problem = ROOT / "examples" / "problems" / "conv-output-exact.yaml"
    one = selftest([problem], variants=1)
    five = selftest([problem], variants=5)
    assert not one.deviations and not five.deviations
    assert five.cases > 4 * one.cases > 0     # cases depend a little on the numbers drawn
