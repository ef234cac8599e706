"""Feature maps with numpy, vectorised: what a large map (3×224×224 through 64 filters) is
computed with, and every map's rule when a student's whole tensor is recomputed.

Arrays are C×H×W (inputs, maps) and F×C/G×kh×kw (kernels, as PyTorch's `conv2d` weight);
a transposed convolution's kernel is C×F/G×kh×kw (PyTorch's `conv_transpose2d` weight).
Padding is given per side as (top, bottom, left, right), already resolved from the
conventions, so these functions know nothing about how a course writes it.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Pair = tuple[int, int]
Sides = tuple[int, int, int, int]


def correlate(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None, stride: Pair,
              padding: Sides, dilation: Pair, groups: int = 1, flip: bool = False) -> np.ndarray:
    """The feature maps F×H'×W' of input C×H×W: each output a window of the zero-padded
    input times the kernel, summed (cross-correlation; `flip` turns the kernel by 180° first,
    which is convolution as mathematics defines it)."""
    if flip:
        kernel = kernel[..., ::-1, ::-1]
    top, bottom, left, right = padding
    padded = np.pad(x, ((0, 0), (top, bottom), (left, right)))
    kh, kw = kernel.shape[-2:]
    (sh, sw), (dh, dw) = stride, dilation
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    # windows C×H'×W'×kh×kw: a view, strided by the stride and the dilation
    windows = sliding_window_view(padded, span, axis=(1, 2))[:, ::sh, ::sw, ::dh, ::dw]
    filters, per_group = kernel.shape[0], x.shape[0] // groups
    out_per_group = filters // groups
    maps = []
    for g in range(groups):
        part = windows[g * per_group:(g + 1) * per_group]
        weights = kernel[g * out_per_group:(g + 1) * out_per_group]
        # im2col and one matrix product: (F/G × C/G·kh·kw) @ (C/G·kh·kw × H'·W')
        columns = np.ascontiguousarray(part.transpose(0, 3, 4, 1, 2)).reshape(
            -1, part.shape[1] * part.shape[2])
        maps.append((weights.reshape(weights.shape[0], -1) @ columns).reshape(
            weights.shape[0], part.shape[1], part.shape[2]))
    out = maps[0] if groups == 1 else np.concatenate(maps)
    if bias is not None:
        out = out + bias[:, None, None]
    return out


def transposed(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None, stride: Pair,
               padding: Pair, output_padding: Pair, dilation: Pair, groups: int = 1,
               flip: bool = False) -> np.ndarray:
    """A transposed convolution: every input element scatters a copy of the kernel, scaled by
    it, to its place in the output (stride S apart); the copies are summed and P rows and
    columns cropped from each side. The output is (H − 1)S − 2P + D(K − 1) + output_padding + 1
    high, as PyTorch's conv_transpose2d."""
    if flip:
        kernel = kernel[..., ::-1, ::-1]
    channels, h, w = x.shape
    kh, kw = kernel.shape[-2:]
    (sh, sw), (ph, pw), (oh, ow), (dh, dw) = stride, padding, output_padding, dilation
    full_h = (h - 1) * sh + dh * (kh - 1) + 1 + oh
    full_w = (w - 1) * sw + dw * (kw - 1) + 1 + ow
    per_group, out_per_group = channels // groups, kernel.shape[1]
    full = np.zeros((out_per_group * groups, full_h, full_w),
                    dtype=np.result_type(x, kernel, float))
    for g in range(groups):
        xs = x[g * per_group:(g + 1) * per_group]
        ks = kernel[g * per_group:(g + 1) * per_group]
        target = full[g * out_per_group:(g + 1) * out_per_group]
        for m in range(kh):
            for n in range(kw):
                # the kernel tap (m, n) of every copy lands on a strided grid of the output
                target[:, m * dh:m * dh + (h - 1) * sh + 1:sh,
                       n * dw:n * dw + (w - 1) * sw + 1:sw] += np.tensordot(
                    ks[:, :, m, n], xs, axes=(0, 0))
    out = full[:, ph:full_h - ph, pw:full_w - pw]
    if bias is not None:
        out = out + bias[:, None, None]
    return out


def pool(x: np.ndarray, kind: str, size: Pair, stride: Pair, padding: Pair,
         out: Pair) -> np.ndarray:
    """Max or average pooling of C×H×W into C×out: windows `size` apart by `stride`, the input
    padded by `padding` on each side (and on the right by as much as a ceil-mode window
    needs). Max pooling ignores padding; average pooling divides by the window's part inside
    the padded input (PyTorch's count_include_pad, ceil mode's overhang not counted)."""
    (kh, kw), (sh, sw), (ph, pw) = size, stride, padding
    h, w = x.shape[1:]
    need_h, need_w = (out[0] - 1) * sh + kh, (out[1] - 1) * sw + kw
    extra_h, extra_w = max(need_h - h - ph, 0), max(need_w - w - pw, 0)
    fill = -np.inf if kind == "max" else 0.0
    padded = np.pad(x.astype(float), ((0, 0), (ph, extra_h), (pw, extra_w)),
                    constant_values=fill)
    windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, ::sh, ::sw][
        :, :out[0], :out[1]]
    if kind == "max":
        return windows.max(axis=(3, 4))
    starts_h, starts_w = np.arange(out[0]) * sh, np.arange(out[1]) * sw
    rows = np.minimum(starts_h + kh, h + 2 * ph) - starts_h
    cols = np.minimum(starts_w + kw, w + 2 * pw) - starts_w
    return windows.sum(axis=(3, 4)) / (rows[:, None] * cols[None, :])


def activation(name: str, x: np.ndarray) -> np.ndarray:
    if name == "relu":
        return np.maximum(x, 0)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "tanh":
        return np.tanh(x)
    raise ValueError(f"no activation {name!r}")
