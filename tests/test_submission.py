"""Reading submissions: the format-1 structure, its shorthands, and errors located by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from nnsolve.errors import NnsolveError
from nnsolve.grade.submission import identity_from_text, load_submission, parse_submission
from nnsolve.spec.problem import parse_problem
from nnsolve.spec.yamlsafe import load_text

ROOT = Path(__file__).resolve().parent.parent


def parse(text: str, name: str = "sub.yaml"):
    return parse_submission(load_text(text, name))


def problem(text: str):
    return parse_problem(load_text(text, "p.yaml"))


E2_PARTS = problem("""\
nnsolve: 1
id: alexnet-conv1
parts:
  - {id: a, solver: layers, given: {}}
  - {id: d, solver: layers, given: {}}
""")
ONE_PART = problem("nnsolve: 1\nid: ae-dims\nsolver: layers\ngiven: {}\n")


def test_the_design_example_reads_as_parts_of_a_problem():
    s = parse("""\
nnsolve: 1
student: {id: "s1234", name: "Ada Lovelace"}   # name optional
problem: alexnet-conv1
answers:
  a: {output_shape: [55, 55, 96], units: 290400, params: 34944}
  d: {params: 39574528}
""")
    assert (s.student_id, s.name, s.problem) == ("s1234", "Ada Lovelace", "alexnet-conv1")
    assert s.answers == {"alexnet-conv1": {
        "a": {"output_shape": [55, 55, 96], "units": 290400, "params": 34944},
        "d": {"params": 39574528}}}
    assert s.doc.line(s.answer_path("alexnet-conv1", "d", "params")) == 6


def test_a_one_part_problem_may_list_quantities_directly():
    s = parse("nnsolve: 1\nstudent: {id: s1}\nproblem: ae-dims\nanswers:\n  latent: 50\n  input_dim: 256\n")
    assert s.answers == {"ae-dims": {"a": {"latent": 50, "input_dim": 256}}}
    resolved = s.resolve([ONE_PART])
    assert resolved.answers == {"ae-dims": {"a": {"latent": 50, "input_dim": 256}}}
    assert resolved.doc.line(resolved.answer_path("ae-dims", "a", "input_dim")) == 6


def test_dotted_names_and_nested_mappings_mean_the_same_quantity():
    s = parse("nnsolve: 1\nstudent: {id: s1}\nproblem: net\nanswers:\n  a:\n    conv1.params: 5\n"
              "    w35: {new: 1.2}\n    attractors: {a, b}\n")
    part = s.resolve([problem("nnsolve: 1\nid: net\nsolver: x\ngiven: {}\n")]).answers["net"]["a"]
    assert part == {"conv1.params": 5, "w35.new": 1.2, "attractors": {"a": None, "b": None}}


def test_a_set_is_keyed_by_problem_then_part():
    text = """\
nnsolve: 1
student: {id: s1}
problem: week1
answers:
  alexnet-conv1:
    a: {output_shape: [55, 55, 96]}
    d: {params: 39574528}
  ae-dims: {latent: 50}
  extra-problem: {x: 1}
