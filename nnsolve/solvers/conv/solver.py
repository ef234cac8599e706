"""The `conv` solver: feature maps of given inputs and kernels, as worked on the board.

Small maps are worked element by element (every output a sum of products, the activation and
the pooled elements computed from those elements, so errors carry forward one element at a
time); large ones (a 3×224×224 image through 64 filters) are whole tensors computed with numpy.
given.py reads the given, sizes.py the sizes and their formulas, elements.py and tensors.py
the two views, numeric.py the numpy arithmetic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from nnsolve.solvers.base import Convention, GivenFrom, Solver

if TYPE_CHECKING:
    from nnsolve.derivation.core import Derivation
    from nnsolve.solvers.conv.given import ConvGiven


class ConvSolver(Solver):
    name = "conv"
    summary = "feature maps: convolution (channels, filters, stride, padding, dilation, " \
              "transposed), activation, pooling, softmax"
    Given = GivenFrom("nnsolve.solvers.conv.given:ConvGiven")
    quantities = {
        "x, k, b": "the input, the kernel(s) and the bias",
        "H, W, K, S, P, D, O": "input height and width, kernel size, stride, padding, dilation, "
                               "output padding (Kh, Kw, Sh, … when the two axes differ)",
        "out_h, out_w": "the feature map's height and width: ⌊(H − K + 2P)/S⌋ + 1 "
                        "(dilated, same, transposed: their own formulas)",
        "y": "the feature map(s): a matrix H'×W' (one filter) or a tensor F×H'×W'",
        "y[i,j], y[f,i,j]": "one element: its sum of products (small maps)",
        "a, a[i,j]": "the activation of every element (with `activation`)",
        "pool.K, pool.S, pool.P": "the pooling window, stride and padding",
        "pool_h, pool_w": "the pooled map's height and width",
        "p, p[i,j]": "the pooled map and its elements, each over its window (with `pool`)",
        "z, softmax": "a vector and its softmax (with `softmax`)",
    }
    principal = ("y", "a", "p", "softmax")
    conventions = {
        "convolution": Convention("cross_correlation", ("cross_correlation", "flipped"),
                                  "cross-correlation, what frameworks compute (the kernel "
                                  "slides as written), or true convolution (the kernel turned "
                                  "by 180° first)"),
        "padding": Convention("per_side", ("per_side", "total"),
                              "P zeros on each side (2P in the size formula; PyTorch), or P "
                              "in total (an odd P puts the extra zero below and right)"),
        "pooling": Convention("floor", ("floor", "ceil"),
                              "pooled sizes round down, or up (PyTorch's ceil_mode: a last "
                              "window that starts inside the right padding is dropped)"),
    }
    template = {
        "given": {
            "input": [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0],
                      [0, 1, 1, 0, 0]],
            "kernel": [[1, 0, 1], [0, 1, 0], [1, 0, 1]],
            "stride": 1,
            "padding": 0,
            "activation": "relu",
            "pool": {"type": "max", "size": 2, "stride": 1},
        },
        "ask": ["y", "a", "p"],
    }

    def solve(self, given: ConvGiven, conventions: Mapping[str, str]) -> "Derivation":
        from nnsolve.solvers.conv.build import build
        from nnsolve.solvers.conv.given import read

        return build(read(given, conventions))
