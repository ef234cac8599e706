"""Blocks, sequence layers, resizing layers and the summary of the layers solver, on
hand-verified figures; errors where branches meet name both branches."""

from __future__ import annotations

import pydantic
import pytest

from nnsolve.solvers.base import SolverError
from nnsolve.solvers.layers import LayersSolver


def solve(given_spec: dict, **conventions):
    return LayersSolver().solve(LayersSolver.Given.model_validate(given_spec),
                                LayersSolver.resolve_conventions(conventions))


def value(d, name):
    v = d[name].value
    return tuple(int(x) for x in v) if isinstance(v, tuple) else v


def misconception(d, name, misconception_id):
    found = [m for m in d[name].misconceptions if m.id == misconception_id]
    assert found, f"{name} has no misconception {misconception_id}"
    return found[0].apply(d.inputs_of(name))


# -- the keepdims crash ---------------------------------------------------------------------------
def test_a_kept_1x1_volume_feeds_a_conv_and_a_pool():
    """8×8×3 → global average 1×1×3 → 4 filters 1×1: (1·1·3 + 1)·4 = 16 → 1×1 max pool."""
    d = solve({"input": [8, 8, 3], "layers": [
        {"global_avgpool": {"keepdims": True}}, {"conv": {"filters": 4, "kernel": 1}},
        {"maxpool": {"size": 1}}, "flatten"]})
    assert value(d, "layer2.output_shape") == (1, 1, 4)
    assert value(d, "layer2.params") == 16
    assert value(d, "layer3.output_shape") == (1, 1, 4)
    assert value(d, "layer4.units") == 4


def test_a_kernel_too_big_for_a_kept_volume_is_a_spec_error():
    with pytest.raises(SolverError, match="kernel 3×3 does not fit a 1×1 input"):
        solve({"input": [8, 8, 3], "layers": [{"global_maxpool": {"keepdims": True}},
                                              {"conv": {"filters": 4, "kernel": 3}}]})


# -- residual blocks ------------------------------------------------------------------------------
BASIC = {"input": [56, 56, 64], "layers": [{"residual": {"name": "block", "activation": "relu",
    "layers": [{"conv": {"name": "conv1", "filters": 128, "kernel": 3, "stride": 2,
                         "padding": 1, "bias": False}},
               {"batchnorm": {"name": "bn1"}}, "relu",
               {"conv": {"name": "conv2", "filters": 128, "kernel": 3, "padding": 1,
                         "bias": False}},
               {"batchnorm": {"name": "bn2"}}],
    "shortcut": [{"conv": {"name": "down", "filters": 128, "kernel": 1, "stride": 2,
                           "bias": False}}, {"batchnorm": {"name": "down_bn"}}]}}]}


def test_a_resnet_basic_block_with_a_projection_shortcut():
    """3·3·64·128 = 73,728; 3·3·128·128 = 147,456; two batch norms 2·128 each; the
    projection 64·128 = 8,192 and its batch norm 256: 230,144 in all, 28×28×128."""
    d = solve(BASIC)
    assert value(d, "block.conv1.params") == 73_728
    assert value(d, "block.conv2.params") == 147_456
    assert value(d, "block.down.params") == 8_192
    assert value(d, "block.output_shape") == (28, 28, 128)
    assert value(d, "block.params") == value(d, "params") == 73_728 + 147_456 + 8_192 + 3 * 256
    assert misconception(d, "params", "input-channels-forgotten") == \
        3 * 3 * 128 + 3 * 3 * 128 + 128 + 3 * 256


def test_a_residual_whose_branches_disagree_names_both():
    spec = {"input": [56, 56, 64], "layers": [{"residual": {"name": "block", "layers": [
        {"conv": {"filters": 128, "kernel": 3, "padding": 1}}]}}]}
    with pytest.raises(SolverError) as error:
        solve(spec)
    assert str(error.value) == ("the main branch gives 56×56×128 but the identity shortcut (the "
                                "block's input) gives 56×56×64: a residual block adds them, so "
                                "they must have the same shape")
    assert error.value.path == ("layers", 0, "residual", "shortcut")


