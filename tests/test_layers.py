"""The layers solver on the course's own figures, its conventions, its symbolic mode, its
errors, and properties of the size formulas checked against direct counting."""

from __future__ import annotations

import pydantic
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from nnsolve.solvers.base import SolverError
from nnsolve.solvers.layers import LayersSolver
from nnsolve.derivation import board


def solve(given_spec: dict, **conventions):
    solver = LayersSolver()
    return solver.solve(LayersSolver.Given.model_validate(given_spec),
                        LayersSolver.resolve_conventions(conventions))


def value(d, name):
    v = d[name].value
    return tuple(int(x) for x in v) if isinstance(v, tuple) else v


def misconception(d, name, misconception_id):
    q = d[name]
    found = [m for m in q.misconceptions if m.id == misconception_id]
    assert found, f"{name} has no misconception {misconception_id}"
    return found[0].apply(d.inputs_of(name))


ALEXNET = {"input": [227, 227, 3],
           "layers": [{"conv": {"name": "conv1", "filters": 96, "kernel": 11, "stride": 4,
                                "padding": 0}}]}


# -- the exercises ------------------------------------------------------------------------------
def test_alexnet_first_layer():
    d = solve(ALEXNET)
    assert value(d, "conv1.out_h") == (227 - 11 + 2 * 0) // 4 + 1 == 55
    assert value(d, "output_shape") == (55, 55, 96)
    assert value(d, "units") == 55 * 55 * 96 == 290_400
    assert value(d, "params") == (11 * 11 * 3 + 1) * 96 == 34_944
    assert board.formula(d, "conv1.out_h") == "floor((H_0 - F_1 + 2*P_1)/S_1) + 1"
    assert board.substituted(d, "conv1.out_h") == "floor((227 - 11 + 2*0)/4) + 1"
    assert board.substituted(d, "conv1.params") == "(11^2*3 + 1)*96"
    assert d["params"].kind == "count" and d["output_shape"].kind == "shape"


def test_alexnet_dense_replacement():
    d = solve({"input": [227, 227, 3], "layers": ["flatten", {"dense": {"units": 256}}]})
    assert value(d, "layer1.units") == 227 * 227 * 3
    assert value(d, "layer2.params") == (227 * 227 * 3 + 1) * 256 == 39_574_528
    assert value(d, "params") == 39_574_528
    assert misconception(d, "params", "bias-forgotten") == 227 * 227 * 3 * 256


def test_keras_mnist_cnn_per_layer_parameters():
    names = ["conv1", "pool1", "conv2", "pool2", "flatten", "dropout", "dense"]
    d = solve({"input": [28, 28, 1], "layers": [
        {"conv": {"name": "conv1", "filters": 32, "kernel": 3, "activation": "relu"}},
        {"maxpool": {"name": "pool1", "size": 2}},
        {"conv": {"name": "conv2", "filters": 64, "kernel": 3, "activation": "relu"}},
        {"maxpool": {"name": "pool2", "size": 2}},
        {"flatten": {"name": "flatten"}},
        {"dropout": {"name": "dropout", "rate": 0.5}},
        {"dense": {"name": "dense", "units": 10, "activation": "softmax"}}]})
    per_layer = [value(d, f"{n}.params") for n in names]
    assert per_layer == [(3 * 3 * 1 + 1) * 32, 0, (3 * 3 * 32 + 1) * 64, 0, 0, 0, (1600 + 1) * 10]
    assert per_layer == [320, 0, 18_496, 0, 0, 0, 16_010]
    assert value(d, "params") == 34_826
    assert value(d, "flatten.units") == 5 * 5 * 64 == 1600
    # pool2 left unrounded: (11 − 2)/2 + 1 = 5.5 per side
    assert misconception(d, "flatten.units", "no-floor") == 1936 == 5.5 * 5.5 * 64
    assert [value(d, f"{n}.output_shape") for n in ("conv1", "pool1", "conv2", "pool2")] == \
        [(26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64)]


