"""Tensors, mappings, multisets, partitions, tables and indexed families from a solver of the
course's kind, through every renderer and the real grader.

The solver is a small plugin of this test: for the graph 1–2, 2–3, 3–1, 3–4 it colours the
nodes by degree (a partition), counts the colours (a multiset), lists each node's degree (a
mapping and a table); for a 4×4 image and a 2×2 kernel it works out the feature map as an
indexed family, ReLU on it element by element, and the two channels (map, ReLU) as a tensor.
Expected figures are computed here by hand or with numpy, never by the code under test.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pytest
import sympy

from nnsolve import solvers
from nnsolve.derivation.core import Derivation
from nnsolve.derivation.functions import relu
from nnsolve.grade.grader import grade_submission
from nnsolve.grade.key import Key
from nnsolve.grade.submission import load_submission
from nnsolve.solvers.base import Given, Solver
from nnsolve.solution import solve
from nnsolve.spec.problem import parse_problem
from nnsolve.spec.yamlsafe import load_text

EDGES = [(1, 2), (2, 3), (3, 1), (3, 4)]
IMAGE = [[1, 2, 0, 1], [0, 1, 3, 1], [2, 0, 1, 2], [1, 1, 0, 0]]
KERNEL = [[1, 0], [-1, 2]]
BIAS = -4


def feature_map() -> np.ndarray:
    image, kernel = np.array(IMAGE), np.array(KERNEL)
    return np.array([[np.sum(image[r:r + 2, c:c + 2] * kernel) + BIAS for c in range(3)]
                     for r in range(3)])


DEGREES = {"1": 2, "2": 2, "3": 3, "4": 1}          # by hand from EDGES


class DemoGiven(Given):
    pass


class DemoSolver(Solver):
    name = "kinds-demo"
    summary = "every kind of value, for tests"
    Given = DemoGiven

    def solve(self, given, conventions):
        d = Derivation()
        d.given("edges", [list(e) for e in EDGES], "edges")

        def degrees(v):
            out: dict[str, int] = {}
            for a, b in v["edges"]:
                for node in (a, b):
                    out[str(node)] = out.get(str(node), 0) + 1
            return dict(sorted(out.items()))

        d.add("degree", "degree of each node", rule=degrees, inputs=("edges",), kind="mapping")
        d.add("colouring", "nodes coloured by degree",
              rule=lambda v: {node: f"d{deg}" for node, deg in v["degree"].items()},
              inputs=("degree",), kind="partition")
        d.add("histogram", "how many nodes have each degree",
              rule=lambda v: [str(deg) for deg in v["degree"].values()], inputs=("degree",),
              kind="multiset")
        d.add("degree_table", "node and degree",
              rule=lambda v: (("node", "degree"), [(n, deg) for n, deg in v["degree"].items()]),
              inputs=("degree",), kind="table")
        d.given("x", IMAGE, "input image")
        d.given("k", KERNEL, "kernel")
        b = d.given("b", BIAS, "bias")
        i, j, m, n = sympy.symbols("i j m n", integer=True)
        X, K = d.indexed("x"), d.indexed("k")
        Y = d.family("y", "feature map",
                     sympy.Sum(X[i + m - 1, j + n - 1] * K[m, n], (m, 1, 2), (n, 1, 2)) + b,
                     (i, j), (3, 3))
        d.family("r", "ReLU of the feature map", relu(Y[i, j]), (i, j), (3, 3))
        d.add("channels", "feature map and its ReLU as two channels",
              rule=lambda v: (v["y"], v["r"]), inputs=("y", "r"), kind="tensor")
        return d


@pytest.fixture(autouse=True)
def demo_solver(monkeypatch):
    real_get = solvers.get
    monkeypatch.setattr(solvers, "get",
                        lambda name: DemoSolver if name == "kinds-demo" else real_get(name))


PROBLEM = """\
nnsolve: 1
id: kinds-demo
title: "Every kind"
solver: kinds-demo
given: {}
ask:
  degree: 1
  colouring: {points: 1, partial: true}
  histogram: 1
  degree_table: 1
  y: {points: 1, partial: true}
  r: {points: 1, partial: true}
  channels: 1
