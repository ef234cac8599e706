"""What each kind of layer does to a shape, and what it costs in parameters and multiply-adds.

One function per kind, all with the same signature: record the layer's hyperparameters as
givens, derive its output sizes, then its output shape and units, parameters and multiply-adds
(Stack does the bookkeeping), and return its output for the next layer. The window arithmetic
that convolution and pooling share is in windows.py.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import sympy

from nnsolve.derivation.core import Misconception
from nnsolve.derivation.ordered import over, plus, squared, times, total
from nnsolve.solvers.layers.formulas import Window, transposed_size
from nnsolve.solvers.layers.spec import (ConvOptions, ConvTransposeOptions, DenseOptions, Options,
                                         Padding, PoolOptions)
from nnsolve.solvers.layers.stack import ONE, Axis, Hyper, Layer, Stack, Tensor
from nnsolve.solvers.layers.windows import (AXIS_WORD, check_output_padding, check_pool_padding,
                                            dilation_hyper, extend_receptive_field, image_axes,
                                            padding_hyper, padding_note, window_sizes)

BIAS_FORGOTTEN = "the biases were forgotten: each filter (or unit) has one bias"
BIAS_COUNTED = "a bias was counted, but this layer has none (bias: false)"


# -- convolution -------------------------------------------------------------------------------
def conv(stack: Stack, layer: Layer, o: ConvOptions, x: Tensor) -> Tensor:
    _, _, c_in = image_axes(stack, layer, x)
    depthwise = o.groups == "depthwise"
    if o.filters is not None:
        k = Axis(layer.name("filters"), stack.given(layer.name("filters"), o.filters,
                                                    "filters (output channels)",
                                                    layer.symbol("K"), layer.group))
    else:
        k = c_in
    kernel = stack.hyper(layer, "kernel", o.kernel, "F", "kernel size")
    stride = stack.hyper(layer, "stride", o.stride, "S", "stride")
    padding = padding_hyper(stack, layer, o.padding)
    dilation = dilation_hyper(stack, layer, o.dilation)
    groups = _groups(stack, layer, o.groups, c_in, k)
    rounding = "exact" if stack.conventions["output_size"] == "exact" else "floor"
    out_h, out_w = window_sizes(stack, layer, x, kernel, stride, padding, o.padding.mode,
                                dilation, rounding, "kernel")
    out = Tensor((out_h, out_w, k))
    stack.output(layer, out, sized=(out_h.name, out_w.name))

    outputs = times(out_h.symbol, out_w.symbol, k.symbol)
    if o.connections is not None:
        _sparse(stack, layer, kernel, c_in, k, o.connections, o.bias)
    else:
        per_filter = _filter_params(stack, layer, kernel, c_in, k, groups, depthwise, o.bias)
        _weighted_macs(stack, layer, times(outputs, per_filter), outputs, o.bias,
                       weights=times(per_filter, k.symbol))
    extend_receptive_field(stack, layer, kernel, stride, dilation)
    return out


def _sparse(stack: Stack, layer: Layer, kernel: Hyper, c_in: Axis, k: Axis, connections,
            bias: bool) -> None:
    """A connection table: filter i sees c_i of the input channels, F·F·Σc_i weights in all."""
    c = stack.value(c_in)
    if stack.numeric(c) and max(connections) > c:
        raise layer.error(f"a filter cannot see more than the {c} input channels", "connections")
    seen = stack.add(layer.name("connections"), "input channels seen, summed over the filters",
                     total(connections), layer.symbol("C"), group=layer.group)
    area = squared(kernel.h) if kernel.square else times(kernel.h, kernel.w)
    weights = times(area, seen)
    stack.params(layer, plus(weights, k.symbol) if bias else weights, alternatives=[
        Misconception("table-ignored", "every filter was counted over all input channels; the "
                                       "connection table gives each only some of them",
                      times(plus(times(area, c_in.symbol), 1) if bias else
                            times(area, c_in.symbol), k.symbol))],
        note="each filter has F·F weights per channel it sees" +
             (", plus one bias" if bias else ""))
    stack.macs(layer, times(stack.d[layer.name("out_h")].symbol,
                            stack.d[layer.name("out_w")].symbol, weights),
               note="one multiply-add per weight and output position")


def conv_transpose(stack: Stack, layer: Layer, o: ConvTransposeOptions, x: Tensor) -> Tensor:
    h_in, w_in, c_in = image_axes(stack, layer, x)
    k = Axis(layer.name("filters"), stack.given(layer.name("filters"), o.filters,
                                                "filters (output channels)", layer.symbol("K"),
                                                layer.group))
    kernel = stack.hyper(layer, "kernel", o.kernel, "F", "kernel size")
    stride = stack.hyper(layer, "stride", o.stride, "S", "stride")
    padding = padding_hyper(stack, layer, Padding("explicit", o.padding))
    output_padding = None
    if "output_padding" in o.model_fields_set or o.output_padding.values() != (0, 0):
        output_padding = stack.hyper(layer, "output_padding", o.output_padding, "A",
                                     "output padding (added on one side)")
    dilation = dilation_hyper(stack, layer, o.dilation)
    depthwise = o.groups == "depthwise"
    groups = _groups(stack, layer, o.groups, c_in, k)
    per_side = stack.conventions["padding"] == "per_side"
    rounding = "exact" if stack.conventions["output_size"] == "exact" else "floor"
    sizes = []
    for axis, size in (("h", h_in), ("w", w_in)):
        window = Window(size.symbol, getattr(kernel, axis), getattr(stride, axis),
                        getattr(padding, axis), getattr(dilation, axis, None), "explicit",
                        per_side)
        extra = getattr(output_padding, axis, None)
        check_output_padding(stack, layer, window, extra)
        formula, alternatives = transposed_size(window, extra, rounding)
        name = layer.name(f"out_{axis}")
        stack.add(name, f"output {AXIS_WORD[axis]} of {layer.prefix}", formula,
                  sympy.Symbol(f"{axis.upper()}_{layer.index}"), group=layer.group,
                  alternatives=alternatives, note=padding_note(stack))
        value = stack.d[name].value
        if stack.numeric(value) and value < 1:
            raise layer.error(f"the output {AXIS_WORD[axis]} would be {value}: the padding "
                              "removes more than the layer produces", "padding")
        sizes.append(Axis(name, stack.d[name].symbol))
    out_h, out_w = sizes
    out = Tensor((out_h, out_w, k))
    stack.output(layer, out, sized=(out_h.name, out_w.name))

    per_filter = _filter_params(stack, layer, kernel, c_in, k, groups, depthwise, o.bias)
    # a transposed convolution scatters: every input value is multiplied by every weight that
    # reaches it (F·F·C_in/G·K of them) and added into the output, so the products are
    # counted per input position; outputs where windows overlap take several of them
    _weighted_macs(stack, layer, times(h_in.symbol, w_in.symbol, per_filter, k.symbol),
                   times(out_h.symbol, out_w.symbol, k.symbol), o.bias,
                   weights=times(per_filter, k.symbol), positions="input")
    stack.receptive = None
    return out


# -- pooling -------------------------------------------------------------------------------------
def pool(stack: Stack, layer: Layer, o: PoolOptions, x: Tensor) -> Tensor:
    _, _, c = image_axes(stack, layer, x)
    size = stack.hyper(layer, "size", o.size, "F", "pooling window")
    if o.stride is None:
        stride = stack.hyper(layer, "stride", o.size, "S", "stride (default: the window size)")
    else:
        stride = stack.hyper(layer, "stride", o.stride, "S", "stride")
    padding = padding_hyper(stack, layer, o.padding)
    check_pool_padding(stack, layer, size, padding)
    ceil = o.ceil_mode if o.ceil_mode is not None else stack.conventions["pooling"] == "ceil"
    rounding = "exact" if stack.conventions["output_size"] == "exact" else (
        "ceil" if ceil else "floor")
    out_h, out_w = window_sizes(stack, layer, x, size, stride, padding, o.padding.mode, None,
                                rounding, "size")
    out = Tensor((out_h, out_w, c))
    stack.output(layer, out, sized=(out_h.name, out_w.name))
    if o.trainable:
        stack.params(layer, times(2, c.symbol), note="a trained coefficient and bias per "
                                                     "channel (LeNet-5's subsampling)")
    else:
        stack.no_params(layer, "pooling has no weights: it takes the "
                               f"{'maximum' if layer.kind == 'maxpool' else 'average'} of each "
                               "window")
    extend_receptive_field(stack, layer, size, stride, None)
    return out


def global_pool(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    _, _, c = image_axes(stack, layer, x)
    out = Tensor((ONE, ONE, c) if o.keepdims else (c,))
    stack.output(layer, out)
    what = "average" if layer.kind == "global_avgpool" else "maximum"
    stack.no_params(layer, f"one {what} per channel over the whole H×W plane; no weights")
    stack.receptive = None
    return out


# -- vectors ---------------------------------------------------------------------------------------
def flatten(stack: Stack, layer: Layer, o: Options, x: Tensor) -> Tensor:
    symbol = stack.add(layer.name("units"), f"units of {layer.prefix} (the flattened size)",
                       times(*(a.symbol for a in stack.shown(x))), layer.symbol("N"),
                       group=layer.group, alternatives=stack.units_alternatives)
    out = Tensor((Axis(layer.name("units"), symbol),))
    stack.output(layer, out)
    stack.no_params(layer, "flattening only rearranges the values")
    stack.receptive = None
    return out


def dense(stack: Stack, layer: Layer, o: DenseOptions, x: Tensor) -> Tensor:
    if x.rank == 3:
        raise layer.error(f"dense takes a vector, but its input is {stack.describe(x)}: put "
                          "flatten before it")
    if x.rank == 1:
        name, symbol, label = layer.name("units"), layer.symbol("N"), "units (neurons)"
    else:
        name, symbol, label = layer.name("features"), layer.symbol("U"), \
            "units per position (the layer's `units`)"
    n_in = x.axes[-1]
    units = Axis(name, stack.given(name, o.units, label, symbol, layer.group))
    out = Tensor((*x.axes[:-1], units))
    stack.output(layer, out)
    positions = times(*(a.symbol for a in x.axes[:-1]))
    _weighted_params(stack, layer, n_in.symbol, units.symbol, o.bias, alternatives=[],
                     note="one weight per input and unit" + (", plus one bias per unit"
                                                             if o.bias else ""))
    _weighted_macs(stack, layer, times(positions, n_in.symbol, units.symbol),
                   times(positions, units.symbol), o.bias, weights=times(n_in.symbol, units.symbol),
                   positions="output" if x.rank > 1 else None)
    stack.receptive = None
    return out


def embedding(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    if x.rank != 1:
        raise layer.error(f"embedding takes a sequence of token ids [T], but its input is "
                          f"{stack.describe(x)}")
    vocab = stack.given(layer.name("vocab"), o.vocab, "vocabulary size", layer.symbol("V"),
                        layer.group)
    dim = Axis(layer.name("dim"), stack.given(layer.name("dim"), o.dim, "embedding dimension",
                                              layer.symbol("E"), layer.group))
    out = Tensor((x.axes[0], dim))
    stack.output(layer, out)
    stack.params(layer, times(vocab, dim.symbol), note="one vector of E numbers per token of "
                                                       "the vocabulary; a lookup, no bias")
    stack.receptive = None
    return out


# -- layers that keep the shape ---------------------------------------------------------------
def dropout(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    stack.given(layer.name("rate"), o.rate, "drop rate (no effect on shapes or parameters)",
                layer.symbol("p"), layer.group)
    stack.output(layer, x)
    stack.no_params(layer, "dropout zeroes random units while training; it has no weights")
    return x


def batchnorm(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    c = x.axes[-1]
    stack.output(layer, x)
    stats = stack.conventions["batchnorm_params"] == "with_running_stats"
    learned = 2 if o.affine else 0
    count = learned + (2 if stats else 0)
    if count == 0:
        stack.no_params(layer, "affine: false, so nothing is learned; the running mean and "
                               "variance are not counted (batchnorm_params: trainable)")
        return x
    alternatives = []
    if o.affine and stats:
        alternatives.append(Misconception(
            "running-stats-forgotten", "the running mean and variance were left out; this "
                                       "course counts them (batchnorm_params: with_running_stats)",
            times(2, c.symbol)))
    elif o.affine:
        alternatives.append(Misconception(
            "running-stats-counted", "the running mean and variance were counted: they are "
                                     "statistics, not trained parameters (Keras lists them "
                                     "as non-trainable)", times(4, c.symbol)))
    note = {(True, False): "a scale γ and a shift β per channel (batchnorm_params: trainable)",
            (True, True): "γ, β, the running mean and the running variance per channel "
                          "(batchnorm_params: with_running_stats)",
            (False, True): "affine: false, so only the running mean and variance per channel"}
    stack.params(layer, times(count, c.symbol), alternatives=alternatives,
                 note=note[(o.affine, stats)])
    if stats:
        stack.frozen.append(times(2, c.symbol))
    return x


def activation(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    stack.output(layer, x)
    stack.no_params(layer, f"{layer.kind} only transforms the values; it has no weights")
    return x


KINDS: Mapping[str, Callable[[Stack, Layer, Any, Tensor], Tensor]] = {
    "conv": conv, "conv_transpose": conv_transpose, "maxpool": pool, "avgpool": pool,
    "global_avgpool": global_pool, "global_maxpool": global_pool, "flatten": flatten,
    "dense": dense, "dropout": dropout, "batchnorm": batchnorm, "embedding": embedding,
}


def derive(stack: Stack, layer: Layer, options: Options, x: Tensor) -> Tensor:
    return KINDS.get(layer.kind, activation)(stack, layer, options, x)


# -- parameters and multiply-adds ----------------------------------------------------------------
def _groups(stack: Stack, layer: Layer, groups: int | str, c_in: Axis, k: Axis):
    c, filters = stack.value(c_in), stack.value(k)
    if groups == "depthwise":
        if stack.numeric(c, filters) and filters % c:
            raise layer.error(f"a depthwise convolution needs a multiple of the {c} input "
                              f"channels as filters, not {filters}", "filters")
        return None
    if groups == 1:
        return None
    for what, count in (("input channels", c), ("filters", filters)):
        if stack.numeric(count) and count % groups:
            raise layer.error(f"groups {groups} does not divide the {count} {what}", "groups")
    return stack.given(layer.name("groups"), groups, "groups (each filter sees C_in/G channels)",
                       layer.symbol("G"), layer.group)


def _filter_params(stack: Stack, layer: Layer, kernel: Hyper, c_in: Axis, k: Axis, groups,
                   depthwise: bool, bias: bool) -> sympy.Expr:
    """The parameters of a (transposed) convolution, (F·F·C_in/G + 1)·K; returns the weights
    per filter, F·F·C_in/G, which its multiply-adds are counted from."""
    area = squared(kernel.h) if kernel.square else times(kernel.h, kernel.w)
    per_filter = area if depthwise else over(times(area, c_in.symbol), groups)
    full = times(area, c_in.symbol)
    alternatives = []
    if not depthwise:
        alternatives.append(Misconception(
            "input-channels-forgotten", "the input channels were forgotten: each filter spans "
                                        "all input channels (F·F·C weights)",
            times(plus(area, 1) if bias else area, k.symbol)))
    if depthwise or groups is not None:
        alternatives.append(Misconception(
            "groups-ignored", "every filter was counted over all input channels, as in a "
                              "standard convolution; with groups each filter sees only "
                              "C_in/groups of them",
            times(plus(full, 1) if bias else full, k.symbol)))
    _weighted_params(stack, layer, per_filter, k.symbol, bias, alternatives=alternatives,
                     note=_conv_params_note(depthwise, groups, bias))
    return per_filter


def _conv_params_note(depthwise: bool, groups, bias: bool) -> str:
    if depthwise:
        text = "depthwise: each filter sees one input channel (F·F weights)"
    elif groups is not None:
        text = "grouped: each filter sees C_in/G input channels (F·F·C_in/G weights)"
    else:
        text = "each filter has F·F·C_in weights"
    return text + (", plus one bias" if bias else "; no bias (bias: false)")


def _weighted_params(stack: Stack, layer: Layer, per_unit, units, bias: bool, *, alternatives,
                     note: str) -> None:
    """(weights per unit + 1)·units, the bias term only when the layer has one."""
    if bias:
        formula = times(plus(per_unit, 1), units)
        alternatives = [Misconception("bias-forgotten", BIAS_FORGOTTEN, times(per_unit, units)),
                        *alternatives]
    else:
        formula = times(per_unit, units)
        alternatives = [Misconception("bias-counted", BIAS_COUNTED,
                                    times(plus(per_unit, 1), units)), *alternatives]
    stack.params(layer, formula, alternatives=alternatives, note=note)


def _weighted_macs(stack: Stack, layer: Layer, products, outputs, bias: bool, *,
                   weights, positions: str | None = "output") -> None:
    """One multiply-add per weight use (`products`); one more per output for the bias when
    the convention counts it. `weights` is what a student who forgot the positions writes;
    `positions` says which positions each weight is used at (output for a convolution, input
    for a transposed one, none for a dense layer on a vector)."""
    with_bias = stack.conventions["macs"] == "with_bias" and bias
    formula = plus(products, outputs) if with_bias else products
    alternatives = []
    if positions is not None:
        alternatives.append(Misconception(
            "positions-forgotten", f"the weights were counted once: each is used at every "
                                   f"{positions} position", weights))
    if bias and with_bias:
        alternatives.append(Misconception("bias-forgotten", "the bias additions were left out "
                                                          "(macs: with_bias counts them)",
                                        products))
    elif bias:
        alternatives.append(Misconception("bias-counted", "the bias additions were counted; "
                                                        "multiply-adds here count weight "
                                                        "products only (macs: without_bias)",
                                        plus(products, outputs)))
    if positions == "input":
        per = ("one multiply-add per weight and input position: a transposed convolution "
               "scatters, so at every input position each weight multiplies the input value of "
               "its channel into one output")
    elif positions == "output":
        per = "one multiply-add per weight and output position"
    else:
        per = "one multiply-add per weight"
    note = per + (
        ", plus one per output for the bias (macs: with_bias)" if with_bias else
        "; no bias (bias: false)" if not bias else
        "; bias additions not counted (macs: without_bias)")
    stack.macs(layer, formula, alternatives=alternatives, note=note)

