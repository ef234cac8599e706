"""The command line as an instructor meets it: templates that run, schemas, located errors."""

import json

import pytest

from shared_paths import PROBLEMS
from nnsolve import solvers


def test_solvers_lists_the_shipped_families(nnsolve):
    result = nnsolve("solvers")
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.stdout.splitlines()}
    assert {"layers", "mlp", "choice"} <= listed


@pytest.mark.parametrize("kind", solvers.names())
def test_every_template_validates_and_runs(nnsolve, tmp_path, kind):
    path = tmp_path / f"{kind}.yaml"
    assert nnsolve("new", kind, "-o", path).exit_code == 0
    checked = nnsolve("check", path)
    assert checked.exit_code == 0, checked.stderr
    result = nnsolve("run", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    quantities = result.json()["parts"][0]["quantities"]
    assert any(q["asked"] for q in quantities)


@pytest.mark.parametrize("kind", solvers.names())
def test_schema_names_fields_and_quantities(nnsolve, kind):
    text = nnsolve("schema", kind)
    assert text.exit_code == 0
    assert "given:" in text.stdout and "quantities:" in text.stdout
    as_json = json.loads(nnsolve("schema", kind, "--format", "json").stdout)
    assert as_json["solver"] == kind and as_json["quantities"]


def test_unknown_solver_kind_is_a_usage_error(nnsolve):
    assert nnsolve("schema", "nosuch").exit_code == 2


def test_shipped_problems_all_check(nnsolve):
    result = nnsolve("check", "problems")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("ok: ") >= 5


def test_unknown_solver_in_a_spec_names_file_and_line(nnsolve, problem_file):
    path = problem_file("nnsolve: 1\nid: x\nparts:\n  - id: a\n    solver: layer\n    given: {}\n")
    result = nnsolve("run", path)
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(f"error: {path}:5: parts[0].solver: unknown solver 'layer'")
    assert "Traceback" not in result.stderr


def test_asking_for_a_quantity_the_solver_does_not_produce(nnsolve, problem_file):
    path = problem_file("nnsolve: 1\nid: x\nsolver: layers\ngiven: {input: [8, 8, 1], layers: [flatten]}\n"
                        "ask: [param]\n")
    result = nnsolve("run", path)
    assert result.exit_code == 1
    assert f"{path}:5: ask[0]: layers does not produce 'param' (did you mean params" in result.stderr


def test_yaml_syntax_error(nnsolve, problem_file):
    path = problem_file("nnsolve: 1\nid: [x\n")
    result = nnsolve("check", path)
    assert result.exit_code == 1
    assert f"{path}:" in result.stderr and "YAML syntax error" in result.stderr


def test_convention_not_declared_by_the_solver(nnsolve, problem_file):
    path = problem_file("nnsolve: 1\nid: x\nsolver: layers\nconventions: {hopfield_norm: N}\n"
                        "given: {input: [8, 8, 1], layers: [flatten]}\n")
    result = nnsolve("run", path)
    assert result.exit_code == 1
    assert f"{path}:4: conventions.hopfield_norm: layers has no convention" in result.stderr


def test_output_file_is_written(nnsolve, tmp_path):
    out = tmp_path / "key.json"
    result = nnsolve("run", "problems/alexnet-conv1.yaml", "--format", "json", "-o", out)
    assert result.exit_code == 0
    assert json.loads(out.read_text())["problem"] == "alexnet-conv1"


@pytest.mark.parametrize("command, name, start", [
    ("run", "solution.html", "<!DOCTYPE html>"), ("run", "solution.json", "{"),
    ("run", "solution.tex", r"\documentclass"), ("run", "solution.txt", "AlexNet"),
    ("key", "key.html", "<!DOCTYPE html>"), ("key", "key.md", "# AlexNet")])
def test_the_output_file_suffix_chooses_the_format(nnsolve, tmp_path, command, name, start):
    out = tmp_path / name
    assert nnsolve(command, "problems/alexnet-conv1.yaml", "-o", out).exit_code == 0
    assert out.read_text().startswith(start)


def test_an_explicit_format_wins_over_the_suffix(nnsolve, tmp_path):
    out = tmp_path / "solution.html"
    assert nnsolve("run", "problems/alexnet-conv1.yaml", "--format", "md", "-o", out).exit_code == 0
    assert out.read_text().startswith("# AlexNet")


def test_output_to_a_directory_is_a_usage_error(nnsolve, tmp_path):
    result = nnsolve("run", "problems/alexnet-conv1.yaml", "-o", tmp_path)
    assert result.exit_code == 2 and "is a directory" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_folder_with_a_set_file_beside_its_problems(nnsolve, tmp_path, monkeypatch):
    """The set file names the problem files next to it: each problem is solved once."""
    for name in ("alexnet-conv1", "mnist-keras-cnn"):
        (tmp_path / f"{name}.yaml").write_text((PROBLEMS / f"{name}.yaml").read_text())
    (tmp_path / "week1.yaml").write_text(
        "nnsolve: 1\nid: week1\nproblems: [alexnet-conv1.yaml, mnist-keras-cnn.yaml]\n")
    monkeypatch.chdir(tmp_path)
    result = nnsolve("run", ".", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = result.json()
    assert document["id"] == tmp_path.name
    assert [p["problem"] for p in document["problems"]] == ["alexnet-conv1", "mnist-keras-cnn"]


def test_the_byline_says_which_variant_is_shown(nnsolve):
    variant = "examples/problems/conv-output-variant.yaml"
    default = nnsolve("run", variant, "--format", "md").stdout
    assert "default variant (k = 3, n = 28, p = 0, s = 1); --student ID gives a student's own" in default
    own = nnsolve("run", variant, "--student", "s1", "--format", "md").stdout
    assert "variant of student s1 (" in own
    fixed = nnsolve("run", "problems/alexnet-conv1.yaml", "--student", "s1", "--format", "md").stdout
    assert "variant" not in fixed.split("\n\n")[1]


def test_a_students_sheet_names_each_asked_quantity(nnsolve, problem_file):
    """Without `ask:` the solver's principal results are asked: the sheet lists them by name."""
    path = problem_file("nnsolve: 1\nid: tiny\nsolver: mlp\ngiven:\n  input: [1, -1]\n"
                        "  target: [1]\n  layers:\n"
                        "    - {weights: [[1, -1]], bias: [0], activation: sigmoid, neurons: [3]}\n")
    sheet = nnsolve("variant", path, "--student", "s9").stdout
    asked = nnsolve("run", path, "--format", "json").json()["parts"][0]["quantities"]
    names = [q["name"] for q in asked if q["asked"]]
    assert "w13.new" in names and "<" not in sheet
    assert all(f"`{name}` (1 pt)" in sheet for name in names)


def test_check_lists_every_error_of_a_file_in_one_run(nnsolve, problem_file):
    path = problem_file("nnsolve: 1\nid: x\nbogus: 1\nparts:\n"
                        "  - id: a\n    solver: layers\n"
                        "    given: {input: [5, 5, 3], layers: [{conv: {filters: 2, kernel: 7}}]}\n"
                        "  - id: b\n    solver: layerz\n    given: {}\n")
    result = nnsolve("check", path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ", 3)[2:4] for line in lines] == [
        ["bogus", "unknown field"],
        ["parts[0].given.layers[0].conv.kernel", "kernel 7×7 does not fit a 5×5 input with padding 0"],
        # every installed solver is listed, plugins such as nnsolve-perceptron included
        ["parts[1].solver", f"unknown solver 'layerz' (known: {', '.join(solvers.names())})"]]
