"""The sizes of the maps, as the course writes them: ⌊(H − K + 2P)/S⌋ + 1 and its relatives
(dilated, `same`, transposed, pooling floor or ceil), each a count quantity with its formula,
the numbers put in, and the usual wrong versions as misconceptions.

The `layers` solver computes the same sizes for whole networks; the two are kept in agreement
by tests (a solver family imports no other).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.derivation.ordered import minus, over, plus, times
from nnsolve.solvers.base import SolverError
from nnsolve.solvers.conv.given import Setup

GROUP = "sizes"
AXES = ("h", "w")
WORD = {"h": "height", "w": "width"}


@dataclass(frozen=True)
class Sizes:
    """The numbers the maps are computed with: output sizes, and the padding of each side
    (top, bottom, left, right) with the conventions resolved."""

    out: tuple[int, int]
    sides: tuple[int, int, int, int]
    pooled: tuple[int, int] | None


def _pair(d: Derivation, name: str, values: tuple[int, int], label: str,
          written: str | None = None):
    """One quantity for both axes when they agree (K), else one per axis (K_h, K_w)."""
    written = written or name
    if values[0] == values[1]:
        symbol = d.given(name, values[0], label, kind="count", group=GROUP,
                         symbol=sympy.Symbol(written))
        return symbol, symbol
    return tuple(d.given(f"{name}{axis}", v, f"{label} ({WORD[axis]})", kind="count",
                         group=GROUP, symbol=sympy.Symbol(f"{written}_{axis}"))
                 for axis, v in zip(AXES, values))


def _floor(x):
    return sympy.floor(x, evaluate=False)


def _ceil(x):
    return sympy.ceiling(x, evaluate=False)


def add_sizes(d: Derivation, s: Setup) -> Sizes:
    size = (d.given("H", s.height, "input height", kind="count", group=GROUP),
            d.given("W", s.width, "input width", kind="count", group=GROUP))
    kernel = _pair(d, "K", (s.kh, s.kw), "kernel size")
    stride = _pair(d, "S", s.stride, "stride")
    dilation = _pair(d, "D", s.dilation, "dilation") if s.dilation != (1, 1) else (None, None)
    padding = (None, None)
    if s.padding_mode == "explicit" and s.padding != (0, 0):
        padding = _pair(d, "P", s.padding, "padding per side" if s.per_side or s.transposed
                        else "padding (total, both sides)")
    extra = (None, None)
    if s.transposed and s.output_padding != (0, 0):
        extra = _pair(d, "O", s.output_padding, "output padding")
    if not s.transposed and s.padding_mode != "same":
        _check_fit(s, [n for k in range(2) for n in _sides(s, k, 0)])
    out, sides = [], []
    for k, axis in enumerate(AXES):
        axis_args = (size[k], kernel[k], stride[k], padding[k], dilation[k])
        if s.transposed:
            formula, wrong, note = _transposed(*axis_args, extra[k])
        else:
            formula, wrong, note = _forward(s, *axis_args)
        d.add(f"out_{axis}", f"output {WORD[axis]}", formula, kind="count", group=GROUP,
              misconceptions=wrong, note=note, symbol=sympy.Symbol(f"{axis.upper()}'"))
        n = int(d[f"out_{axis}"].value)
        if n < 1:
            raise SolverError(f"the output {WORD[axis]} would be {n}: the kernel does not fit",
                              ("kernel",))
        out.append(n)
        sides += _sides(s, k, n)
    pooled = _pool_sizes(d, s, out) if s.pool is not None else None
    return Sizes((out[0], out[1]), (sides[0], sides[1], sides[2], sides[3]), pooled)


def _span(size, kernel, padding_term, dilation, dilated=True):
    """H − K + 2P, or H + 2P − D(K − 1) − 1 for a dilated kernel."""
    if dilation is None or not dilated:
        return plus(size, minus(kernel), padding_term)
    return plus(size, padding_term, minus(times(dilation, plus(kernel, -1))), -1)


def _forward(s: Setup, size, kernel, stride, padding, dilation):
    if s.padding_mode == "same":
        return _ceil(over(size, stride)), [Misconception(
            "stride-forgotten", "the stride was ignored: with same padding the size is H/S, "
                                "rounded up", size)], "same padding: the output is ⌈H/S⌉"
    term = None if padding is None else (times(2, padding) if s.per_side else padding)
    span = _span(size, kernel, term, dilation)
    formula = plus(_floor(over(span, stride)), 1)
    wrong = [
        Misconception("plus-one-forgotten", "the +1 was left out: the first window position "
                                            "counts too", _floor(over(span, stride))),
        Misconception("stride-forgotten", "the stride was ignored, as if the window moved one "
                                          "pixel at a time", plus(span, 1)),
        Misconception("no-floor", "the division was not rounded down: a window that does not "
                                  "fit is not counted", plus(over(span, stride), 1)),
    ]
    if padding is not None and s.per_side:
        wrong.append(Misconception(
            "padding-once", "the padding was counted once (P instead of 2P): it is added on "
                            "both sides", plus(_floor(over(_span(size, kernel, padding, dilation),
                                                           stride)), 1)))
    if dilation is not None:
        wrong.append(Misconception(
            "dilation-forgotten", "the dilation was ignored: a dilated kernel spans D(K − 1) + 1",
            plus(_floor(over(_span(size, kernel, term, dilation, dilated=False), stride)), 1)))
    note = "a window must fit entirely (rounded down)"
    if padding is not None:
        note += "; P is the padding on each side (2P in all)" if s.per_side else \
            "; P is the total padding of both sides"
    return formula, wrong, note


def _transposed(size, kernel, stride, padding, dilation, extra):
    """(H − 1)S − 2P + D(K − 1) + output_padding + 1: the copies span (H − 1)S + D(K − 1) + 1,
    and P is cropped from each side."""
    spread = times(plus(size, -1), stride)
    reach = plus(times(dilation, plus(kernel, -1)), 1) if dilation is not None else kernel
    crop = minus(times(2, padding)) if padding is not None else None
    formula = plus(spread, crop, reach, extra)
    wrong = [Misconception("forward-formula", "the size of an ordinary convolution was used; "
                                              "a transposed one grows the input",
                           plus(_floor(over(_span(size, kernel, None if padding is None else
                                                  times(2, padding), dilation), stride)), 1))]
    if padding is not None:
        wrong.append(Misconception("padding-added", "the padding was added; a transposed "
                                                    "convolution crops it",
                                   plus(spread, times(2, padding), reach, extra)))
    return formula, wrong, "the kernel copies span (H − 1)S + D(K − 1) + 1; P is cropped " \
                           "from each side"


def _sides(s: Setup, k: int, out: int) -> list[int]:
    """The zeros before and after the input along axis k (`out` counts for `same` only)."""
    if s.transposed:
        return [s.padding[k], s.padding[k]]
    if s.padding_mode == "same":
        size, kernel = (s.height, s.kh) if k == 0 else (s.width, s.kw)
        total = max((out - 1) * s.stride[k] + s.dilation[k] * (kernel - 1) + 1 - size, 0)
        return [total // 2, total - total // 2]
    p = s.padding[k] if s.padding_mode == "explicit" else 0
    return [p, p] if s.per_side else [p // 2, p - p // 2]


def _check_fit(s: Setup, sides: list[int]) -> None:
    for k, (size, kernel) in enumerate(((s.height, s.kh), (s.width, s.kw))):
        reach = s.dilation[k] * (kernel - 1) + 1
        if reach > size + sides[2 * k] + sides[2 * k + 1]:
            raise SolverError(f"a {s.kh}×{s.kw} kernel (spanning {reach} along the "
                              f"{WORD[AXES[k]]}) does not fit the {s.height}×{s.width} input "
                              "with its padding", ("kernel",))


def _pool_sizes(d: Derivation, s: Setup, out: list[int]) -> tuple[int, int]:
    pool = s.pool
    kernel = _pair(d, "pool.K", pool.size, "pooling window", "K_p")
    stride = _pair(d, "pool.S", pool.stride, "pooling stride", "S_p")
    padding = _pair(d, "pool.P", pool.padding, "pooling padding per side", "P_p") \
        if pool.padding != (0, 0) else (None, None)
    rounding = _ceil if s.ceil else _floor
    sizes = []
    for k, axis in enumerate(AXES):
        if pool.size[k] > out[k] + 2 * pool.padding[k]:
            raise SolverError(f"a {pool.size[0]}×{pool.size[1]} pooling window does not fit "
                              f"the {out[0]}×{out[1]} feature map", ("pool", "size"))
        size = d.symbol(f"out_{axis}")
        term = times(2, padding[k]) if padding[k] is not None else None
        span = plus(size, minus(kernel[k]), term)
        formula = plus(rounding(over(span, stride[k])), 1)
        other = plus((_floor if s.ceil else _ceil)(over(span, stride[k])), 1)
        wrong = [Misconception("ceil-used" if not s.ceil else "floor-used",
                               "rounded up (ceil mode), but this pooling rounds down" if not s.ceil
                               else "rounded down, but this pooling rounds up (ceil mode)",
                               other)]
        note = "rounded up (ceil mode)" if s.ceil else "rounded down (a window must fit)"
        if s.ceil:
            limited = sympy.Min(formula, _ceil(over(plus(size, padding[k]), stride[k])),
                                evaluate=False)
            if d.evaluate(limited) != d.evaluate(formula):
                formula = limited
                note += "; a last window starting inside the right padding is dropped " \
                        "(PyTorch's ceil mode)"
        d.add(f"pool_{axis}", f"pooled {WORD[axis]}", formula, kind="count", group=GROUP,
              misconceptions=wrong, note=note, symbol=sympy.Symbol(f"{axis.upper()}''"))
        sizes.append(int(d[f"pool_{axis}"].value))
    return sizes[0], sizes[1]
