"""Small maps worked element by element, as on the board: every output y[i,j] a quantity
with its sum of products (`y[1,1] = x[1,1]·k[1,1] + x[1,2]·k[1,2] + … = 1·1 + 1·0 + … = 4`),
the activation and the pooling built from those elements, so one wrong element costs one
element and what a student computes from it is carried forward.

The maps are indexed families (`Derivation.family`) declared by their general formula; zero
padding and the positions a transposed convolution's kernel copies miss are elements outside
the arrays, left out of the worked sums (`outside="omit"`).
"""

from __future__ import annotations

import sympy

from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation
from nnsolve.derivation.functions import relu, sigmoid
from nnsolve.derivation.ordered import plus
from nnsolve.solvers.conv.given import Setup
from nnsolve.solvers.conv.sizes import Sizes

f, c, i, j, m, n, a, b = sympy.symbols("f c i j m n a b", integer=True, positive=True)
ACTIVATIONS = {"relu": relu, "sigmoid": sigmoid, "tanh": sympy.tanh}


class WindowMax(sympy.Max):
    """The max over a pooling window, left as written until its arguments are numbers:
    sympy's Max compares symbolic arguments pairwise, which costs a pooled map seconds."""

    def __new__(cls, *args, **options):
        args = [V.sympy_object(a) for a in args]     # sympy's Max would parse text
        if len(args) == 1 or all(a.is_number for a in args):
            return sympy.Max(*args)
        return super().__new__(cls, *args, evaluate=False)

    def _sympystr(self, printer):
        return "max(" + ", ".join(printer._print(a) for a in self.args) + ")"

    def _latex(self, printer):
        return r"\max\left(" + ", ".join(printer._print(a) for a in self.args) + r"\right)"


def build(d: Derivation, s: Setup, sizes: Sizes, groups: dict[str, str]) -> None:
    X, K = d.indexed("x"), d.indexed("k")
    B = d.indexed("b") if s.bias is not None and not s.one_map else None
    bias = (B[f] if B is not None else d.symbol("b")) if s.bias is not None else None
    index = (i, j) if s.one_map else (f, i, j)
    shape = sizes.out if s.one_map else (s.filters, *sizes.out)
    formula, wrong = (_transposed if s.transposed else _forward)(s, sizes, X, K, bias)
    what = "transposed convolution" if s.transposed else "feature map"
    Y = d.family("y", what, formula, index, shape, outside="omit", misconceptions=wrong,
                 group=groups["y"], note=_note(s, sizes))
    if s.transposed:
        _copies_table(d, s, sizes)
    source = Y
    if s.activation is not None:
        g = ACTIVATIONS[s.activation]
        source = d.family("a", f"{s.activation} of the feature map", g(Y[index]), index, shape,
                          group=groups["a"])
    if s.pool is not None:
        _pool(d, s, sizes, source, groups["p"])


def _flipped(s: Setup, flip: bool):
    """The kernel's row and column for tap (m, n): turned by 180° when `flip`."""
    return (s.kh + 1 - m, s.kw + 1 - n) if flip else (m, n)