def test_dense_versus_conv_on_a_small_image():
    dense = solve({"input": [32, 32, 3], "layers": ["flatten", {"dense": {"units": 16}}]})
    conv = solve({"input": [32, 32, 3], "layers": [{"conv": {"filters": 16, "kernel": 5}}]})
    assert value(dense, "params") == 32 * 32 * 3 * 16 + 16 == 49_168
    assert value(conv, "params") == (5 * 5 * 3 + 1) * 16 == 1_216


def test_autoencoder_dimensions_and_parameters():
    widths = [500, 250, 50, 250, 500, 256]
    layers = [{"dense": {"units": w}} for w in widths]
    layers[2]["dense"]["name"] = "code"
    d = solve({"input": [256], "layers": layers})
    assert value(d, "input_units") == 256
    assert value(d, "units") == 256 and value(d, "output_shape") == (256,)
    assert value(d, "code.units") == 50
    by_hand = ((256 + 1) * 500 + (500 + 1) * 250 + (250 + 1) * 50 + (50 + 1) * 250
               + (250 + 1) * 500 + (500 + 1) * 256)
    assert value(d, "params") == by_hand == 532_806


def test_depthwise_separable_against_standard_convolution():
    standard = solve({"input": [56, 56, 64], "layers": [
        {"conv": {"filters": 128, "kernel": 3, "padding": "same"}}]})
    separable = solve({"input": [56, 56, 64], "layers": [
        {"conv": {"name": "dw", "kernel": 3, "padding": "same", "groups": "depthwise"}},
        {"conv": {"name": "pw", "filters": 128, "kernel": 1}}]})
    assert value(standard, "params") == (3 * 3 * 64 + 1) * 128
    assert value(standard, "macs") == 56 * 56 * 128 * 3 * 3 * 64
    assert value(separable, "dw.params") == (3 * 3 + 1) * 64
    assert value(separable, "pw.params") == (64 + 1) * 128
    assert value(separable, "macs") == 56 * 56 * 64 * 3 * 3 + 56 * 56 * 128 * 64
    assert misconception(separable, "dw.params", "groups-ignored") == (3 * 3 * 64 + 1) * 64


def test_transposed_and_dilated_convolutions():
    up = solve({"input": [7, 7, 128], "layers": [
        {"conv_transpose": {"filters": 64, "kernel": 4, "stride": 2, "padding": 1}}]})
    assert value(up, "output_shape") == ((7 - 1) * 2 - 2 * 1 + 4,) * 2 + (64,) == (14, 14, 64)
    assert value(up, "params") == 4 * 4 * 128 * 64 + 64
    assert misconception(up, "layer1.out_h", "conv-formula-used") == (7 - 4 + 2) // 2 + 1

    dilated = solve({"input": [32, 32, 16], "receptive_field": True, "layers": [
        {"conv": {"filters": 32, "kernel": 3, "dilation": 2}}]})
    assert value(dilated, "output_shape") == (32 - 2 * (3 - 1) - 1 + 1,) * 2 + (32,)
    assert value(dilated, "layer1.receptive_field") == 2 * (3 - 1) + 1
    assert board.formula(dilated, "layer1.out_h") == \
        "floor((H_0 + 2*P_1 - D_1*(F_1 - 1) - 1)/S_1) + 1"
    assert misconception(dilated, "layer1.out_h", "dilation-forgotten") == 32 - 3 + 1


def test_receptive_field_of_a_stack_grows_with_the_jumps():
    d = solve({"input": [64, 64, 3], "receptive_field": True, "layers": [
        {"conv": {"name": "c1", "filters": 8, "kernel": 3}},
        {"maxpool": {"name": "p1", "size": 2}},
        {"conv": {"name": "c2", "filters": 8, "kernel": 3}},
        "relu",
        {"conv": {"name": "c3", "filters": 8, "kernel": [3, 5]}}]})
    assert [value(d, f"{n}.receptive_field") for n in ("c1", "p1", "c2")] == [3, 4, 4 + 2 * 2]
    assert value(d, "c2.jump") == 2
    assert (value(d, "c3.receptive_field_h"), value(d, "c3.receptive_field_w")) == \
        (8 + 2 * 2, 8 + 4 * 2)


