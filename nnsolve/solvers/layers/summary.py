"""The per-layer summary a deep-learning user knows from Keras' `model.summary()` and
torchinfo: each layer's name, kind, output shape, parameters and multiply-adds, then the
totals, trainable and not.

It is a quantity of kind table, computed from the layers' own quantities: every renderer shows
it as a table, and a student's filled-in summary is graded cell by cell, with the errors of
earlier answers carried forward. The trainable / non-trainable split is derived too.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation.structures import TableValue
from nnsolve.derivation.ordered import difference, total
from nnsolve.solvers.layers.stack import Stack

HEADER = ("layer", "kind", "output shape", "params", "multiply-adds")


def summary_table(stack: Stack) -> None:
    d = stack.d
    group = "whole stack"
    rows: list[tuple] = []
    for layer, _, _ in stack.rows:
        cells = [layer.prefix, layer.kind, layer.name("output_shape")]
        for field in ("params", "macs"):
            cells.append(layer.name(field) if layer.name(field) in d.quantities else
                         sympy.Integer(0))
        rows.append(tuple(cells))
    rows.append(("total", "model", "output_shape", "params", "macs"))
    # cells that name a quantity hold its value; the names, kinds and blanks are labels
    refs = {(i, j) for i, row in enumerate(rows) for j, cell in enumerate(row)
            if j >= 2 and isinstance(cell, str) and cell in d.quantities}
    inputs = tuple(dict.fromkeys(rows[i][j] for i, j in sorted(refs)))

    def rule(v, rows=tuple(rows), refs=frozenset(refs)):
        return TableValue(HEADER, (tuple(v[c] if (i, j) in refs else c
                                         for j, c in enumerate(row))
                                   for i, row in enumerate(rows)))

    d.add("summary", "summary of the layers (as model.summary() and torchinfo show it)",
          rule=rule, inputs=inputs, value=rule({n: d[n].value for n in inputs}), kind="table",
          group=group, note="a block's parameters and multiply-adds are the sums over its "
                            "layers; the total counts each layer once")
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
