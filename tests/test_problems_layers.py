"""The shipped layer problems (E2, E5, E8, E9, E13) through the command line, and malformed
specs reported as `file:line: field: message`."""

from __future__ import annotations

from pathlib import Path

import pytest

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"


def quantities(result, part: str | None = None) -> dict:
    parts = result.json()["parts"]
    chosen = parts[0] if part is None else next(p for p in parts if p["id"] == part)
    return {q["name"]: q for q in chosen["quantities"]}


def run(nnsolve, name: str):
    result = nnsolve("run", PROBLEMS / name, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return result


def test_alexnet_first_layer_holds_every_figure(nnsolve):
    """Part a answers questions (a)–(c) of E2, part d question (d)."""
    result = run(nnsolve, "alexnet-conv1.yaml")
    a, d = (quantities(result, part) for part in "ad")
    assert a["output_shape"]["value"] == [55, 55, 96]
    assert a["units"]["value"] == 290_400
    assert a["params"]["value"] == 34_944
    assert d["params"]["value"] == 39_574_528
    asked = {p["id"]: [q["name"] for q in p["quantities"] if q["asked"]]
             for p in result.json()["parts"]}
    assert asked == {"a": ["output_shape", "units", "params"], "d": ["params"]}
    assert a["conv1.out_h"]["formula"] == "floor((H_0 - F_1 + 2*P_1)/S_1) + 1"
    assert a["conv1.out_h"]["substituted"] == "floor((227 - 11 + 2*0)/4) + 1"
    assert a["conv1.output_shape"]["substituted"] == "55×55×96"
    assert a["conv1.units"]["substituted"] == "55*55*96"
    assert a["conv1.params"]["formula"] == "(F_1^2*C_0 + 1)*K_1"
    assert a["conv1.params"]["substituted"] == "(11^2*3 + 1)*96"
    assert d["fc.params"]["substituted"] == "(154587 + 1)*256"


def test_alexnet_text_output_shows_the_figures(nnsolve):
    result = nnsolve("run", PROBLEMS / "alexnet-conv1.yaml")
    assert result.exit_code == 0, result.stderr
    for figure in ("55×55×96", "290,400", "34,944", "39,574,528", "floor((227 - 11 + 2*0)/4)"):
        assert figure in result.stdout


def test_forgotten_biases_are_named_when_grading(nnsolve, problem_file):
    submission = problem_file(
        "nnsolve: 1\nstudent: {id: s1}\nproblem: alexnet-conv1\nanswers:\n"
        "  a: {output_shape: [54, 54, 96], units: 290400, params: 34848}\n"
        "  d: {params: 39574272}\n", "submission.yaml")
    result = nnsolve("grade", submission, "--key", PROBLEMS / "alexnet-conv1.yaml",
                     "--format", "json")
    records = {(r["part"], r["name"]): r for r in result.json()["results"][0]["records"]}
    assert records[("a", "units")]["status"] == "correct"
    assert records[("a", "output_shape")]["misconception"] == "plus-one-forgotten"
    assert records[("a", "params")]["misconception"] == "bias-forgotten"
    assert records[("d", "params")]["misconception"] == "bias-forgotten"


MNIST_SHAPES = """nnsolve: 1
id: mnist-shapes
solver: layers
given:
  input: [28, 28, 1]
  layers:
    - conv: {name: conv1, filters: 32, kernel: 3}
    - maxpool: {name: pool1, size: 2}
    - conv: {name: conv2, filters: 64, kernel: 3}
    - maxpool: {name: pool2, size: 2}
    - flatten: {name: flatten}
    - dense: {name: dense, units: 10}
ask: [conv1.output_shape, pool1.output_shape, conv2.output_shape, pool2.output_shape,
      flatten.units, dense.params, output_shape, units]
"""


def test_a_wrong_first_shape_carries_forward_through_the_stack(nnsolve, problem_file):
    """conv1 taken as 'same' (28×28×32, right: 26×26×32); everything after it done right from
    there: 14×14×32, 12×12×64, 6×6×64, 2304 values, (2304 + 1)·10 = 23050 parameters."""
    key = problem_file(MNIST_SHAPES)
    submission = problem_file(
        "nnsolve: 1\nstudent: {id: s1}\nproblem: mnist-shapes\nanswers:\n"
        "  conv1.output_shape: [28, 28, 32]\n  pool1.output_shape: [14, 14, 32]\n"
        "  conv2.output_shape: [12, 12, 64]\n  pool2.output_shape: [6, 6, 64]\n"
        "  flatten.units: 2304\n  dense.params: 23050\n"
        "  output_shape: [10]\n  units: 10\n", "submission.yaml")
    result = nnsolve("grade", submission, "--key", key, "--format", "json")
    records = {r["name"]: r for r in result.json()["results"][0]["records"]}
    assert records["conv1.output_shape"]["status"] == "incorrect"
    assert records["conv1.output_shape"]["expected"] == [26, 26, 32]
    for name in ("pool1.output_shape", "conv2.output_shape", "pool2.output_shape",
                 "flatten.units", "dense.params"):
        assert records[name]["status"] == "ecf", (name, records[name]["message"])
    assert records["flatten.units"]["expected"] == 5 * 5 * 64 == 1600
    assert records["dense.params"]["expected"] == (1600 + 1) * 10
    assert "your conv1.output_shape = [28, 28, 32]" in records["pool1.output_shape"]["message"]
    assert records["output_shape"]["status"] == records["units"]["status"] == "correct"


def test_units_from_a_wrong_shape_are_carried_forward_but_the_shape_is_not_repeated(
        nnsolve, problem_file):
    """E2 with the +1 forgotten: 54×54×96, and then 54·54·96 = 279936 units."""
    submission = problem_file(
        "nnsolve: 1\nstudent: {id: s1}\nproblem: alexnet-conv1\nanswers:\n"
        "  a: {output_shape: [54, 54, 96], units: 279936, params: 34944}\n", "submission.yaml")
    result = nnsolve("grade", submission, "--key", PROBLEMS / "alexnet-conv1.yaml",
                     "--format", "json")
    records = {r["name"]: r for r in result.json()["results"][0]["records"] if r["part"] == "a"}
    assert records["output_shape"]["status"] == "incorrect"
    assert records["output_shape"]["misconception"] == "plus-one-forgotten"
    assert records["units"]["status"] == "ecf" and records["units"]["awarded"] == 1
    assert "your output_shape = [54, 54, 96]" in records["units"]["message"]


def test_keras_mnist_cnn(nnsolve):
    q = quantities(run(nnsolve, "mnist-keras-cnn.yaml"))
    layers = ["conv1", "pool1", "conv2", "pool2", "flatten", "dropout", "dense"]
    assert [q[f"{n}.params"]["value"] for n in layers] == [320, 0, 18_496, 0, 0, 0, 16_010]
    assert q["params"]["value"] == 34_826
    assert q["flatten.units"]["value"] == 1600


def test_conv_versus_dense(nnsolve):
    result = run(nnsolve, "conv-vs-dense.yaml")
    assert quantities(result, "a")["params"]["value"] == 49_168
    assert quantities(result, "b")["params"]["value"] == 1_216


def test_autoencoder_dimensions(nnsolve):
    q = quantities(run(nnsolve, "autoencoder-dims.yaml"))
    assert (q["input_units"]["value"], q["units"]["value"], q["code.units"]["value"]) == \
        (256, 256, 50)
    assert q["params"]["value"] == 532_806


def test_convolution_variants(nnsolve):
    result = run(nnsolve, "conv-variants.yaml")
    standard, separable = quantities(result, "a"), quantities(result, "b")
    assert (standard["params"]["value"], standard["macs"]["value"]) == (73_856, 231_211_008)
    assert (separable["depthwise.params"]["value"], separable["pointwise.params"]["value"]) == \
        (640, 8_320)
    assert (separable["params"]["value"], separable["macs"]["value"]) == (8_960, 27_496_448)
    up = quantities(result, "c")
    assert (up["output_shape"]["value"], up["params"]["value"]) == ([14, 14, 64], 131_136)
    dilated = quantities(result, "d")
    assert dilated["output_shape"]["value"] == [28, 28, 32]
    assert dilated["dilated.receptive_field"]["value"] == 5
    assert quantities(result, "e")["conv3.receptive_field"]["value"] == 15


def test_template_runs_as_is(nnsolve, problem_file):
    template = nnsolve("new", "layers")
    assert template.exit_code == 0
    result = nnsolve("run", problem_file(template.stdout), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert quantities(result)["conv1.params"]["value"] == (3 * 3 * 1 + 1) * 8


MALFORMED = {
    "kernel larger than the input": (
        "    - conv: {filters: 96, kernel: 11, stride: 4}\n",
        "given.layers[0].conv.kernel: kernel 11×11 does not fit a 5×5 input with padding 0"),
    "wrong type": (
        "    - conv: {filters: 96, kernel: [3, 3, 3]}\n",
        "given.layers[0].conv.kernel: must be one size or two [height, width], not 3 values"),
    "not a number": (
        "    - dense: {units: 2.5}\n",
        "given.layers[0].dense.units: must be a whole number ≥ 1 or a symbol name"),
    "unknown kind": (
        "    - convolution: {filters: 3, kernel: 3}\n",
        "given.layers[0]: unknown layer kind 'convolution'"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_spec_names_file_line_and_field(nnsolve, problem_file, case):
    layer, message = MALFORMED[case]
    path = problem_file("nnsolve: 1\nid: bad\nsolver: layers\ngiven:\n  input: [5, 5, 3]\n"
                        "  layers:\n" + layer)
    result = nnsolve("check", path)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}:7: {message}")


# -- words that are no symbols, and messages that say what is wrong ----------------------------
SPEC_ERRORS = {
    "misspelled padding keyword": (
        "[28, 28, 1]", "    - conv: {filters: 4, kernel: 3, padding: full}\n",
        "given.layers[0].conv.padding: 'full' is not a padding"),
    "upper-case padding keyword": (
        "[28, 28, 1]", "    - conv: {filters: 4, kernel: 3, padding: SAME}\n",
        "given.layers[0].conv.padding: 'SAME' is not a padding (did you mean same?)"),
    "number word as a size": (
        "[28, 28, 1]", "    - conv: {filters: two, kernel: 3}\n",
        "given.layers[0].conv.filters: must be a whole number ≥ 1 or a symbol, not 'two' "
        "(did you mean 2?)"),
    "word in a pair": (
        "[28, 28, 1]", "    - maxpool: {size: [2, big]}\n",
        "given.layers[0].maxpool.size: must be a whole number ≥ 1 or a symbol, not 'big'"),
    "word as a transposed padding": (
        "[28, 28, 1]", "    - conv_transpose: {filters: 4, kernel: 2, padding: Same}\n",
        "given.layers[0].conv_transpose.padding: a transposed convolution takes a number"),
    "word in the input": (
        "[28, width, 1]", "    - flatten\n",
        "given.input: must be a whole number ≥ 1 or a symbol, not 'width'"),
    "two-element input under a conv": (
        "[28, 28]", "    - conv: {filters: 4, kernel: 3}\n",
        "given.layers[0].conv: conv takes an image (H×W×C), but its input is 28×28 (T×F, a "
        "sequence; an image with one channel has 3 sizes, H×W×1)"),
    "five-element input": (
        "[1, 2, 28, 28, 3]", "    - flatten\n",
        "given.input: has 5 elements; it takes 3, [height, width, channels]"),
    "four-element input": (
        "[1, 28, 28, 3]", "    - flatten\n",
        "given.input: has 4 elements; it takes 3"),
    "name with a space": (
        "[28, 28, 1]", "    - conv: {name: 'my conv', filters: 4, kernel: 3}\n",
        "given.layers[0].conv.name: a layer name is letters, digits, _ and -, starting with a "
        "letter or _ (like conv1 or block_2a), not 'my conv' (did you mean my_conv?)"),
    "first layer named after the second one's default": (
        "[28, 28, 1]", "    - conv: {name: layer2, filters: 4, kernel: 3}\n    - relu\n",
        "given.layers[0].conv.name: 'layer2' is the default name of layer 2"),
    "misspelled depthwise": (
        "[28, 28, 1]", "    - conv: {kernel: 3, groups: Depthwise}\n",
        "given.layers[0].conv.groups: must be a whole number ≥ 1 or depthwise, not 'Depthwise' "
        "(did you mean depthwise?)"),
}


@pytest.mark.parametrize("case", sorted(SPEC_ERRORS))
def test_spec_errors_are_one_line_naming_the_field(nnsolve, problem_file, case):
    shape, layers, message = SPEC_ERRORS[case]
    path = problem_file("nnsolve: 1\nid: bad\nsolver: layers\ngiven:\n"
                        f"  input: {shape}\n  layers:\n" + layers)
    result = nnsolve("check", path)
    assert result.exit_code == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    line = 5 if "input" in message.split(":")[0] else 7
    assert lines[0].startswith(f"error: {path}:{line}: {message}"), lines[0]


def test_symbols_are_letters_greek_names_and_subscripts(nnsolve, problem_file):
    path = problem_file("nnsolve: 1\nid: sym\nsolver: layers\ngiven:\n  input: [H_0, W_in, C]\n"
                        "  layers:\n    - conv: {filters: K, kernel: F_1, stride: s2, "
                        "padding: alpha}\n    - flatten\n    - dense: {units: d_k}\n")
    result = nnsolve("run", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    q = quantities(result)
    assert q["layer1.out_h"]["substituted"] == "floor((H_0 - F_1 + 2*alpha)/s2) + 1"
