"""The JSON Schemas of the file formats: every shipped problem and submission is valid, and a
misspelled field is not, so an editor using them agrees with `nnsolve check`."""

import copy
import json

import jsonschema
import pytest
import yaml

from shared_paths import ROOT
from nnsolve.formats import problem_schema, submission_schema

SHIPPED = sorted(p for folder in ("problems", "examples") for p in (ROOT / folder).rglob("*.yaml"))


def _validator(data):
    schema = submission_schema() if "answers" in data else problem_schema()
    return jsonschema.Draft202012Validator(schema)


def test_schemas_are_valid_json_schemas():
    jsonschema.Draft202012Validator.check_schema(problem_schema())
    jsonschema.Draft202012Validator.check_schema(submission_schema())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_file_is_valid(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in _validator(data).iter_errors(data)]
    assert not errors


def _alexnet():
    return yaml.safe_load((ROOT / "problems" / "alexnet-conv1.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("spoil", [
    lambda d: d.update(tolerence=d.pop("tolerance")),
    lambda d: d["parts"][0].update(aks=d["parts"][0].pop("ask")),
    lambda d: d["parts"][0]["given"]["layers"][0]["conv"].update(filter=96),
    lambda d: d["parts"][0]["ask"]["params"].update(point=2),
    lambda d: d.update(tolerance={"decimal": 3}),
    lambda d: d["parts"][0]["given"]["layers"].append("convolution"),
], ids=["problem", "part", "layer-option", "ask-option", "tolerance", "layer-kind"])
def test_a_misspelled_field_is_rejected(spoil):
    data = copy.deepcopy(_alexnet())
    assert not list(_validator(data).iter_errors(data))
    spoil(data)
    assert list(_validator(data).iter_errors(data))


def test_a_misspelled_submission_field_is_rejected():
    data = yaml.safe_load((ROOT / "examples" / "submissions" / "e2-correct.yaml").read_text())
    data["answer"] = data.pop("answers")
    assert list(_validator({**data, "answers": {}}).iter_errors(data))
    data["answers"] = data.pop("answer")
    data["student"]["nmae"] = "x"
    assert list(_validator(data).iter_errors(data))


def test_variables_stand_for_numbers():
    data = yaml.safe_load((ROOT / "examples" / "problems" / "conv-output-exact.yaml").read_text())
    assert data["given"]["input"][0] == "$n"
    assert not list(_validator(data).iter_errors(data))


@pytest.mark.parametrize("kind", ["problem", "submission"])
def test_schema_command_prints_the_schema(nnsolve, kind):
    result = nnsolve("schema", kind)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["$schema"].startswith("https://json-schema.org/")
