"""The per-layer summary a deep-learning user knows from Keras' `model.summary()` and
torchinfo: each layer's name, kind, output shape, parameters and multiply-adds, then the
totals, trainable and not.

Its cells are references to the derived quantities, so every renderer shows the numbers the
derivation holds; the trainable / non-trainable split is derived too, so it can be asked.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation.core import Ref
from nnsolve.derivation.ordered import difference, total
from nnsolve.solvers.layers.stack import Stack

HEADER = ("layer", "kind", "output shape", "params", "multiply-adds")


def summary_table(stack: Stack) -> None:
    d = stack.d
    group = "whole stack"
    if stack.frozen:
        frozen = stack.add("non_trainable_params", "non-trainable parameters (running mean and "
                           "variance of batch norm)", total(stack.frozen),
                           sympy.Symbol("params_frozen"), group=group)
    else:
        frozen = sympy.Integer(0)
        d.add("non_trainable_params", "non-trainable parameters", frozen, kind="count",
              symbol=sympy.Symbol("params_frozen"), group=group,
              note="nothing is frozen: every parameter is trained")
        frozen = sympy.Symbol("params_frozen")
    stack.add("trainable_params", "trainable parameters", difference(sympy.Symbol("params"),
                                                                      frozen),
              sympy.Symbol("params_trained"), group=group)
    rows = []
    for layer, depth, _ in stack.rows:
        name = "  " * depth + layer.prefix
        cells = [name, layer.kind, Ref(layer.name("output_shape"))]
        for field in ("params", "macs"):
            cells.append(Ref(layer.name(field)) if layer.name(field) in d.quantities else
                         ("0" if field == "params" else "–"))
        rows.append(tuple(cells))
    rows.append(("total", "", Ref("output_shape"), Ref("params"), Ref("macs")))
    rows.append(("trainable", "", "", Ref("trainable_params"), ""))
    rows.append(("non-trainable", "", "", Ref("non_trainable_params"), ""))
    d.table("summary", HEADER, rows)
