"""The given of the `conv` solver, and its reading into a checked `Setup`.

Arrays are written as nested lists (a matrix, C×H×W channels, F×C×kh×kw filters) or generated
(`{random: {shape: [3, 224, 224], seed: 0}}`, `{ones: [3, 3]}`) when they are too large to
write. They are checked here by hand rather than by pydantic's unions, so a ragged row or a
word among numbers is named by its place (`input[1][2]`). Nothing here imports numpy or sympy
at module level: `nnsolve schema conv` reads this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, Mapping, Union

from pydantic import Field, StrictBool, StrictFloat, StrictInt

from nnsolve.solvers.base import Given, SolverError

Number = Union[StrictInt, StrictFloat]
Size = Union[StrictInt, list[StrictInt]]

#: elements an input, a kernel or a feature map may have (a 3×224×224 image through 64
#: filters makes 3,154,176): more is refused before anything is allocated
MAX_ELEMENTS = 4_000_000
#: multiply-adds one part may ask for
MAX_PRODUCTS = 500_000_000


class RandomArray(Given):
    shape: list[StrictInt] = Field(min_length=1, max_length=4,
                                   description="the array's shape, e.g. [3, 224, 224]")
    seed: StrictInt = Field(0, ge=0, description="numpy's default_rng seed")
    low: Number = Field(-1, description="values are uniform in [low, high)")
    high: Number = Field(1, description="values are uniform in [low, high)")


class Generated(Given):
    """An array too large to write out."""

    random: RandomArray | None = Field(None, description="uniform random values, seeded")
    ones: list[StrictInt] | None = Field(None, min_length=1, max_length=4,
                                         description="an array of ones of this shape")


Array = Union[list[Any], Generated]


class PoolGiven(Given):
    type: Literal["max", "average"] = Field("max", description="max or average pooling")
    size: Size = Field(2, description="the window, k or [kh, kw]")
    stride: Size | None = Field(None, description="default: the window size (no overlap)")
    padding: Size = Field(0, description="per side, as PyTorch: max pooling ignores it, "
                                         "average pooling counts it as zeros")


class ConvGiven(Given):
    input: Array = Field(description="a matrix H×W, or channels C×H×W as a list of matrices "
                                     "(or {random: {shape, seed}} / {ones: shape})")
    kernel: Array = Field(description="kh×kw (one filter, one channel), C×kh×kw (one filter) "
                                      "or F×C×kh×kw (F filters); transposed: C×F×kh×kw as "
                                      "PyTorch's conv_transpose2d weight")
    bias: Number | list[Number] | Generated | None = Field(
        None, description="one number per filter (or {random: {shape: [F]}}, {ones: [F]})")
    stride: Size = Field(1, description="S, or [S_h, S_w]")
    padding: Size | Literal["same", "valid"] = Field(
        0, description="zeros around the input: P, [P_h, P_w] (per side or total by the "
                       "padding convention), same (output ⌈H/S⌉) or valid (none)")
    dilation: Size = Field(1, description="D, gaps between kernel taps: a kernel spans "
                                          "D(K − 1) + 1")
    groups: StrictInt = Field(1, ge=1, description="grouped convolution: channels and filters "
                                                   "split into this many groups")
    transposed: StrictBool = Field(False, description="a transposed convolution: every input "
                                                      "element scatters a scaled kernel copy")
    output_padding: Size = Field(0, description="transposed: rows and columns added at the end")
    activation: Literal["relu", "sigmoid", "tanh"] | None = Field(
        None, description="applied to every element of the feature map")
    pool: PoolGiven | None = Field(None, description="pooling after the activation")
    softmax: list[Number] | None = Field(None, min_length=1, max_length=1000,
                                         description="a vector whose softmax is asked too")
    detail: Literal["auto", "elements", "tensor"] = Field(
        "auto", description="elements: every output a worked sum y[i,j]; tensor: whole maps "
                            "with numpy; auto: elements for small maps")


# -- the checked setup ------------------------------------------------------------------------
Pair = tuple[int, int]


@dataclass(frozen=True)
class Pooling:
    kind: str                 # "max" or "average"
    size: Pair
    stride: Pair
    padding: Pair


@dataclass(frozen=True)
class Setup:
    """The given, checked: arrays as written (nested tuples, exact numbers kept) or generated
    (numpy arrays), their sizes, and the window arithmetic's numbers per axis."""

    x: Any                    # H×W or C×H×W
    kernel: Any               # kh×kw, C×kh×kw or F×C×kh×kw (transposed: C×F×kh×kw)
    bias: Any                 # None, a number (one map) or one number per filter
    generated: tuple[str, ...]  # which of input, kernel were generated
    channels: int
    height: int
    width: int
    filters: int
    kh: int
    kw: int
    stride: Pair
    padding_mode: str         # explicit, same, valid
    padding: Pair             # as given (per side or total), explicit only
    dilation: Pair
    groups: int
    transposed: bool
    output_padding: Pair
    activation: str | None
    pool: Pooling | None
    softmax: tuple | None
    detail: str
    flip: bool
    per_side: bool
    ceil: bool

    @property
    def one_map(self) -> bool:
        """One output map (a matrix) rather than F of them (a tensor)."""
        return _rank(self.kernel) < 4

    @property
    def input_rank(self) -> int:
        return _rank(self.x)