def test_a_mismatch_is_a_one_line_error_with_file_and_line(nnsolve, problem_file):
    path = problem_file("nnsolve: 1\nid: bad\nsolver: layers\ngiven:\n  input: [8, 8, 3]\n"
                        "  layers:\n    - concat:\n        branches:\n"
                        "          - [conv: {filters: 2, kernel: 3}]\n"
                        "          - [conv: {filters: 2, kernel: 1}]\n")
    result = nnsolve("run", path)
    assert result.exit_code == 1
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert "problem.yaml:8: given.layers[0].concat.branches: branch 1 gives 6×6×2 but branch 2 " \
           "gives 8×8×2" in result.stderr


# -- repeat ---------------------------------------------------------------------------------------
def test_repeat_copies_a_block_with_overrides_on_the_first():
    """A 1×1 conv to 128 channels (8,192), then a stage of two basic blocks, 56×56 → 28×28:
    the first downsamples and projects, 2·147,456 + 128·128 + 3·256 = 312,064; the second is
    2·(3·3·128·128) + 2·256 = 295,424."""
    block = BASIC["layers"][0]["residual"]
    identity = {k: v for k, v in block.items() if k not in ("shortcut", "name")}
    identity["layers"] = list(identity["layers"])
    identity["layers"][0] = {"conv": {**block["layers"][0]["conv"], "stride": 1,
                                      "filters": 128}}
    d = solve({"input": [56, 56, 64], "layers": [
        {"conv": {"name": "widen", "filters": 128, "kernel": 1, "bias": False}},
        {"repeat": {"name": "stage", "times": 2, "layers": [{"residual": identity}],
                    "first": {"conv1": {"stride": 2},
                              "residual": {"shortcut": block["shortcut"]}}}}]})
    assert value(d, "stage.1.output_shape") == (28, 28, 128)
    assert value(d, "stage.1.conv1.params") == 3 * 3 * 128 * 128
    assert value(d, "stage.1.down.params") == 128 * 128
    assert "stage.2.down.params" not in d.quantities
    assert value(d, "stage.2.params") == 295_424
    assert value(d, "stage.output_shape") == (28, 28, 128)
    assert value(d, "stage.1.params") == 312_064
    assert value(d, "params") == 8_192 + 312_064 + 295_424


def test_a_wrong_override_is_a_spec_error_on_the_repeat():
    spec = {"input": [8, 8, 3], "layers": [{"repeat": {"times": 2, "layers": [
        {"conv": {"name": "c", "filters": 3, "kernel": 1}}], "first": {"d": {"stride": 2}}}}]}
    with pytest.raises(pydantic.ValidationError, match="first: no layer 'd'"):
        LayersSolver.Given.model_validate(spec)
    spec["layers"][0]["repeat"]["first"] = {"c": {"stride": "two"}}
    with pytest.raises(pydantic.ValidationError, match="first: c: stride"):
        LayersSolver.Given.model_validate(spec)


# -- parallel branches ----------------------------------------------------------------------------
FIRE = {"input": [55, 55, 96], "layers": [{"block": {"name": "fire2", "layers": [
    {"conv": {"name": "squeeze", "filters": 16, "kernel": 1}},
    {"concat": {"name": "expand", "branches": [
        [{"conv": {"name": "e1", "filters": 64, "kernel": 1}}],
        [{"conv": {"name": "e3", "filters": 64, "kernel": 3, "padding": 1}}]]}}]}}]}


def test_a_squeezenet_fire_module():
    """squeeze (96 + 1)·16 = 1,552; expand (16 + 1)·64 = 1,088 and (9·16 + 1)·64 = 9,280;
    11,920 in all (SqueezeNet 1.0's fire2), 55×55×128."""
    d = solve(FIRE)
    assert value(d, "fire2.squeeze.params") == 1_552
    assert value(d, "fire2.expand.e1.params") == 1_088
    assert value(d, "fire2.expand.e3.params") == 9_280
    assert value(d, "fire2.expand.channels") == 128
    assert value(d, "fire2.output_shape") == (55, 55, 128)
    assert value(d, "fire2.params") == value(d, "params") == 11_920


