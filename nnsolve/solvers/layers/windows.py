"""Sliding windows (convolution and pooling): the output sizes they give, the padding and
dilation they are given, whether a window fits its input, and how the receptive field grows.

Convolutions, transposed convolutions and pooling layers share this arithmetic; each kind
(kinds.py) only says which window it slides and how it rounds.
"""

from __future__ import annotations

from typing import Any, Mapping

import sympy

from nnsolve.derivation import values as V
from nnsolve.derivation.ordered import times
from nnsolve.solvers.layers.formulas import (Window, receptive_field, window_count,
                                             windows_before_padding)
from nnsolve.solvers.layers.spec import Padding, Pair
from nnsolve.solvers.layers.stack import Axis, Hyper, Layer, Stack, Tensor

AXIS_WORD = {"h": "height", "w": "width"}


def image_axes(stack: Stack, layer: Layer, x: Tensor) -> tuple[Axis, Axis, Axis]:
    if x.rank != 3:
        hint = " (T×F, a sequence; an image with one channel has 3 sizes, H×W×1)" \
            if x.rank == 2 else ""
        raise layer.error(f"{layer.kind} takes an image (H×W×C), but its input is "
                          f"{stack.describe(x)}{hint}")
    return x.axes


def padding_hyper(stack: Stack, layer: Layer, padding: Padding) -> Hyper | None:
    if padding.mode != "explicit":
        return None
    label = "padding per side" if stack.conventions["padding"] == "per_side" else \
        "padding (total, both sides together)"
    return stack.hyper(layer, "padding", padding.pair, "P", label)


def dilation_hyper(stack: Stack, layer: Layer, dilation: Pair) -> Hyper | None:
    if dilation.values() == (1, 1):
        return None
    return stack.hyper(layer, "dilation", dilation, "D", "dilation (gap between kernel taps)")


def window_sizes(stack: Stack, layer: Layer, x: Tensor, kernel: Hyper, stride: Hyper,
                 padding: Hyper | None, mode: str, dilation: Hyper | None, rounding: str,
                 kernel_field: str) -> tuple[Axis, Axis]:
    per_side = stack.conventions["padding"] == "per_side"
    windows = {axis: Window(size.symbol, getattr(kernel, axis), getattr(stride, axis),
                            getattr(padding, axis, None), getattr(dilation, axis, None), mode,
                            per_side)
               for axis, size in zip("hw", x.axes[:2])}
    _check_fit(stack, layer, windows, kernel_field)
    sizes = []
    for axis, window in windows.items():
        formula, alternatives = window_count(window, rounding)
        _check_exact(stack, layer, window, rounding, axis)
        note, adjust = _size_note(stack, mode, rounding), None
        if rounding == "ceil" and mode != "same" and (padding is None or per_side):
            adjust = _ceil_mode_rule(stack, window)
            limited = sympy.Min(formula, windows_before_padding(window), evaluate=False)
            if stack.evaluate(limited) != stack.evaluate(formula):
                formula = limited
                note += ("; a last window starting inside the right padding is dropped "
                         "(PyTorch's ceil mode), so at most ⌈(H + P)/S⌉ windows")
        name = layer.name(f"out_{axis}")
        stack.add(name, f"output {AXIS_WORD[axis]} of {layer.prefix}", formula,
                  sympy.Symbol(f"{axis.upper()}_{layer.index}"), group=layer.group,
                  alternatives=alternatives, note=note, adjust=adjust)
        sizes.append(Axis(name, stack.d[name].symbol))
    return sizes[0], sizes[1]


def _size_note(stack: Stack, mode: str, rounding: str) -> str:
    parts = []
    if mode == "same":
        parts.append("same padding: the input is padded so that the output is ⌈H/S⌉")
    elif mode == "valid":
        parts.append("valid: no padding")
    else:
        parts.append(padding_note(stack))
    if mode != "same":
        parts.append({"floor": "rounded down: a window must fit entirely",
                      "ceil": "rounded up (ceil mode): a last, partial window counts",
                      "exact": "the stride must divide exactly (output_size: exact)"}[rounding])
    return "; ".join(parts)


def padding_note(stack: Stack) -> str:
    if stack.conventions["padding"] == "per_side":
        return "P is the padding on each side (2P in all)"
    return "P is the total padding of both sides"


