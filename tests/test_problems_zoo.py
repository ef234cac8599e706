"""The model zoo: every network's total is the reference implementation's figure, exactly, and
the E7 set's answer key lists each model's count."""

from __future__ import annotations

from pathlib import Path

import pytest

from nnsolve.solution import solve
from nnsolve.spec.problem import load

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"

#: total, trainable, non-trainable: torchvision's models, the papers, and Keras' summaries
FIGURES = {
    "alexnet": (61_100_840, 61_100_840, 0),
    "alexnet2012": (62_378_344, 62_378_344, 0),
    "alexnet2012_grouped": (60_965_224, 60_965_224, 0),
    "vgg11": (132_863_336, 132_863_336, 0),
    "vgg16": (138_357_544, 138_357_544, 0),
    "resnet18": (11_689_512, 11_689_512, 0),
    "resnet50": (25_557_032, 25_557_032, 0),
    "resnet50_keras": (25_636_712, 25_583_592, 53_120),
    "densenet121": (7_978_856, 7_978_856, 0),
    "densenet121_keras": (8_062_504, 7_978_856, 83_648),
    "squeezenet1_0": (1_248_424, 1_248_424, 0),
    "squeezenet1_1": (1_235_496, 1_235_496, 0),
    "mobilenet_v2": (3_504_872, 3_504_872, 0),
    "lenet5": (60_000, 60_000, 0),
    "lenet5_modern": (61_706, 61_706, 0),
}


def test_the_zoo_is_exactly_the_listed_models():
    assert sorted(p.stem for p in (PROBLEMS / "models").glob("*.yaml")) == sorted(FIGURES)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_zoo_total_is_the_reference_figure(name):
    d = solve(load(PROBLEMS / "models" / f"{name}.yaml")).parts[0].derivation
    figures = (d["params"].value, d["trainable_params"].value, d["non_trainable_params"].value)
    assert figures == FIGURES[name]


def test_the_resnet18_projection_shortcuts():
    """The three 1×1 projections with their batch norms: 173,824 of ResNet-18's parameters."""
    d = solve(load(PROBLEMS / "models" / "resnet18.yaml")).parts[0].derivation
    shortcuts = sum(d[f"layer{i}.1.{n}.params"].value for i in (2, 3, 4)
                    for n in ("downsample", "downsample_bn"))
    assert shortcuts == 173_824


def test_e7_lists_each_model_count(nnsolve):
    result = nnsolve("key", PROBLEMS / "e7-model-sizes.yaml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    problems = data["problems"] if isinstance(data, dict) and "problems" in data else data
    counts = {}
    for problem in problems:
        (part,) = problem["parts"]
        counts[problem["problem"]] = next(q["value"] for q in part["quantities"]
                                          if q["name"] == "params")
    assert counts == {"alexnet2012": 62_378_344, "alexnet": 61_100_840, "vgg11": 132_863_336,
                      "vgg16": 138_357_544, "resnet50": 25_557_032,
                      "resnet50-keras": 25_636_712, "densenet121": 7_978_856, "lenet5": 60_000,
                      "lenet5-modern": 61_706, "squeezenet1_0": 1_248_424,
                      "squeezenet1_1": 1_235_496}