def test_a_dense_block_grows_by_the_growth_rate():
    """Three DenseNet layers of growth 32 on 64 channels: 64 + 3·32 = 160; the second layer's
    1×1 bottleneck sees 96 channels: 96·128 weights."""
    layer = {"concat": {"branches": [[], [
        "batchnorm", "relu", {"conv": {"name": "conv1", "filters": 128, "kernel": 1,
                                       "bias": False}},
        "batchnorm", "relu", {"conv": {"name": "conv2", "filters": 32, "kernel": 3,
                                       "padding": 1, "bias": False}}]]}}
    d = solve({"input": [56, 56, 64], "layers": [{"repeat": {"name": "dense1", "times": 3,
                                                             "layers": [layer]}}]})
    assert value(d, "dense1.output_shape") == (56, 56, 160)
    assert value(d, "dense1.2.conv1.params") == 96 * 128
    assert value(d, "dense1.2.channels") == 128
    assert misconception(d, "dense1.2.channels", "input-branch-forgotten") == 32


def test_inception_branches_must_agree_on_height_and_width():
    spec = {"input": [28, 28, 192], "layers": [{"concat": {"name": "inception", "branches": [
        [{"conv": {"filters": 64, "kernel": 1}}],
        [{"conv": {"filters": 96, "kernel": 1}}, {"conv": {"filters": 128, "kernel": 3,
                                                           "padding": 1}}],
        [{"conv": {"filters": 16, "kernel": 1}}, {"conv": {"filters": 32, "kernel": 5,
                                                           "padding": 2}}],
        [{"maxpool": {"size": 3, "stride": 1, "padding": 1}},
         {"conv": {"filters": 32, "kernel": 1}}]]}}]}
    d = solve(spec)
    assert value(d, "output_shape") == (28, 28, 256)   # GoogLeNet's 3a
    assert value(d, "params") == 163_696
    spec["layers"][0]["concat"]["branches"][2][1]["conv"]["padding"] = 1
    with pytest.raises(SolverError, match="branch 1 gives 28×28×64 but branch 3 gives "
                                          "26×26×32"):
        solve(spec)


def test_add_and_concat_as_layers_join_named_outputs():
    d = solve({"input": [8, 8, 16], "layers": [
        {"conv": {"name": "a", "filters": 16, "kernel": 3, "padding": 1}},
        {"add": {"name": "sum", "inputs": ["a", "input"]}},
        {"concat": {"name": "cat", "inputs": ["sum", "a", "input"]}}]})
    assert value(d, "sum.output_shape") == (8, 8, 16)
    assert value(d, "cat.output_shape") == (8, 8, 48)
    with pytest.raises(SolverError, match="no earlier layer is named 'b'"):
        solve({"input": [8, 8, 16], "layers": [{"add": {"inputs": ["b", "input"]}}]})


def test_carried_forward_through_a_concat(nnsolve, problem_file):
    """The identity branch forgotten: 4 channels instead of 4 + 4 = 8; the flattened size
    from there, 8·8·4 = 256, is carried forward."""
    key = problem_file("nnsolve: 1\nid: dense\nsolver: layers\ngiven:\n  input: [8, 8, 4]\n"
                       "  layers:\n    - concat:\n        name: cat\n        branches:\n"
                       "          - []\n"
                       "          - [conv: {filters: 4, kernel: 3, padding: 1}]\n"
                       "    - flatten: {name: flat}\n"
                       "ask: [cat.channels, flat.units]\n")
    submission = problem_file("nnsolve: 1\nstudent: {id: s1}\nproblem: dense\nanswers:\n"
                              "  cat.channels: 4\n  flat.units: 256\n", "submission.yaml")
    result = nnsolve("grade", submission, "--key", key, "--format", "json")
    records = {r["name"]: r for r in result.json()["results"][0]["records"]}
    assert records["cat.channels"]["misconception"] == "input-branch-forgotten"
    assert records["flat.units"]["status"] == "ecf"


