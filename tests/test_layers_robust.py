"""No layer sequence reaches an internal error: random stacks of every kind, blocks included,
with options right and wrong, either solve or fail with a spec error that names a field."""

from __future__ import annotations

import random

import pydantic
import pytest

from nnsolve.solvers.base import SolverError
from nnsolve.solvers.layers import LayersSolver
from nnsolve.solvers.layers.entries import kinds

SIZES = [1, 2, 3, 5, "F", 0, -1]


def random_options(rng: random.Random, kind: str, depth: int):
    pick = lambda *values: rng.choice(values)  # noqa: E731
    options = {
        "conv": lambda: {"filters": pick(1, 4, "K"), "kernel": pick(1, 3, 5, [1, 3]),
                         "stride": pick(1, 2), "padding": pick(0, 1, "same", "valid"),
                         "groups": pick(1, 2, "depthwise"), "dilation": pick(1, 2)},
        "conv_transpose": lambda: {"filters": pick(1, 3), "kernel": pick(1, 2, 3),
                                   "stride": pick(1, 2), "padding": pick(0, 1)},
        "conv1d": lambda: {"filters": pick(1, 3), "kernel": pick(1, 3, 9), "stride": pick(1, 2),
                           "padding": pick(0, 1, "same"), "groups": pick(1, 2)},
        "maxpool": lambda: {"size": pick(1, 2, 3), "stride": pick(1, 2, None)},
        "avgpool": lambda: {"size": pick(1, 2, 3), "trainable": pick(True, False)},
        "global_avgpool": lambda: {"keepdims": pick(True, False)},
        "global_maxpool": lambda: {"keepdims": pick(True, False)},
        "adaptive_avgpool": lambda: {"size": pick(1, 2, [2, 3])},
        "adaptive_maxpool": lambda: {"size": pick(1, 3)},
        "upsample": lambda: {"factor": pick(1, 2, [2, 1])},
        "reshape": lambda: {"shape": pick([-1], [2, -1], [-1, 2, 2], [4, 4, 4], [3, -1, 1])},
        "dense": lambda: {"units": pick(1, 5, "N")},
        "embedding": lambda: {"vocab": pick(5, 10), "dim": pick(2, 3)},
        "rnn": lambda: _recurrent(rng), "lstm": lambda: _recurrent(rng),
        "gru": lambda: _recurrent(rng),
        "multihead_attention": lambda: {"heads": pick(1, 2, 3, "h"), "embed": pick(None, 4)},
        "add": lambda: {"inputs": pick(["input", "a"], ["a", "b"], ["input", "nowhere"])},
        "concat": lambda: ({"inputs": pick(["input", "a"], ["a", "b"])} if rng.random() < 0.3
                           else {"branches": [random_layers(rng, depth + 1, 2)
                                              for _ in range(rng.randint(2, 3))]}),
        "block": lambda: {"layers": random_layers(rng, depth + 1, 3)},
        "repeat": lambda: {"times": pick(1, 2), "layers": random_layers(rng, depth + 1, 2)},
        "residual": lambda: {"layers": random_layers(rng, depth + 1, 3),
                             "shortcut": pick("identity", random_layers(rng, depth + 1, 1))},
    }
    made = options.get(kind, lambda: {})()
    return {k: v for k, v in made.items() if v is not None}


def _recurrent(rng):
    return {"units": rng.choice([1, 3, "U"]), "bidirectional": rng.random() < 0.5,
            "num_layers": rng.choice([1, 2]), "return_sequences": rng.random() < 0.5,
            "biases": rng.choice([1, 2]) if rng.random() < 0.3 else None}


def random_layers(rng: random.Random, depth: int, most: int) -> list:
    names = [k for k in kinds() if depth < 2 or k not in ("block", "repeat", "residual",
                                                          "concat")]
    layers = []
    for i in range(rng.randint(1, most)):
        kind = rng.choice(names)
        options = random_options(rng, kind, depth)
        if rng.random() < 0.3:
            options["name"] = rng.choice(["a", "b", f"x{i}"])
        layers.append({kind: options})
    return layers


@pytest.mark.parametrize("seed", range(400))
def test_no_layer_sequence_reaches_an_internal_error(seed):
    rng = random.Random(seed)
    shape = rng.choice([[8, 8, 3], [12, 12, 4], [6, 4], [10], ["H", "W", 3], [1, 1, 2]])
    given = {"input": shape, "layers": random_layers(rng, 0, 5)}
    conventions = {"layout": rng.choice(["hwc", "chw"]),
                   "recurrent_bias": rng.choice(["pytorch", "keras"]),
                   "batchnorm_params": rng.choice(["trainable", "with_running_stats"])}
    try:
        model = LayersSolver.Given.model_validate(given)
    except pydantic.ValidationError:
        return
    try:
        LayersSolver().solve(model, LayersSolver.resolve_conventions(conventions))
    except SolverError as e:
        assert e.path and e.path[0] == "layers" and str(e), e
