"""Layers on sequences (T steps × F features): recurrent layers, multi-head attention, 1-D
convolution and layer norm.

Recurrent counts follow the frameworks: every gate has an input matrix (U×F), a recurrent
matrix (U×U) and one bias vector (Keras' SimpleRNN and LSTM) or two (PyTorch; Keras' GRU with
its default reset_after). That is where course slides and frameworks disagree most, so the
other convention is the first misconception offered.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from nnsolve.derivation.core import Misconception
from nnsolve.derivation.ordered import over, plus, squared, times, total
from nnsolve.solvers.layers import kinds
from nnsolve.solvers.layers.formulas import Window, window_count
from nnsolve.solvers.layers.stack import Axis, Layer, Stack, Tensor

GATES = {"rnn": 1, "lstm": 4, "gru": 3}
_GATE_WORDS = {"rnn": "one tanh layer", "lstm": "four gates (input, forget, cell, output)",
               "gru": "three gates (reset, update, candidate)"}


def sequence_axes(stack: Stack, layer: Layer, x: Tensor) -> tuple[Axis, Axis]:
    if x.rank != 2:
        raise layer.error(f"{layer.kind} takes a sequence (T×F), but its input is "
                          f"{stack.describe(x)}")
    return x.axes


def _biases(stack: Stack, layer: Layer, o) -> int:
    """Bias vectors per gate: the layer's `biases`, else the convention's (Keras' GRU keeps
    two, for its reset_after default)."""
    if not o.bias:
        return 0
    if o.biases is not None:
        return o.biases
    if stack.conventions["recurrent_bias"] == "pytorch" or layer.kind == "gru":
        return 2
    return 1


def recurrent(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    t, f = sequence_axes(stack, layer, x)
    g = GATES[layer.kind]
    hidden = stack.given(layer.name("hidden"), o.units, "units (size of the hidden state)",
                         layer.symbol("U"), layer.group)
    directions = 2 if o.bidirectional else 1
    b = _biases(stack, layer, o)

    def per_layer(n, biases):
        weights = times(hidden, plus(n, hidden))
        inner = plus(weights, times(biases, hidden)) if biases else weights
        return _scaled(directions, g, inner)

    def count(biases, later_input=None):
        first = per_layer(f.symbol, biases)
        if o.num_layers == 1:
            return first
        later = per_layer(later_input if later_input is not None
                          else (times(directions, hidden) if directions > 1 else hidden), biases)
        return plus(first, times(o.num_layers - 1, later))

    alternatives = []
    if o.bias:
        other = 1 if b == 2 else 2
        alternatives.append(Misconception(
            "bias-convention", f"{other} bias vector{'s' if other > 1 else ''} per gate were "
                               f"counted; this layer has {b} (`recurrent_bias` convention: "
                               "PyTorch has two, Keras one, except GRU's reset_after)",
            count(other)))
    alternatives.append(Misconception(
        "recurrent-weights-forgotten", "the recurrent weights (U×U per gate, from the previous "
                                       "state) were left out", _without_recurrent(
                                           f.symbol, hidden, b, g, directions, o.num_layers)))
    note = f"{_GATE_WORDS[layer.kind]}, each with U·(F + U) weights and {b} bias vector" + \
        ("s" if b != 1 else "") + (", for both directions" if directions > 1 else "") + \
        (f"; later layers of the {o.num_layers} take the previous layer's output"
         if o.num_layers > 1 else "")
    stack.params(layer, count(b), alternatives=alternatives, note=note)
    width = Axis(layer.name("hidden"), hidden)
    if directions > 1:
        name = layer.name("features")
        width = Axis(name, stack.add(name, f"features of {layer.prefix} (both directions)",
                                     times(2, hidden), layer.symbol("D"), group=layer.group))
    out = Tensor((t, width)) if o.return_sequences else Tensor((width,))
    stack.output(layer, out)
    steps = [times(t.symbol, g, hidden, plus(f.symbol, hidden))]
    if o.num_layers > 1:
        inner = times(directions, hidden) if directions > 1 else hidden
        steps.append(times(o.num_layers - 1, t.symbol, g, hidden, plus(inner, hidden)))
    macs = total(steps)
    stack.macs(layer, times(directions, macs) if directions > 1 else macs,
               note="one multiply-add per weight and step; bias additions not counted")
    stack.receptive = None
    return out


def _scaled(*factors_then_term):
    """d·g·(…) with the factors that are 1 left out, as the board writes it."""
    *factors, term = factors_then_term
    return times(*(f for f in factors if f != 1), term)


def _without_recurrent(f, hidden, b, g, directions, num_layers):
    def inner(n):
        return plus(times(hidden, n), times(b, hidden)) if b else times(hidden, n)
    first = _scaled(directions, g, inner(f))
    if num_layers == 1:
        return first
    later = times(directions, hidden) if directions > 1 else hidden
    return plus(first, times(num_layers - 1, _scaled(directions, g, inner(later))))


def attention(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    """Self-attention as torch.nn.MultiheadAttention counts it: Q, K and V projections, the
    output projection, and a bias for each."""
    t, f = sequence_axes(stack, layer, x)
    features = stack.value(f)
    if o.embed is not None and stack.numeric(features) and isinstance(o.embed, int) and \
            o.embed != features:
        raise layer.error(f"the embedding dimension must be the input's {features} features "
                          "(the queries are the input)", "embed")
    embed = f.symbol
    heads = stack.given(layer.name("heads"), o.heads, "attention heads", layer.symbol("h"),
                        layer.group)
    if stack.numeric(features, stack.value(Axis(layer.name("heads"), heads))) and \
            features % stack.value(Axis(layer.name("heads"), heads)):
        raise layer.error(f"{o.heads} heads do not divide the embedding dimension {features}",
                          "heads")
    stack.add(layer.name("head_dim"), "features per head (the heads split the embedding)",
              over(embed, heads), layer.symbol("d"), group=layer.group)
    kdim = embed if o.kdim is None else stack.given(layer.name("kdim"), o.kdim, "key features",
                                                    layer.symbol("d_k"), layer.group)
    vdim = embed if o.vdim is None else stack.given(layer.name("vdim"), o.vdim, "value features",
                                                    layer.symbol("d_v"), layer.group)
    if o.kdim is None and o.vdim is None:
        weights = times(4, squared(embed))
    else:
        weights = plus(times(embed, plus(embed, kdim, vdim)), squared(embed))
    formula = plus(weights, times(4, embed)) if o.bias else weights
    alternatives = [Misconception(
        "heads-multiplied", "the projections were counted once per head: the heads split the "
                            "E features between them, so the weights do not grow with h",
        times(heads, formula))]
    stack.params(layer, formula, alternatives=alternatives,
                 note="Q, K, V and output projections, E×E each (E×d_k, E×d_v for keys and "
                      "values of another width)" + (", and a bias of E for each" if o.bias
                                                    else "; no bias"))
    stack.output(layer, x)
    stack.macs(layer, plus(times(t.symbol, weights), times(2, t.symbol, t.symbol, embed)),
               note="the four projections at every step, then Q·Kᵀ and the weighted sum of V "
                    "(T·T·E each); bias additions not counted")
    stack.receptive = None
    return x


def conv1d(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    t, c_in = sequence_axes(stack, layer, x)
    k = Axis(layer.name("filters"), stack.given(layer.name("filters"), o.filters,
                                                "filters (output channels)", layer.symbol("K"),
                                                layer.group))
    kernel = stack.given(layer.name("kernel"), o.kernel, "kernel size", layer.symbol("F"),
                         layer.group)
    stride = stack.given(layer.name("stride"), o.stride, "stride", layer.symbol("S"),
                         layer.group)
    padding = None
    if o.padding.mode == "explicit":
        padding = stack.given(layer.name("padding"), o.padding.pair.h, "padding per side"
                              if stack.conventions["padding"] == "per_side" else
                              "padding (total)", layer.symbol("P"), layer.group)
    if not o.padding.pair.square:
        raise layer.error("a 1-D convolution takes one padding", "padding")
    dilation = None if o.dilation == 1 else stack.given(
        layer.name("dilation"), o.dilation, "dilation", layer.symbol("D"), layer.group)
    window = Window(t.symbol, kernel, stride, padding, dilation, o.padding.mode,
                    stack.conventions["padding"] == "per_side")
    if o.padding.mode != "same":
        room = stack.evaluate(window.span())
        if stack.numeric(room) and room < 0:
            raise layer.error(f"kernel {o.kernel} does not fit a sequence of "
                              f"{stack.value(t)} steps", "kernel")
    rounding = "exact" if stack.conventions["output_size"] == "exact" else "floor"
    formula, alternatives = window_count(window, rounding)
    name = layer.name("out_t")
    steps = stack.add(name, f"output steps of {layer.prefix}", formula, layer.symbol("T"),
                      group=layer.group, alternatives=alternatives)
    out = Tensor((Axis(name, steps), k))
    stack.output(layer, out)
    groups = kinds._groups(stack, layer, o.groups, c_in, k)
    per_filter = times(kernel, c_in.symbol) if groups is None else \
        over(times(kernel, c_in.symbol), groups)
    if o.groups == "depthwise":
        per_filter = kernel
    kinds._weighted_params(stack, layer, per_filter, k.symbol, o.bias, alternatives=[],
                           note="each filter has F·C_in weights" + ("" if groups is None else
                                                                   " (C_in/G with groups)"))
    outputs = times(steps, k.symbol)
    kinds._weighted_macs(stack, layer, times(outputs, per_filter), outputs, o.bias,
                         weights=times(per_filter, k.symbol))
    stack.receptive = None
    return out


def layernorm(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    f = x.axes[-1]
    stack.output(layer, x)
    if not o.affine:
        stack.no_params(layer, "affine: false, so nothing is learned")
        return x
    stack.params(layer, times(2, f.symbol), alternatives=[Misconception(
        "normalized-positions", "a scale and shift were counted for every element; layer norm "
                                "learns one per feature (the last axis)",
        times(2, *(a.symbol for a in x.axes)))],
        note="a scale γ and a shift β per feature of the last axis (Keras; PyTorch's "
             "LayerNorm(F))")
    return x


KINDS: Mapping[str, Callable[[Stack, Layer, Any, Tensor], Tensor]] = {
    "rnn": recurrent, "lstm": recurrent, "gru": recurrent, "multihead_attention": attention,
    "conv1d": conv1d, "layernorm": layernorm,
}
