"""Tensors, mappings, multisets, partitions and tables in every format, written by their kinds.

The derivation is a small graph exercise with feature maps: two 2×3 channels (1…6 and 7…12),
nodes 1, 2, 3 coloured A, A, B, the colour histogram {{A: 2, B: 1}} (the WL feature vector),
the colour classes {1, 2} and {3}, and the node/colour table. Every expected form is written
out by hand here.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
import sympy
from test_render import (_Balance, _braces_balance, _environments_balance, assert_compiles,
                         needs_pdflatex)

from nnsolve.derivation import kinds
from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation
from nnsolve.derivation.kinds import ValueKind, registry
from nnsolve.render import render
from nnsolve.solution import Solution, SolvedPart
from nnsolve.spec.problem import parse_problem
from nnsolve.spec.yamlsafe import load_text

PROBLEM = """
nnsolve: 1
id: kinds-render
title: "Feature maps and a colouring"
parts:
  - id: a
    title: every kind of value
    solver: layers
    given: {}
    ask: {histogram: 1, classes: 1, nodes: 1}
"""

TENSOR = (((1, 2, 3), (4, 5, 6)), ((7, 8, 9), (10, 11, 12)))   # channel, row, column
BIG = tuple(tuple(tuple(100 * c + 10 * i + j for j in range(10)) for i in range(10))
            for c in range(12))                                  # 12 channels of 10×10


def _derivation() -> Derivation:
    d = Derivation()
    d.given("maps", TENSOR, "feature maps", kind="tensor")
    d.given("colour", {1: "A", 2: "A", 3: "B"}, "colour of each node", kind="mapping")
    d.add("histogram", "colour histogram", rule=lambda v: list(v["colour"].values()),
          inputs=("colour",), kind="multiset")
    d.add("classes", "nodes of one colour", rule=lambda v: dict(v["colour"]),
          inputs=("colour",), kind="partition")
    d.add("nodes", "nodes and colours",
          rule=lambda v: (("node", "colour"), list(v["colour"].items())), inputs=("colour",),
          kind="table")
    d.add("big", "twelve feature maps", rule=lambda v: BIG, inputs=(), kind="tensor")
    return d


@pytest.fixture(scope="module")
def derivation() -> Derivation:
    return _derivation()


@pytest.fixture(scope="module")
def solution(derivation) -> Solution:
    problem = parse_problem(load_text(PROBLEM, "kinds-render.yaml"))
    part = problem.parts[0]
    return Solution(problem, [SolvedPart(part, derivation, list(part.ask), {})])


@pytest.fixture(scope="module")
def outputs(solution) -> dict[str, str]:
    return {fmt: render([solution], fmt) for fmt in ("text", "md", "tex", "html", "json")}


def _forms(d: Derivation, name: str) -> tuple[str, str, object]:
    q = d[name]
    return q.value_kind.text(q.value), q.value_kind.latex(q.value), q.value_kind.to_json(q.value)


# -- each kind's forms ----------------------------------------------------------------------

def test_a_tensor_is_its_shape_and_its_channels(derivation):
    text, latex, data = _forms(derivation, "maps")
    assert text == ("shape 2×2×3; channel 1: [[1, 2, 3], [4, 5, 6]], "
                    "channel 2: [[7, 8, 9], [10, 11, 12]]")
    assert latex == (r"\underset{\text{channel 1}}{\begin{pmatrix}1 & 2 & 3 \\ 4 & 5 & 6"
                     r"\end{pmatrix}} \quad \underset{\text{channel 2}}{\begin{pmatrix}"
                     r"7 & 8 & 9 \\ 10 & 11 & 12\end{pmatrix}}")
    assert data == [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]


def test_a_mapping_is_key_to_value(derivation):
    text, latex, data = _forms(derivation, "colour")
    assert text == "{1: A, 2: A, 3: B}"
    assert latex == r"\{1 \mapsto \text{A},\ 2 \mapsto \text{A},\ 3 \mapsto \text{B}\}"
    assert data == {"1": "A", "2": "A", "3": "B"}


def test_a_multiset_is_a_histogram_sorted_by_element(derivation):
    text, latex, data = _forms(derivation, "histogram")
    assert text == "{{A: 2, B: 1}}"
    assert latex == r"\{\!\{\text{A}\colon 2,\ \text{B}\colon 1\}\!\}"
    assert data == {"A": 2, "B": 1} and list(data) == ["A", "B"]
    counted_the_other_way = kinds.get("multiset").normalize(["B", "A", "A"])
    assert kinds.get("multiset").text(counted_the_other_way) == text


def test_a_partition_is_its_classes_with_their_colours(derivation):
    text, latex, data = _forms(derivation, "classes")
    assert text == "{{1, 2}_A, {3}_B}"
    assert latex == r"\{\{1, 2\}_{\text{A}}, \{3\}_{\text{B}}\}"
    assert data == [["1", "2"], ["3"]]
    # classes written out as groups carry no colours worth showing
    groups = kinds.get("partition").normalize([[3], [10, 2], [1]])
    assert kinds.get("partition").text(groups) == "{{1}, {2, 10}, {3}}"
    assert kinds.get("partition").to_json(groups) == [["1"], ["2", "10"], ["3"]]


def test_a_table_is_its_header_and_rows(derivation):
    text, latex, data = _forms(derivation, "nodes")
    assert text == "[node | colour] 1 | A; 2 | A; 3 | B"
    assert latex == (r"\begin{array}{ll}\text{node} & \text{colour} \\ \hline \text{1} & "
                     r"\text{A} \\ \text{2} & \text{A} \\ \text{3} & \text{B}\end{array}")
    assert data == {"header": ["node", "colour"], "rows": [["1", "A"], ["2", "A"], ["3", "B"]]}


def test_every_new_kind_has_a_mathml_form_that_is_xml(derivation):
    for name in ("maps", "colour", "histogram", "classes", "nodes", "big"):
        q = derivation[name]
        element = ET.fromstring(f"<math>{q.value_kind.mathml(q.value)}</math>")
        assert element.iter()
    mapping = derivation["colour"]
    assert "<mo>↦</mo>" in mapping.value_kind.mathml(mapping.value)
    classes = derivation["classes"]
    assert "<msub>" in classes.value_kind.mathml(classes.value)


def test_a_large_tensor_is_elided_and_wraps_its_channels(derivation):
    q = derivation["big"]
    text = q.value_kind.text(q.value)
    assert text.startswith("shape 12×10×10; channel 1: [[0, 1, 2, …, 8, 9], [10, 11, 12, …")
    assert "channel 3:" in text and "…, channel 11:" in text and "channel 12:" in text
    assert "channel 4" not in text and "555" not in text
    latex = q.value_kind.latex(q.value)
    assert latex.startswith(r"\begin{gathered}") and r"\cdots" in latex
    assert "channel 4" not in latex and "555" not in latex


# -- every renderer -------------------------------------------------------------------------

def test_the_terminal_shows_channels_as_blocks_and_the_table_as_a_table(outputs):
    text = outputs["text"]
    for expected in ("shape 2×2×3", "channel 1", "channel 2", "⎡ 1  2  3 ⎤", "⎣ 4  5  6 ⎦",
                     "{1: A, 2: A, 3: B}", "histogram = {{A: 2, B: 1}}",
                     "classes = {{1, 2}_A, {3}_B}", "nodes =", "channel 12"):
        assert expected in text, expected
    header = next(line for line in text.splitlines() if "node" in line and "colour" in line
                  and "┃" in line)
    assert re.search(r"node\s*┃\s*colour", header)
    assert re.search(r"│\s*1\s*│\s*A\s", text) and re.search(r"│\s*3\s*│\s*B\s", text)
    assert "channel 4 " not in text and "555" not in text


def test_markdown_writes_the_kinds_in_latex_and_the_table_as_a_table(outputs):
    md = outputs["md"]
    assert r"\mathrm{histogram} = \{\!\{\text{A}\colon 2,\ \text{B}\colon 1\}\!\}" in md
    assert r"\mathrm{classes} = \{\{1, 2\}_{\text{A}}, \{3\}_{\text{B}}\}" in md
    assert r"$\mathrm{nodes} =$" in md
    assert "| node | colour |\n| --- | --- |\n| 1 | A |\n| 2 | A |\n| 3 | B |" in md
    assert r"\underset{\text{channel 2}}" in md and r"2 \mapsto \text{A}" in md


def test_latex_sets_the_table_as_a_tabular(outputs):
    tex = outputs["tex"]
    assert _environments_balance(tex) and _braces_balance(tex)
    assert "\\begin{tabular}[c]{ll}\n\\toprule\nnode & colour \\\\\n\\midrule\n1 & A \\\\" in tex
    assert r"$\mathrm{nodes} =$\quad" in tex
    assert r"\underset{\text{channel 1}}{\begin{pmatrix}1 & 2 & 3 \\ 4 & 5 & 6\end{pmatrix}}" in tex
    assert r"\{\{1, 2\}_{\text{A}}, \{3\}_{\text{B}}\}" in tex


def test_html_is_well_formed_and_shows_a_real_table(outputs):
    page = outputs["html"]
    parser = _Balance()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    for math in re.findall(r"<math[ >].*?</math>", page, re.S):
        ET.fromstring(math)          # every MathML piece is XML
    assert '<table class="value-table">' in page
    assert "<th>node</th><th>colour</th>" in page
    assert "<tr><td>1</td><td>A</td></tr>" in page
    assert "<mtext>channel 1</mtext>" in page and "<mo>↦</mo>" in page
    assert "<mo>{{</mo>" in page


def test_json_round_trips_with_each_kinds_documented_form(outputs):
    doc = json.loads(outputs["json"])
    values = {q["name"]: (q["kind"], q["value"]) for q in doc["parts"][0]["quantities"]}
    assert values["maps"] == ("tensor", [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]])
    assert values["colour"] == ("mapping", {"1": "A", "2": "A", "3": "B"})
    assert values["histogram"] == ("multiset", {"A": 2, "B": 1})
    assert values["classes"] == ("partition", [["1", "2"], ["3"]])
    assert values["nodes"] == ("table", {"header": ["node", "colour"],
                                         "rows": [["1", "A"], ["2", "A"], ["3", "B"]]})
    assert json.loads(json.dumps(doc)) == doc


# -- a kind of a plugin's own ----------------------------------------------------------------

class Percent(ValueKind):
    """A share written as a percentage: nothing in render/ knows it."""

    name = "percent-test"
    description = "a share, written as a percentage"

    def text(self, value, digits=4, *, exact=True):
        return f"{float(value) * 100:g} %"

    def latex(self, value, digits=4, *, exact=True):
        return f"{float(value) * 100:g}\\,\\%"

    def mathml(self, value, digits=4, *, exact=True):
        return f"<mn>{float(value) * 100:g}</mn><mo>%</mo>"

    def to_json(self, value):
        return {"percent": float(value) * 100}


def test_a_plugins_kind_renders_in_every_format_by_its_own_forms(monkeypatch):
    kinds.get("number")                                    # the registry is loaded
    monkeypatch.setitem(registry._KINDS, Percent.name, Percent())
    d = Derivation()
    d.given("p", sympy.Rational(1, 4), "share of errors", kind=Percent.name)
    problem = parse_problem(load_text(PROBLEM, "kinds-render.yaml"))
    solved = Solution(problem, [SolvedPart(problem.parts[0], d, [], {})])
    shown = {fmt: render([solved], fmt) for fmt in ("text", "md", "tex", "html", "json")}
    assert "25 %" in shown["text"]
    assert r"25\,\%" in shown["md"] and r"25\,\%" in shown["tex"]
    assert "<mn>25</mn><mo>%</mo>" in shown["html"]
    assert json.loads(shown["json"])["parts"][0]["quantities"][0]["value"] == {"percent": 25.0}


# -- one writer of values as text -------------------------------------------------------------

def test_feedback_and_outputs_write_values_as_the_json_does():
    from nnsolve.grade import feedback_text
    from nnsolve.grade.outputs.values import show

    delta, epsilon, y = sympy.symbols("delta5 epsilon y3")
    expression = delta * epsilon * y ** 2
    assert feedback_text.shown(expression) == "delta5*epsilon*y3^2" == V.to_json(expression)
    assert V.format_number(expression) == "delta5*epsilon*y3^2"
    d = _derivation()
    assert feedback_text.expected_text(d["classes"]) == "{{1, 2}_A, {3}_B}"
    assert show(V.to_json(d["nodes"].value)) == "[node | colour] 1 | A; 2 | A; 3 | B"
    assert show(V.to_json(d["colour"].value)) == "{1: A, 2: A, 3: B}"


def test_counts_and_shapes_read_the_same_in_feedback_and_on_the_board():
    from nnsolve.grade import feedback_text

    d = Derivation()
    d.given("n", 34944, "parameters", kind="count")
    d.given("s", (55, 55, 96), "output volume", kind="shape")
    assert feedback_text.expected_text(d["n"]) == "34,944"
    assert feedback_text.expected_text(d["s"]) == "55×55×96"


# -- LaTeX compiles ---------------------------------------------------------------------------

@needs_pdflatex
def test_latex_of_every_kind_compiles(outputs, tmp_path):
    tex = tmp_path / "kinds.tex"
    tex.write_text(outputs["tex"], encoding="utf-8")
    assert_compiles(tex)
