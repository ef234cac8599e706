"""Grading recurrent exercises: a wrong state is carried forward along time, and the usual
slips are named (the previous state forgotten, h0 pooled with the outputs, the unknown word
dropped, the classes counted from 1, the forget gate left out, the update gate flipped)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("nnsolve.solvers.recurrent")

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"
E3 = PROBLEMS / "e3-rnn-sentiment.yaml"


def grade(nnsolve, tmp_path: Path, problem: str, answers: dict) -> dict[str, dict]:
    """part.name → record."""
    path = tmp_path / f"{problem}-answers.yaml"
    path.write_text(json.dumps({"nnsolve": 1, "student": {"id": "s1"}, "problem": problem,
                                "answers": answers}), encoding="utf-8")
    result = nnsolve("grade", path, "--key", PROBLEMS / f"{problem}.yaml", "--format", "json")
    report = result.json()["results"][0]
    assert report["error"] is None, report["error"]
    return {f"{r['part']}.{r['name']}": r for r in report["records"]}


def softmax(z) -> list[float]:
    e = np.exp(np.array(z, dtype=float) - max(z))
    return (e / e.sum()).tolist()


def test_a_wrong_h1_is_carried_along_time_into_h2_h3_logits_and_class(nnsolve, tmp_path):
    """h1 = (5, 3) instead of (5, 2); everything after it worked right from it: h2 = h1 + 0,
    h3 = h2 + W_xh x3 = (9, 5), logits W_hy h3 = (5, 9, 13)."""
    answers = {"last": {"step1.h": [5, 3], "step2.h": [5, 3], "step3.h": [9, 5],
                        "logits": [5, 9, 13], "probabilities": softmax([5, 9, 13]),
                        "class": 2}}
    records = grade(nnsolve, tmp_path, "e3-rnn-sentiment", answers)
    assert records["last.step1.h"]["status"] == "incorrect"
    for name in ("step2.h", "step3.h", "logits", "probabilities"):
        assert records[f"last.{name}"]["status"] == "ecf", (name, records[f"last.{name}"])
        assert records[f"last.{name}"]["awarded"] == records[f"last.{name}"]["points"]
    assert "step1.h" in records["last.step2.h"]["message"]
    assert records["last.class"]["status"] == "correct"


def test_a_wrong_h1_carries_into_a_class_that_differs(nnsolve, tmp_path):
    """h1 = (1, 5): then h3 = (5, 7) and the logits (7, 5, 3) make class 0 the student's own
    right answer, though the key's class is 2. Only h1 is asked before the output."""
    answers = {"last": {"step1.h": [1, 5], "logits": [7, 5, 3], "class": 0}}
    records = grade(nnsolve, tmp_path, "e3-rnn-sentiment", answers)
    assert records["last.step1.h"]["status"] == "incorrect"
    assert records["last.logits"]["status"] == "ecf"
    assert records["last.class"]["status"] == "ecf"


def test_the_previous_state_forgotten_is_named(nnsolve, tmp_path):
    """h3 = ReLU(W_xh x3) = (4, 2): W_hh h2 left out at the last step."""
    answers = {"last": {"step1.h": [5, 2], "step2.h": [5, 2], "step3.h": [4, 2],
                        "logits": [2, 4, 6]}}
    records = grade(nnsolve, tmp_path, "e3-rnn-sentiment", answers)
    record = records["last.step3.h"]
    assert record["status"] == "incorrect"
    assert record["misconception"] == "previous-state-forgotten"
    assert records["last.logits"]["status"] == "ecf"


@pytest.mark.parametrize("h, slip", [
    ([19 / 4, 2], "pooled-with-h0"),               # (h0 + h1 + h2 + h3) / 4
    ([7, 3], "unknown-word-dropped"),              # "This horrible": (h1 + h3') / 2, h3' = (9, 4)
])
def test_pooling_over_the_wrong_states_is_named(nnsolve, tmp_path, h, slip):
    records = grade(nnsolve, tmp_path, "e3-rnn-sentiment", {"mean": {"h": h}})
    assert records["mean.h"]["status"] == "incorrect"
    assert records["mean.h"]["misconception"] == slip


def test_classes_counted_from_1_are_named(nnsolve, tmp_path):
    records = grade(nnsolve, tmp_path, "e3-rnn-sentiment", {"last": {"class": 3}})
    assert records["last.class"]["misconception"] == "class-numbered-from-other-end"


def derived(nnsolve, problem: Path) -> dict[str, list]:
    result = nnsolve("run", problem, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {q["name"]: q["value"] for q in result.json()["parts"][0]["quantities"]}


def test_the_lstm_cell_without_its_forget_gate_is_named(nnsolve, tmp_path):
    """c1 = c0 + i1 ⊙ g1, with f1 ⊙ c0 written as c0."""
    values = derived(nnsolve, PROBLEMS / "lstm-step.yaml")
    c0, i, g = (np.array(values[k]) for k in ("c0", "step1.i", "step1.g"))
    records = grade(nnsolve, tmp_path, "lstm-step", {"step1.c": (c0 + i * g).tolist()})
    assert records["a.step1.c"]["misconception"] == "cell-without-forget-gate"


def test_the_gru_update_gate_flipped_is_named(nnsolve, tmp_path, problem_file):
    """h1 = z1 ⊙ n1 + (1 − z1) ⊙ h0: the textbook's sign where the problem states torch's."""
    text = (PROBLEMS / "gru-step.yaml").read_text(encoding="utf-8")
    flipped = derived(nnsolve, problem_file(text.replace(
        "solver: gru\n", "solver: gru\nconventions: {update_gate: takes-new}\n")))
    values = derived(nnsolve, PROBLEMS / "gru-step.yaml")
    z, n, h0 = (np.array(values[k]) for k in ("step1.z", "step1.n", "h0"))
    assert np.allclose(flipped["step1.h"], z * n + (1 - z) * h0, rtol=1e-12)
    records = grade(nnsolve, tmp_path, "gru-step", {"step1.h": flipped["step1.h"]})
    assert records["a.step1.h"]["misconception"] == "update-gate-flipped"