def _rank(array: Any) -> int:
    if hasattr(array, "ndim"):
        return int(array.ndim)
    rank = 0
    while isinstance(array, (list, tuple)):
        rank, array = rank + 1, array[0]
    return rank


def _pair(value: Any, field: str | tuple, low: int) -> Pair:
    path = field if isinstance(field, tuple) else (field,)
    if isinstance(value, int):
        if value < low:
            raise SolverError(f"must be at least {low}, not {value}", path)
        value = [value, value]
    if len(value) != 2:
        raise SolverError(f"give one number or two ([height, width]), not {len(value)}", path)
    for k, v in enumerate(value):
        if v < low:
            raise SolverError(f"must be at least {low}, not {v}", path + (k,))
    return value[0], value[1]


def _checked_array(value: Any, field: str, ranks: tuple[int, ...]) -> tuple[Any, tuple]:
    """A nested list as a tuple array with its shape, every row as long as the first and
    every element a finite number; refused by place otherwise."""
    if isinstance(value, Generated):
        return _generated(value, field, ranks)
    shape, level = [], value
    while isinstance(level, list):
        if not level:
            raise SolverError("an empty list", (field,))
        shape.append(len(level))
        level = level[0]
    if len(shape) not in ranks:
        raise SolverError(f"an array of {_axes(ranks)} axes, not {len(shape)}", (field,))
    if math.prod(shape) > MAX_ELEMENTS:
        raise SolverError(f"{math.prod(shape):,} elements; the limit is {MAX_ELEMENTS:,}",
                          (field,))

    def check(item, depth, path):
        if depth == len(shape):
            if isinstance(item, bool) or not isinstance(item, (int, float)):
                raise SolverError(f"not a number: {item!r}", path)
            if not math.isfinite(item):
                raise SolverError(f"not a finite number: {item}", path)
            return item
        if not isinstance(item, list):
            raise SolverError(f"expected a list of {shape[depth]}", path)
        if len(item) != shape[depth]:
            raise SolverError(f"{len(item)} entries where the first has {shape[depth]} "
                              "(rows must be equally long)", path)
        return tuple(check(v, depth + 1, path + (k,)) for k, v in enumerate(item))

    return check(value, 0, (field,)), tuple(shape)


def _axes(ranks: tuple[int, ...]) -> str:
    return " or ".join(str(r) for r in ranks)


def _generated(value: Generated, field: str, ranks: tuple[int, ...]) -> tuple[Any, tuple]:
    if (value.random is None) == (value.ones is None):
        raise SolverError("give either random: {shape, seed} or ones: shape", (field,))
    shape = tuple(value.random.shape if value.random is not None else value.ones)
    where = (field, "random", "shape") if value.random is not None else (field, "ones")
    if len(shape) not in ranks:
        raise SolverError(f"an array of {_axes(ranks)} axes, not {len(shape)}", where)
    if any(n < 1 for n in shape):
        raise SolverError("every size is at least 1", where)
    if math.prod(shape) > MAX_ELEMENTS:
        raise SolverError(f"{math.prod(shape):,} elements; the limit is {MAX_ELEMENTS:,}", where)
    import numpy as np

    if value.ones is not None:
        return np.ones(shape), shape
    r = value.random
    if not (math.isfinite(r.low) and math.isfinite(r.high) and r.low < r.high):
        raise SolverError("low must be below high, both finite", (field, "random"))
    return np.random.default_rng(r.seed).uniform(r.low, r.high, shape), shape


