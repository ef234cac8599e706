"""Building the `layers` derivation: the input, the walk over the layers, the totals and the
summary. Kept apart from the solver's declaration (solver.py), which the command line reads
without building anything.
"""

from __future__ import annotations

from typing import Mapping

import sympy

from nnsolve.derivation.core import Derivation
from nnsolve.derivation.ordered import times
from nnsolve.solvers.layers.blocks import walk
from nnsolve.solvers.layers.entries import LayersGiven
from nnsolve.solvers.layers.stack import ONE, Axis, Stack, Tensor
from nnsolve.solvers.layers.summary import summary_table


def build(given: LayersGiven, conventions: Mapping[str, str]) -> Derivation:
    """The derivation of a stack: its input, every layer and block in turn, the totals and
    the summary table."""
    layout = given.layout or conventions["layout"]
    stack = Stack(conventions, layout)
    if given.layout is not None:
        stack.d.conventions["layout"] = layout
    x = _input(stack, given.input, layout)
    if given.receptive_field:
        stack.receptive = (ONE, ONE, ONE, ONE)
    stack.outputs["input"] = x
    x = walk(stack, given.layers, "", ("layers",), x)
    stack.totals(x, note="layers with weights; "
                         + ("bias additions included" if conventions["macs"] == "with_bias"
                            else "bias additions not counted"))
    summary_table(stack)
    return stack.d


def _input(stack: Stack, sizes: tuple, layout: str) -> Tensor:
    group = "input"
    if len(sizes) == 1:
        n = stack.given("input_units", sizes[0], "input size (elements of the input vector)",
                        sympy.Symbol("N_0"), group)
        return Tensor((Axis("input_units", n),))
    if len(sizes) == 2:
        axes = []
        for letter, size, label in (("t", sizes[0], "input steps (sequence length)"),
                                    ("f", sizes[1], "input features per step")):
            symbol = stack.given(f"input.{letter}", size, label,
                                 sympy.Symbol(f"{letter.upper()}_0"), group)
            axes.append(Axis(f"input.{letter}", symbol))
        x = Tensor(tuple(axes))
        stack.add("input_units", "elements of the input", times(*(a.symbol for a in axes)),
                  sympy.Symbol("N_0"), group=group)
        return x
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
