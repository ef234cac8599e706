"""Shapes and parameter counts of random layer stacks, checked against torch.nn.

Each stack is grown one layer at a time: a random torch module is built, run on the current
tensor to learn its real output, and written down as the layers spec that should describe it.
The solver then has to agree with torch on every layer's output shape and parameter count.
"""

from __future__ import annotations

import functools
import random

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from nnsolve.solvers.layers import LayersSolver  # noqa: E402

pytestmark = pytest.mark.oracle
torch.set_num_threads(1)  # tiny tensors: threads only add start-up and contention

ACTIVATIONS = {"relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "elu": nn.ELU, "selu": nn.SELU,
               "gelu": nn.GELU, "silu": nn.SiLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh,
               "softmax": lambda: nn.Softmax(dim=1), "softplus": nn.Softplus}


def solve(given_spec: dict, conventions: dict):
    return LayersSolver().solve(LayersSolver.Given.model_validate(given_spec),
                                LayersSolver.resolve_conventions(conventions))


def pair(rng: random.Random, low: int, high: int):
    """A size written as one number or as [h, w]; returned as written and as (h, w)."""
    if rng.random() < 0.6:
        n = rng.randint(low, high)
        return n, (n, n)
    h, w = rng.randint(low, high), rng.randint(low, high)
    return [h, w], (h, w)


