"""The command line as an instructor meets it: templates that run, schemas, located errors."""

import json

import pytest

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
