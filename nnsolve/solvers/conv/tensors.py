"""Large maps as whole tensors: one quantity per map, computed with numpy (im2col and one
matrix product per group), its rule the same numpy code, so a student's whole tensor is still
recomputed and graded element by element; the renderers summarise it.
"""

from __future__ import annotations

import numpy as np

from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.solvers.conv import numeric
from nnsolve.solvers.conv.given import Setup
from nnsolve.solvers.conv.sizes import Sizes

#: a map of integers up to this many elements keeps them exact (integers); a larger one is
#: carried as floats, which numpy and the renderers handle quickly
EXACT_UP_TO = 10_000


def build(d: Derivation, s: Setup, sizes: Sizes, groups: dict[str, str], exact: bool) -> None:
    inputs = ("x", "k") + (("b",) if s.bias is not None else ())

    def feature_map(flip: bool, with_bias: bool = True):
        @_quiet
        def rule(values):
            x = np.asarray(values["x"], dtype=float)
            x = x[None] if x.ndim == 2 else x
            kernel = _as_4d(np.asarray(values["k"], dtype=float), s)
            bias = np.atleast_1d(np.asarray(values["b"], dtype=float)) \
                if s.bias is not None and with_bias else None
            if s.transposed:
                out = numeric.transposed(x, kernel, bias, s.stride, s.padding,
                                         s.output_padding, s.dilation, s.groups, flip)
            else:
                out = numeric.correlate(x, kernel, bias, s.stride, sizes.sides, s.dilation,
                                        s.groups, flip)
            return _shaped(out[0] if s.one_map else out, exact)

        return rule

    wrong = [Misconception("kernel-not-flipped" if s.flip else "kernel-flipped",
                           "the kernel was not flipped: convolution turns it by 180°" if s.flip
                           else "the kernel was flipped (true convolution); the feature map is "
                                "a cross-correlation, as frameworks compute it",
                           feature_map(not s.flip))]
    if s.bias is not None:
        wrong.append(Misconception("bias-forgotten", "the bias was not added",
                                   feature_map(s.flip, with_bias=False)))
    what = "transposed convolution" if s.transposed else "feature map"
    kind = "matrix" if s.one_map else "tensor"
    d.add("y", what, rule=feature_map(s.flip), inputs=inputs, kind=kind, misconceptions=wrong,
          group=groups["y"], note=_note(s))
    source = "y"
    if s.activation is not None:
        name = s.activation
        d.add("a", f"{name} of the feature map", inputs=("y",), kind=kind, group=groups["a"],
              rule=_quiet(lambda v: _shaped(numeric.activation(name, np.asarray(v["y"],
                                                                                dtype=float)),
                                            exact and name == "relu")),
              note=f"{name} applied to every element")
        source = "a"
    if s.pool is not None:
        pool = s.pool

        def pooled(kind: str, stride):
            @_quiet
            def rule(values):
                x = np.asarray(values[source], dtype=float)
                out = numeric.pool(x[None] if x.ndim == 2 else x, kind, pool.size, stride,
                                   pool.padding, sizes.pooled)
                return _shaped(out[0] if x.ndim == 2 else out, exact and kind == "max")

            return rule

        other = "average" if pool.kind == "max" else "max"
        d.add("p", f"{pool.kind} pooling {pool.size[0]}×{pool.size[1]}", inputs=(source,),
              kind=kind, group=groups["p"], rule=pooled(pool.kind, pool.stride),
              misconceptions=[Misconception(f"{other}-pooling", f"{other} pooling was used "
                                            f"instead of {pool.kind} pooling",
                                            pooled(other, pool.stride))],
              note="max pooling ignores padding" if pool.kind == "max" else
              "average pooling divides by the window's size, padding included")


def _quiet(rule):
    """A numpy rule without overflow warnings: an overflowing map is refused with its reason
    when the derivation is built, and a student's huge numbers are simply wrong."""
    def quiet(values):
        with np.errstate(all="ignore"):
            return rule(values)

    return quiet


def _as_4d(kernel: np.ndarray, s: Setup) -> np.ndarray:
    """Every kernel as F×C/G×kh×kw (transposed: C×F/G×kh×kw)."""
    if kernel.ndim == 4:
        return kernel
    if kernel.ndim == 3:
        return kernel[:, None] if s.transposed else kernel[None]
    return kernel[None, None]


def _shaped(out: np.ndarray, exact: bool):
    """Integers where the inputs were integers and the map is small, else floats."""
    if exact and out.size <= EXACT_UP_TO and np.all(np.abs(out) < 2 ** 52):
        return out.round().astype(np.int64)
    return out


def _note(s: Setup) -> str:
    what = "true convolution (kernel flipped)" if s.flip else "cross-correlation (kernel not " \
                                                             "flipped, as frameworks compute it)"
    if s.transposed:
        return f"{what}: every input element scatters a copy of the kernel scaled by it; the " \
               "copies are summed, computed with numpy"
    return f"{what}: each output is a window of the zero-padded input times the kernel, " \
           "summed; computed with numpy (im2col and one matrix product)"
