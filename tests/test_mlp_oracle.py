"""The mlp solver against torch autograd (float64) on random networks.

2 to 4 layers, every activation and every loss, single samples and mini-batches, one to three
steps, neuron by neuron and layer by layer: forward values, gradients (∂E/∂w = −Δw/ε), new
weights and the loss of the pass after the last step agree to 1e-9.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.oracle

from nnsolve.solvers.mlp import MlpSolver  # noqa: E402
from nnsolve.solvers.mlp.network import MlpGiven  # noqa: E402

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
#: output activation and the loss it goes with
OUTPUTS = (("sigmoid", "squared_error"), ("tanh", "half_squared_error"), ("linear", "mse"),
           ("relu", "squared_error"), ("leaky_relu", "mse"), ("sigmoid", "bce"),
           ("softmax", "cross_entropy"))
SLOPE = 0.1
TOLERANCE = 1e-9


def random_network(seed: int, *, view: str, batch: int, steps: int) -> dict:
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(2, 5))
    output, loss = OUTPUTS[seed % len(OUTPUTS)]
    inputs = int(rng.integers(1, 4))
    widths = [int(rng.integers(1, 4)) for _ in range(depth - 1)]
    widths.append(int(rng.integers(2, 4)) if output == "softmax" else int(rng.integers(1, 3)))
    layers, previous = [], inputs
    for index, width in enumerate(widths):
        layer = {"weights": rng.normal(0, 1, (width, previous)).round(6).tolist(),
                 "activation": output if index == depth - 1 else HIDDEN[(seed + index) % 5],
                 "slope": SLOPE}
        if rng.random() < 0.8:
            layer["bias"] = rng.normal(0, 1, width).round(6).tolist()
        layers.append(layer)
        previous = width
    x = rng.normal(0, 1, (batch, inputs)).round(6)
    if loss == "cross_entropy":
        t = np.eye(widths[-1])[rng.integers(0, widths[-1], batch)]
    elif loss == "bce":
        t = rng.integers(0, 2, (batch, widths[-1])).astype(float)
    else:
        t = rng.normal(0, 1, (batch, widths[-1])).round(6)
    single = batch == 1 and view == "neurons"
    return {"input": x[0].tolist() if single else x.tolist(),
            "target": t[0].tolist() if single else t.tolist(),
            "layers": layers, "loss": loss, "learning_rate": float(rng.choice([0.1, 0.5, 1.0])),
            "steps": steps, "detail": view}


def torch_activation(name: str, a):
    return {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
            "leaky_relu": lambda v: torch.nn.functional.leaky_relu(v, SLOPE),
            "linear": lambda v: v, "softmax": lambda v: torch.softmax(v, dim=1)}[name](a)


def torch_loss(name: str, t, y, a):
    """The loss of outputs y (net inputs a); bce and cross-entropy from the net inputs, as
    torch works them without ever taking ln of a y rounded to 0 or 1."""
    F = torch.nn.functional
    per_sample = {
        "squared_error": lambda: ((t - y) ** 2).sum(1),
        "half_squared_error": lambda: 0.5 * ((t - y) ** 2).sum(1),
        "mse": lambda: ((t - y) ** 2).mean(1),
        "bce": lambda: F.binary_cross_entropy_with_logits(a, t, reduction="none").sum(1),
        "cross_entropy": lambda: -(t * torch.log_softmax(a, dim=1)).sum(1),
    }[name]()
    return per_sample.mean()


def torch_run(network: dict):
    """Every pass and step of gradient descent, as torch computes them."""
    x = torch.tensor(np.atleast_2d(network["input"]), dtype=torch.float64)
    t = torch.tensor(np.atleast_2d(network["target"]), dtype=torch.float64)
    params = []
    for layer in network["layers"]:
        W = torch.tensor(layer["weights"], dtype=torch.float64)
        b = torch.tensor(layer["bias"], dtype=torch.float64) if "bias" in layer else None
        params.append((W, b))
    eps = network["learning_rate"]
    passes, steps = [], []
    for k in range(network["steps"] + 1):
        leaves = [(W.clone().requires_grad_(), None if b is None else b.clone().requires_grad_())
                  for W, b in params]
        y, a, forward = x, None, []
        for (W, b), layer in zip(leaves, network["layers"]):
            a = y @ W.T + (b if b is not None else 0)
            y = torch_activation(layer["activation"], a)
            forward.append((a.detach().numpy(), y.detach().numpy()))
        E = torch_loss(network["loss"], t, y, a)
        passes.append((forward, E.item()))
        if k == network["steps"]:
            break
        E.backward()
        grads = [(W.grad.numpy(), None if b is None else b.grad.numpy()) for W, b in leaves]
        params = [(W.detach() - eps * W.grad, None if b is None else b.detach() - eps * b.grad)
                  for W, b in leaves]
        steps.append((grads, [(W.numpy(), None if b is None else b.numpy()) for W, b in params]))
    return passes, steps


def close(ours, theirs) -> None:
    """Within 1e-9, absolutely or relative to torch's value: a network that a learning rate
    of 1 sends diverging reaches 1e19 after two steps, where float64 itself holds ~1e-16·|x|."""
    assert np.allclose(np.array(ours, dtype=float), theirs, rtol=TOLERANCE, atol=TOLERANCE)


class NeuronNames:
    """The documented neuron-by-neuron names: inputs 1.., neurons numbered on, w<i><j>."""

    def __init__(self, network: dict):
        self.inputs = [str(i + 1) for i in range(len(network["input"]))]
        count, self.layers = len(self.inputs), []
        for layer in network["layers"]:
            self.layers.append([str(count + r + 1) for r in range(len(layer["weights"]))])
            count += len(layer["weights"])
        every = self.inputs + [n for layer in self.layers for n in layer]
        self.sep = "" if all(len(n) == 1 for n in every) else "_"

    def sources(self, l: int) -> list[str]:
        return self.inputs if l == 0 else self.layers[l - 1]


def check_neurons(network: dict, d, passes, steps) -> None:
    names = NeuronNames(network)
    eps = network["learning_rate"]
    for k, (forward, E) in enumerate(passes, start=1):
        prefix = "" if k == 1 else f"pass{k}."
        for l, (a, y) in enumerate(forward):
            close([d[f"{prefix}a{j}"].value for j in names.layers[l]], a[0])
            close([d[f"{prefix}y{j}"].value for j in names.layers[l]], y[0])
        close(d[f"{prefix}E"].value, E)
    for k, (grads, new) in enumerate(steps, start=1):
        step = "" if k == 1 else f"step{k}."
        for l, ((dW, db), (W, b)) in enumerate(zip(grads, new)):
            for r, j in enumerate(names.layers[l]):
                sources = names.sources(l) + (["0"] if db is not None else [])
                gradient = [-d[f"{step}dw{i}{names.sep}{j}"].value / eps for i in sources]
                weights = [d[f"{step}w{i}{names.sep}{j}.new"].value for i in sources]
                close(gradient, list(dW[r]) + ([db[r]] if db is not None else []))
                close(weights, list(W[r]) + ([b[r]] if b is not None else []))


def check_layers(network: dict, d, passes, steps) -> None:
    eps = network["learning_rate"]
    for k, (forward, E) in enumerate(passes, start=1):
        prefix = "" if k == 1 else f"pass{k}."
        for l, (a, y) in enumerate(forward, start=1):
            close(np.atleast_2d(d[f"{prefix}layer{l}.a"].value), a)
            close(np.atleast_2d(d[f"{prefix}layer{l}.y"].value), y)
        close(d[f"{prefix}E"].value, E)
    for k, (grads, new) in enumerate(steps, start=1):
        step = "" if k == 1 else f"step{k}."
        for l, ((dW, db), (W, b)) in enumerate(zip(grads, new), start=1):
            close(-np.array(d[f"{step}layer{l}.dW"].value) / eps, dW)
            close(d[f"{step}layer{l}.W.new"].value, W)
            if db is not None:
                close(-np.array(d[f"{step}layer{l}.db"].value) / eps, db)
                close(d[f"{step}layer{l}.b.new"].value, b)


CASES = [(seed, "neurons", 1, 1 + seed % 2) for seed in range(8)] + \
        [(seed, "layers", 1 + 2 * (seed % 3), 1 + seed % 3) for seed in range(8, 30)]


@pytest.mark.parametrize("seed, view, batch, steps", CASES)
def test_agrees_with_torch_autograd(seed, view, batch, steps):
    network = random_network(seed, view=view, batch=batch, steps=steps)
    d = MlpSolver().solve(MlpGiven.model_validate(network), {"delta": "-dE/da"})
    passes, updates = torch_run(network)
    (check_neurons if view == "neurons" else check_layers)(network, d, passes, updates)


ACTIVATIONS = HIDDEN + ("softmax",)
LOSSES = ("squared_error", "half_squared_error", "mse", "bce", "cross_entropy")
PAIRED = {"bce": "sigmoid", "cross_entropy": "softmax"}


def integer_network(seed: int, view: str) -> dict:
    """A small network with integer weights, inputs and targets, as exercises are set: exact
    values, worked in sympy; one in four with weights up to ±40, which saturates σ and tanh
    (σ(60) = 1 − 8.8e-27), and some with a learning rate of 1/2 or 1/10."""
    rng = np.random.default_rng(seed)
    loss = LOSSES[seed % len(LOSSES)]
    output = PAIRED.get(loss) or ACTIVATIONS[(seed // len(LOSSES)) % len(HIDDEN)]
    depth, inputs = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    widths = [int(rng.integers(1, 4)) for _ in range(depth - 1)]
    widths.append(int(rng.integers(2, 4)) if output == "softmax" else int(rng.integers(1, 3)))
    bound = 40 if rng.random() < 0.25 else 3
    layers, previous = [], inputs
    for index, width in enumerate(widths):
        layer = {"weights": rng.integers(-bound, bound + 1, (width, previous)).tolist(),
                 "activation": output if index == depth - 1 else HIDDEN[(seed + index) % 5],
                 "slope": SLOPE}
        if rng.random() < 0.7:
            layer["bias"] = rng.integers(-bound, bound + 1, width).tolist()
        layers.append(layer)
        previous = width
    if loss == "cross_entropy":
        target = np.eye(widths[-1], dtype=int)[rng.integers(0, widths[-1])].tolist()
    elif loss == "bce":
        target = rng.integers(0, 2, widths[-1]).tolist()
    else:
        target = rng.integers(-2, 3, widths[-1]).tolist()
    return {"input": rng.integers(-3, 4, inputs).tolist(), "target": target, "layers": layers,
            "loss": loss, "learning_rate": [1, 2, 0.5, 0.1][int(rng.integers(0, 4))],
            "steps": int(rng.integers(1, 3)), "detail": view}


#: the tester's networks: ReLU under softmax (an exact net input 1 − 6σ(5) in the second
#: pass), and σ saturated to 1 − 8.8e-27 and to 1 − e^−1000000 under bce
EXERCISES = [
    {"input": [1, 2], "target": [0, 1], "loss": "cross_entropy", "learning_rate": 1, "steps": 2,
     "layers": [{"weights": [[1, 0], [0, -1], [1, 1]], "bias": [0, 0, -1], "activation": act,
                 "slope": SLOPE},
                {"weights": [[1, -1, 1], [0, 1, -1]], "bias": [0, 0], "activation": "softmax"}]}
    for act in ("relu", "leaky_relu")
] + [
    {"input": [x], "target": [t], "loss": "bce", "learning_rate": 1, "steps": 1,
     "layers": [{"weights": [[w]], "activation": "sigmoid"}]}
    for x, w, t in ((60, 1, 1), (60, 1, 0), (100, 1, 1), (1000, 1000, 1), (1000, 1000, 0))
]


def solve_and_compare(network: dict) -> None:
    d = MlpSolver().solve(MlpGiven.model_validate(network), {"delta": "-dE/da"})
    passes, updates = torch_run(network)
    (check_neurons if network["detail"] == "neurons" else check_layers)(
        network, d, passes, updates)


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("view", ["neurons", "layers"])
def test_integer_networks_agree_with_torch(seed, view):
    solve_and_compare(integer_network(seed, view))


@pytest.mark.parametrize("index", range(len(EXERCISES)))
@pytest.mark.parametrize("view", ["neurons", "layers"])
def test_the_testers_exercises_agree_with_torch(index, view):
    solve_and_compare({**EXERCISES[index], "detail": view})


def test_integer_networks_cover_every_activation_and_loss():
    seen = set()
    for seed in range(40):
        network = integer_network(seed, "neurons")
        seen.add(network["loss"])
        seen.update(layer["activation"] for layer in network["layers"])
    assert seen >= set(ACTIVATIONS) | set(LOSSES)


def test_every_activation_and_loss_is_covered():
    seen = set()
    for seed, view, batch, steps in CASES:
        network = random_network(seed, view=view, batch=batch, steps=steps)
        seen.add(network["loss"])
        seen.update(layer["activation"] for layer in network["layers"])
    assert seen >= set(HIDDEN) | {"softmax"} | {loss for _, loss in OUTPUTS}
