"""The conv solver against torch in float64: conv2d (channels, filters, bias, stride, padding,
dilation, groups), conv_transpose2d, ReLU, max_pool2d and avg_pool2d (ceil mode too), on random
inputs, both worked element by element and as numpy tensors."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from nnsolve.solvers.conv import ConvSolver  # noqa: E402

pytestmark = pytest.mark.oracle


def solve(conventions=None, **given):
    solver = ConvSolver()
    return solver.solve(solver.Given(**given), solver.resolve_conventions(conventions or {}))


def array(value):
    return np.array(value, dtype=float)


def case(seed: int, transposed: bool = False, small: bool = False):
    """A random convolution PyTorch accepts: sizes, channels, groups, stride, padding,
    dilation (and output padding for a transposed one)."""
    rng = np.random.default_rng(seed)
    groups = int(rng.choice([1, 1, 2]))
    channels = groups * int(rng.integers(1, 3))
    filters = groups * int(rng.integers(1, 3))
    kh, kw = (int(v) for v in rng.integers(1, 4, 2))
    stride = [int(v) for v in rng.integers(1, 4, 2)]
    dilation = [int(v) for v in rng.integers(1, 3, 2)]
    size = 4 if small else 9
    reach = (dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1)
    h, w = (int(rng.integers(r, max(size, r) + 1)) for r in reach)
    if transposed:
        padding = [int(rng.integers(0, dilation[0] * (kh - 1) // 2 + 1)),
                   int(rng.integers(0, dilation[1] * (kw - 1) // 2 + 1))]
        output_padding = [int(rng.integers(0, max(s, d))) for s, d in zip(stride, dilation)]
        shape = (channels, filters // groups, kh, kw)
    else:
        padding = [int(v) for v in rng.integers(0, 3, 2)]
        output_padding = [0, 0]
        shape = (filters, channels // groups, kh, kw)
    x = rng.standard_normal((channels, h, w))
    kernel = rng.standard_normal(shape)
    bias = rng.standard_normal(filters)
    given = dict(input=x.tolist(), kernel=kernel.tolist(), bias=bias.tolist(), stride=stride,
                 padding=padding, dilation=dilation, groups=groups)
    if transposed:
        given.update(transposed=True, output_padding=output_padding)
    return given, x, kernel, bias


def torch_conv(given, x, kernel, bias):
    args = (torch.tensor(x)[None], torch.tensor(kernel), torch.tensor(bias))
    if given.get("transposed"):
        return F.conv_transpose2d(*args, stride=given["stride"], padding=given["padding"],
                                  output_padding=given["output_padding"],
                                  groups=given["groups"], dilation=given["dilation"])[0]
    return F.conv2d(*args, stride=given["stride"], padding=given["padding"],
                    dilation=given["dilation"], groups=given["groups"])[0]


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("transposed", [False, True], ids=["conv2d", "conv_transpose2d"])
def test_whole_tensors_agree_with_torch(seed, transposed):
    given, x, kernel, bias = case(seed, transposed)
    d = solve(detail="tensor", **given)
    expected = torch_conv(given, x, kernel, bias).numpy()
    assert array(d["y"].value).shape == expected.shape
    assert np.allclose(array(d["y"].value), expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("transposed", [False, True], ids=["conv2d", "conv_transpose2d"])
def test_worked_elements_agree_with_torch(seed, transposed):
    given, x, kernel, bias = case(100 + seed, transposed, small=True)
    d = solve(detail="elements", **given)
    expected = torch_conv(given, x, kernel, bias).numpy()
    assert "y[1,1,1]" in d
    assert np.allclose(array(d["y"].value), expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", range(24))
@pytest.mark.parametrize("kind", ["max", "average"])
@pytest.mark.parametrize("ceil", [False, True], ids=["floor", "ceil"])
def test_relu_and_pooling_agree_with_torch(seed, kind, ceil):
    rng = np.random.default_rng(1000 + seed)
    x = rng.standard_normal((2, int(rng.integers(5, 11)), int(rng.integers(5, 11))))
    kernel = rng.standard_normal((3, 2, 2, 2))
    size = [int(v) for v in rng.integers(1, 4, 2)]
    stride = [int(v) for v in rng.integers(1, 4, 2)]
    padding = [int(rng.integers(0, k // 2 + 1)) for k in size]
    detail = "elements" if seed % 6 == 0 else "tensor"
    d = solve({"pooling": "ceil" if ceil else "floor"}, input=x.tolist(),
              kernel=kernel.tolist(), activation="relu", detail=detail,
              pool={"type": kind, "size": size, "stride": stride, "padding": padding})
    y = F.relu(F.conv2d(torch.tensor(x)[None], torch.tensor(kernel)))
    pool = F.max_pool2d if kind == "max" else F.avg_pool2d
    expected = pool(y, size, stride, padding, ceil_mode=ceil)[0].numpy()
    assert array(d["p"].value).shape == expected.shape
    assert np.allclose(array(d["p"].value), expected, rtol=0, atol=1e-9)


def test_flipped_convention_is_torch_with_the_kernel_turned():
    given, x, kernel, bias = case(7)
    d = solve({"convolution": "flipped"}, detail="tensor", **given)
    expected = torch_conv(given, x, kernel[..., ::-1, ::-1].copy(), bias).numpy()
    assert np.allclose(array(d["y"].value), expected, rtol=0, atol=1e-9)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("seed", range(6))
def test_same_padding_and_total_padding_agree_with_torch(seed):
    rng = np.random.default_rng(500 + seed)
    x = rng.standard_normal((2, 7, 8))
    kernel = rng.standard_normal((3, 2, int(rng.integers(1, 5)), int(rng.integers(1, 5))))
    d = solve(input=x.tolist(), kernel=kernel.tolist(), padding="same", detail="tensor")
    expected = F.conv2d(torch.tensor(x)[None], torch.tensor(kernel), padding="same")[0]
    assert np.allclose(array(d["y"].value), expected.numpy(), rtol=0, atol=1e-9)
    # padding: total — 3 zeros in all: one above and left, two below and right
    d = solve({"padding": "total"}, input=x.tolist(), kernel=kernel.tolist(), padding=3,
              detail="tensor")
    padded = F.pad(torch.tensor(x)[None], (1, 2, 1, 2))
    expected = F.conv2d(padded, torch.tensor(kernel))[0]
    assert np.allclose(array(d["y"].value), expected.numpy(), rtol=0, atol=1e-9)
