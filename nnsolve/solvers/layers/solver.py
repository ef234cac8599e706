"""The `layers` solver: shapes, units, parameters and multiply-adds of a stack of layers.

    given:
      input: [227, 227, 3]                 # H, W, C (C, H, W with layout: chw), or [N]
      layers:
        - conv: {name: conv1, filters: 96, kernel: 11, stride: 4, padding: 0}
        - maxpool: {size: 3, stride: 2}
        - flatten
        - dense: {units: 256}

Every layer gets its output sizes with the general formula and the numbers put in, its output
shape and units, and its parameters; layers with weights also get their multiply-adds. Blocks
(`block`, `repeat`, `residual`, `concat` with branches) hold layers of their own and get the sums
over them. The stack gets the totals, split into trainable and not, and a summary table. Sizes may be symbols (`kernel: F`), which gives the general formulas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from nnsolve.solvers.base import Convention, GivenFrom, Solver

if TYPE_CHECKING:
    from nnsolve.derivation.core import Derivation
    from nnsolve.solvers.layers.entries import LayersGiven


class LayersSolver(Solver):
    name = "layers"
    summary = "output shapes, units, parameters and multiply-adds of a stack of layers"
    Given = GivenFrom("nnsolve.solvers.layers.entries:LayersGiven")
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
        "<block>.<layer>.<quantity>": "a layer inside a block (block, residual, concat) is "
                                      "named inside it: fire2.squeeze.params; a repeat's "
                                      "copies are <repeat>.1, <repeat>.2, ...; unnamed layers "
                                      "are layer<j>, shortcut<j> or branch<b>.layer<j>",
        "<block>.output_shape, <block>.params, <block>.macs": "a block's output, and the sums "
                                                              "over its layers",
        "<layer>.channels": "channels (or features) of a concat: the joined outputs' added up",
        "<layer>.hidden, <layer>.features": "a recurrent layer's units (hidden state) and, when "
                                            "bidirectional, its 2·units output features",
        "<layer>.head_dim": "features per head of multi-head attention (E/h)",
        "<layer>.out_t": "output steps of a conv1d",
        "trainable_params, non_trainable_params": "the split of params: batch norm's running "
                                                  "mean and variance are not trained "
                                                  "(batchnorm_params: with_running_stats)",
        "output_shape": "output shape of the whole stack",
        "units": "units (elements) of the final output",
        "params": "parameters of the whole stack (sum over the layers)",
        "macs": "multiply-adds of the whole stack (sum over the layers with weights)",
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
        "recurrent_bias": Convention("pytorch", ("pytorch", "keras"),
                                     "bias vectors per gate of rnn, lstm and gru: two (PyTorch's "
                                     "b_ih and b_hh), or one (Keras; its GRU keeps two, for "
                                     "reset_after); a layer's `biases` overrides it"),
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
        from nnsolve.solvers.layers.build import build

        return build(given, conventions)
