"""Attention (exercises E4 and E11, and a two-head self-attention), solved and graded as a TA
would.

E4's figures are the exercise's own (four equal scores, weights of exactly 1/4, Z = [1, 1]);
E11's shapes and counts are worked here by hand; the two-head problem is checked against
attention written plainly with numpy in this file, sharing nothing with the solver.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("nnsolve.solvers.attention")

from nnsolve import solvers  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"
E4 = PROBLEMS / "e4-attention.yaml"
E11 = PROBLEMS / "e11-attention-shapes.yaml"
TWO_HEADS = PROBLEMS / "attention-two-heads.yaml"


def attention(q, k, v, mask=None, scale=True):
    """softmax(Q Kᵀ/√d_k) V, row by row, the textbook way."""
    q, k, v = (np.array(m, dtype=float) for m in (q, k, v))
    s = q @ k.T / (np.sqrt(k.shape[1]) if scale else 1.0)
    if mask is not None:
        s = np.where(np.array(mask) == 1, s, -np.inf)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return s, p, p @ v


def run_json(nnsolve, problem: Path, *extra) -> dict:
    result = nnsolve("run", problem, "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return {q["name"]: q for q in result.json()["parts"][0]["quantities"]}


def values(nnsolve, problem: Path) -> dict:
    return {name: q["value"] for name, q in run_json(nnsolve, problem).items()}


def grade(nnsolve, tmp_path: Path, problem: Path, problem_id: str, answers: dict,
          part: str | None = None) -> dict:
    path = tmp_path / "answers.yaml"
    path.write_text(json.dumps({"nnsolve": 1, "student": {"id": "s1"}, "problem": problem_id,
                                "answers": answers}), encoding="utf-8")
    result = nnsolve("grade", path, "--key", problem, "--format", "json")
    report = result.json()["results"][0]
    assert report["error"] is None, report["error"]
    return {r["name"]: r for r in report["records"] if part is None or r["part"] == part}


def solve(given: dict, **conventions):
    solver = solvers.get("attention")()
    return solver.solve(solver.Given(**given), solver.resolve_conventions(conventions))


def flat(value) -> list:
    return list(np.ravel(np.array(value, dtype=object)))


# -- E4 ------------------------------------------------------------------------------------------

def test_e4_equal_scores_give_weights_of_exactly_a_quarter(nnsolve):
    quantities = run_json(nnsolve, E4)
    assert flat(quantities["scores"]["value"]) == [0, 0, 0, 0]
    assert flat(quantities["scaled"]["value"]) == [0, 0, 0, 0]
    assert flat(quantities["weights"]["value"]) == [0.25] * 4
    assert "1/4" in quantities["weights"]["exact"]
    assert flat(quantities["output"]["value"]) == [1, 1]
    assert flat(quantities["mean"]["value"]) == [1, 1]
    assert quantities["expsum[1]"]["value"] == 4
    assert quantities["weights[1,3]"]["exact"] == "1/4"


def test_e4_board_shows_each_dot_product_and_the_softmax_row(nnsolve):
    text = nnsolve("run", E4).stdout
    assert "S[1,2] = Q[1,1]*K[2,1] + Q[1,2]*K[2,2] = 0*0 + 0*4 = 0" in text
    assert "exp(0) + exp(0) + exp(0) + exp(0) = 4" in text
    assert "P[1,1] = exp(S'[1,1])/Σ[1] = exp(0)/4 = 1/4" in text
    assert "S' = S/sqrt(d_k) = [[0, 0, 0, 0]]/sqrt(2)" in text


def test_e4_graded_with_flat_answers_as_students_write_them(nnsolve, tmp_path):
    answers = {"mean": [1, 1], "scores": [0, 0, 0, 0], "scaled": [0, 0, 0, 0],
               "weights": ["1/4", 0.25, 0.25, 0.25], "output": [1, 1]}
    records = grade(nnsolve, tmp_path, E4, "e4-attention", answers)
    assert {r["status"] for r in records.values()} == {"correct"}
    # a slip in the scaled scores, written flat, carried into the weights and the output
    e = np.e
    own = [1 / (3 + e)] * 3 + [e / (3 + e)]
    records = grade(nnsolve, tmp_path, E4, "e4-attention",
                    {"scaled": [0, 0, 0, 1], "weights": [round(w, 4) for w in own],
                     "output": [round(4 * own[0], 4)] * 2})
    assert records["scaled"]["status"] == "incorrect"
    assert records["weights"]["status"] == records["output"]["status"] == "ecf"


def test_every_format_renders_e4(nnsolve):
    for fmt in ("md", "tex", "html"):
        result = nnsolve("run", E4, "--format", fmt)
        assert result.exit_code == 0 and "softmax" in result.stdout


# -- error carried forward -----------------------------------------------------------------------

THREE = {"Q": [[1, 0], [0, 1]], "K": [[1, 0], [0, 1], [1, 1]], "V": [[1, 2], [3, 4], [5, 6]]}


def test_a_wrong_score_carries_into_the_weights_and_output_element_by_element(
        nnsolve, tmp_path, problem_file):
    path = problem_file("nnsolve: 1\nid: three\ntitle: t\nsolver: attention\ngiven: "
                        + json.dumps(THREE) + "\nask:\n  scores: {points: 6, partial: true}\n"
                        "  weights: {points: 6, partial: true}\n"
                        "  output: {points: 4, partial: true}\n")
    wrong = np.array([[1, 0, 1], [0, 3, 1]])                 # S[2,2] = 1 slipped to 3
    _, p, z = attention(THREE["Q"], THREE["K"], THREE["V"])
    own_p = np.exp(wrong / np.sqrt(2)) / np.exp(wrong / np.sqrt(2)).sum(axis=1, keepdims=True)
    own_z = own_p @ np.array(THREE["V"])
    records = grade(nnsolve, tmp_path, path, "three",
                    {"scores": wrong.tolist(), "weights": own_p.round(4).tolist(),
                     "output": own_z.round(4).tolist()})
    assert records["scores"]["status"] == "partial"
    assert records["scores"]["awarded"] == pytest.approx(5)
    weights, output = records["weights"], records["output"]
    assert weights["status"] == output["status"] == "ecf"
    assert weights["awarded"] == pytest.approx(6) and output["awarded"] == pytest.approx(4)
    # the slip is in row 2 of the scores: only row 2 of the weights and output follow from it
    assert "elements (row 2, column 1; row 2, column 2; row 2, column 3) follow from your " \
           "earlier answers; the other 3 are right" in weights["message"]
    assert "elements (row 2, column 1; row 2, column 2) follow from your earlier answers; " \
           "the other 2 are right" in output["message"]
    assert np.allclose(own_p[0], p[0], atol=1e-4) and not np.allclose(own_z[1], z[1])


# -- misconceptions ------------------------------------------------------------------------------

def test_misconceptions_are_named(nnsolve, tmp_path, problem_file):
    given = {"X": [[1, 0], [0, 1]], "W_q": [[1, 2], [0, 1]], "W_k": [[1, 0], [1, 1]],
             "W_v": [[2, 0], [0, 1]]}
    path = problem_file("nnsolve: 1\nid: slips\ntitle: t\nsolver: attention\ngiven: "
                        + json.dumps(given) + "\nask: [Q, scores, scaled, weights]\n")
    x, wq, wk = (np.array(given[n], dtype=float) for n in ("X", "W_q", "W_k"))
    q, k = x @ wq, x @ wk
    s = q @ k.T

    def softmax(m, axis=1):
        e = np.exp(m)
        return e / e.sum(axis=axis, keepdims=True)

    answers = {"Q": (x @ wq.T).tolist(),                      # X W_qᵀ
               "scores": (q.T @ k).tolist(),                  # Qᵀ K
               "scaled": (s / 2).round(4).tolist(),           # ÷ d_k
               "weights": softmax(s / np.sqrt(2), axis=0).round(4).tolist()}   # columns
    records = grade(nnsolve, tmp_path, path, "slips", answers)
    assert {n: records[n]["misconception"] for n in answers} == {
        "Q": "transposed-W", "scores": "QtK", "scaled": "divided-by-dk",
        "weights": "softmax-columns"}
    records = grade(nnsolve, tmp_path, path, "slips", {"scaled": s.tolist()})
    assert records["scaled"]["misconception"] == "no-scaling"
    # the softmax of unscaled scores, with no scaled scores answered: the slip is named there
    records = grade(nnsolve, tmp_path, path, "slips", {"weights": softmax(s).round(4).tolist()})
    assert records["weights"]["misconception"] == "no-scaling"
    # with unscaled scores answered, the weights follow from them: carried forward
    records = grade(nnsolve, tmp_path, path, "slips",
                    {"scaled": s.tolist(), "weights": softmax(s).round(4).tolist()})
    assert records["weights"]["status"] == "ecf"


# -- the two-head problem ------------------------------------------------------------------------

def test_two_heads_match_attention_written_plainly(nnsolve):
    got = values(nnsolve, TWO_HEADS)
    x = np.array([[1, 0, 1, 0], [0, 2, 0, 1], [1, 1, 0, 0]])
    wq = np.array([[1, 0, 0, 1], [0, 1, 1, 0], [1, 0, 0, 0], [0, 0, 1, 1]])
    wk = np.array([[0, 1, 1, 0], [1, 0, 0, 1], [0, 0, 1, 0], [1, 1, 0, 0]])
    wv = np.array([[1, 0, 0, 2], [0, 1, 1, 0], [2, 0, 0, 1], [0, 1, 0, 0]])
    wo = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [1, 1, 1, 1]])
    q, k, v = x @ wq, x @ wk, x @ wv
    assert got["Q"] == q.tolist() and got["K"] == k.tolist() and got["V"] == v.tolist()
    outputs = []
    for h, cols in ((1, slice(0, 2)), (2, slice(2, 4))):
        s, p, z = attention(q[:, cols], k[:, cols], v[:, cols])
        assert got[f"head{h}.scores"] == s.tolist() or np.allclose(
            got[f"head{h}.scores"], q[:, cols] @ k[:, cols].T)
        assert np.allclose(got[f"head{h}.weights"], p, atol=1e-12)
        assert np.allclose(got[f"head{h}.output"], z, atol=1e-12)
        outputs.append(z)
    assert np.allclose(got["concat"], np.hstack(outputs), atol=1e-12)
    assert np.allclose(got["output"], np.hstack(outputs) @ wo, atol=1e-12)


# -- masks, conventions, large cases -------------------------------------------------------------

def test_causal_and_given_masks(nnsolve):
    q = [[1, 2], [0, 1], [2, 0]]
    _, p, z = attention(q, q, q, mask=np.tril(np.ones((3, 3))))
    for mask, convention in (("causal", "keep"), ([[1, 0, 0], [1, 1, 0], [1, 1, 1]], "keep"),
                             ([[0, 1, 1], [0, 0, 1], [0, 0, 0]], "block"),
                             ([[0, "-inf", "-inf"], [0, 0, "-inf"], [0, 0, 0]], "keep")):
        mask = [[float(v) if v == "-inf" else v for v in row] for row in mask] \
            if isinstance(mask, list) else mask
        d = solve({"Q": q, "K": q, "V": q, "mask": mask}, mask=convention)
        assert np.allclose(np.array(d["weights"].value, dtype=float), p, atol=1e-12)
        assert np.allclose(np.array(d["output"].value, dtype=float), z, atol=1e-12)
        assert d["weights"].value[0][1] == 0 and d["weights"].value[0][0] == 1


def test_linear_layout_and_biases():
    x = [[1, 2, 0], [0, 1, 1]]
    w = [[1, 0, 2], [0, 1, 1]]                           # nn.Linear: 2 outputs × 3 inputs
    d = solve({"X": x, "W_q": w, "W_k": w, "W_v": w, "b_q": [1, 0], "b_k": [0, 1],
               "b_v": [1, 1]}, weights="linear")
    xn, wn = np.array(x), np.array(w)
    assert d["Q"].value == tuple(map(tuple, (xn @ wn.T + [1, 0]).tolist()))
    _, _, z = attention(xn @ wn.T + [1, 0], xn @ wn.T + [0, 1], xn @ wn.T + [1, 1])
    assert np.allclose(np.array(d["output"].value, dtype=float), z, atol=1e-12)


def test_unscaled_convention_has_no_scaled_scores():
    d = solve(THREE, scaling="none")
    _, p, _ = attention(THREE["Q"], THREE["K"], THREE["V"], scale=False)
    assert "scaled" not in d
    assert np.allclose(np.array(d["weights"].value, dtype=float), p, atol=1e-12)


def test_a_large_case_goes_through_numpy_and_is_elided_on_the_board(nnsolve, problem_file):
    rng = np.random.default_rng(1)
    q, k, v = (rng.normal(size=(40, 24)).round(3) for _ in range(3))
    path = problem_file("nnsolve: 1\nid: big\ntitle: t\nsolver: attention\ngiven: " + json.dumps(
        {"Q": q.tolist(), "K": k.tolist(), "V": v.tolist(), "mask": "causal", "heads": 3}))
    got = values(nnsolve, path)
    for h in range(3):
        cols = slice(8 * h, 8 * h + 8)
        _, p, z = attention(q[:, cols], k[:, cols], v[:, cols], mask=np.tril(np.ones((40, 40))))
        assert np.allclose(got[f"head{h + 1}.weights"], p, atol=1e-12)
    text = nnsolve("run", path).stdout
    assert "⋯" in text or "…" in text


def test_exact_integers_stay_exact():
    d = solve({"Q": [[2, 0]], "K": [[2, 0], [0, 0]], "V": [[1, 0], [0, 1]]}, scaling="none")
    import sympy
    e4 = sympy.exp(4)
    assert d["weights"].value[0][0] == e4 / (e4 + 1) or \
        abs(float(d["weights"].value[0][0]) - float(e4 / (e4 + 1))) < 1e-15


# -- E11 -----------------------------------------------------------------------------------------

def test_e11_shapes_and_counts_by_hand(nnsolve):
    got = values(nnsolve, E11)
    n, d, h = 10, 512, 8
    assert got["Q.shape"] == got["K.shape"] == got["V.shape"] == [n, d]
    assert got["head.dk"] == d // h == 64
    assert got["head.Q.shape"] == [n, 64]
    assert got["scores.shape"] == got["weights.shape"] == [n, n]
    assert got["head.output.shape"] == [n, 64]
    assert got["concat.shape"] == got["output.shape"] == [n, d]
    assert got["params.Wq"] == got["params.Wk"] == got["params.Wv"] == got["params.Wo"] == \
        512 * 512 + 512 == 262_656
    assert got["params"] == 4 * 512 * 512 + 4 * 512 == 1_050_624


def test_e11_without_biases_and_other_widths():
    d = solve({"n": 6, "d_in": 12, "d_q": 8, "d_v": 4, "heads": 2, "d_out": 10},
              biases="without")
    assert d["params.Wq"].value == 12 * 8 and d["params.Wv"].value == 12 * 4
    assert d["params.Wo"].value == 4 * 10
    assert d["params"].value == 2 * 96 + 48 + 40
    assert d["head.dk"].value == 4 and d["head.dv"].value == 2
    assert d["V.shape"].value == (6, 4) and d["output.shape"].value == (6, 10)


def test_e11_counts_agree_with_the_layers_solver():
    layers = solvers.get("layers")()
    for embed, heads in ((512, 8), (64, 4), (6, 3)):
        stack = layers.solve(layers.Given(input=[10, embed], layers=[
            {"multihead_attention": {"heads": heads}}]), layers.resolve_conventions({}))
        d = solve({"n": 10, "d_in": embed, "heads": heads})
        assert d["params"].value == stack["params"].value


def test_e11_in_general_is_the_formula_the_numbers_go_into(nnsolve):
    result = nnsolve("run", E11, "--format", "json")
    general = {q["name"]: q["value"] for q in result.json()["parts"][1]["quantities"]}
    assert general["Q.shape"] == ["n", "d_q"] and general["head.dk"] == "d_q/h"
    assert general["head.output.shape"] == ["n", "d_v/h"]
    assert general["params"] == "2*d_in*d_q + 2*d_in*d_v + d_in + 2*d_q + d_v"


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 64), st.integers(1, 64), st.integers(1, 8), st.integers(1, 8),
       st.integers(1, 4), st.sampled_from(["with", "without"]))
def test_general_counts_are_the_numeric_ones(n, d_in, dq_per_head, dv_per_head, h, biases):
    import sympy

    sizes = {"n": n, "d_in": d_in, "d_q": dq_per_head * h, "d_v": dv_per_head * h, "heads": h}
    numeric = solve(sizes, biases=biases)
    general = solve({"n": "n", "d_in": "d_in", "d_q": "d_q", "d_v": "d_v", "heads": "h"},
                    biases=biases)
    at = {sympy.Symbol(k if k != "heads" else "h"): v for k, v in sizes.items()}
    for name in ("params.Wq", "params.Wv", "params.Wo", "params"):
        assert general[name].value.xreplace(at) == numeric[name].value
    if h > 1:                                   # one head is the whole: no per-head widths
        for name in ("head.dk", "head.dv"):
            assert general[name].value.xreplace(at) == numeric[name].value
        assert tuple(sympy.sympify(v).xreplace(at) for v in general["head.V.shape"].value) \
            == numeric["head.V.shape"].value


def test_e11_misconceptions_named(nnsolve, tmp_path):
    records = grade(nnsolve, tmp_path, E11, "e11-attention-shapes",
                    {"a": {"params": 8 * 1_050_624, "params.Wq": 512 * 512}}, part="a")
    assert records["params"]["misconception"] == "heads-multiplied"
    assert records["params.Wq"]["misconception"] == "bias-forgotten"


# -- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("given, field, words", [
    ({"Q": [[1, 0]], "K": [[1, 0], [1]], "V": [[1], [2]]}, "given.K[1]", "row 2 has 1"),
    ({"Q": [[1, 0]], "K": [[1, 0, 0]], "V": [[1]]}, "given.K", "same width"),
    ({"Q": [[1, 0]], "K": [[1, 0]], "V": [[1], [2]]}, "given.V", "one value per key"),
    ({"Q": [[1, 0]], "K": [[1, 0]]}, "given.V", "V missing"),
    ({"Q": [[1, 0], [0, 1]], "K": [[1, 0], [0, 1]], "V": [[1, 2], [3, 4]],
      "mask": [[0, 0], [1, 1]]}, "given.mask[0]", "hides every key"),
    ({"Q": [[1, 0]], "K": [[1, 0]], "V": [[1, 2]], "mask": [[2]]}, "given.mask[0][0]",
     "0 or 1"),
    ({"Q": [[1, 0, 1]], "K": [[1, 0, 1]], "V": [[1, 2, 3]], "heads": 2}, "given.heads",
     "do not divide"),
    ({"X": [[1, 0]], "W_q": [[1, 0, 0]], "W_k": [[1], [0]], "W_v": [[1], [0]]}, "given.W_q",
     "a projection is d_in×d_out"),
    ({"Q": [[".nan"]], "K": [[1]], "V": [[1]]}, "given.Q[0][0]", "not a finite number"),
    ({"n": 4, "d_in": 6, "heads": 4}, "given.heads", "do not divide"),
    ({"n": 4, "d_in": 6, "Q": [[1]]}, "given.Q", "shapes only"),
    ({"n": "e", "d_in": 6}, "given.n", "should match pattern"),
    ({"Q": [[1]], "K": [[1]], "V": [[1]], "heads": "h"}, "given.heads", "only with the sizes"),
    ({"Q": [[0] * 600] * 600, "K": [[0]], "V": [[0]]}, "given.Q", "the limit is"),
    ({"Q": [[0]] * 317, "K": [[0]] * 317, "V": [[0]] * 317}, "given.Q",
     "100,489 attention weights; the limit is 100,000"),
    ({"Q": [[0] * 65], "K": [[0] * 65], "V": [[0] * 65], "heads": 65}, "given.heads",
     "less than or equal to 64"),
    ({"Q": [[10 ** 7]], "K": [[1]], "V": [[1]]}, "given.Q[0][0]", "beyond ±1,000,000"),
    ({"Q": [[1]], "K": [[1]], "V": [[1]], "W_q": [[1]]}, "given.W_q", "belongs with X"),
    ({"Q": [[1, 0], [0, 1]], "K": [[1, 0]], "V": [[1]], "mask": "causal"}, "given.mask",
     "as many queries as keys"),
])
def test_bad_givens_name_their_field(nnsolve, problem_file, given, field, words):
    text = json.dumps(given).replace('".nan"', ".nan")
    path = problem_file(f"nnsolve: 1\nid: bad\ntitle: t\nsolver: attention\ngiven: {text}\n")
    result = nnsolve("check", path)
    assert result.exit_code == 1
    assert field in result.stderr and words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_a_students_slip_in_one_head_is_carried_through_the_concatenation(nnsolve):
    """tests/data/attention-two-heads-slip.yaml: S_1[3,2] written 3 instead of 4, and every
    later answer worked from it, rounded to 3 decimals."""
    result = nnsolve("grade", ROOT / "tests" / "data" / "attention-two-heads-slip.yaml",
                     "--key", TWO_HEADS, "--format", "json")
    records = {r["name"]: r for r in result.json()["results"][0]["records"]}
    assert records["head1.scores"]["status"] == "incorrect"
    assert "row 3, column 2: expected 4, got 3" in records["head1.scores"]["message"]
    for name in ("head1.weights", "head1.output", "concat", "output"):
        assert records[name]["status"] == "ecf", records[name]["message"]
        assert "row 3, column 1" in records[name]["message"]
    for name in ("Q", "K", "V", "head2.scores", "head2.weights", "head2.output"):
        assert records[name]["status"] == "correct"
    assert result.json()["results"][0]["score"] == 11