# -- misconceptions ------------------------------------------------------------------------------
def test_alexnet_misconceptions_match_what_students_write():
    d = solve(ALEXNET)
    assert misconception(d, "conv1.params", "bias-forgotten") == 11 * 11 * 3 * 96
    assert misconception(d, "conv1.params", "input-channels-forgotten") == (11 * 11 + 1) * 96
    assert misconception(d, "params", "bias-forgotten") == 11 * 11 * 3 * 96
    assert misconception(d, "conv1.out_h", "plus-one-forgotten") == 54
    assert misconception(d, "output_shape", "plus-one-forgotten") == (54, 54, 96)
    assert misconception(d, "units", "channels-forgotten") == 55 * 55
    assert all("-" in m.id and m.id == m.id.lower() for q in d for m in q.misconceptions)


def test_padding_once_and_no_floor():
    d = solve({"input": [32, 32, 3], "layers": [
        {"conv": {"filters": 8, "kernel": 4, "stride": 3, "padding": 2}}]})
    assert value(d, "layer1.out_h") == (32 - 4 + 2 * 2) // 3 + 1 == 11
    assert misconception(d, "layer1.out_h", "padding-once") == (32 - 4 + 2) // 3 + 1
    assert misconception(d, "layer1.out_h", "no-floor") == sympy.Rational(32 - 4 + 4, 3) + 1


# -- conventions ---------------------------------------------------------------------------------
def test_padding_as_a_total():
    spec = {"input": [32, 32, 3], "layers": [{"conv": {"filters": 8, "kernel": 5, "padding": 4}}]}
    assert value(solve(spec), "layer1.out_h") == 32 - 5 + 2 * 4 + 1
    total = solve(spec, padding="total")
    assert value(total, "layer1.out_h") == 32 - 5 + 4 + 1
    assert board.formula(total, "layer1.out_h") == "floor((H_0 - F_1 + P_1)/S_1) + 1"


def test_pooling_rounds_up_in_ceil_mode():
    spec = {"input": [11, 11, 4], "layers": [{"maxpool": {"size": 2}}]}
    assert value(solve(spec), "output_shape") == (5, 5, 4)
    assert value(solve(spec, pooling="ceil"), "output_shape") == (6, 6, 4)
    per_layer = {"input": [11, 11, 4], "layers": [{"maxpool": {"size": 2, "ceil_mode": True}}]}
    assert value(solve(per_layer), "output_shape") == (6, 6, 4)


def test_exact_output_size_refuses_a_stride_that_does_not_divide():
    spec = {"input": [32, 32, 3], "layers": [{"conv": {"filters": 4, "kernel": 4, "stride": 3}}]}
    with pytest.raises(SolverError) as error:
        solve(spec, output_size="exact")
    assert error.value.path == ("layers", 0, "conv", "stride")
    assert value(solve({**spec, "layers": [{"conv": {"filters": 4, "kernel": 5, "stride": 3}}]},
                       output_size="exact"), "layer1.out_h") == (32 - 5) // 3 + 1


def test_macs_with_the_bias_and_batchnorm_running_statistics():
    assert value(solve(ALEXNET, macs="with_bias"), "macs") == 55 * 55 * 96 * (11 * 11 * 3 + 1)
    spec = {"input": [8, 8, 16], "layers": ["batchnorm"]}
    assert value(solve(spec), "params") == 2 * 16
    assert value(solve(spec, batchnorm_params="with_running_stats"), "params") == 4 * 16


def test_chw_layout_shows_channels_first():
    d = solve({"input": [3, 227, 227], "layout": "chw",
               "layers": [{"conv": {"filters": 96, "kernel": 11, "stride": 4}}]})
    assert value(d, "output_shape") == (96, 55, 55)
    assert d.conventions["layout"] == "chw"
    by_convention = solve({"input": [3, 227, 227], "layers": ALEXNET["layers"]}, layout="chw")
    assert value(by_convention, "output_shape") == (96, 55, 55)
    assert value(by_convention, "params") == 34_944


