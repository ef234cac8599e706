"""The `conv` solver on the course's exercises: E7's feature map with ReLU and max pooling,
E9's strided convolution, two channels and two filters, a transposed convolution; grading
element by element with errors carried forward and the flipped kernel named; bad givens
refused by place. Expected figures are the exercises' own or computed here with plain loops."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("nnsolve.solvers.conv")

from nnsolve.derivation import board  # noqa: E402
from nnsolve.solvers.conv import ConvSolver  # noqa: E402
from tests.shared_paths import ROOT  # noqa: E402

PROBLEMS = ROOT / "problems"


def quantities(result, part=0):
    return {q["name"]: q for q in result.json()["parts"][part]["quantities"]}


def solve(**given):
    conventions = given.pop("conventions", {})
    solver = ConvSolver()
    return solver.solve(solver.Given(**given), solver.resolve_conventions(conventions))


def correlate_by_loops(x, kernel, bias=None, stride=1, padding=0):
    """C×H×W through F×C×k×k, the textbook loops: every output a window times the kernel."""
    x = np.pad(np.array(x, dtype=float), ((0, 0), (padding, padding), (padding, padding)))
    kernel = np.array(kernel, dtype=float)
    f, _, k, _ = kernel.shape
    rows = (x.shape[1] - k) // stride + 1
    cols = (x.shape[2] - k) // stride + 1
    out = np.zeros((f, rows, cols))
    for o in range(f):
        for r in range(rows):
            for c in range(cols):
                window = x[:, r * stride:r * stride + k, c * stride:c * stride + k]
                out[o, r, c] = np.sum(window * kernel[o]) + (bias[o] if bias else 0)
    return out


def test_e7_feature_map_relu_max_pooling_and_softmax(nnsolve):
    result = nnsolve("run", PROBLEMS / "e7-feature-map.yaml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    q = quantities(result)
    assert q["y"]["value"] == [[4, 3, 4], [2, 4, 3], [2, 3, 4]]
    assert q["a"]["value"] == [[4, 3, 4], [2, 4, 3], [2, 3, 4]]
    assert q["p"]["value"] == [[4, 4], [4, 4]]
    z = np.array([2, 1, 0.1])
    assert q["softmax"]["value"] == pytest.approx(list(np.exp(z) / np.exp(z).sum()), rel=1e-12)
    # the first element as students write it: every product of the window, in order
    assert q["y[1,1]"]["substituted"] == "1*1 + 0*1 + 1*1 + 0*0 + 1*1 + 0*1 + 1*0 + 0*0 + 1*1"
    assert q["p[2,2]"]["substituted"] == "max(4, 3, 3, 4)"


def test_indices_are_written_with_the_offset_last_in_every_printer(nnsolve):
    """x[i + m - 1, j + n - 1], as a course writes it: not sympy's x[-1 + i + m, …]."""
    q = quantities(nnsolve("run", PROBLEMS / "e7-feature-map.yaml", "--format", "json"))
    assert q["y"]["formula"] == "Σ_{m=1..3} Σ_{n=1..3} k[m, n]*x[i + m - 1, j + n - 1]"
    assert "{x}_{i + m - 1,j + n - 1}" in q["y"]["latex"]
    assert q["p"]["formula"] == "max(a[i, j], a[i + 1, j], a[i, j + 1], a[i + 1, j + 1])"
    html = nnsolve("run", PROBLEMS / "e7-feature-map.yaml", "--format", "html").stdout
    assert ("<mi>i</mi><mo>+</mo><mi>m</mi><mo>&#8722;</mo><mn>1</mn>") in html
    transposed = quantities(nnsolve("run", PROBLEMS / "conv-transposed.yaml", "--format", "json"))
    assert "k[i - 2*a + 3, j - 2*b + 3]" in transposed["y"]["formula"]


