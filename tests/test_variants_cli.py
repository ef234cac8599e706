"""Per-student variants end to end: each student sees and is graded on their own numbers."""

import math

from nnsolve.spec.problem import load
from nnsolve.spec.variables import draw

PROBLEM = "examples/problems/conv-output-variant.yaml"


def own_answers(student):
    """The student's right answers, worked by hand from their variant's numbers."""
    v = draw(load(PROBLEM), student)
    side = math.floor((v["n"] - v["k"] + 2 * v["p"]) / v["s"]) + 1
    return v, [side, side, 16], (v["k"] * v["k"] * 3 + 1) * 16


def test_variant_statement_has_the_students_numbers(nnsolve):
    v, _, _ = own_answers("s1")
    text = nnsolve("variant", PROBLEM, "--student", "s1").stdout
    assert f"A {v['n']}×{v['n']}×3 image" in text and f"size {v['k']}×{v['k']}" in text


def test_each_student_is_graded_on_their_own_variant(nnsolve, tmp_path):
    students = [f"s{i}" for i in range(6)]
    assert len({str(own_answers(s)[0]) for s in students}) > 1
    for s in students:
        _, shape, params = own_answers(s)
        (tmp_path / f"{s}.yaml").write_text(
            f"nnsolve: 1\nstudent: {{id: {s}}}\nproblem: conv-output-variant\n"
            f"answers: {{output_shape: {shape}, params: {params}}}\n")
    result = nnsolve("grade", tmp_path, "--key", PROBLEM, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [r["score"] for r in result.json()["results"]] == [4.0] * 6


def test_someone_elses_numbers_are_wrong(nnsolve, tmp_path):
    students = [f"s{i}" for i in range(20)]
    mine = own_answers("s0")
    other = next(s for s in students if own_answers(s)[1:] != mine[1:])
    _, shape, params = own_answers(other)
    (tmp_path / "s0.yaml").write_text(
        f"nnsolve: 1\nstudent: {{id: s0}}\nproblem: conv-output-variant\n"
        f"answers: {{output_shape: {shape}, params: {params}}}\n")
    result = nnsolve("grade", tmp_path / "s0.yaml", "--key", PROBLEM, "--format", "json")
    assert result.json()["results"][0]["score"] < 4


def test_run_for_a_student_shows_their_values(nnsolve):
    v, shape, params = own_answers("s3")
    data = nnsolve("run", PROBLEM, "--student", "s3", "--format", "json").json()
    values = {q["name"]: q["value"] for q in data["parts"][0]["quantities"]}
    assert values["output_shape"] == shape and values["params"] == params
    assert data["student"] == "s3" and data["variables"]["k"] == v["k"]