# -- recurrent and attention layers ---------------------------------------------------------------
@pytest.mark.parametrize("kind, options, convention, params, shape", [
    ("lstm", {}, "pytorch", 4 * (64 * 96 + 2 * 64), (64,)),          # 25,088
    ("lstm", {}, "keras", 4 * (64 * 96 + 64), (64,)),                 # 24,832
    ("gru", {}, "keras", 3 * (64 * 96 + 2 * 64), (64,)),              # reset_after: 18,816
    ("rnn", {}, "keras", 64 * 96 + 64, (64,)),                        # SimpleRNN: 6,208
    ("gru", {"biases": 1}, "pytorch", 3 * (64 * 96 + 64), (64,)),
    ("lstm", {"bidirectional": True, "return_sequences": True}, "pytorch", 2 * 25_088,
     (20, 128)),
    ("lstm", {"num_layers": 2}, "pytorch", 25_088 + 4 * (64 * 128 + 128), (64,)),
    ("lstm", {"bias": False}, "pytorch", 4 * 64 * 96, (64,)),
])
def test_recurrent_counts(kind, options, convention, params, shape):
    d = solve({"input": [20, 32], "layers": [{kind: {"name": "r", "units": 64, **options}}]},
              recurrent_bias=convention)
    assert value(d, "r.params") == params
    assert value(d, "r.output_shape") == shape


def test_the_other_bias_convention_is_the_first_misconception():
    d = solve({"input": [20, 32], "layers": [{"lstm": {"name": "r", "units": 64}}]})
    assert misconception(d, "r.params", "bias-convention") == 24_832
    assert misconception(d, "r.params", "recurrent-weights-forgotten") == 4 * (64 * 32 + 128)


def test_multihead_attention():
    """torch.nn.MultiheadAttention(512, 8): 4·512² + 4·512 = 1,050,624; 64 features a head."""
    d = solve({"input": [10, 512], "layers": [{"multihead_attention": {"name": "mha",
                                                                       "heads": 8}}]})
    assert value(d, "mha.params") == 1_050_624
    assert value(d, "mha.head_dim") == 64
    assert value(d, "mha.output_shape") == (10, 512)
    assert misconception(d, "mha.params", "heads-multiplied") == 8 * 1_050_624
    with pytest.raises(SolverError, match="3 heads do not divide the embedding dimension 512"):
        solve({"input": [10, 512], "layers": [{"multihead_attention": {"heads": 3}}]})


def test_conv1d_and_layernorm_on_a_sequence():
    """100 steps × 16: 32 filters of 5 → 96×32, (5·16 + 1)·32 = 2,592; layer norm 2·32."""
    d = solve({"input": [100, 16], "layers": [
        {"conv1d": {"name": "c", "filters": 32, "kernel": 5}}, {"layernorm": {"name": "ln"}}]})
    assert value(d, "c.output_shape") == (96, 32)
    assert value(d, "c.params") == 2_592
    assert value(d, "c.macs") == 96 * 32 * 80
    assert value(d, "ln.params") == 64


# -- resizing -------------------------------------------------------------------------------------
def test_upsample_adaptive_pool_and_reshape():
    d = solve({"input": [13, 13, 256], "layers": [
        {"adaptive_avgpool": {"name": "pool", "size": 6}},
        {"upsample": {"name": "up", "factor": 2}},
        {"reshape": {"name": "seq", "shape": [144, -1]}},
        {"reshape": {"name": "img", "shape": [12, 12, 256]}}]})
    assert value(d, "pool.output_shape") == (6, 6, 256)
    assert value(d, "up.output_shape") == (12, 12, 256)
    assert value(d, "seq.output_shape") == (144, 256)
    assert value(d, "img.output_shape") == (12, 12, 256)
    with pytest.raises(SolverError, match="cannot be reshaped to 7×-1"):
        solve({"input": [10], "layers": [{"reshape": {"shape": [7, -1]}}]})


