"""The `layers` solver: shapes, units, parameters and multiply-adds of a stack of layers.

    given:
      input: [227, 227, 3]                 # H, W, C (C, H, W with layout: chw), or [N]
      layers:
        - conv: {name: conv1, filters: 96, kernel: 11, stride: 4, padding: 0}
        - maxpool: {size: 3, stride: 2}
        - flatten
        - dense: {units: 256}

Every layer gets its output sizes with the general formula and the numbers put in, its output
shape and units, and its parameters; conv and dense layers also get their multiply-adds. The
stack gets the totals. Sizes may be symbols (`kernel: F`), which gives the general formulas.
"""

from __future__ import annotations

from typing import Mapping

import sympy

from nnsolve.derivation.core import Derivation
from nnsolve.derivation.ordered import times
from nnsolve.solvers.base import Convention, Solver, SolverError
from nnsolve.solvers.layers.kinds import derive
from nnsolve.solvers.layers.spec import LayerEntry, LayersGiven, Pair, Padding
from nnsolve.solvers.layers.stack import ONE, Axis, Layer, Stack, Tensor


class LayersSolver(Solver):
    name = "layers"
    summary = "output shapes, units, parameters and multiply-adds of a stack of layers"
    Given = LayersGiven
    quantities = {
        "<layer>": "a layer's `name:`, or layer1, layer2, ... by position (layer1 is the first)",
        "input.h, input.w, input.c": "the input image's height, width and channels (given)",
        "input_units": "elements of the input: H·W·C (a vector input gives it directly)",
        "<layer>.<option>": "each option as a given: conv1.filters, conv1.kernel (kernel_h and "
                            "kernel_w when rectangular), conv1.stride, conv1.padding, "
                            "conv1.dilation, conv1.groups, pool1.size, dense1.units, ...",
        "<layer>.out_h, <layer>.out_w": "output height and width of a conv or pooling layer",
        "<layer>.output_shape": "the layer's output shape (H×W×C, a vector [N], or T×E)",
        "<layer>.units": "units of the layer: elements of its output (H·W·C); for flatten, the "
                         "flattened size; for dense, its given number of units (on a sequence, "
                         "T·units, the units per position being <layer>.features)",
        "<layer>.params": "the layer's parameters (weights + biases); 0 for layers without "
                          "weights",
        "<layer>.macs": "multiply-adds of a conv, transposed conv or dense layer",
        "<layer>.receptive_field, <layer>.jump": "with receptive_field: true, for conv and "
                                                 "pooling layers: input pixels one output sees, "
                                                 "and the input distance between neighbouring "
                                                 "outputs (…_h and …_w once anything is "
                                                 "rectangular)",
        "output_shape": "output shape of the whole stack",
        "units": "units (elements) of the final output",
        "params": "parameters of the whole stack (sum over the layers)",
        "macs": "multiply-adds of the whole stack (sum over conv and dense layers)",
    }
    principal = ("output_shape", "params")
    conventions = {
        "padding": Convention("per_side", ("per_side", "total"),
                              "P is the padding on each side, 2P in the size formula "
                              "(PyTorch, most slides), or P is the total of both sides"),
        "pooling": Convention("floor", ("floor", "ceil"),
                              "pooling sizes round down, or up (Caffe; PyTorch's ceil_mode); "
                              "a layer's ceil_mode overrides it"),
        "output_size": Convention("floor", ("floor", "exact"),
                                  "a window that does not fit is dropped (floor), or the stride "
                                  "must divide exactly, and anything else is an error"),
        "macs": Convention("without_bias", ("without_bias", "with_bias"),
                           "multiply-adds count the weight products only, or one more per "
                           "output for the bias"),
        "batchnorm_params": Convention("trainable", ("trainable", "with_running_stats"),
                                       "batch norm has 2C parameters (γ, β: PyTorch's "
                                       "parameters, Keras' trainable ones), or 4C with the "
                                       "running mean and variance (Keras' total)"),
        "layout": Convention("hwc", ("hwc", "chw"),
                             "image axes in `input` and in shapes: H×W×C (Keras) or C×H×W "
                             "(PyTorch); a part's `layout:` given says the same"),
    }
    template = {
        "given": {
            "input": [28, 28, 1],
            "layers": [
                {"conv": {"name": "conv1", "filters": 8, "kernel": 3, "activation": "relu"}},
                {"maxpool": {"name": "pool1", "size": 2}},
                "flatten",
                {"dense": {"name": "out", "units": 10, "activation": "softmax"}},
            ],
        },
        "ask": {"output_shape": 1, "conv1.params": 1, "params": 2},
    }

    def solve(self, given: LayersGiven, conventions: Mapping[str, str]) -> Derivation:
        layout = given.layout or conventions["layout"]
        stack = Stack(conventions, layout)
        if given.layout is not None:
            stack.d.conventions["layout"] = layout
        x = _input(stack, given.input, layout)
        if given.receptive_field:
            stack.receptive = (ONE, ONE, ONE, ONE)
        for i, (entry, prefix) in enumerate(zip(given.layers, _prefixes(given.layers))):
            layer = Layer(i + 1, prefix, entry.kind, ("layers", i, entry.kind),
                          group=f"{prefix}: {describe_layer(entry)}")
            x = derive(stack, layer, entry.options, x)
            stack.last_layer = layer
        stack.totals(x, note="conv and dense layers; "
                             + ("bias additions included" if conventions["macs"] == "with_bias"
                                else "bias additions not counted"))
        return stack.d