"""
    s = parse(text)
    resolved = s.resolve([E2_PARTS, ONE_PART])
    assert resolved.answers == {"alexnet-conv1": {"a": {"output_shape": [55, 55, 96]},
                                                  "d": {"params": 39574528}},
                                "ae-dims": {"a": {"latent": 50}}}
    assert resolved.strays[()] == ["extra-problem"]
    assert resolved.doc.line(resolved.answer_path("alexnet-conv1", "d", "params")) == 7


def test_a_set_of_one_part_problems_is_told_apart_from_parts_by_the_key():
    text = "nnsolve: 1\nstudent: {id: s1}\nproblem: week2\nanswers:\n  ae-dims: {latent: 50}\n"
    s = parse(text)
    assert s.answers == {"week2": {"ae-dims": {"latent": 50}}}     # shape alone cannot tell
    assert s.resolve([ONE_PART, E2_PARTS]).answers == {"ae-dims": {"a": {"latent": 50}}}


def test_the_part_id_of_a_one_part_problem_may_be_written():
    s = parse("nnsolve: 1\nstudent: {id: s1}\nproblem: ae-dims\nanswers:\n  a: {latent: 50}\n")
    assert s.resolve([ONE_PART]).answers == {"ae-dims": {"a": {"latent": 50}}}


def test_student_ids_are_kept_as_typed(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("nnsolve: 1\nstudent: {id: 01234}\nproblem: p\nanswers: {y: 0.980}\n")
    s = load_submission(path)
    assert s.student_id == "01234"                       # not 668 (YAML 1.1 octal) nor 1234
    assert s.given_text("p", "a", "y") == "0.980"         # the digits the student wrote
    plain = tmp_path / "plain.yaml"
    plain.write_text("nnsolve: 1\nstudent: s99\nproblem: p\nanswers: {}\n")
    assert load_submission(plain).student_id == "s99"


@pytest.mark.parametrize("text, where, message", [
    ("- 1\n", "sub.yaml:1", "a submission must be a mapping"),
    ("student: {id: s1}\nproblem: p\nanswers: {}\n", "sub.yaml:1", "missing required field 'nnsolve'"),
    ("nnsolve: 2\nstudent: {id: s1}\nproblem: p\nanswers: {}\n", "sub.yaml:1: nnsolve", "unsupported format 2"),
    ("nnsolve: 1\nproblem: p\nanswers: {}\n", "sub.yaml:1", "missing required field 'student'"),
    ("nnsolve: 1\nstudent: {name: Ada}\nproblem: p\nanswers: {}\n", "sub.yaml:2: student", "missing required field 'id'"),
    ("nnsolve: 1\nstudent: {id: s1, mail: x}\nproblem: p\nanswers: {}\n", "sub.yaml:2: student.mail", "unknown field"),
    ("nnsolve: 1\nstudent: {id: s1}\nproblem: [p]\nanswers: {}\n", "sub.yaml:3: problem", "must be a problem id"),
    ("nnsolve: 1\nstudent: {id: s1}\nproblem: p\n", "sub.yaml:1", "missing required field 'answers'"),
    ("nnsolve: 1\nstudent: {id: s1}\nproblem: p\nanswers: [1, 2]\n", "sub.yaml:4: answers", "must be a mapping"),
    ("nnsolve: 1\nstudent: {id: s1}\nproblem: p\nanswer: {}\n", "sub.yaml:4: answer", "did you mean 'answers'"),
])
def test_structural_errors_name_file_line_and_field(text, where, message):
    with pytest.raises(NnsolveError) as exc:
        parse(text)
    assert any(str(issue).startswith(where) and message in str(issue) for issue in exc.value.issues), \
        str(exc.value)


def test_every_issue_is_reported_at_once():
    with pytest.raises(NnsolveError) as exc:
        parse("nnsolve: 3\nstudent: {}\nproblem: 'a b'\nanswers: 5\n")
    assert len(exc.value.issues) == 4


def test_check_accepts_a_submission_and_reports_a_broken_one(nnsolve, tmp_path):
    ok = nnsolve("check", ROOT / "examples" / "submissions" / "e2-correct.yaml")
    assert ok.exit_code == 0
    assert "submission of s1001 for alexnet-conv1" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("nnsolve: 1\nstudent: {id: s1}\nproblem: p\nanswers: [1]\n")
    result = nnsolve("check", bad)
    assert result.exit_code == 1
    assert f"{bad}:4: answers: must be a mapping" in result.stderr


def test_identity_is_salvaged_from_a_file_yaml_cannot_load():
    assert identity_from_text("nnsolve: 1\nstudent: {id: \"s42\", name: Ada L}\nproblem: e2\nanswers: [\n") \
        == ("s42", "Ada L", "e2")
    assert identity_from_text("student:\n  name: Bob\n  id: s7\nproblem: 'set-1'\n") == ("s7", "Bob", "set-1")
    assert identity_from_text("student: s9  # me\n") == ("s9", None, None)
    assert identity_from_text("garbage") == (None, None, None)