def _check_fit(stack: Stack, layer: Layer, windows: dict, field_name: str) -> None:
    """A kernel larger than its padded input is an error, never a negative size."""
    h = windows["h"]
    if h.mode == "same":
        return
    values = {}
    for axis, window in windows.items():
        size, kernel = stack.of(window.size), stack.of(window.kernel)
        dilation = stack.of(window.dilation) if window.dilation is not None else sympy.Integer(1)
        padding = stack.of(window.padding) if window.padding is not None else sympy.Integer(0)
        if not stack.numeric(size, kernel, dilation, padding):
            return
        values[axis] = (size, kernel, dilation, padding)
    fits = True
    for size, kernel, dilation, padding in values.values():
        room = size + (2 * padding if h.per_side else padding)
        fits = fits and bool(dilation * (kernel - 1) + 1 <= room)
    if fits:
        return
    (hs, hk, hd, hp), (ws, wk, wd, wp) = values["h"], values["w"]
    what = "kernel" if field_name == "kernel" else "pooling window"
    text = f"{what} {hk}×{wk}"
    if (hd, wd) != (1, 1):
        text += f" with dilation {_pair_text(hd, wd)} ({hd * (hk - 1) + 1}×{wd * (wk - 1) + 1} " \
                "effective)"
    if h.mode == "valid":
        padding_text = "no padding (valid)"
    else:
        padding_text = ("padding " if h.per_side else "total padding ") + _pair_text(hp, wp)
    input_text = f"{hs}×{ws}"
    raise layer.error(f"{text} does not fit a {input_text} input with {padding_text}", field_name)


def _pair_text(a, b) -> str:
    return str(a) if a == b else f"{a}×{b}"


def _check_exact(stack: Stack, layer: Layer, window: Window, rounding: str, axis: str) -> None:
    if rounding != "exact":
        return
    numerator = window.size if window.mode == "same" else window.span()
    mapping = {s: stack.of(s) for s in numerator.atoms(sympy.Symbol) | {window.stride}}
    if not stack.numeric(*mapping.values()):
        return
    room, stride = numerator.xreplace(mapping), mapping[window.stride]
    if room % stride:
        raise layer.error(
            f"the output {AXIS_WORD[axis]} is not a whole number: {room}/{stride} + 1 = "
            f"{V.format_value(sympy.Rational(room, stride) + 1)}, and output_size: exact asks "
            "the stride to divide exactly", "stride")


def _ceil_mode_rule(stack: Stack, window: Window):
    """PyTorch's ceil mode drops a last window that would start inside the right padding."""
    size, stride = stack.name_of(window.size), stack.name_of(window.stride)
    padding = stack.name_of(window.padding) if window.padding is not None else None

    def adjust(values: Mapping[str, Any], out: Any) -> Any:
        h, s = values[size], values[stride]
        p = values[padding] if padding is not None else sympy.Integer(0)
        if stack.numeric(out, h, s, p) and (out - 1) * s >= h + p:
            return out - 1
        return out

    return adjust


def check_pool_padding(stack: Stack, layer: Layer, size: Hyper, padding: Hyper | None) -> None:
    if padding is None or stack.conventions["padding"] != "per_side":
        return
    for axis in "hw":
        f, p = stack.of(getattr(size, axis)), stack.of(getattr(padding, axis))
        if stack.numeric(f, p) and 2 * p > f:
            raise layer.error(f"padding {p} is more than half the pooling window {f}: a window "
                              "could hold nothing but padding", "padding")


def check_output_padding(stack: Stack, layer: Layer, window: Window, extra) -> None:
    if extra is None:
        return
    a, s = stack.of(extra), stack.of(window.stride)
    d = stack.of(window.dilation) if window.dilation is not None else sympy.Integer(1)
    if stack.numeric(a, s, d) and a >= max(s, d):
        raise layer.error(f"output padding {a} must be smaller than the stride {s} (or the "
                          "dilation): larger values would add whole new rows", "output_padding")


def extend_receptive_field(stack: Stack, layer: Layer, kernel: Hyper, stride: Hyper,
                           dilation: Hyper | None) -> None:
    """r_out = r_in + D(F − 1)·j_in and j_out = j_in·S, from r = j = 1 at the input."""
    if stack.receptive is None:
        return
    r_h, r_w, j_h, j_w = stack.receptive
    square = not stack.receptive_split and kernel.square and stride.square and (
        dilation is None or dilation.square)
    axes = [("", r_h, j_h)] if square else [("h", r_h, j_h), ("w", r_w, j_w)]
    out = {}
    for axis, r, j in axes:
        suffix = f"_{axis}" if axis else ""
        where = f" ({AXIS_WORD[axis]})" if axis else ""
        r_name, j_name = layer.name(f"receptive_field{suffix}"), layer.name(f"jump{suffix}")
        key = axis or "h"
        r_symbol = stack.add(
            r_name, f"receptive field of {layer.prefix}{where}: input pixels one output sees",
            receptive_field(r.symbol, j.symbol, getattr(kernel, key),
                            getattr(dilation, key, None)), layer.symbol("r", axis),
            group=layer.group, note="r = r_in + D(F − 1)·j_in, starting from r = 1 at the input")
        j_symbol = stack.add(
            j_name, f"jump of {layer.prefix}{where}: input pixels between neighbouring outputs",
            times(j.symbol, getattr(stride, key)), layer.symbol("j", axis), group=layer.group,
            note="j = j_in·S, starting from j = 1 at the input")
        out[key] = (Axis(r_name, r_symbol), Axis(j_name, j_symbol))
    if square:
        out["w"] = out["h"]
    else:
        stack.receptive_split = True
    stack.receptive = (out["h"][0], out["w"][0], out["h"][1], out["w"][1])
