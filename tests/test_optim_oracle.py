"""The optimiser steps agree with torch.optim, step by step, in float64 (to 1e-9)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from nnsolve.solvers.optim import OptimSolver  # noqa: E402

pytestmark = pytest.mark.oracle

TORCH = {"sgd": torch.optim.SGD, "momentum": torch.optim.SGD, "nesterov": torch.optim.SGD,
         "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop,
         "adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "adadelta": torch.optim.Adadelta}


def solve(given: dict, momentum: str = "torch"):
    solver = OptimSolver()
    return solver.solve(solver.Given(**given), {"momentum": momentum})


def torch_steps(optimizer: str, params, gradients, **options):
    """θ after each step, from torch.optim fed the same gradients."""
    p = torch.tensor(params, dtype=torch.float64, requires_grad=True)
    if optimizer == "momentum":
        options.setdefault("momentum", 0.9)
    if optimizer == "nesterov":
        options.setdefault("momentum", 0.9)
        options["nesterov"] = True
    opt = TORCH[optimizer]([p], **options)
    out = []
    for row in gradients:
        p.grad = torch.tensor(row, dtype=torch.float64)
        opt.step()
        out.append(p.detach().clone().tolist())
    return out


CASES = [
    ("sgd", {"lr": 0.1}),
    ("sgd", {"lr": 0.1, "weight_decay": 0.05}),
    ("sgd", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}),
    ("momentum", {"lr": 0.1}),
    ("momentum", {"lr": 0.1, "weight_decay": 0.01}),
    ("nesterov", {"lr": 0.1}),
    ("nesterov", {"lr": 0.05, "momentum": 0.7, "weight_decay": 0.1}),
    ("adagrad", {"lr": 0.1}),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.2,
                 "weight_decay": 0.02}),
    ("rmsprop", {"lr": 0.01}),
    ("rmsprop", {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.01}),
    ("adam", {"lr": 0.01}),
    ("adam", {"lr": 0.01, "weight_decay": 0.1}),
    ("adam", {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6, "amsgrad": True}),
    ("adamw", {"lr": 0.01}),
    ("adamw", {"lr": 0.01, "weight_decay": 0.0}),
    ("adamw", {"lr": 0.05, "weight_decay": 0.2, "amsgrad": True}),
    ("adadelta", {}),
    ("adadelta", {"lr": 0.5, "rho": 0.95, "weight_decay": 0.01}),
]


@pytest.mark.parametrize("optimizer,options", CASES)
@pytest.mark.parametrize("seed", [0, 1])
def test_every_step_agrees_with_torch_optim(optimizer, options, seed):
    gen = torch.Generator().manual_seed(seed)
    params = (torch.randn(3, generator=gen, dtype=torch.float64) * 2).tolist()
    gradients = (torch.randn(5, 3, generator=gen, dtype=torch.float64) * 3).tolist()
    expected = torch_steps(optimizer, params, gradients, **options)
    given = {"optimizer": optimizer, "params": params, "gradients": gradients, **options}
    if "betas" in given:
        given["betas"] = list(given["betas"])
    d = solve(given)
    for k, row in enumerate(expected, start=1):
        assert d[f"step{k}.params"].value == pytest.approx(row, rel=1e-9, abs=1e-12), k


def test_adam_moments_are_torchs_state():
    params, gradients = [1.0, -2.0, 0.5], [[0.3, -1.2, 2.0], [0.1, 0.4, -0.7]]
    p = torch.tensor(params, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.01)
    d = solve({"optimizer": "adam", "lr": 0.01, "params": params, "gradients": gradients})
    for k, row in enumerate(gradients, start=1):
        p.grad = torch.tensor(row, dtype=torch.float64)
        opt.step()
        state = opt.state[p]
        assert d[f"step{k}.m"].value == pytest.approx(state["exp_avg"].tolist(), rel=1e-12)
        assert d[f"step{k}.v"].value == pytest.approx(state["exp_avg_sq"].tolist(), rel=1e-12)


def test_a_function_is_differentiated_as_autograd_does():
    """Adam on f(x, y) = x² + 10 y²: the gradient at each step is autograd's at θ_{k−1}."""
    p = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.1)
    expected = []
    for _ in range(4):
        opt.zero_grad()
        (p[0] ** 2 + 10 * p[1] ** 2 + torch.sin(p[0] * p[1])).backward()
        opt.step()
        expected.append(p.detach().clone().tolist())
    d = solve({"optimizer": "adam", "lr": 0.1, "params": [1.0, -2.0],
               "function": "x^2 + 10*y^2 + sin(x*y)", "variables": ["x", "y"], "steps": 4})
    for k, row in enumerate(expected, start=1):
        assert d[f"step{k}.params"].value == pytest.approx(row, rel=1e-9)


def test_textbook_momentum_reaches_the_same_parameters_with_a_scaled_velocity():
    """v = μv − ηg with θ ← θ + v is torch's b = μb + g, θ ← θ − ηb with v = −ηb."""
    params, gradients = [0.5, -1.5], [[1.0, 2.0], [-0.5, 0.25], [0.75, -1.0]]
    expected = torch_steps("momentum", params, gradients, lr=0.1)
    d = solve({"optimizer": "momentum", "lr": 0.1, "params": params, "gradients": gradients},
              momentum="textbook")
    for k, row in enumerate(expected, start=1):
        assert d[f"step{k}.params"].value == pytest.approx(row, rel=1e-12)
        assert d[f"step{k}.velocity"].value == pytest.approx(
            [-0.1 * b for b in _torch_buffer(params, gradients[:k])], rel=1e-12)


def _torch_buffer(params, gradients):
    p = torch.tensor(params, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    for row in gradients:
        p.grad = torch.tensor(row, dtype=torch.float64)
        opt.step()
    return opt.state[p]["momentum_buffer"].tolist()