"""


def problem():
    return parse_problem(load_text(PROBLEM, "kinds-demo.yaml"))


def grade(answers: str):
    key = Key.from_problems([problem()])
    text = f"nnsolve: 1\nstudent: {{id: s1}}\nproblem: kinds-demo\nanswers:\n{answers}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sub.yaml"
        path.write_text(text, encoding="utf-8")
        result = grade_submission(load_submission(path), key)
    return {r.name: r for r in result.records}


def test_the_solver_agrees_with_the_hand_and_numpy_figures():
    d = solve(problem()).parts[0].derivation
    assert dict(d["degree"].value) == DEGREES
    assert d["colouring"].value.groups() == {frozenset({"1", "2"}), frozenset({"3"}),
                                              frozenset({"4"})}
    assert dict(d["histogram"].value) == {"2": 2, "3": 1, "1": 1}
    y = feature_map()
    assert np.array_equal(np.array(d["y"].value, dtype=int), y)
    assert np.array_equal(np.array(d["r"].value, dtype=int), np.maximum(y, 0))
    assert np.array_equal(np.array(d["channels"].value, dtype=int),
                          np.stack([y, np.maximum(y, 0)]))


@pytest.mark.parametrize("fmt", ["text", "md", "tex", "html", "json"])
def test_every_kind_goes_through_every_renderer(fmt):
    from nnsolve.render import render

    solution = solve(problem())
    out = render([solution], fmt)
    assert isinstance(out, str) and out
    if fmt == "json":
        doc = json.loads(out)
        values = {q["name"]: q for q in doc["parts"][0]["quantities"]}
        assert values["degree"]["value"] == DEGREES
        assert values["histogram"]["kind"] == "multiset"
        assert values["colouring"]["kind"] == "partition"
        assert values["degree_table"]["value"]["header"] == ["node", "degree"]
        assert values["channels"]["kind"] == "tensor"
        assert np.array_equal(np.array(values["channels"]["value"]).shape, (2, 3, 3))
    else:
        assert "feature map" in out


def test_a_colouring_with_renamed_colours_and_a_histogram_in_another_order_are_right():
    y = feature_map()
    r = np.maximum(y, 0)
    records = grade(f"""\
  degree: {{4: 1, 3: 3, 2: 2, 1: 2}}
  colouring: {{1: red, 2: red, 3: blue, 4: green}}
  histogram: {{"1": 1, "3": 1, "2": 2}}
  degree_table: [[1, 2], [2, 2], [3, 3], [4, 1]]
  y: {y.tolist()}
  r: {r.tolist()}
  channels: {[y.tolist(), r.tolist()]}
""")
    assert {name: rec.status for name, rec in records.items()} == {
        name: "correct" for name in records}


def test_a_wrong_colouring_says_which_nodes_and_scores_by_element():
    records = grade("  colouring: {1: red, 2: blue, 3: blue, 4: green}\n")
    rec = records["colouring"]
    assert rec.status == "partial" and 0 < rec.awarded < rec.points
    assert "1" in rec.message and "2" in rec.message


def test_one_wrong_element_of_the_map_costs_one_element_and_carries_forward():
    y = feature_map()
    wrong = y.copy()
    wrong[0, 0] = 7                       # the student's slip in y[1,1]
    r_from_wrong = np.maximum(wrong, 0)   # their ReLU, right for their own map
    records = grade(f"  y: {wrong.tolist()}\n  r: {r_from_wrong.tolist()}\n")
    assert records["y"].status == "partial"
    assert records["y"].awarded == pytest.approx(records["y"].points * 8 / 9)
    assert records["r"].status == "ecf"
    assert records["r"].awarded == pytest.approx(records["r"].points)