# -- symbols ---------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(w=st.integers(8, 60), f=st.integers(1, 7), s=st.integers(1, 4), p=st.integers(0, 3))
def test_symbolic_sizes_are_the_general_formula(w, f, s, p):
    symbolic = solve({"input": ["W", "W", 3], "layers": [
        {"conv": {"filters": "K", "kernel": "F", "stride": "S", "padding": "P"}}]})
    numeric = solve({"input": [w, w, 3], "layers": [
        {"conv": {"filters": 5, "kernel": f, "stride": s, "padding": p}}]})
    numbers = {"W": w, "F": f, "S": s, "P": p, "K": 5}
    for name in ("layer1.out_h", "params"):
        expr = symbolic[name].value
        assert expr.free_symbols
        assert expr.xreplace({x: numbers[x.name] for x in expr.free_symbols}) == \
            numeric[name].value


def test_symbolic_substitution_keeps_the_symbols():
    d = solve({"input": ["W", "W", 3], "layers": [{"conv": {"filters": 16, "kernel": "F"}}]})
    assert board.substituted(d, "layer1.out_h") == "floor((W - F + 2*0)/1) + 1"
    assert d["layer1.out_h"].kind == "expression"


# -- errors ----------------------------------------------------------------------------------------
def test_a_kernel_larger_than_its_input_is_an_error():
    with pytest.raises(SolverError) as error:
        solve({"input": [5, 5, 3], "layers": [{"conv": {"filters": 96, "kernel": 11}}]})
    assert str(error.value) == "kernel 11×11 does not fit a 5×5 input with padding 0"
    assert error.value.path == ("layers", 0, "conv", "kernel")


def test_dense_on_an_image_asks_for_flatten():
    with pytest.raises(SolverError, match="put flatten before it"):
        solve({"input": [8, 8, 3], "layers": [{"dense": {"units": 4}}]})


def test_two_layers_with_one_name():
    with pytest.raises(SolverError, match="already") as error:
        solve({"input": [8, 8, 3], "layers": [
            {"conv": {"name": "c", "filters": 4, "kernel": 3}},
            {"conv": {"name": "c", "filters": 4, "kernel": 3}}]})
    assert error.value.path == ("layers", 1, "conv", "name")


# -- properties of the size formulas -------------------------------------------------------
def window_starts(size: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    """Count the positions of a window that fits entirely, one step at a time."""
    span = dilation * (kernel - 1) + 1
    count, start = 0, 0
    while start + span <= size + 2 * padding:
        count, start = count + 1, start + stride
    return count


def ceil_mode_windows(size: int, kernel: int, stride: int, padding: int) -> int:
    """Windows until the padded input is covered, the last possibly partial, minus any that
    would start inside the right padding."""
    count, start = 0, 0
    while start < size + padding and (count == 0 or start - stride + kernel < size + 2 * padding):
        count, start = count + 1, start + stride
    return count


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 40), kernel=st.integers(1, 7), stride=st.integers(1, 5),
       padding=st.integers(0, 3), dilation=st.integers(1, 3))
def test_conv_size_counts_the_window_positions(size, kernel, stride, padding, dilation):
    spec = {"input": [size, size + 1, 2], "layers": [
        {"conv": {"filters": 1, "kernel": kernel, "stride": stride, "padding": padding,
                  "dilation": dilation}}]}
    if dilation * (kernel - 1) + 1 > size + 2 * padding:
        with pytest.raises(SolverError, match="does not fit"):
            solve(spec)
        return
    d = solve(spec)
    assert value(d, "layer1.out_h") == window_starts(size, kernel, stride, padding, dilation)
    assert value(d, "layer1.out_w") == window_starts(size + 1, kernel, stride, padding, dilation)


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 40), kernel=st.integers(1, 6), stride=st.integers(1, 5),
       padding=st.integers(0, 3))
def test_ceil_mode_pooling_covers_the_input(size, kernel, stride, padding):
    if 2 * padding > kernel or kernel > size + 2 * padding:
        return
    d = solve({"input": [size, size, 1], "layers": [
        {"maxpool": {"size": kernel, "stride": stride, "padding": padding, "ceil_mode": True}}]})
    assert value(d, "layer1.out_h") == ceil_mode_windows(size, kernel, stride, padding)


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 30), kernel=st.integers(1, 6), stride=st.integers(1, 4),
       padding=st.integers(0, 3), dilation=st.integers(1, 3), extra=st.integers(0, 3))
