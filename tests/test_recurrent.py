"""Exercises E3, E4 and E7 solved by the recurrent solvers, through the command line, with the
figures worked by hand and the rule written plainly in numpy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nnsolve.derivation import values as V

pytest.importorskip("nnsolve.solvers.recurrent")

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"
E3 = PROBLEMS / "e3-rnn-sentiment.yaml"
E4 = PROBLEMS / "e4-decoder-rnn.yaml"
E7 = PROBLEMS / "e7-rnn-cell.yaml"

W_XH = np.array([[0, -1, 2], [1, -2, 0]])
W_HY = np.array([[0, 1], [1, 0], [2, -1]])
WORDS = {"This": [0, -1, 2], "horrible": [-2, -2, 1], "<UNK>": [0, 0, 0]}


def solved(nnsolve, problem: Path, *options: str) -> dict[str, dict[str, dict]]:
    """Part id → quantity name → its JSON record."""
    result = nnsolve("run", problem, "--format", "json", *options)
    assert result.exit_code == 0, result.stderr
    return {p["id"]: {q["name"]: q for q in p["quantities"]} for p in result.json()["parts"]}


def softmax(z) -> np.ndarray:
    e = np.exp(np.array(z, dtype=float) - max(z))
    return e / e.sum()


def e3_states() -> list[np.ndarray]:
    """h_t = ReLU(I h_{t−1} + W_xh x_t), "was" read as <UNK>."""
    h, states = np.zeros(2), []
    for word in ("This", "<UNK>", "horrible"):
        h = np.maximum(h + W_XH @ np.array(WORDS[word]), 0)
        states.append(h)
    return states


# -- E3 ------------------------------------------------------------------------------------

def test_e3_last_state_logits_probabilities_and_class(nnsolve):
    part = solved(nnsolve, E3)["last"]
    assert [part[f"step{t}.h"]["value"] for t in (1, 2, 3)] == [[5, 2], [5, 2], [9, 4]]
    assert [s.tolist() for s in e3_states()] == [[5, 2], [5, 2], [9, 4]]
    assert part["logits"]["value"] == [4, 9, 14] == (W_HY @ [9, 4]).tolist()
    p = part["probabilities"]["value"]
    assert np.allclose(p, softmax([4, 9, 14]), rtol=1e-12)
    # the exercise's ≈ [0.000045, 0.0067, 0.9933]
    assert [round(v, 6) for v in p] == [0.000045, 0.006693, 0.993262]
    # three classes numbered 0, 1, 2 from W_hy's first row: the third row wins, class 2 is
    # "negative" as the exercise reads it
    assert part["class"]["value"] == 2 == int(np.argmax(p))
    assert "numbered from 0" in part["class"]["label"]


def test_e3_mean_pooling_is_exact(nnsolve):
    part = solved(nnsolve, E3)["mean"]
    assert part["h"]["exact"] == "[19/3, 8/3]"
    assert np.allclose(part["h"]["value"], np.mean(e3_states(), axis=0), rtol=1e-15)
    assert part["logits"]["exact"] == "[8/3, 19/3, 10]"
    p = part["probabilities"]["value"]
    assert np.allclose(p, softmax(W_HY @ np.mean(e3_states(), axis=0)), rtol=1e-12)
    assert np.allclose(p, [0.0006, 0.0249, 0.9744], atol=1e-4)
    assert part["class"]["value"] == 2


def test_e3_says_how_the_unknown_word_was_read(nnsolve):
    result = nnsolve("run", E3, "--part", "last")
    text = " ".join(result.stdout.split())
    assert "“was” (word 2) is not in the vocabulary: it is read as <UNK>" in text
    assert "input at t = 2: “was”, read as <UNK>" in text


def test_classes_numbered_from_1_and_named(nnsolve, problem_file):
    text = E3.read_text(encoding="utf-8").replace(
        "conventions: {classes: from-0, case: exact}", "conventions: {classes: from-1}").replace(
        "      pooling: last\n", "      pooling: last\n      classes: [positive, neutral, "
                                 "negative]\n")
    parts = solved(nnsolve, problem_file(text))
    assert parts["last"]["class"]["value"] == 3
    assert parts["last"]["class_name"]["value"] == "negative"


@pytest.mark.parametrize("case, h1", [("fold", [5, 2]), ("exact", [0, 0])])
def test_the_case_convention_decides_whether_this_is_This(nnsolve, problem_file, case, h1):
    text = E3.read_text(encoding="utf-8").replace('"This was horrible"', '"this was horrible"') \
        .replace("case: exact", f"case: {case}")
    part = solved(nnsolve, problem_file(text))["last"]
    assert part["step1.h"]["value"] == h1       # exact: "this" is unknown, read as <UNK>


# -- E4: the decoder ---------------------------------------------------------------------

W_HH_SWAP = np.array([[0, 1], [1, 0]])
W_YH = np.array([[-5, -5], [0, 3], [1, 2], [2, 2], [3, -1], [2.9, 0]])


def decode(h0, steps: int = 3) -> list[tuple[list, list, str]]:
    h, out = np.array(h0, dtype=float), []
    for _ in range(steps):
        h = np.maximum(W_HH_SWAP @ h, 0)
        scores = W_YH @ h
        out.append((h.tolist(), scores.tolist(), f"word{int(np.argmax(scores)) + 1}"))
    return out


@pytest.mark.parametrize("part_id, h0", [("context", [1, 1]), ("encoder-state", [4, 0])])
def test_e4_decoder_reads_off_one_word_per_step(nnsolve, part_id, h0):
    part = solved(nnsolve, E4)[part_id]
    for k, (h, scores, word) in enumerate(decode(h0), 1):
        assert part[f"step{k}.h"]["value"] == h
        assert np.allclose(part[f"step{k}.logits"]["value"], scores, rtol=1e-12)
        assert part[f"step{k}.class_name"]["value"] == word
    assert "probabilities" not in part and "step1.probabilities" not in part


def test_e4_figures():
    # from Z = (1, 1) the swap leaves the state alone: word 4 (score 4) every time
    assert [w for _, _, w in decode([1, 1])] == ["word4"] * 3
    # from (4, 0): word 2, then word 5 beating word 6 by 12 − 11.6, then word 2 again
    assert decode([4, 0])[1][1][4:] == [12, 11.6]
    assert [w for _, _, w in decode([4, 0])] == ["word2", "word5", "word2"]


# -- E7: the concatenated form -----------------------------------------------------------

def test_e7_concatenated_cell(nnsolve):
    (part,) = solved(nnsolve, E7).values()
    W = np.array([[1, -1, 1, 0], [0, 1, 0, -1]])
    h = np.zeros(2)
    for t, x in enumerate([[1, 0], [0, 1], [1, 1]], 1):
        h = np.tanh(W @ np.concatenate([x, h]))
        assert np.allclose(part[f"step{t}.h"]["value"], h, rtol=1e-12)
    assert part["step1.a"]["formula"] == "W*[x1; h_0]"
    assert part["step1.h"]["exact"] == "[tanh(1), 0]"


@settings(max_examples=25)
@given(st.lists(st.integers(-3, 3), min_size=8, max_size=8),
       st.lists(st.lists(st.integers(-2, 2), min_size=2, max_size=2), min_size=1, max_size=3))
def test_concatenated_and_split_forms_are_one_cell(weights, inputs):
    from nnsolve.solvers.recurrent import RnnSolver

    W = [weights[:4], weights[4:]]
    solver = RnnSolver()
    conventions = solver.resolve_conventions({})
    joined = solver.solve(solver.Given(inputs=inputs, W=W, activation="relu"), conventions)
    split = solver.solve(solver.Given(inputs=inputs, W_xh=[r[:2] for r in W],
                                      W_hh=[r[2:] for r in W], activation="relu"), conventions)
    for t in range(1, len(inputs) + 1):
        assert joined[f"step{t}.h"].value == split[f"step{t}.h"].value
    h = np.zeros(2)
    for x in inputs:
        h = np.maximum(np.array(W) @ np.concatenate([x, h]), 0)
    assert [V.to_float(v) for v in joined[f"step{len(inputs)}.h"].value] == h.tolist()


# -- every h_t written as its two products ----------------------------------------------

def test_each_step_shows_the_sum_before_the_activation_with_numbers(nnsolve):
    text = " ".join(nnsolve("run", E3, "--part", "last").stdout.replace("│", " ").split())
    assert ("a_3 = W_xh*x3 + W_hh*h_2 + b_h = [[0, -1, 2], [1, -2, 0]]*[-2, -2, 1] + "
            "[[1, 0], [0, 1]]*[5, 2] + [0, 0] = [9, 4]") in text
    assert "h_3 = ReLU(a_3) = ReLU([9, 4]) = [9, 4]" in text


@pytest.mark.parametrize("fmt", ["md", "html", "tex", "json"])
def test_every_format_renders(nnsolve, fmt):
    for problem in ("e3-rnn-sentiment", "e4-decoder-rnn", "lstm-step", "gru-step"):
        result = nnsolve("run", PROBLEMS / f"{problem}.yaml", "--format", fmt)
        assert result.exit_code == 0, result.stderr
        assert "t = 2" in result.stdout or (fmt == "json" and "step2.h" in result.stdout)


# -- givens that cannot be solved ----------------------------------------------------------

BAD = [
    ("rnn", "inputs: [[1, 2], [3]]\n  W_xh: [[1, 2]]\n  W_hh: [[1]]",
     "7: given.inputs[1]: row 2 has 1 element, row 1 has 2"),
    ("rnn", "inputs: [[1, 2, 3]]\n  W_xh: [[1, 2]]\n  W_hh: [[1]]",
     "given.inputs[0]: x1 has 3 elements, but W_xh has 2 columns"),
    ("rnn", "sentence: 'a b'\n  vocabulary: {a: [1]}\n  W_xh: [[1]]\n  W_hh: [[1]]",
     "given.vocabulary: 'b' is not in the vocabulary, and the vocabulary has no '<UNK>'"),
    ("rnn", "inputs: [[.nan]]\n  W_xh: [[1]]\n  W_hh: [[1]]", "finite number"),
    ("rnn", "inputs: [[1]]\n  W: [[1, 2]]\n  W_hh: [[1]]", "given.W: give the weights split"),
    ("rnn", "inputs: [[1]]\n  W_xh: [[1]]\n  W_hh: [[1]]\n  W_hy: [[1]]\n  classes: [a, b]",
     "given.classes: 2 elements, expected 1"),
    ("rnn", "inputs: [[1e300], [1]]\n  W_xh: [[1e300]]\n  W_hh: [[1]]\n  activation: linear",
     "step1.a overflows floating point"),
    ("lstm", "inputs: [[1]]\n  weight_ih: [[1], [1], [1]]\n  weight_hh: [[1], [1], [1], [1]]",
     "given.weight_ih: 3 rows, expected 4"),
    ("lstm", "inputs: [[1]]\n  W_i: [[1]]\n  U_i: [[1]]", "given.W_f: W_f is missing"),
    ("gru", "steps: 2\n  W_r: [[1]]", "given.steps: this cell needs inputs"),
    ("gru", "inputs: " + str([[1] * 64] * 100) + "\n  weight_ih: " + str([[1] * 64] * 192) +
     "\n  weight_hh: " + str([[1] * 64] * 192), "the limit is 20,000"),
]


@pytest.mark.parametrize("solver, given_text, message", BAD)
def test_unsolvable_givens_are_refused_naming_the_field(nnsolve, problem_file, solver,
                                                        given_text, message):
    path = problem_file(f"nnsolve: 1\nid: bad\ntitle: bad\nstatement: x\nsolver: {solver}\n"
                        f"given:\n  {given_text}\n")
    result = nnsolve("run", path)
    assert result.exit_code == 1
    assert f"{path}:" in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_an_output_at_every_step_of_a_sentence():
    """pooling: each reads the output layer off h1, h2, h3 in turn (a tagger's view of E3)."""
    from nnsolve.solvers.recurrent import RnnSolver

    solver = RnnSolver()
    d = solver.solve(solver.Given(sentence="This was horrible", vocabulary=WORDS,
                                  W_xh=W_XH.tolist(), W_hh=[[1, 0], [0, 1]], activation="relu",
                                  W_hy=W_HY.tolist(), pooling="each",
                                  classes=["positive", "neutral", "negative"]),
                     solver.resolve_conventions({"classes": "from-1"}))
    for k, h in enumerate(e3_states(), 1):
        p = softmax(W_HY @ h)
        assert np.allclose([V.to_float(v) for v in d[f"step{k}.probabilities"].value], p,
                           rtol=1e-12)
        assert d[f"step{k}.class"].value == int(np.argmax(p)) + 1
        assert d[f"step{k}.class_name"].value == "negative"
    assert "h" not in d and "logits" not in d
