"""The mlp solver's steps taken by an optimiser (momentum … Adadelta), and biases left fixed,
against torch: the same network trained by torch.optim on ½Σ(t − y)², in float64."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from nnsolve.solvers.base import SolverError
from nnsolve.solvers.mlp import MlpSolver

ROOT = Path(__file__).resolve().parent.parent
E1 = ROOT / "problems" / "e1-backprop-sigmoid.yaml"

NETWORK = {
    "input": [0.05, 0.10],
    "target": [0.01, 0.99],
    "layers": [
        {"weights": [[0.15, 0.20], [0.25, 0.30]], "bias": [0.35, 0.35], "activation": "sigmoid"},
        {"weights": [[0.40, 0.45], [0.50, 0.55]], "bias": [0.60, 0.60], "activation": "sigmoid"},
    ],
    "loss": "half_squared_error",
    "learning_rate": 0.5,
}


def solve(**extra):
    solver = MlpSolver()
    return solver.solve(solver.Given(**{**copy.deepcopy(NETWORK), **extra}),
                        {"delta": "-dE/da"})


def torch_training(optimizer: str, options: dict, steps: int, update_biases: bool):
    """The weights after each step and the error after the last, from torch.optim."""
    torch = pytest.importorskip("torch")
    layers = [torch.nn.Linear(2, 2).double() for _ in range(2)]
    with torch.no_grad():
        for layer, spec in zip(layers, NETWORK["layers"]):
            layer.weight.copy_(torch.tensor(spec["weights"], dtype=torch.float64))
            layer.bias.copy_(torch.tensor(spec["bias"], dtype=torch.float64))
    params = [p for layer in layers for p in
              ((layer.weight, layer.bias) if update_biases else (layer.weight,))]
    kind = {"momentum": "SGD", "nesterov": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop",
            "adam": "Adam", "adamw": "AdamW", "adadelta": "Adadelta"}[optimizer]
    options = dict(options)
    if optimizer in ("momentum", "nesterov"):
        options.setdefault("momentum", 0.9)
        options["nesterov"] = optimizer == "nesterov"
    opt = getattr(torch.optim, kind)(params, lr=0.5, **options)
    x = torch.tensor(NETWORK["input"], dtype=torch.float64)
    t = torch.tensor(NETWORK["target"], dtype=torch.float64)

    def error():
        y = x
        for layer in layers:
            y = torch.sigmoid(layer(y))
        return 0.5 * ((t - y) ** 2).sum()

    for _ in range(steps):
        opt.zero_grad()
        error().backward()
        opt.step()
    return [layer.weight.detach().tolist() for layer in layers], \
        [layer.bias.detach().tolist() for layer in layers], error().item()


CASES = [("momentum", {}), ("nesterov", {"momentum": 0.5}), ("adagrad", {"lr_decay": 0.1}),
         ("rmsprop", {"alpha": 0.9, "centered": True}), ("adam", {"betas": [0.8, 0.99]}),
         ("adamw", {"weight_decay": 0.1}), ("adadelta", {"rho": 0.95}),
         ("adam", {"weight_decay": 0.1, "amsgrad": True})]


@pytest.mark.oracle
@pytest.mark.parametrize("optimizer,options", CASES)
@pytest.mark.parametrize("update_biases", [True, False])
def test_optimiser_steps_agree_with_torch(optimizer, options, update_biases):
    d = solve(optimizer=optimizer, optimizer_options=options, steps=2,
              update_biases=update_biases)
    weights, biases, error = torch_training(optimizer, options, 2, update_biases)
    neurons = [(3, 4), (5, 6)]
    sources = [(1, 2), (3, 4)]
    for layer in range(2):
        for r, j in enumerate(neurons[layer]):
            for c, i in enumerate(sources[layer]):
                assert d[f"step2.w{i}{j}.new"].value == pytest.approx(weights[layer][r][c],
                                                                      rel=1e-9)
            bias = d[f"step2.w0{j}.new" if update_biases else f"w0{j}"].value
            assert bias == pytest.approx(biases[layer][r], rel=1e-9)
    assert d["pass3.E"].value == pytest.approx(error, rel=1e-9)


def test_adams_moments_are_named_after_their_weight():
    d = solve(optimizer="adam")
    grad = d["grad35"].value
    assert d["m35"].value == pytest.approx(0.1 * grad)
    assert d["mhat35"].value == pytest.approx(grad)
    assert d["dw35"].value == pytest.approx(-0.5, rel=1e-6)     # −ε·sign(g) on step 1
    wrong = {m.id for m in d["w35.new"].misconceptions}
    assert "no-bias-correction" in wrong


def test_plain_gradient_descent_is_the_default_and_unchanged(nnsolve, problem_file):
    text = E1.read_text(encoding="utf-8")
    explicit = problem_file(text.replace("  steps: 1\n", "  steps: 1\n  optimizer: sgd\n"))
    assert "optimizer: sgd" in explicit.read_text()
    before = nnsolve("run", E1, "--format", "json").json()["parts"]
    after = nnsolve("run", explicit, "--format", "json").json()["parts"]
    assert json.dumps(before) == json.dumps(after)


@pytest.mark.parametrize("extra,words", [
    ({"optimizer": "adam", "optimizer_options": {"beta": [0.9, 0.99]}}, "unknown option"),
    ({"optimizer": "adam", "detail": "layers"}, "neuron by neuron"),
    ({"optimizer": "momentum", "optimizer_options": {"momentum": 0.9, "nesterov": True,
                                                     "dampening": 0.5}}, "dampening"),
])
def test_optimiser_options_are_checked(extra, words):
    with pytest.raises(SolverError, match=words):
        solve(**extra)


def test_fixed_biases_in_the_layer_view_match_the_neuron_view():
    """Mazur's network worked layer by layer: the biases stay, the error after the step is
    the neuron view's 0.291027774."""
    neurons = solve(update_biases=False)
    layers = solve(update_biases=False, detail="layers")
    assert "layer1.db" not in layers and "layer1.b.new" not in layers
    assert layers["pass2.E"].value == pytest.approx(neurons["pass2.E"].value, rel=1e-12)
    assert round(layers["pass2.E"].value, 9) == 0.291027774