def test_a_pooled_element_lists_its_window_in_printed_order_whatever_the_hash_seed():
    """sympy keeps max's arguments as a set; the JSON must not change from run to run."""
    import json
    import os
    import subprocess
    import sys

    outputs = {subprocess.run(
        [sys.executable, "-m", "nnsolve", "run", str(PROBLEMS / "e7-feature-map.yaml"),
         "--format", "json"], capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(outputs) == 1
    p22 = {q["name"]: q for q in json.loads(outputs.pop())["parts"][0]["quantities"]}["p[2,2]"]
    assert p22["inputs"][:4] == ["a[2,2]", "a[2,3]", "a[3,2]", "a[3,3]"]


def test_e9_strided_convolution_and_the_output_size_formula(nnsolve):
    result = nnsolve("run", PROBLEMS / "e9-strided-conv.yaml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    q = quantities(result)
    assert q["y"]["value"] == [[3, 4], [6, 11]]
    assert q["out_h"]["value"] == q["out_w"]["value"] == 2
    assert q["out_h"]["formula"] == "floor((H - K)/S) + 1"
    assert q["out_h"]["substituted"] == "floor((4 - 2)/2) + 1"
    assert q["y[2,2]"]["substituted"] == "1*7 + 0*1 + 0*3 + 1*4"


def test_two_channels_two_filters_with_padding_stride_and_bias(nnsolve):
    result = nnsolve("run", PROBLEMS / "conv-multichannel.yaml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    q = quantities(result)
    x = [[[1, 0, 2], [0, 1, 1], [2, 1, 0]], [[0, 1, 1], [1, 0, 2], [1, 1, 0]]]
    kernel = [[[[1, 0], [0, 2]], [[0, 1], [1, 0]]], [[[1, 1], [0, 0]], [[0, 0], [1, 2]]]]
    y = correlate_by_loops(x, kernel, [1, -2], stride=2, padding=1)
    assert np.array_equal(np.array(q["y"]["value"]), y)
    a = np.maximum(y, 0)
    assert np.array_equal(np.array(q["a"]["value"]), a)
    pooled = a.reshape(2, 4).mean(axis=1).reshape(2, 1, 1)   # one 2×2 window per map
    assert np.allclose(np.array(q["p"]["value"], dtype=float), pooled)
    assert q["p[1,1,1]"]["value"] == 5 and q["p[2,1,1]"]["exact"] == "1/2"
    # zero padding adds no terms: the corner element sees one input element per channel
    assert q["y[1,1,1]"]["formula"].count("x[") == 2


def test_transposed_convolution_scatters_kernel_copies(nnsolve):
    result = nnsolve("run", PROBLEMS / "conv-transposed.yaml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    q = quantities(result)
    # by hand: x[1,1] = 1 puts k at rows/cols 0..2 of the uncropped 6×6 grid, x[1,2] = 2 at
    # cols 2..4, x[2,1] = 3 at rows 2..4, x[2,2] = −1 at rows and cols 2..4; crop 1 per side
    x, k = np.array([[1, 2], [3, -1]]), np.array([[1, 0, 2], [0, 1, 0], [-1, 0, 1]])
    full = np.zeros((6, 6))
    for a in range(2):
        for b in range(2):
            full[2 * a:2 * a + 3, 2 * b:2 * b + 3] += x[a, b] * k
    assert q["out_h"]["value"] == 4
    assert np.array_equal(np.array(q["y"]["value"]), full[1:5, 1:5])
    assert q["y"]["value"] == [[1, 0, 2, 0], [0, 4, 0, 0], [3, 0, -1, 0], [0, 4, 0, -1]]
    assert q["y[2,2]"]["substituted"].count("*") == 4      # four copies overlap there


def test_a_large_map_is_one_tensor_computed_with_numpy():
    d = solve(input={"random": {"shape": [3, 12, 12], "seed": 3}},
              kernel={"random": {"shape": [4, 3, 3, 3], "seed": 4}},
              bias={"random": {"shape": [4], "seed": 5}},
              padding=1, activation="relu", pool={"size": 2})
    assert "y[1,1,1]" not in d and d["y"].kind == "tensor"
    x = np.random.default_rng(3).uniform(-1, 1, (3, 12, 12))
    kernel = np.random.default_rng(4).uniform(-1, 1, (4, 3, 3, 3))
    bias = np.random.default_rng(5).uniform(-1, 1, 4).tolist()
    y = correlate_by_loops(x, kernel, bias, padding=1)
    assert np.allclose(np.array(d["y"].value, dtype=float), y, atol=1e-12)
    a = np.maximum(y, 0)
    pooled = a.reshape(4, 6, 2, 6, 2).max(axis=(2, 4))
    assert np.allclose(np.array(d["p"].value, dtype=float), pooled, atol=1e-12)


def test_convolution_flips_the_kernel_when_the_course_says_so():
    x = [[1, 2, 0], [0, 1, 3], [2, 0, 1]]
    d = solve(input=x, kernel=[[1, 2], [0, -1]], conventions={"convolution": "flipped"})
    flipped = correlate_by_loops([x], [[[[-1, 0], [2, 1]]]])[0]
    assert np.array_equal(np.array(d["y"].value, dtype=float), flipped)
    assert "k[2,2]*x[1,1]" in board.formula(d, "y[1,1]")


def test_same_padding_dilation_and_asymmetric_stride():
    x = np.arange(30).reshape(5, 6)
    d = solve(input=x.tolist(), kernel=[[1, 0, -1], [2, 1, 0], [0, 1, 1]], padding="same",
              stride=[1, 2])
    assert (d["out_h"].value, d["out_w"].value) == (5, 3)
    d = solve(input=x.tolist(), kernel=[[1, -1], [2, 1]], dilation=2, padding=[1, 0])
    assert (d["out_h"].value, d["out_w"].value) == (5, 4)


# -- grading ------------------------------------------------------------------------------
SLIP = ROOT / "tests" / "data" / "e7-feature-map-slip.yaml"


def records(nnsolve, tmp_path, submission, key):
    path = submission
    if isinstance(submission, str):
        path = tmp_path / "submission.yaml"
        path.write_text(submission, encoding="utf-8")
    result = nnsolve("grade", path, "--key", key, "--format", "json")
    return {r["name"]: r for r in json_of(result)["results"][0]["records"]}


def json_of(result):
    import json
    return json.loads(result.stdout[:result.stdout.rindex("}") + 1])


def test_one_wrong_element_costs_one_element_and_the_pooled_one_carries_forward(nnsolve,
                                                                               tmp_path):
    r = records(nnsolve, tmp_path, SLIP, PROBLEMS / "e7-feature-map.yaml")
    assert r["y"]["status"] == "partial"
    assert r["y"]["awarded"] == pytest.approx(3 * 8 / 9)
    assert "row 3, column 3" in r["y"]["message"]
    assert r["a"]["status"] == "ecf" and r["a"]["awarded"] == 1
    assert r["p"]["status"] == "ecf" and r["p"]["awarded"] == 2
    assert r["softmax"]["status"] == "correct"


FLIP_PROBLEM = """\
nnsolve: 1
id: flip
title: flip
solver: conv
given:
  input: [[1, 2, 0], [0, 1, 3], [2, 0, 1]]
  kernel: [[1, 2], [0, -1]]
  pool: {type: max, size: 2, stride: 1}
ask:
  y: {points: 2, partial: true}
  p: 1
"""


def test_the_flipped_kernel_is_named(nnsolve, problem_file, tmp_path):
    key = problem_file(FLIP_PROBLEM)
    flipped = correlate_by_loops([[[1, 2, 0], [0, 1, 3], [2, 0, 1]]], [[[[-1, 0], [2, 1]]]])[0]
    pooled = int(flipped.max())
    r = records(nnsolve, tmp_path, f"""\
nnsolve: 1
student: {{id: s2}}
problem: flip
answers:
  y: {flipped.astype(int).tolist()}
  p: [[{pooled}]]
""", key)
    assert r["y"]["status"] == "incorrect" and r["y"]["misconception"] == "kernel-flipped"
    assert r["p"]["status"] == "ecf"


def test_pooling_windows_moved_by_one_are_named(nnsolve, problem_file, tmp_path):
    key = problem_file(FLIP_PROBLEM.replace("stride: 1}", "stride: 2}").replace(
        "[[1, 2, 0], [0, 1, 3], [2, 0, 1]]", "[[1, 2, 0, 1, 1], [0, 1, 3, 0, 2], "
        "[2, 0, 1, 1, 0], [1, 1, 0, 2, 3], [0, 2, 1, 0, 1]]"))
    d = solve(input=[[1, 2, 0, 1, 1], [0, 1, 3, 0, 2], [2, 0, 1, 1, 0], [1, 1, 0, 2, 3],
                     [0, 2, 1, 0, 1]], kernel=[[1, 2], [0, -1]])
    y = np.array(d["y"].value, dtype=float).astype(int)
    overlapping = [[int(y[r:r + 2, c:c + 2].max()) for c in range(2)] for r in range(2)]
    assert overlapping != [[int(y[2 * r:2 * r + 2, 2 * c:2 * c + 2].max()) for c in range(2)]
                           for r in range(2)]
    r = records(nnsolve, tmp_path, f"""\
nnsolve: 1
student: {{id: s3}}
problem: flip
answers:
  y: {y.tolist()}
  p: {overlapping}
""", key)
    assert r["y"]["status"] == "correct"
    assert r["p"]["misconception"] == "pool-windows-overlapping"


# -- bad givens -----------------------------------------------------------------------------
BAD = """\
nnsolve: 1
id: bad
title: bad
solver: conv
given:
  input: {input}
  kernel: {kernel}
{extra}"""


@pytest.mark.parametrize("input, kernel, extra, message", [
    ("[[1, 2], [3]]", "[[1]]", "", "given.input[1]: 1 entries where the first has 2"),
    ("[[1, 2], [3, .nan]]", "[[1]]", "", "given.input[1][1]: not a finite number"),
    ("[[1, 2], [3, x]]", "[[1]]", "", "given.input[1][1]: not a number"),
    ("[[1, 2], [3, 4]]", "[[1, 1, 1], [1, 1, 1], [1, 1, 1]]", "",
     "given.kernel: a 3×3 kernel (spanning 3 along the height) does not fit the 2×2 input"),
    ("[[[1, 2], [3, 4]], [[1, 2], [3, 4]]]", "[[1]]", "", "given.kernel: a 1×1 kernel takes "
                                                          "one channel"),
    ("{random: {shape: [3, 5000, 5000]}}", "[[1]]", "", "given.input.random.shape: "
                                                        "75,000,000 elements; the limit is"),
    ("{random: {shape: [3, 224, 224]}}", "{ones: [64, 3, 101, 101]}", "",
     "multiply-adds; the limit is"),
    ("[[1, 2], [3, 4]]", "[[1]]", "  bias: [1, 2]\n", "given.bias: 2 bias value(s) for 1 "),
    ("[[1, 2], [3, 4]]", "[[1]]", "  stride: [1, 0]\n", "given.stride[1]: must be at least 1"),
    ("[[1, 2], [3, 4]]", "[[1]]", "  pool: {size: 3}\n", "given.pool.size: a 3×3 pooling "
                                                          "window does not fit"),
    ("[[1e308, 1e308], [1, 1]]", "[[10, 10]]", "", "given.input: the feature map overflows "
                                                   "floating point"),
    ("[[1e308, 1e308], [1, 1]]", "[[10, 10]]", "  detail: tensor\n",
     "given.input: the feature map overflows floating point"),
])
def test_bad_givens_are_named_by_file_line_and_field(nnsolve, problem_file, input, kernel,
                                                      extra, message):
    path = problem_file(BAD.format(input=input, kernel=kernel, extra=extra))
    result = nnsolve("check", path)
    assert result.exit_code == 1
    assert message in result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout


def test_the_template_solves_and_the_solver_is_listed(nnsolve):
    assert "conv" in nnsolve("solvers").stdout
    schema = nnsolve("schema", "conv")
    assert schema.exit_code == 0 and "cross_correlation" in schema.stdout
    d = solve(**ConvSolver.template["given"])
    assert d["y"].value is not None and math.prod(np.array(d["p"].value, dtype=float).shape) == 4


def test_stride_ignored_and_padding_on_one_side_are_what_such_a_student_computes():
    x = np.arange(1, 26).reshape(5, 5) % 7
    kernel = [[1, 0, 2], [0, 1, 0], [1, 1, 0]]
    d = solve(input=x.tolist(), kernel=kernel, stride=2, padding=1)
    wrong = {m.id: m for m in d["y"].misconceptions}
    # stride ignored: window (i, j) starts at row i − 1 of the padded input, not 2(i − 1)
    stride_one = correlate_by_loops([x], [[kernel]], padding=1)[0][:3, :3]
    assert np.array_equal(np.array(wrong["stride-ignored"].apply(d.inputs_of("y")),
                                   dtype=float), stride_one)
    # all the padding above and to the left: two zero rows and columns before the input
    shifted = np.pad(x, ((2, 0), (2, 0)))
    one_side = [[np.sum(np.pad(shifted, ((0, 3), (0, 3)))[2 * r:2 * r + 3, 2 * c:2 * c + 3]
                        * kernel) for c in range(3)] for r in range(3)]
    assert np.array_equal(np.array(wrong["padding-one-side"].apply(d.inputs_of("y")),
                                   dtype=float), one_side)


def test_the_html_page_writes_both_sums_of_the_general_formula(nnsolve):
    result = nnsolve("run", PROBLEMS / "e7-feature-map.yaml", "--format", "html")
    assert result.exit_code == 0
    page = result.stdout
    general = page[page.index("<msub><mi>y</mi>"):]
    general = general[:general.index("</math>")]
    assert general.count("<munderover>") == 2        # Σ over m, then Σ over n