# -- the summary ----------------------------------------------------------------------------------
def test_the_summary_lists_every_layer_and_block_with_totals():
    d = solve(FIRE, batchnorm_params="with_running_stats")
    table = d["summary"].value
    assert table.header == ("layer", "kind", "output shape", "params", "multiply-adds")
    assert table.column("layer") == ("fire2", "fire2.squeeze", "fire2.expand", "fire2.expand.e1",
                                     "fire2.expand.e3", "total")
    assert table.rows[0][1:4] == ("block", (55, 55, 128), 11_920)
    assert table.rows[1] == ("fire2.squeeze", "conv", (55, 55, 16), 1_552, 55 * 55 * 16 * 96)
    assert table.rows[-1] == ("total", "model", (55, 55, 128), 11_920, value(d, "macs"))
    assert value(d, "trainable_params") == 11_920 and value(d, "non_trainable_params") == 0
    d = solve(BASIC, batchnorm_params="with_running_stats")
    assert value(d, "non_trainable_params") == 3 * 256
    assert value(d, "trainable_params") == 230_144
    assert d["summary"].value.rows[-1][3] == 230_144 + 3 * 256


SQUEEZE = ("nnsolve: 1\nid: squeeze\nsolver: layers\ngiven:\n  input: [55, 55, 96]\n"
           "  layers:\n    - conv: {name: squeeze, filters: 16, kernel: 1}\n"
           "    - maxpool: {name: pool, size: 5}\n"
           "ask: [squeeze.params, summary]\n")
MACS = 55 * 55 * 16 * 96


def test_the_summary_in_json_and_every_renderer(nnsolve, problem_file):
    path = problem_file(SQUEEZE)
    part = nnsolve("run", path, "--format", "json").json()["parts"][0]
    summary = next(q for q in part["quantities"] if q["name"] == "summary")
    assert summary["kind"] == "table"
    assert summary["value"] == {
        "header": ["layer", "kind", "output shape", "params", "multiply-adds"],
        "rows": [["squeeze", "conv", [55, 55, 16], 1552, MACS],
                 ["pool", "maxpool", [11, 11, 16], 0, 0],
                 ["total", "model", [11, 11, 16], 1552, MACS]]}
    text = nnsolve("run", path).stdout
    assert "multiply-adds" in text and "non-trainable parameters" in text
    for fmt in ("md", "tex", "html"):
        out = nnsolve("run", path, "--format", fmt).stdout
        assert "multiply-adds" in out and "non-trainable" in out and "maxpool" in out


def test_a_filled_in_summary_is_graded_with_errors_carried_forward(nnsolve, problem_file):
    """The squeeze layer's parameters taken as 3×3 by mistake, (9·96 + 1)·16 = 13,840: the
    summary written from that answer is right from there (the total is 13,840 too)."""
    key = problem_file(SQUEEZE)
    wrong = 13_840
    submission = problem_file(
        "nnsolve: 1\nstudent: {id: s1}\nproblem: squeeze\nanswers:\n"
        f"  squeeze.params: {wrong}\n"
        "  summary:\n"
        f"    - [squeeze, conv, [55, 55, 16], {wrong}, {MACS}]\n"
        "    - [pool, maxpool, [11, 11, 16], 0, 0]\n"
        f"    - [total, model, [11, 11, 16], {wrong}, {MACS}]\n", "submission.yaml")
    result = nnsolve("grade", submission, "--key", key, "--format", "json")
    records = {r["name"]: r for r in result.json()["results"][0]["records"]}
    assert records["squeeze.params"]["status"] == "incorrect"
    assert records["summary"]["status"] == "ecf", records["summary"]["message"]


def test_a_shortcut_layer_whose_made_up_name_is_taken_by_the_main_branch_is_refused():
    """An unnamed shortcut conv is `shortcut1`; a main layer written `shortcut1` takes it."""
    with pytest.raises(SolverError, match="'shortcut1' is already a layer of the main branch") \
            as caught:
        solve({"input": [8, 8, 4], "layers": [{"residual": {
            "name": "b", "layers": [{"conv": {"name": "shortcut1", "filters": 4, "kernel": 1}}],
            "shortcut": [{"conv": {"filters": 4, "kernel": 1}}]}}]})
    assert caught.value.path[-3:] == ("shortcut", 0, "conv")