def _channel_sum(s: Setup, term, *limits):
    """Σ over the group's channels (when the input has channels) and the given limits."""
    channel = ((c, 1, s.channels // s.groups),) if s.input_rank == 3 else ()
    return sympy.Sum(term, *channel, *limits)


def _input_channel(s: Setup, per_group_filters: int):
    """The input channel of channel c of filter f's group."""
    if s.groups == 1:
        return c
    return c + (s.channels // s.groups) * sympy.floor((f - 1) / per_group_filters)


def _forward(s: Setup, sizes: Sizes, X, K, bias):
    top, _, left, _ = sizes.sides

    def y(flip: bool, stride=s.stride, shift=(0, 0), with_bias=True):
        row = stride[0] * (i - 1) + s.dilation[0] * (m - 1) + 1 - top - shift[0]
        col = stride[1] * (j - 1) + s.dilation[1] * (n - 1) + 1 - left - shift[1]
        km, kn = _flipped(s, flip)
        x = X[row, col] if s.input_rank == 2 else \
            X[_input_channel(s, s.filters // s.groups), row, col]
        k = {2: lambda: K[km, kn], 3: lambda: K[c, km, kn],
             4: lambda: K[f, c, km, kn]}[_kernel_rank(s)]()
        total = _channel_sum(s, x * k, (m, 1, s.kh), (n, 1, s.kw))
        return plus(total, bias if with_bias else None)

    return y(s.flip), _misconceptions(s, y, sizes)


def _transposed(s: Setup, sizes: Sizes, X, K, bias):
    """y[i,j] = Σ_a Σ_b x[a,b]·k[i + P − S(a − 1), j + P − S(b − 1)]: input element (a, b)
    puts its copy of the kernel at row S(a − 1) + 1 − P; the taps that reach (i, j) are summed
    (a tap outside the kernel is no term)."""
    per_group = s.filters // s.groups

    def y(flip: bool, stride=s.stride, shift=(0, 0), with_bias=True):
        tap = [(i - 1 + s.padding[0] - stride[0] * (a - 1)) / s.dilation[0] + 1,
               (j - 1 + s.padding[1] - stride[1] * (b - 1)) / s.dilation[1] + 1]
        if flip:
            tap = [s.kh + 1 - tap[0], s.kw + 1 - tap[1]]
        channel = _input_channel(s, per_group)
        x = X[a, b] if s.input_rank == 2 else X[channel, a, b]
        k = {2: lambda: K[tap[0], tap[1]], 3: lambda: K[c, tap[0], tap[1]],
             4: lambda: K[(channel, f - per_group * sympy.floor((f - 1) / per_group), tap[0], tap[1])]
             if s.groups > 1 else K[c, f, tap[0], tap[1]]}[_kernel_rank(s)]()
        total = _channel_sum(s, x * k, (a, 1, s.height), (b, 1, s.width))
        return plus(total, bias if with_bias else None)

    return y(s.flip), _misconceptions(s, y, sizes, transposed=True)


#: a transposed convolution lists its scattered kernel copies up to this many
COPIES_UP_TO = 16


def _copies_table(d: Derivation, s: Setup, sizes: Sizes) -> None:
    """Where each input element's scaled copy of the kernel lands in the output: the picture
    the board draws of a transposed convolution (one input channel, one output map)."""
    if s.input_rank != 2 or not s.one_map or s.height * s.width > COPIES_UP_TO:
        return
    rows = []
    for a_ in range(s.height):
        for b_ in range(s.width):
            value = s.x[a_][b_]
            copy = [[value * k for k in row] for row in s.kernel]
            top = a_ * s.stride[0] + 1 - s.padding[0]
            left = b_ * s.stride[1] + 1 - s.padding[1]
            bottom = top + s.dilation[0] * (s.kh - 1)
            right = left + s.dilation[1] * (s.kw - 1)
            rows.append((f"x[{a_ + 1},{b_ + 1}]", value, copy,
                         _span_text(top, bottom, sizes.out[0]),
                         _span_text(left, right, sizes.out[1])))
    d.table("Kernel copies: each input element times the kernel, placed S apart "
            "(rows and columns of the output; outside it, cropped)",
            ["input element", "value", "copy x·k", "rows", "columns"], rows)


def _span_text(first: int, last: int, size: int) -> str:
    inside = f"{max(first, 1)}–{min(last, size)}" if first <= size and last >= 1 else "none"
    cropped = first < 1 or last > size
    return f"{inside} (of {first}–{last})" if cropped else inside


def _kernel_rank(s: Setup) -> int:
    return 4 if not s.one_map else (3 if s.input_rank == 3 else 2)


def _misconceptions(s: Setup, y, sizes: Sizes, transposed: bool = False) -> list:
    wrong = []
    if not _symmetric(s.kernel):
        wrong.append(("kernel-not-flipped", "the kernel was not flipped: convolution turns it "
                                            "by 180° (this course's convention)", y(False))
                     if s.flip else
                     ("kernel-flipped", "the kernel was flipped (true convolution); the "
                                        "feature map is a cross-correlation, as frameworks "
                                        "compute it", y(True)))
    if s.stride != (1, 1) and not transposed:
        wrong.append(("stride-ignored", "the stride was ignored: window (i, j) starts S(i − 1) "
                                        "rows down, not i − 1", y(s.flip, stride=(1, 1))))
    top, _, left, _ = sizes.sides
    if not transposed and s.padding_mode == "explicit" and (top or left):
        wrong.append(("padding-one-side", "the zero padding was put on one side only (all of "
                                          "it above and to the left), which shifts every window",
                      y(s.flip, shift=(top, left))))
    if s.bias is not None and any(v != 0 for v in _flat(s.bias)):
        wrong.append(("bias-forgotten", "the bias was not added", y(s.flip, with_bias=False)))
    return wrong


def _flat(value) -> list:
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in _flat(item)]
    return [value]


def _symmetric(kernel) -> bool:
    """Whether turning the kernel by 180° leaves it as it is (then flipping is no mistake)."""
    import numpy as np

    kernel = np.asarray(kernel, dtype=float)
    return bool(np.array_equal(kernel[..., ::-1, ::-1], kernel))


def _pool(d: Derivation, s: Setup, sizes: Sizes, source, group: str) -> None:
    pool = s.pool
    index = (i, j) if s.one_map else (c, i, j)
    shape = sizes.pooled if s.one_map else (s.filters, *sizes.pooled)
    lead = () if s.one_map else (c,)

    def at(stride, u, v):
        return source[(*lead, stride[0] * (i - 1) + u - pool.padding[0],
                       stride[1] * (j - 1) + v - pool.padding[1])]

    def pooled(kind, stride):
        if kind == "max":
            return WindowMax(*[at(stride, u, v) for u in range(1, pool.size[0] + 1)
                               for v in range(1, pool.size[1] + 1)])
        # a sum, not a list of terms: 1/4·(a + b + c + d) stays one fraction of one sum
        window = sympy.Sum(at(stride, m, n), (m, 1, pool.size[0]), (n, 1, pool.size[1]))
        return window / _divisor(d, s, sizes, stride)

    other = "average" if pool.kind == "max" else "max"
    wrong = [(f"{other}-pooling", f"{other} pooling was used instead of {pool.kind} pooling",
              pooled(other, pool.stride))]
    if pool.stride != (1, 1):
        wrong.append(("pool-windows-overlapping", "the windows moved one position at a time; "
                                                  "they move by the pooling stride",
                      pooled(pool.kind, (1, 1))))
    if pool.stride != pool.size:
        wrong.append(("pool-windows-disjoint", "the windows were placed side by side; with a "
                                               "stride smaller than the window they overlap",
                      pooled(pool.kind, pool.size)))
    label = f"{pool.kind} pooling {pool.size[0]}×{pool.size[1]}, stride " + (
        str(pool.stride[0]) if pool.stride[0] == pool.stride[1] else
        f"{pool.stride[0]}×{pool.stride[1]}")
    d.family("p", label, pooled(pool.kind, pool.stride), index, shape, outside="omit",
             misconceptions=wrong, group=group,
             note="each pooled element is taken over its window of the map; "
                  + ("padding is ignored by max pooling" if pool.kind == "max" else
                     "average pooling divides by the window's size, padding included"))


def _divisor(d: Derivation, s: Setup, sizes: Sizes, stride):
    """The window's size K_p·K_p, or in ceil mode its part inside the padded map (PyTorch's
    average pooling does not count a last window's overhang). Written with the window's
    symbols, so the board keeps the average one fraction of one sum."""
    pool, (h, w) = s.pool, sizes.out
    factors = []
    for axis, (size, index) in enumerate(((h, i), (w, j))):
        k, p = pool.size[axis], pool.padding[axis]
        start = stride[axis] * (index - 1) - p
        last = stride[axis] * ((sizes.pooled[axis]) - 1) - p
        if last + k > size + p:      # the last window hangs over the padded map
            factors.append(sympy.Min(start + k, size + p) - start)
        else:
            symbol = "pool.K" if pool.size[0] == pool.size[1] else f"pool.K{'hw'[axis]}"
            factors.append(d.symbol(symbol))
    return sympy.Mul(*factors)


def _note(s: Setup, sizes: Sizes) -> str:
    parts = ["true convolution: the kernel is flipped (k[K + 1 − m, K + 1 − n])" if s.flip
             else "cross-correlation, as frameworks compute it (the kernel is not flipped)"]
    if any(sizes.sides) and not s.transposed:
        parts.append("zero padding adds no terms")
    if s.transposed:
        parts.append("every input element scatters a copy of the kernel scaled by it, "
                     f"{s.stride[0]} apart; the copies are summed" +
                     (f" and {s.padding[0]} row(s) cropped from each side" if s.padding[0] else ""))
    return "; ".join(parts)
