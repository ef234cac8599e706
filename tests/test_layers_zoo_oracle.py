"""The model zoo and random stacks with blocks and sequence layers, checked against torch.nn.

Each spec is built as a torch module, entry by entry (a residual block adds its branches, a
concat joins them on the channels, a repeat copies its block with the first copy's
overrides), and run once; every layer and block must agree with the solver on its output shape
and its parameter count. The zoo's totals are also the published figures
(test_problems_zoo.py), so torch confirms that the specs describe those networks layer by
layer.
"""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from nnsolve.solvers.layers import LayersSolver  # noqa: E402
from nnsolve.solvers.layers.entries import BLOCKS  # noqa: E402
from nnsolve.spec.problem import load  # noqa: E402

pytestmark = pytest.mark.oracle
torch.set_num_threads(1)

MODELS = Path(__file__).resolve().parent.parent / "problems" / "models"
ACTIVATIONS = {"relu": nn.ReLU, "relu6": nn.ReLU6, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
               "gelu": nn.GELU, "softmax": lambda: nn.Softmax(dim=1)}
RECURRENT = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class Recorded(nn.Module):
    """One entry of the spec: runs its module and records its output shape and parameters."""

    def __init__(self, name: str, body, record: dict, stats: bool):
        super().__init__()
        self.name, self.body, self.record, self.stats = name, body, record, stats

    def forward(self, x):
        y = self.body(x)
        count = sum(p.numel() for p in self.parameters())
        if self.stats:
            count += sum(m.running_mean.numel() + m.running_var.numel() for m in self.modules()
                         if isinstance(m, nn.modules.batchnorm._BatchNorm))
        self.record[self.name] = (tuple(y.shape[1:]), count)
        return y


class Fn(nn.Module):
    def __init__(self, fn, *children):
        super().__init__()
        self.fn, self.kids = fn, nn.ModuleList(children)

    def forward(self, x):
        return self.fn(x, *self.kids)