def test_transposed_convolution_undoes_the_convolution_shape(size, kernel, stride, padding,
                                                             dilation, extra):
    extra = extra % stride
    grown = (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + extra + 1
    spec = {"input": [size, size, 1], "layers": [
        {"conv_transpose": {"filters": 1, "kernel": kernel, "stride": stride, "padding": padding,
                            "dilation": dilation, "output_padding": extra}}]}
    if grown < 1:
        with pytest.raises(SolverError, match="would be"):
            solve(spec)
        return
    assert value(solve(spec), "layer1.out_h") == grown
    assert window_starts(grown, kernel, stride, padding, dilation) == size


def receptive_span(layers: list[tuple[int, int, int]]) -> int:
    """Follow one output back through (kernel, stride, dilation) layers to the input pixels."""
    first, last = 0, 0
    for kernel, stride, dilation in reversed(layers):
        first, last = first * stride, last * stride + dilation * (kernel - 1)
    return last - first + 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 3)),
                min_size=1, max_size=4))
def test_receptive_field_follows_an_output_back_to_the_input(layers):
    spec = {"input": [4000, 4000, 1], "receptive_field": True, "layers": [
        {"conv": {"filters": 1, "kernel": k, "stride": s, "dilation": dl}} for k, s, dl in layers]}
    d = solve(spec)
    assert value(d, f"layer{len(layers)}.receptive_field") == receptive_span(layers)


def test_a_name_taken_from_an_earlier_unnamed_layer():
    with pytest.raises(SolverError) as error:
        solve({"input": [8, 8, 3], "layers": ["relu", "relu",
                                              {"conv": {"name": "layer1", "filters": 4,
                                                        "kernel": 3}}]})
    assert str(error.value).startswith("'layer1' is the default name of layer 1")
    assert error.value.path == ("layers", 2, "conv", "name")


def test_a_layer_may_use_its_own_default_name_or_one_no_layer_uses():
    d = solve({"input": [8, 8, 3], "layers": [{"conv": {"name": "layer1", "filters": 4,
                                                         "kernel": 3}},
                                              {"relu": {"name": "layer3"}}]})
    assert value(d, "layer3.params") == 0


@pytest.mark.parametrize("word", ["full", "SAME", "two", "Same", "kernel", "F1x", "_K", "K_"])
def test_words_that_are_no_symbols_are_refused(word):
    with pytest.raises(pydantic.ValidationError):
        LayersSolver.Given.model_validate(
            {"input": [8, 8, 3], "layers": [{"conv": {"filters": 4, "kernel": 3,
                                                      "padding": word}}]})


@pytest.mark.parametrize("symbol", ["K", "F_1", "p2", "d_k", "alpha", "Delta", "sigma_2"])
def test_symbols_in_every_field_that_takes_one(symbol):
    d = solve({"input": [symbol, 8, 3], "layers": [
        {"conv": {"filters": symbol, "kernel": symbol, "stride": symbol, "padding": symbol,
                  "dilation": symbol}},
        {"maxpool": {"size": symbol, "stride": [symbol, 1], "padding": 0}},
        {"conv_transpose": {"filters": 2, "kernel": symbol, "padding": symbol,
                            "output_padding": symbol}},
        "flatten", {"dense": {"units": symbol}}]})
    assert sympy.Symbol(symbol, integer=True, positive=True) in d["params"].value.free_symbols


def test_transposed_convolution_multiply_adds_count_input_positions():
    """Each input value is multiplied by every weight (torch's scatter view): H_in·W_in·F²·C·K,
    not the output positions, which overlap and would count the kernel's taps more often."""
    d = solve({"input": [7, 7, 128], "layers": [
        {"conv_transpose": {"filters": 64, "kernel": 4, "stride": 2, "padding": 1}}]})
    assert value(d, "layer1.macs") == 7 * 7 * 4 * 4 * 128 * 64
    assert "input position" in d["layer1.macs"].note
    assert "output position" not in d["layer1.macs"].note
    forgot = next(m for m in d["layer1.macs"].misconceptions if m.id == "positions-forgotten")
    assert "input position" in forgot.description
    conv = solve(ALEXNET)
    assert "output position" in conv["conv1.macs"].note
