"""The user guide as a newcomer uses it: every `# file:` example, saved exactly as the page
shows it, passes `check` and grades as the page says; the generated reference and schemas
are current."""

import json
import re

import yaml

from shared_paths import ROOT

GUIDE = ROOT / "docs" / "guide.md"


def guide_files(tmp_path) -> dict:
    text = GUIDE.read_text(encoding="utf-8")
    files = {}
    for body, name in re.findall(r"```yaml\n(# file: (\S+)\n.*?)```", text, re.S):
        (tmp_path / name).write_text(body, encoding="utf-8")
        files[name] = tmp_path / name
    return files


def test_the_guide_has_a_conv_problem_an_mlp_problem_and_a_submission(tmp_path):
    assert set(guide_files(tmp_path)) == {"conv-pool.yaml", "mlp-221.yaml", "s1234.yaml"}


def test_guide_problems_pass_check_and_selftest(nnsolve, tmp_path):
    files = guide_files(tmp_path)
    for name in ("conv-pool.yaml", "mlp-221.yaml"):
        result = nnsolve("check", files[name])
        assert result.exit_code == 0, result.stderr
        assert nnsolve("selftest", files[name]).exit_code == 0, name


def test_guide_submission_grades_as_the_guide_says(nnsolve, tmp_path):
    files = guide_files(tmp_path)
    checked = nnsolve("check", files["s1234.yaml"], "--key", files["conv-pool.yaml"])
    assert checked.exit_code == 0, checked.stderr
    graded = nnsolve("grade", files["s1234.yaml"], "--key", files["conv-pool.yaml"],
                     "--format", "json")
    (result,) = json.loads(graded.stdout)["results"]
    assert (result["score"], result["max_score"]) == (4, 5)
    assert {r["name"]: r["status"] for r in result["records"]} == {
        "pool1.output_shape": "correct", "conv1.params": "correct", "params": "incorrect"}
    assert "scores 4 of 5" in GUIDE.read_text(encoding="utf-8")


def test_template_submission_lists_every_asked_name_and_is_a_submission(nnsolve, tmp_path):
    files = guide_files(tmp_path)
    template = nnsolve("new", "submission", files["mlp-221.yaml"])
    assert template.exit_code == 0, template.stderr
    data = yaml.safe_load(template.stdout)
    assert list(data["answers"]["a"]) == ["y3", "y4", "y5", "delta5", "w35.new"]
    assert "# 2 points: output of neuron 5" in template.stdout
    path = tmp_path / "blank.yaml"
    path.write_text(template.stdout, encoding="utf-8")
    assert nnsolve("check", path).exit_code == 0


def test_template_submission_of_a_set_groups_by_problem(nnsolve):
    template = nnsolve("new", "submission", ROOT / "examples" / "course" / "week3.yaml")
    data = yaml.safe_load(template.stdout)
    assert data["problem"] == "week3"
    assert set(data["answers"]["conv-output-exact"]["a"]) == {"output_shape", "params"}


def test_new_submission_needs_a_problem(nnsolve):
    assert nnsolve("new", "submission").exit_code == 2


def test_generated_documents_are_current():
    from nnsolve.reference import documents

    stale = [str(path.relative_to(ROOT)) for path, text in documents(ROOT).items()
             if not path.is_file() or path.read_text(encoding="utf-8") != text]
    assert not stale, f"run `python -m nnsolve.reference`: stale {stale}"


def test_schema_text_lists_every_layer_kind_with_its_options(nnsolve):
    text = nnsolve("schema", "layers").stdout
    conv = text.split("\nconv:\n", 1)[1].split("\n\n", 1)[0]
    for option in ("filters", "kernel", "stride", "padding", "dilation", "groups", "bias",
                   "activation"):
        assert f"  {option}" in conv, option
    pools = text.split("\nmaxpool, avgpool:\n", 1)[1].split("\n\n", 1)[0]
    for option in ("size", "stride", "padding", "ceil_mode"):
        assert f"  {option}" in pools, option


def test_schema_mlp_says_weights_have_one_row_per_neuron(nnsolve):
    assert "one row per neuron" in nnsolve("schema", "mlp").stdout


def test_guide_shows_the_modeline_and_every_field():
    text = GUIDE.read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=" in text
    from nnsolve.spec.problem import ASK_KEYS, PROBLEM_KEYS, SET_KEYS, TOLERANCE_KEYS

    for key in PROBLEM_KEYS | ASK_KEYS | SET_KEYS | TOLERANCE_KEYS:
        assert re.search(rf"(?<![\w.]){key}(:|`)", text), key