class Builder:
    def __init__(self, conventions: dict, record: dict):
        self.conventions, self.record = conventions, record
        self.stats = conventions.get("batchnorm_params") == "with_running_stats"

    def names(self, entries, scope, stem="layer"):
        inside = (lambda n: f"{scope}.{n}") if scope else (lambda n: n)
        return [inside(e.options.name or f"{stem}{j + 1}") for j, e in enumerate(entries)]

    def seq(self, entries, scope, shape, stem="layer"):
        mods = []
        for entry, name in zip(entries, self.names(entries, scope, stem)):
            mod, shape = self.entry(entry, name, shape)
            mods.append(mod)
        return nn.Sequential(*mods), shape

    def entry(self, entry, name, shape):
        body = self.body(entry.kind, entry.options, name, shape)
        mod = Recorded(name, body, self.record, self.stats)
        with torch.no_grad():
            mod.eval()
            out = mod(torch.zeros(2, *shape, dtype=torch.long if len(shape) == 1
                                  and entry.kind == "embedding" else torch.float))
        return mod, tuple(out.shape[1:])

    def body(self, kind, o, name, shape):
        if kind == "block":
            return self.seq(o.layers, name, shape)[0]
        if kind == "repeat":
            copies = []
            for k in range(1, o.times + 1):
                layers = o.copy_layers(k)
                if len(layers) == 1 and layers[0].options.name is None and \
                        layers[0].kind in BLOCKS and getattr(layers[0].options, "inputs",
                                                             None) is None:
                    mod, shape = self.entry(layers[0], f"{name}.{k}", shape)
                else:
                    inner, _ = self.seq(layers, f"{name}.{k}", shape)
                    mod = Recorded(f"{name}.{k}", inner, self.record, self.stats)
                    with torch.no_grad():
                        shape = tuple(mod(torch.zeros(2, *shape)).shape[1:])
                copies.append(mod)
            return nn.Sequential(*copies)
        if kind == "residual":
            main, _ = self.seq(o.layers, name, shape)
            short = nn.Identity() if o.shortcut == "identity" else \
                self.seq(o.shortcut, name, shape, "shortcut")[0]
            return Fn(lambda x, m, s: m(x) + s(x), main, short)
        if kind == "concat":
            branches = [self.seq(b, name, shape, f"branch{i + 1}.layer")[0] if b else nn.Identity()
                        for i, b in enumerate(o.branches)]
            axis = 1 if len(shape) == 3 else -1   # channels of an image, features of a sequence
            return Fn(lambda x, *bs: torch.cat([b(x) for b in bs], dim=axis), *branches)
        return self.leaf(kind, o, shape)

    def leaf(self, kind, o, shape):
        act = getattr(o, "activation", None)
        mod = self._leaf(kind, o, shape)
        return nn.Sequential(mod, ACTIVATIONS[act]()) if act else mod

    def _leaf(self, kind, o, shape):
        if kind == "conv":
            c = shape[0]
            filters = o.filters or c
            groups = c if o.groups == "depthwise" else o.groups
            padding = o.padding.mode if o.padding.mode != "explicit" else o.padding.pair.values()
            if o.connections:
                convs = [nn.Conv2d(n, 1, o.kernel.values(), o.stride.values(), padding,
                                   bias=o.bias) for n in o.connections]
                return Fn(lambda x, *cs: torch.cat([cv(x[:, :cv.in_channels]) for cv in cs], 1),
                          *convs)
            return nn.Conv2d(c, filters, o.kernel.values(), o.stride.values(), padding,
                             o.dilation.values(), groups, o.bias)
        if kind in ("maxpool", "avgpool"):
            ceil = o.ceil_mode if o.ceil_mode is not None else \
                self.conventions.get("pooling") == "ceil"
            cls = nn.MaxPool2d if kind == "maxpool" else nn.AvgPool2d
            pool = cls(o.size.values(), (o.stride or o.size).values(),
                       o.padding.pair.values(), ceil_mode=ceil)
            if not getattr(o, "trainable", False):
                return pool
            return _with(pool, nn.Parameter(torch.ones(shape[0])),
                         nn.Parameter(torch.zeros(shape[0])))
        if kind in ("global_avgpool", "global_maxpool"):
            pool = nn.AdaptiveAvgPool2d(1) if kind == "global_avgpool" else nn.AdaptiveMaxPool2d(1)
            return pool if o.keepdims else nn.Sequential(pool, nn.Flatten())
        if kind == "adaptive_avgpool":
            return nn.AdaptiveAvgPool2d(o.size.values())
        if kind == "flatten":
            return nn.Flatten()
        if kind == "dense":
            return nn.Linear(shape[-1], o.units, bias=o.bias)
        if kind == "batchnorm":
            return (nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d)(shape[0],
                                                                            affine=o.affine)
        if kind == "layernorm":
            return nn.LayerNorm(shape[-1], elementwise_affine=o.affine)
        if kind in RECURRENT:
            rnn = RECURRENT[kind](shape[-1], o.units, num_layers=o.num_layers, bias=o.bias,
                                  batch_first=True, bidirectional=o.bidirectional)
            return Fn(lambda x, r: r(x)[0] if o.return_sequences else r(x)[0][:, -1], rnn)
        if kind == "multihead_attention":
            mha = nn.MultiheadAttention(shape[-1], o.heads, bias=o.bias, batch_first=True)
            return Fn(lambda x, m: m(x, x, x, need_weights=False)[0], mha)
        if kind == "conv1d":
            padding = o.padding.mode if o.padding.mode != "explicit" else o.padding.pair.h
            conv = nn.Conv1d(shape[-1], o.filters, o.kernel, o.stride, padding, o.dilation,
                             shape[-1] if o.groups == "depthwise" else o.groups, o.bias)
            return Fn(lambda x, cv: cv(x.transpose(1, 2)).transpose(1, 2), conv)
        if kind == "upsample":
            return nn.Upsample(scale_factor=tuple(float(v) for v in o.factor.values()))
        if kind == "dropout":
            return nn.Dropout(o.rate)
        if kind == "embedding":
            return nn.Embedding(o.vocab, o.dim)
        return ACTIVATIONS.get(kind, nn.Identity)()


def _with(pool, scale, shift):
    """Average pooling with a trained coefficient and bias per channel (LeNet-5's S2, S4)."""
    module = Fn(lambda x, p: p(x) * module.scale.view(-1, 1, 1) + module.shift.view(-1, 1, 1),
                pool)
    module.scale, module.shift = scale, shift
    return module


