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
DATA = Path(__file__).resolve().parent / "data"


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


def test_a_wrong_h1_is_carried_along_time_into_h2_h3_logits_and_class(nnsolve):
    """tests/data/e3-slip-in-h1.yaml: h1 = (5, 3) instead of (5, 2), the rest right from it."""
    assert np.allclose(softmax([5, 9, 13]), [0.00033, 0.01799, 0.98168], atol=1e-5)
    result = nnsolve("grade", DATA / "e3-slip-in-h1.yaml", "--key", E3, "--format", "json")
    records = {r["name"]: r for r in result.json()["results"][0]["records"]
               if r["part"] == "last"}
    assert records["step1.h"]["status"] == "incorrect"
    for name in ("step2.h", "step3.h", "logits", "probabilities"):
        assert records[name]["status"] == "ecf", (name, records[name])
        assert records[name]["awarded"] == records[name]["points"]
    assert "step1.h" in records["step2.h"]["message"]
    assert "1 of 2 elements (element 2) follows from your earlier answers; the other one is " \
           "right" in records["step2.h"]["message"]
    assert records["class"]["status"] == "correct"


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


def test_a_wrong_lstm_cell_state_is_carried_into_the_next_step(nnsolve, tmp_path):
    """c1 off by 0.5 in its first element; h1 and the gates of step 2 worked from it."""
    right = derived(nnsolve, PROBLEMS / "lstm-step.yaml")
    c1 = (np.array(right["step1.c"]) + [0.5, 0]).tolist()
    h1 = (np.array(right["step1.o"]) * np.tanh(c1)).tolist()
    f2 = (1 / (1 + np.exp(-(np.array([[0, 1], [1, 0]]) @ [0, 1] + h1)))).tolist()   # U_f = I
    records = grade(nnsolve, tmp_path, "lstm-step",
                    {"step1.c": c1, "step1.h": h1, "step2.f": f2})
    assert records["a.step1.c"]["status"] == "incorrect"
    assert records["a.step1.h"]["status"] == "ecf"
    assert records["a.step2.f"]["status"] == "ecf"


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


def test_a_transposed_recurrent_matrix_is_named(nnsolve, tmp_path, problem_file):
    """W_hh = [[1, 2], [0, 1]], h1 = (1, 0): h2 = W_hh h1 + x2 = (1, 0) + (0, 1) = (1, 1),
    and (1, 2) + (0, 1) = (1, 3) with W_hh's transpose."""
    key = problem_file("nnsolve: 1\nid: transposed\ntitle: t\nstatement: x\nsolver: rnn\n"
                       "given:\n  inputs: [[1, 0], [0, 1]]\n  W_xh: [[1, 0], [0, 1]]\n"
                       "  W_hh: [[1, 2], [0, 1]]\n  activation: linear\n"
                       "ask: [step1.h, step2.h]\n")
    assert (np.array([[1, 2], [0, 1]]) @ [1, 0] + [0, 1]).tolist() == [1, 1]
    assert (np.array([[1, 0], [2, 1]]) @ [1, 0] + [0, 1]).tolist() == [1, 3]
    path = tmp_path / "answers.yaml"
    path.write_text(json.dumps({"nnsolve": 1, "student": {"id": "s1"}, "problem": "transposed",
                                "answers": {"step1.h": [1, 0], "step2.h": [1, 3]}}))
    result = nnsolve("grade", path, "--key", key, "--format", "json")
    records = {r["name"]: r for r in result.json()["results"][0]["records"]}
    assert records["step1.h"]["status"] == "correct"
    assert records["step2.h"]["misconception"] == "transposed-W_hh"
