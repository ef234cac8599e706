"""What the grader makes of the shipped submissions: nothing in the plugin is about grading,
yet a wrong weight vector carries forward and a known mistake is named."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("nnsolve_perceptron",
                    reason="not installed: pip install -e examples/plugins/nnsolve-perceptron")


def statuses(result: dict) -> dict[str, tuple[str, str | None]]:
    return {r["name"]: (r["status"], r["misconception"]) for r in result["records"]}


def test_a_right_submission_earns_every_point(graded):
    result = graded("and-correct.yaml")
    assert result["score"] == result["max_score"] == 35
    assert {status for status, _ in statuses(result).values()} == {"correct"}


def test_one_early_wrong_weight_vector_carries_forward(graded):
    result = graded("and-slip-in-step2.yaml")
    records = statuses(result)
    assert records["step2.w"] == ("incorrect", None)
    later = ["step3.w", "step4.a", "step4.w", "step5.w", "step6.a", "step6.w", "step7.w",
             "step8.a", "step8.w", "w"]
    assert all(records[name][0] == "ecf" for name in later), records
    # the outputs, errors and mistakes did not change: the slip did not flip a prediction
    assert all(records[f"step{k}.y"][0] == "correct" for k in range(1, 9))
    assert result["score"] == result["max_score"] - 1


def test_updating_on_a_right_prediction_is_named(graded):
    result = graded("and-update-when-right.yaml")
    records = statuses(result)
    assert records["step3.w"] == ("incorrect", "update-when-right")
    assert records["step4.w"] == ("incorrect", "update-when-right")
    # everything worked correctly from those weights is carried forward
    assert records["step4.a"][0] == records["step4.y"][0] == "ecf"
    assert records["step8.w"][0] == records["w"][0] == "ecf"
    assert result["score"] == result["max_score"] - 2


def test_the_error_written_as_y_minus_t_is_named(nnsolve, problems, tmp_path):
    path = tmp_path / "s2004.yaml"
    path.write_text("nnsolve: 1\nstudent: {id: s2004}\nproblem: perceptron-and\n"
                    "answers: {step1.y: 1, step1.error: 1}\n", encoding="utf-8")
    code, out = nnsolve("grade", path, "--key", problems, "--format", "json")
    records = statuses(json.loads(out)["results"][0])
    assert code == 0
    assert records["step1.error"] == ("incorrect", "y-minus-t")
    assert records["step1.w"][0] == "missing"