def agree(given: dict, conventions: dict, device: str = "cpu") -> dict:
    """Solve `given`, build it in torch, and compare every layer and block; returns the
    solver's quantities for further checks."""
    model = LayersSolver.Given.model_validate(given)
    resolved = LayersSolver.resolve_conventions({**conventions, "layout": "chw"})
    d = LayersSolver().solve(model, resolved)
    record: dict = {}
    builder = Builder(resolved, record)
    with torch.device(device):
        builder.seq(model.layers, "", tuple(given["input"]))
    for name, (torch_shape, torch_params) in record.items():
        assert tuple(int(v) for v in d[f"{name}.output_shape"].value) == torch_shape, name
        assert d[f"{name}.params"].value == torch_params, name
    top = builder.names(model.layers, "")
    assert d["params"].value == sum(record[n][1] for n in top)
    return d


def _zoo_given(path: Path):
    problem = load(path)
    part = problem.parts[0]
    given = dict(part.given)
    size = given["input"]
    given["input"] = [size[2], size[0], size[1]] if len(size) == 3 else size
    conventions = {k: v for k, v in part.conventions.items() if k != "layout"}
    return given, conventions


@pytest.mark.parametrize("path", sorted(MODELS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_zoo_model_agrees_with_torch_layer_by_layer(path):
    given, conventions = _zoo_given(path)
    agree(given, conventions, device="meta")   # shapes and counts only: nothing to compute


# -- random stacks with blocks and sequence layers ----------------------------------------------
def _conv(rng, filters, stride=1, kernel=None):
    kernel = kernel or rng.choice([1, 3, 5])
    return {"conv": {"filters": filters, "kernel": kernel, "stride": stride,
                     "padding": kernel // 2, "bias": rng.random() < 0.5}}


def _residual(rng, c, stride, filters):
    main = [_conv(rng, filters, stride), "batchnorm", "relu", _conv(rng, filters)]
    spec: dict = {"layers": main}
    if stride != 1 or filters != c:
        spec["shortcut"] = [{"conv": {"filters": filters, "kernel": 1, "stride": stride,
                                      "bias": False}}, "batchnorm"]
    if rng.random() < 0.5:
        spec["activation"] = "relu"
    return {"residual": spec}


def _out(size, kernel, stride):
    return (size + 2 * (kernel // 2) - kernel) // stride + 1


@functools.lru_cache(maxsize=None)
def image_given(seed: int):
    rng = random.Random(seed)
    c0, h0 = rng.randint(1, 4), rng.randint(8, 20)
    c, h = c0, h0
    layers: list = []
    for _ in range(rng.randint(2, 5)):
        kind = rng.choice(["residual", "concat", "repeat", "block", "conv"])
        if kind == "residual":
            stride, filters = rng.choice([1, 2]) if h > 4 else 1, rng.choice([c, c + 2])
            entry = _residual(rng, c, stride, filters)
            h, c = _out(h, 1, stride), filters
        elif kind == "concat":
            branches, c_out = [], 0
            for _ in range(rng.randint(2, 3)):
                pick = rng.random()
                if pick < 0.25:
                    branches.append([])
                    c_out += c
                elif pick < 0.45:
                    branches.append([{"maxpool": {"size": 3, "stride": 1, "padding": 1}}])
                    c_out += c
                else:
                    filters = rng.randint(1, 5)
                    branches.append([_conv(rng, filters), "relu"])
                    c_out += filters
            entry, c = {"concat": {"branches": branches}}, c_out
        elif kind == "repeat":
            block = _residual(rng, c, 1, c)
            entry = {"repeat": {"times": rng.randint(2, 3), "layers": [block]}}
            if h > 4 and rng.random() < 0.6:
                block["residual"]["layers"][0]["conv"]["name"] = "first_conv"
                entry["repeat"]["first"] = {"first_conv": {"stride": 2}, "residual": {
                    "shortcut": [{"conv": {"filters": c, "kernel": 1, "stride": 2}}]}}
                h = _out(h, 1, 2)
        elif kind == "block":
            filters = rng.randint(1, 5)
            entry = {"block": {"name": f"stem{len(layers)}", "layers": [_conv(rng, filters),
                                                                      "relu"]}}
            c = filters
        else:
            entry = _conv(rng, rng.randint(1, 5))
            c = entry["conv"]["filters"]
        layers.append(entry)
    if rng.random() < 0.5:
        layers += ["global_avgpool", {"dense": {"units": rng.randint(1, 9)}}]
    conventions = {"batchnorm_params": rng.choice(["trainable", "with_running_stats"])}
    return {"input": [c0, h0, h0], "layers": layers}, conventions


@functools.lru_cache(maxsize=None)
def sequence_given(seed: int):
    rng = random.Random(seed)
    t0, f0 = rng.randint(3, 10), rng.choice([4, 6, 8, 12])
    t, f = t0, f0
    layers: list = []
    for _ in range(rng.randint(2, 5)):
        kind = rng.choice(["recurrent", "recurrent", "attention", "conv1d", "layernorm",
                           "residual", "concat"])
        if kind == "recurrent":
            units = rng.randint(1, 6)
            bidirectional = rng.random() < 0.4
            layers.append({rng.choice(["rnn", "lstm", "gru"]): {
                "units": units, "bidirectional": bidirectional, "bias": rng.random() < 0.8,
                "num_layers": rng.randint(1, 3), "return_sequences": True}})
            f = units * (2 if bidirectional else 1)
        elif kind == "attention":
            heads = rng.choice([h for h in (1, 2, 3, 4) if f % h == 0])
            layers.append({"multihead_attention": {"heads": heads, "bias": rng.random() < 0.8}})
        elif kind == "conv1d":
            kernel = rng.randint(1, min(t, 4))
            padding = rng.randint(0, kernel // 2)
            stride = rng.randint(1, 2)
            filters = rng.randint(1, 6)
            layers.append({"conv1d": {"filters": filters, "kernel": kernel, "stride": stride,
                                      "padding": padding}})
            t, f = (t + 2 * padding - kernel) // stride + 1, filters
        elif kind == "layernorm":
            layers.append("layernorm")
        elif kind == "residual":
            layers.append({"residual": {"layers": [{"dense": {"units": f}}, "relu"]}})
        else:
            units = [rng.randint(1, 4), rng.randint(1, 4)]
            layers.append({"concat": {"branches": [
                [{"lstm": {"units": units[0], "return_sequences": True}}],
                [{"gru": {"units": units[1], "return_sequences": True}}]]}})
            f = sum(units)
    last = rng.choice(["lstm", "gru", "rnn"])
    layers.append({last: {"units": rng.randint(1, 5), "bidirectional": rng.random() < 0.4}})
    return {"input": [t0, f0], "layers": layers}, {}


@pytest.mark.parametrize("seed", range(30))
def test_random_stacks_with_residual_and_concat_blocks_agree_with_torch(seed):
    agree(*image_given(seed))


@pytest.mark.parametrize("seed", range(30))
def test_random_stacks_of_recurrent_attention_and_blocks_agree_with_torch(seed):
    agree(*sequence_given(seed))


def test_the_random_stacks_cover_the_blocks_and_sequence_kinds():
    seen: set = set()

    def visit(entries):
        for entry in entries:
            if isinstance(entry, str):
                seen.add(entry)
                continue
            (kind, options), = entry.items()
            seen.add(kind)
            seen.update((kind, k) for k, v in options.items() if v is not False)
            for key in ("layers", "shortcut"):
                if isinstance(options.get(key), list):
                    visit(options[key])
            for branch in options.get("branches", []):
                visit(branch)
                if not branch:
                    seen.add("identity branch")

    for seed in range(30):
        visit(image_given(seed)[0]["layers"])
        visit(sequence_given(seed)[0]["layers"])
    wanted = {"residual", ("residual", "shortcut"), "concat", "identity branch", "repeat",
              ("repeat", "first"), "block", "rnn", "lstm", "gru", ("lstm", "bidirectional"),
              ("gru", "num_layers"), "multihead_attention", "conv1d", "layernorm"}
    assert wanted <= seen, wanted - seen
