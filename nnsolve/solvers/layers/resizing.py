"""Layers that resize without weights: upsampling, adaptive pooling to a fixed k×k, and
reshaping (one size may be -1, worked out from the others)."""

from __future__ import annotations

from typing import Any, Callable, Mapping

import sympy

from nnsolve.derivation.ordered import over, times
from nnsolve.solvers.layers.stack import Axis, Layer, Stack, Tensor
from nnsolve.solvers.layers.windows import AXIS_WORD, image_axes


def upsample(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    h, w, c = image_axes(stack, layer, x)
    factor = stack.hyper(layer, "factor", o.factor, "s", "scale factor")
    sizes = []
    for axis, size in (("h", h), ("w", w)):
        name = layer.name(f"out_{axis}")
        symbol = stack.add(name, f"output {AXIS_WORD[axis]} of {layer.prefix}",
                           times(getattr(factor, axis), size.symbol),
                           sympy.Symbol(f"{axis.upper()}_{layer.index}"), group=layer.group)
        sizes.append(Axis(name, symbol))
    out = Tensor((*sizes, c))
    stack.output(layer, out)
    stack.no_params(layer, "each value is repeated (or interpolated); no weights")
    stack.receptive = None
    return out


def adaptive_pool(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    _, _, c = image_axes(stack, layer, x)
    size = stack.hyper(layer, "size", o.size, "F", "output size (the windows adapt to it)")
    names = (layer.name("size"),) * 2 if size.square else \
        (layer.name("size_h"), layer.name("size_w"))
    out = Tensor((Axis(names[0], size.h), Axis(names[1], size.w), c))
    stack.output(layer, out)
    what = "average" if layer.kind == "adaptive_avgpool" else "maximum"
    stack.no_params(layer, f"the {what} of windows sized to give the asked output; no weights")
    stack.receptive = None
    return out


def reshape(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    """The target's sizes are givens in the order written (the layout's order for an image);
    a -1 is the input's elements over the others."""
    count = times(*(a.symbol for a in x.axes))
    written = o.shape
    letters = {1: ("units",), 2: ("t", "f"),
               3: ("h", "w", "c") if stack.layout == "hwc" else ("c", "h", "w")}[len(written)]
    names = [layer.name("units") if letter == "units" else layer.name(f"out_{letter}")
             for letter in letters]
    symbols: list[Any] = [None] * len(written)
    for i, (size, name, letter) in enumerate(zip(written, names, letters)):
        if size != -1:
            symbols[i] = stack.given(name, size, f"target size ({letter})",
                                     sympy.Symbol(f"{letter.upper()}_{layer.index}"), layer.group)
    if -1 in written:
        i = written.index(-1)
        known = [s for s in symbols if s is not None]
        symbols[i] = stack.add(names[i], f"size worked out from the others ({letters[i]})",
                               over(count, times(*known)) if known else count,
                               sympy.Symbol(f"{letters[i].upper()}_{layer.index}"),
                               group=layer.group)
    axes = {letter: Axis(name, s) for letter, name, s in zip(letters, names, symbols)}
    ordered = tuple(axes[k] for k in ("h", "w", "c")) if len(written) == 3 else \
        tuple(axes[k] for k in letters)
    before, after = stack.evaluate(count), stack.evaluate(times(*(a.symbol for a in ordered)))
    inferred = stack.evaluate(symbols[written.index(-1)]) if -1 in written else 1
    whole = not isinstance(inferred, sympy.Rational) or inferred.is_integer and inferred > 0
    if not whole or stack.numeric(before, after) and before != after:
        raise layer.error(f"{stack.describe(x)} has {before} elements, which cannot be "
                          f"reshaped to {'×'.join(str(v) for v in written)}", "shape")
    out = Tensor(ordered)
    stack.output(layer, out)
    stack.no_params(layer, "reshaping only rearranges the values")
    stack.receptive = None
    return out


KINDS: Mapping[str, Callable[[Stack, Layer, Any, Tensor], Tensor]] = {
    "upsample": upsample, "adaptive_avgpool": adaptive_pool, "adaptive_maxpool": adaptive_pool,
    "reshape": reshape,
}