def _input(stack: Stack, sizes: tuple, layout: str) -> Tensor:
    group = "input"
    if len(sizes) == 1:
        n = stack.given("input_units", sizes[0], "input size (elements of the input vector)",
                        sympy.Symbol("N_0"), group)
        return Tensor((Axis("input_units", n),))
    order = "hwc" if layout == "hwc" else "chw"
    labels = {"h": "input height", "w": "input width", "c": "input channels"}
    axes = {}
    for letter, size in zip(order, sizes):
        symbol = stack.given(f"input.{letter}", size, labels[letter],
                             sympy.Symbol(f"{letter.upper()}_0"), group)
        axes[letter] = Axis(f"input.{letter}", symbol)
    x = Tensor((axes["h"], axes["w"], axes["c"]))
    stack.add("input_units", "elements of the input", times(*(a.symbol for a in stack.shown(x))),
              sympy.Symbol("N_0"), group=group)
    return x


def _prefixes(layers: list[LayerEntry]) -> list[str]:
    """Each layer's `name:`, or layer<i>; two layers may not share one. A clash always involves
    a written name, and is reported there."""
    prefixes = [e.options.name or f"layer{i + 1}" for i, e in enumerate(layers)]
    unnamed = {p: i for i, (e, p) in enumerate(zip(layers, prefixes)) if e.options.name is None}
    named: dict[str, int] = {}
    for i, (entry, prefix) in enumerate(zip(layers, prefixes)):
        if entry.options.name is None:
            continue
        path = ("layers", i, entry.kind, "name")
        if prefix == "input":
            raise SolverError("the name input is taken by the input's sizes; choose another",
                              path)
        if prefix in unnamed:
            j = unnamed[prefix]
            raise SolverError(f"{prefix!r} is the default name of layer {j + 1} (a layer without "
                              "a name is layer<position>); choose another name, or name layer "
                              f"{j + 1} too", path)
        if prefix in named:
            raise SolverError(f"{prefix!r} is already the name of layer {named[prefix] + 1}",
                              path)
        named[prefix] = i
    return prefixes


def describe_layer(entry: LayerEntry) -> str:
    """A layer in a few words, for the heading its quantities are shown under."""
    o, kind = entry.options, entry.kind
    words = []
    if kind in ("conv", "conv_transpose"):
        filters = "depthwise" if o.filters is None else f"{o.filters} filters"
        words.append(f"{kind.replace('_', ' ')}, {filters} {_pair(o.kernel, area=True)}")
        words.append(f"stride {_pair(o.stride)}")
        words.append(_padding(o.padding))
        if o.dilation.values() != (1, 1):
            words.append(f"dilation {_pair(o.dilation)}")
        if o.groups not in (1, "depthwise"):
            words.append(f"groups {o.groups}")
        elif o.groups == "depthwise" and o.filters is not None:
            words.append("depthwise")
        if not o.bias:
            words.append("no bias")
    elif kind in ("maxpool", "avgpool"):
        how = "max" if kind == "maxpool" else "average"
        words.append(f"{how} pooling {_pair(o.size, area=True)}")
        words.append(f"stride {_pair(o.stride or o.size)}")
        if o.padding != Padding("explicit", Pair(0, 0, True)):
            words.append(_padding(o.padding))
        if o.ceil_mode:
            words.append("ceil mode")
    elif kind == "dense":
        words.append(f"dense, {o.units} units" + ("" if o.bias else ", no bias"))
    elif kind == "dropout":
        words.append(f"dropout {o.rate:g}")
    elif kind == "embedding":
        words.append(f"embedding, {o.vocab} tokens × {o.dim}")
    else:
        words.append(kind.replace("_", " "))
    activation = getattr(o, "activation", None)
    text = ", ".join(w for w in words if w)
    return text + (f", then {activation}" if activation else "")


def _pair(pair: Pair, *, area: bool = False) -> str:
    """A kernel is written 11×11 even when given as 11; a stride of 4 stays 4."""
    return f"{pair.h}×{pair.w}" if area or not pair.square else str(pair.h)


def _padding(padding) -> str:
    if isinstance(padding, Pair):
        padding = Padding("explicit", padding)
    if padding.mode != "explicit":
        return f"padding {padding.mode}"
    p = padding.pair
    return f"padding {p.h}" if p.square else f"padding {p.h}×{p.w}"