class Grower:
    """A torch model and the layers spec of the same stack, grown side by side."""

    def __init__(self, rng: random.Random, x, running_stats: bool):
        self.rng, self.x, self.running_stats = rng, x, running_stats
        self.layers: list[dict] = []
        self.expected: list[tuple[tuple[int, ...], int]] = []

    def add(self, kind: str, options: dict | None, module) -> None:
        module.eval()
        with torch.no_grad():
            self.x = module(self.x)
        params = sum(p.numel() for p in module.parameters())
        if self.running_stats and isinstance(module, nn.modules.batchnorm._BatchNorm):
            params += module.running_mean.numel() + module.running_var.numel()
        name = f"l{len(self.layers) + 1}"
        self.layers.append({kind: {"name": name, **(options or {})}})
        self.expected.append((tuple(self.x.shape[1:]), params))

    @property
    def shape(self):
        return tuple(self.x.shape[1:])

    # -- layers on images -------------------------------------------------------------------
    def conv(self) -> None:
        rng = self.rng
        c, h, w = self.shape
        options: dict = {"bias": rng.random() < 0.7}
        dilation, (dh, dw) = pair(rng, 1, 2) if rng.random() < 0.3 else (1, (1, 1))
        groups, filters = 1, rng.randint(1, 6)
        choice = rng.random()
        if choice < 0.15:
            groups, filters = c, c * rng.randint(1, 2)
            options["groups"] = "depthwise"
            if filters != c or rng.random() < 0.5:
                options["filters"] = filters
        elif choice < 0.3:
            groups = rng.choice([g for g in (1, 2, 3) if c % g == 0])
            filters = groups * rng.randint(1, 3)
            options["groups"], options["filters"] = groups, filters
        else:
            options["filters"] = filters
        mode = rng.random()
        if mode < 0.2:
            padding_spec, (ph, pw), stride_spec, (sh, sw) = "same", (0, 0), 1, (1, 1)
            torch_padding = "same"
        else:
            stride_spec, (sh, sw) = pair(rng, 1, 3)
            if mode < 0.3:
                padding_spec, (ph, pw), torch_padding = "valid", (0, 0), "valid"
            else:
                padding_spec, (ph, pw) = pair(rng, 0, 2)
                torch_padding = (ph, pw)
        kh = rng.randint(1, max(1, min(5, (h + 2 * ph - 1) // dh + 1)))
        kw = rng.randint(1, max(1, min(5, (w + 2 * pw - 1) // dw + 1)))
        kernel = kh if kh == kw and rng.random() < 0.7 else [kh, kw]
        options.update(kernel=kernel, stride=stride_spec, padding=padding_spec, dilation=dilation)
        self.add("conv", options, nn.Conv2d(c, filters, (kh, kw), stride=(sh, sw),
                                            padding=torch_padding, dilation=(dh, dw),
                                            groups=groups, bias=options["bias"]))

    def conv_transpose(self) -> None:
        rng = self.rng
        c, h, w = self.shape
        filters = rng.randint(1, 6)
        groups = rng.choice([g for g in (1, 2) if c % g == 0 and filters % g == 0])
        kernel, (kh, kw) = pair(rng, 1, 4)
        stride, (sh, sw) = pair(rng, 1, 2 if max(h, w) > 12 else 3)
        dilation, (dh, dw) = pair(rng, 1, 2) if rng.random() < 0.3 else (1, (1, 1))
        ph, pw = rng.randint(0, kh - 1), rng.randint(0, kw - 1)
        padding = ph if ph == pw else [ph, pw]
        out_pad = [rng.randrange(max(sh, dh)), rng.randrange(max(sw, dw))]
        bias = rng.random() < 0.7
        for size, s, p, d, k, a in ((h, sh, ph, dh, kh, out_pad[0]),
                                    (w, sw, pw, dw, kw, out_pad[1])):
            if (size - 1) * s - 2 * p + d * (k - 1) + a + 1 < 1:
                return self.conv()
        options = {"filters": filters, "kernel": kernel, "stride": stride, "padding": padding,
                   "dilation": dilation, "output_padding": out_pad, "bias": bias}
        if groups > 1:
            options["groups"] = groups
        self.add("conv_transpose", options, nn.ConvTranspose2d(
            c, filters, (kh, kw), stride=(sh, sw), padding=(ph, pw), output_padding=tuple(out_pad),
            groups=groups, bias=bias, dilation=(dh, dw)))

    def pool(self) -> None:
        rng = self.rng
        c, h, w = self.shape
        kind = rng.choice(["maxpool", "avgpool"])
        kh, kw = rng.randint(1, min(3, h)), rng.randint(1, min(3, w))
        size = kh if kh == kw else [kh, kw]
        options: dict = {"size": size}
        sh, sw = kh, kw
        if rng.random() < 0.5:
            stride, (sh, sw) = pair(rng, 1, 3)
            options["stride"] = stride
        ph, pw = rng.randint(0, kh // 2), rng.randint(0, kw // 2)
        options["padding"] = ph if ph == pw else [ph, pw]
        ceil = rng.random() < 0.4
        if ceil:
            options["ceil_mode"] = True
        module = (nn.MaxPool2d if kind == "maxpool" else nn.AvgPool2d)(
            (kh, kw), stride=(sh, sw), padding=(ph, pw), ceil_mode=ceil)
        self.add(kind, options, module)

    def global_pool(self) -> None:
        kind = self.rng.choice(["global_avgpool", "global_maxpool"])
        keep = self.rng.random() < 0.3
        pool = nn.AdaptiveAvgPool2d(1) if kind == "global_avgpool" else nn.AdaptiveMaxPool2d(1)
        self.add(kind, {"keepdims": True} if keep else None,
                 pool if keep else nn.Sequential(pool, nn.Flatten()))

    def batchnorm(self) -> None:
        affine = self.rng.random() < 0.8
        size = self.shape[0]
        module = (nn.BatchNorm2d if len(self.shape) == 3 else nn.BatchNorm1d)(size, affine=affine)
        self.add("batchnorm", None if affine else {"affine": False}, module)

    # -- layers on anything -----------------------------------------------------------------------
    def activation(self) -> None:
        name = self.rng.choice(sorted(ACTIVATIONS))
        self.add(name, None, ACTIVATIONS[name]())

    def dropout(self) -> None:
        rate = self.rng.choice([0.1, 0.25, 0.5])
        self.add("dropout", {"rate": rate}, nn.Dropout(rate))

    def flatten(self) -> None:
        self.add("flatten", None, nn.Flatten())

    def dense(self) -> None:
        units, bias = self.rng.randint(1, 12), self.rng.random() < 0.8
        self.add("dense", {"units": units, "bias": bias},
                 nn.Linear(self.shape[-1], units, bias=bias))


@functools.lru_cache(maxsize=None)
def image_stack(seed: int):
    rng = random.Random(seed)
    c, h, w = rng.randint(1, 4), rng.randint(6, 24), rng.randint(6, 24)
    grower = Grower(rng, torch.zeros(2, c, h, w), running_stats=rng.random() < 0.5)
    for _ in range(rng.randint(2, 6)):
        if len(grower.shape) == 3:
            if min(grower.shape[1:]) < 2:
                grower.global_pool()
                continue
            step = rng.choices([grower.conv, grower.conv_transpose, grower.pool, grower.batchnorm,
                                grower.activation, grower.dropout, grower.flatten,
                                grower.global_pool], weights=[6, 2, 3, 1, 1, 1, 1, 1])[0]
        else:
            step = rng.choice([grower.dense, grower.dense, grower.activation, grower.dropout,
                               grower.batchnorm, grower.flatten])
        step()
    layout = rng.choice(["hwc", "chw"])
    return grower, [h, w, c] if layout == "hwc" else [c, h, w], layout, rng.random() < 0.5


@functools.lru_cache(maxsize=None)
def sequence_stack(seed: int):
    rng = random.Random(seed)
    vocab, length = rng.randint(5, 50), rng.randint(1, 12)
    grower = Grower(rng, torch.zeros(2, length, dtype=torch.long), running_stats=False)
    dim = rng.randint(1, 8)
    grower.add("embedding", {"vocab": vocab, "dim": dim}, nn.Embedding(vocab, dim))
    for _ in range(rng.randint(1, 4)):
        rng.choice([grower.dense, grower.activation, grower.dropout, grower.flatten])()
    return grower, [length], "hwc", False


def to_torch_order(shape: tuple, layout: str) -> tuple:
    if len(shape) == 3 and layout == "hwc":
        h, w, c = shape
        return (c, h, w)
    return shape


def check_against_torch(grower: Grower, input_shape: list, layout: str,
                        layout_as_given: bool) -> None:
    """The layout is stated either in `given` or as a convention; both must work."""
    conventions = {"batchnorm_params": "with_running_stats" if grower.running_stats
                   else "trainable"}
    given = {"input": input_shape, "layers": grower.layers}
    if layout_as_given:
        given["layout"] = layout
    else:
        conventions["layout"] = layout
    d = solve(given, conventions)
    for i, (torch_shape, torch_params) in enumerate(grower.expected, start=1):
        shape = tuple(int(v) for v in d[f"l{i}.output_shape"].value)
        assert to_torch_order(shape, layout) == torch_shape, (i, grower.layers[i - 1])
        assert d[f"l{i}.params"].value == torch_params, (i, grower.layers[i - 1])
    assert d["params"].value == sum(p for _, p in grower.expected)


@pytest.mark.parametrize("seed", range(60))
def test_image_stacks_agree_with_torch(seed):
    check_against_torch(*image_stack(seed))


@pytest.mark.parametrize("seed", range(12))
def test_sequence_stacks_agree_with_torch(seed):
    check_against_torch(*sequence_stack(seed))


def test_the_random_stacks_cover_every_kind_and_option():
    seen = set()
    for seed in range(60):
        grower, _, layout, _ = image_stack(seed)
        seen.add(("layout", layout))
        for layer in grower.layers:
            (kind, options), = layer.items()
            seen.add(kind)
            seen.update((kind, key) for key in options)
            seen.update((kind, key, str(value)) for key, value in options.items()
                        if value in ("same", "valid", "depthwise", True, False))
            seen.update((kind, key, "pair") for key, value in options.items()
                        if isinstance(value, list))
    for seed in range(12):
        seen.update(kind for layer in sequence_stack(seed)[0].layers for kind in layer)
    wanted = {"conv", "conv_transpose", "maxpool", "avgpool", "global_avgpool", "flatten",
              "dense", "dropout", "batchnorm", "embedding", "relu",
              ("conv", "kernel", "pair"), ("conv", "stride", "pair"), ("conv", "padding", "pair"),
              ("conv", "padding", "same"), ("conv", "padding", "valid"),
              ("conv", "dilation", "pair"), ("conv", "groups"), ("conv", "groups", "depthwise"),
              ("conv", "bias", "False"), ("conv_transpose", "output_padding"),
              ("maxpool", "ceil_mode", "True"), ("avgpool", "padding", "pair"),
              ("batchnorm", "affine", "False"), ("dense", "bias", "False"),
              ("layout", "hwc"), ("layout", "chw")}
    assert wanted <= seen, wanted - seen