def test_a_wrong_first_moment_of_a_weight_is_carried_to_its_new_value(nnsolve, problem_file,
                                                                       tmp_path):
    """Adam on Mazur's network: a student forgets the (1 − β1) in m35 (m35 = g35) and works
    on from it; m̂35, Δw35 and w35's new value are carried forward."""
    spec = {**NETWORK, "optimizer": "adam", "update_biases": False}
    problem = problem_file(json.dumps({"nnsolve": 1, "id": "adam-net", "title": "Adam",
                                       "solver": "mlp", "given": spec,
                                       "ask": ["grad35", "m35", "mhat35", "dw35", "w35.new"]}))
    g = solve(optimizer="adam", update_biases=False)["grad35"].value
    m, m_hat = g, g / 0.1
    v_hat = g * g
    dw = -0.5 * m_hat / (v_hat ** 0.5 + 1e-8)
    answers = {"grad35": g, "m35": m, "mhat35": m_hat, "dw35": dw, "w35.new": 0.4 + dw}
    path = tmp_path / "s.yaml"
    path.write_text(json.dumps({"nnsolve": 1, "student": {"id": "s"}, "problem": "adam-net",
                                "answers": answers}))
    report = nnsolve("grade", path, "--key", problem, "--format", "json").json()
    status = {r["name"]: r["status"] for r in report["results"][0]["records"]}
    assert status == {"grad35": "correct", "m35": "incorrect", "mhat35": "ecf",
                      "dw35": "ecf", "w35.new": "ecf"}