def read(given: ConvGiven, conventions: Mapping[str, str]) -> Setup:
    """The given checked against itself: channels against the kernel, the kernel against the
    padded input, groups against channels and filters, sizes against the limits."""
    transposed = given.transposed
    x, x_shape = _checked_array(given.input, "input", (2, 3))
    kernel, k_shape = _checked_array(given.kernel, "kernel", (2, 3, 4))
    channels, height, width = (1, *x_shape) if len(x_shape) == 2 else x_shape
    groups = given.groups
    kh, kw = k_shape[-2:]
    if len(k_shape) == 4:
        k_in, k_out = (k_shape[0], k_shape[1]) if transposed else (k_shape[1], k_shape[0])
    elif len(k_shape) == 3:
        k_in, k_out = k_shape[0], 1
    else:
        k_in, k_out = 1, 1
    if transposed:
        filters = k_out * groups
        if k_in != channels:
            raise SolverError(f"a transposed kernel is C×F×kh×kw with C = {channels} input "
                              f"channels, but it has {k_in}", ("kernel",))
    else:
        filters = k_out
        if len(k_shape) == 2 and channels != 1:
            raise SolverError(f"a {kh}×{kw} kernel takes one channel; the input has {channels}: "
                              f"give it as {channels}×{kh}×{kw}", ("kernel",))
        if k_in * groups != channels:
            raise SolverError(f"the kernel has {k_in} channel(s) per filter, but the input has "
                              f"{channels}" + (f" in {groups} groups" if groups > 1 else ""),
                              ("kernel",))
    if channels % groups or filters % groups:
        raise SolverError(f"{groups} groups must divide the {channels} channels and the "
                          f"{filters} filters", ("groups",))
    stride = _pair(given.stride, "stride", 1)
    dilation = _pair(given.dilation, "dilation", 1)
    output_padding = _pair(given.output_padding, "output_padding", 0)
    mode = given.padding if isinstance(given.padding, str) else "explicit"
    padding = _pair(given.padding, "padding", 0) if mode == "explicit" else (0, 0)
    if transposed:
        if mode != "explicit":
            raise SolverError("a transposed convolution takes a number of rows and columns to "
                              "crop, not same or valid", ("padding",))
        if any(o >= max(s, d) for o, s, d in zip(output_padding, stride, dilation)):
            raise SolverError("output_padding must be smaller than the stride or the dilation",
                              ("output_padding",))
    elif output_padding != (0, 0):
        raise SolverError("output_padding belongs to a transposed convolution",
                          ("output_padding",))
    bias = _bias(given.bias, filters, len(k_shape) < 4)
    setup = Setup(
        x=x, kernel=kernel, bias=bias,
        generated=tuple(f for f, v in (("input", given.input), ("kernel", given.kernel))
                        if isinstance(v, Generated)),
        channels=channels, height=height, width=width, filters=filters, kh=kh, kw=kw,
        stride=stride, padding_mode=mode, padding=padding, dilation=dilation, groups=groups,
        transposed=transposed, output_padding=output_padding, activation=given.activation,
        pool=_pooling(given.pool), softmax=tuple(given.softmax) if given.softmax else None,
        detail=given.detail, flip=conventions["convolution"] == "flipped",
        per_side=conventions["padding"] == "per_side", ceil=conventions["pooling"] == "ceil")
    for k, z in enumerate(setup.softmax or ()):
        if not math.isfinite(z):
            raise SolverError(f"not a finite number: {z}", ("softmax", k))
    return setup


def _bias(bias: Any, filters: int, one_map: bool) -> Any:
    if bias is None:
        return None
    if isinstance(bias, Generated):
        bias = [float(b) for b in _generated(bias, "bias", (1,))[0]]
    values = [bias] if not isinstance(bias, list) else bias
    for k, b in enumerate(values):
        if not math.isfinite(b):
            raise SolverError(f"not a finite number: {b}", ("bias",) + ((k,) if
                                                                      isinstance(bias, list) else ()))
    if len(values) != filters:
        raise SolverError(f"{len(values)} bias value(s) for {filters} filter(s)", ("bias",))
    return values[0] if one_map else tuple(values)


def _pooling(pool: PoolGiven | None) -> Pooling | None:
    if pool is None:
        return None
    size = _pair(pool.size, ("pool", "size"), 1)
    stride = _pair(pool.stride, ("pool", "stride"), 1) if pool.stride is not None else size
    padding = _pair(pool.padding, ("pool", "padding"), 0)
    if any(2 * p > k for p, k in zip(padding, size)):
        raise SolverError("pooling padding is at most half the window", ("pool", "padding"))
    return Pooling(pool.type, size, stride, padding)
