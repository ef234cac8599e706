"""Problem specs: structure validation, located errors, one-part shorthand, variants."""

import pytest

from nnsolve.errors import NnsolveError
from nnsolve.spec.problem import load, parse_problem
from nnsolve.spec.variables import draw, instantiate
from nnsolve.spec.yamlsafe import load_text

GOOD = """\
nnsolve: 1
id: demo
title: Demo
tolerance: {rel: 0.02}
parts:
  - id: a
    solver: layers
    given: {input: [4, 4, 1], layers: [flatten]}
    ask:
      params: {points: 2, tolerance: {abs: 0}}
      output_shape: 1
  - id: b
    solver: layers
    given: {input: [4, 4, 1], layers: [flatten]}
    ask: [params]
"""


def parse(text, name="p.yaml"):
    return parse_problem(load_text(text, name))


def test_parts_asks_and_tolerances():
    problem = parse(GOOD)
    a, b = problem.parts
    assert [x.name for x in a.ask] == ["params", "output_shape"]
    assert a.ask[0].points == 2 and a.ask[0].tolerance == {"abs": 0}
    assert a.ask[1].points == 1
    assert b.ask[0].points == 1
    assert a.tolerance == {"rel": 0.02}


def test_one_part_shorthand():
    problem = parse("nnsolve: 1\nid: x\nsolver: layers\ngiven: {input: [3], layers: [flatten]}\n")
    assert len(problem.parts) == 1
    assert problem.parts[0].id == "a" and problem.parts[0].ask is None


def errors_of(text):
    with pytest.raises(NnsolveError) as exc:
        parse(text)
    return [str(i) for i in exc.value.issues]


def test_every_structural_error_is_reported_with_its_line():
    errors = errors_of("""\
nnsolve: 2
id: "bad id!"
titel: typo
parts:
  - id: a
    solver: layers
    given: {}
    ask: {params: {points: -1}}
""")
    assert "p.yaml:1: nnsolve: unsupported format 2; this nnsolve reads format 1" in errors
    assert any(e.startswith("p.yaml:2: id: ") for e in errors)
    assert "p.yaml:3: titel: unknown field (did you mean 'title'?)" in errors
    assert "p.yaml:8: parts[0].ask.params.points: must be a number ≥ 0" in errors


def test_missing_format_version():
    assert any("missing required field 'nnsolve'" in e for e in errors_of("id: x\nsolver: a\ngiven: {}\n"))


def test_duplicate_part_ids():
    errors = errors_of("nnsolve: 1\nid: x\nparts:\n  - {id: a, solver: s, given: {}}\n  - {id: a, solver: s, given: {}}\n")
    assert any("part id 'a' is used twice" in e for e in errors)


def test_sigfigs_and_decimals_exclude_each_other():
    errors = errors_of("nnsolve: 1\nid: x\ntolerance: {sigfigs: 3, decimals: 2}\nsolver: s\ngiven: {}\n")
    assert any("sigfigs or decimals" in e for e in errors)


VARIANT = """\
nnsolve: 1
id: variant-demo
statement: "A $n×$n input, kernel $k; keep $x$ as math."
variables:
  k: {choice: [3, 5, 7]}
  n: {int: [28, 64]}
  lr: {float: [0.1, 1.0], step: 0.1}
solver: layers
given: {input: [$n, $n, 1], layers: [{conv: {filters: 2, kernel: $k}}], note: "k=$k"}
"""


def test_variants_are_a_pure_function_of_problem_and_student():
    problem = parse(VARIANT)
    first = draw(problem, "s1")
    assert draw(problem, "s1") == first
    assert first["k"] in (3, 5, 7) and 28 <= first["n"] <= 64
    assert round(first["lr"] * 10) == pytest.approx(first["lr"] * 10)
    others = {tuple(sorted(draw(problem, f"s{i}").items())) for i in range(40)}
    assert len(others) > 30  # students really do get different variants


def test_variant_substitution_keeps_types_and_leaves_math_alone():
    problem = parse(VARIANT)
    v = instantiate(problem, "s7")
    values = v.variable_values
    given = v.parts[0].given
    assert given["input"] == [values["n"], values["n"], 1]
    assert given["layers"][0]["conv"]["kernel"] == values["k"]
    assert given["note"] == f"k={values['k']}"
    assert v.statement == f"A {values['n']}×{values['n']} input, kernel {values['k']}; keep $x$ as math."


def test_without_a_student_the_first_choice_is_used():
    values = draw(parse(VARIANT), None)
    assert values == {"k": 3, "n": 28, "lr": 0.1}


def test_bad_variable_spec_is_located():
    problem = parse(VARIANT.replace("{int: [28, 64]}", "{int: [64, 28]}"))
    with pytest.raises(NnsolveError, match=r"p.yaml:6: variables.n.int: must be \[low, high\]"):
        draw(problem, "s1")


def test_problem_set_file_with_paths(tmp_path):
    (tmp_path / "one.yaml").write_text("nnsolve: 1\nid: one\nsolver: layers\ngiven: {input: [2], layers: [flatten]}\n")
    (tmp_path / "set.yaml").write_text("nnsolve: 1\nid: ps1\ntitle: Set\nproblems:\n  - one.yaml\n  - {nnsolve: 1, id: two, solver: layers, given: {input: [2], layers: [flatten]}}\n")
    loaded = load(tmp_path / "set.yaml")
    assert loaded.id == "ps1" and [p.id for p in loaded.problems] == ["one", "two"]


def test_problem_set_with_missing_file(tmp_path):
    (tmp_path / "set.yaml").write_text("nnsolve: 1\nproblems:\n  - nothere.yaml\n")
    with pytest.raises(NnsolveError, match=r"set.yaml:3: problems\[0\]: no such problem file"):
        load(tmp_path / "set.yaml")
