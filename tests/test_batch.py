"""Grading a class of E2 (AlexNet, first convolutional layer) submissions end to end.

E2: a 227×227×3 image, 96 filters of 11×11, stride 4, no padding. The key's part a answers
questions (a)–(c): output volume 55×55×96 (2 points), 290400 units (1 point), 34944 parameters
(2 points); part d answers (d): 39574528 parameters for a dense layer of 256 units instead
(1 point).
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from shared_paths import PROBLEMS, benchmark

KEY = PROBLEMS / "alexnet-conv1.yaml"
RIGHT = {"a": {"output_shape": [55, 55, 96], "units": 290400, "params": 34944},
         "d": {"params": 39574528}}
BIAS_FORGOTTEN = {**RIGHT, "a": {**RIGHT["a"], "params": 34848}}   # 11·11·3·96, no 96 biases
PLUS_ONE_FORGOTTEN = {**RIGHT, "a": {**RIGHT["a"], "output_shape": [54, 54, 96]}}  # (227 − 11)/4
UNANSWERED_D = {k: v for k, v in RIGHT.items() if k != "d"}
MAX = 2 + 1 + 2 + 1


def submission(student, answers, *, name="A Student", problem="alexnet-conv1") -> str:
    """A submission as a student writes it (JSON is YAML: flow mappings and lists)."""
    if isinstance(answers, dict):
        body = "".join(f"\n  {part}: {json.dumps(values)}" for part, values in answers.items())
    else:
        body = f" {json.dumps(answers)}"
    return (f"nnsolve: 1\nstudent: {{id: {json.dumps(student)}, name: {json.dumps(name)}}}\n"
            f"problem: {problem}\nanswers:{body}\n")


def write(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


alias_bomb = benchmark("grade_batch").alias_bomb


#: ten ways to break a submission, with a word the reason must contain
BROKEN = [
    ("yaml", lambda s: f"nnsolve: 1\nstudent: {{id: {s}}}\nanswers: {{a: [1, 2\n",
     "YAML syntax error"),
    ("bomb", lambda s: alias_bomb(), "alias"),
    ("no student", lambda s: "\n".join(line for line in submission(s, RIGHT).splitlines()
                                        if not line.startswith("student:")), "student"),
    ("unknown problem", lambda s: submission(s, RIGHT, problem="alexnet-conv9"), "alexnet-conv9"),
    ("binary", lambda s: random.Random(s).randbytes(2048), "UTF-8"),
    ("empty", lambda s: "", "not nothing"),
    ("huge", lambda s: "# " + "x" * 10_500_000 + "\n" + submission(s, RIGHT), "limit"),
    ("deep", lambda s: submission(s, {"a": {"params": json.loads("[" * 100 + "]" * 100)}}),
     "nesting"),
    ("format 2", lambda s: submission(s, RIGHT).replace("nnsolve: 1", "nnsolve: 2"), "format"),
    ("answers", lambda s: submission(s, 42), "answers"),
]


def rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_a_class_of_500_with_50_broken_files(tmp_path, nnsolve):
    """Every file gets a row; the broken ones say why; the item analysis counts the mistakes."""
    subs = tmp_path / "subs"
    kinds = {}
    answers = {"right": RIGHT, "bias": BIAS_FORGOTTEN, "plus-one": PLUS_ONE_FORGOTTEN,
               "no d": UNANSWERED_D}
    rng = random.Random(7)
    broken_at = set(rng.sample(range(500), 50))
    huge_done = False
    for i in range(500):
        student = f"s{i:03d}"
        if i in broken_at:
            kind, make, word = BROKEN[len([k for k in kinds.values() if k[0] == "broken"]) % 10]
            if kind == "huge" and huge_done:       # one 10 MB file is enough to make the point
                kind, make, word = BROKEN[0]
            huge_done |= kind == "huge"
            write(subs, f"{student}.yaml", make(student))
            kinds[f"{student}.yaml"] = ("broken", kind, word)
        else:
            kind = rng.choice(list(answers))
            write(subs, f"{student}.yaml", submission(student, answers[kind]))
            kinds[f"{student}.yaml"] = ("valid", kind)

    result = nnsolve("grade", subs, "--key", KEY, "--csv", tmp_path / "grades.csv",
                     "--feedback-dir", tmp_path / "feedback")

    assert result.exit_code == 1                      # some could not be graded
    book = rows(tmp_path / "grades.csv")
    assert len(book) == 500
    assert [Path(r["file"]).name for r in book] == sorted(kinds)
    invalid = [r for r in book if r["status"] == "invalid"]
    assert len(invalid) == 50
    for row in invalid:
        _, kind, word = kinds[Path(row["file"]).name]
        assert word.lower() in row["reason"].lower(), (kind, row["reason"])
        assert row["total"] == "" and row["max"] == ""
    expected_total = {"right": 6, "bias": 4, "plus-one": 4, "no d": 5}
    expected_part_a = {"right": 5, "bias": 3, "plus-one": 3, "no d": 5}
    for row in book:
        if row["status"] == "graded":
            kind = kinds[Path(row["file"]).name][1]
            assert float(row["total"]) == expected_total[kind], row
            assert float(row["max"]) == MAX
            assert float(row["alexnet-conv1:a"]) == expected_part_a[kind], row
            assert float(row["alexnet-conv1:d"]) == (0 if kind == "no d" else 1), row

    assert "Item analysis" in result.stdout
    bias = sum(1 for k in kinds.values() if k == ("valid", "bias"))
    plus_one = sum(1 for k in kinds.values() if k == ("valid", "plus-one"))
    assert f"34848 ×{bias} (bias-forgotten)" in result.stdout
    assert f"[54, 54, 96] ×{plus_one}" in result.stdout
    assert "graded 450, invalid 50" in result.stderr

    feedback = tmp_path / "feedback"
    assert len(list(feedback.glob("*.md"))) == 500 and len(list(feedback.glob("*.html"))) == 501
    assert (feedback / "item-analysis.html").read_text().count("<svg") == 1
    assert not [p for p in feedback.iterdir() if p.name.startswith(".")]


def test_json_lists_every_file_in_file_name_order(tmp_path, nnsolve):
    subs = tmp_path / "subs"
    write(subs, "zoe.yaml", submission("zoe", RIGHT, name="Zoe"))
    write(subs, "adam.yml", submission("adam", BIAS_FORGOTTEN, name="Adam"))
    write(subs, "group/mia.yaml", submission("mia", UNANSWERED_D))
    write(subs, "broken.yaml", "nnsolve: 1\nstudent: {id: bea}\nanswers: {a: [1, 2\n")
    write(subs, ".hidden.yaml", "not a submission")
    write(subs, "notes.txt", "not a submission either")

    result = nnsolve("grade", subs, "--key", KEY, "--format", "json")

    assert result.exit_code == 1
    doc = result.json()
    assert doc["nnsolve"] == 1
    assert [Path(r["file"]).relative_to(subs).as_posix() for r in doc["results"]] == \
        ["adam.yml", "broken.yaml", "group/mia.yaml", "zoe.yaml"]
    for r in doc["results"]:
        assert list(r) == ["student", "name", "problem", "file", "score", "max_score", "error",
                           "records"]
    adam, broken, mia, zoe = doc["results"]
    assert (adam["student"], adam["score"], adam["max_score"]) == ("adam", 4, 6)
    assert adam["error"] is None
    assert [(x["part"], x["name"], x["status"]) for x in adam["records"]] == [
        ("a", "output_shape", "correct"), ("a", "units", "correct"),
        ("a", "params", "incorrect"), ("d", "params", "correct")]
    wrong = adam["records"][2]
    assert (wrong["expected"], wrong["given"]) == (34944, 34848)
    assert wrong["misconception"] == "bias-forgotten"
    assert list(wrong) == ["problem", "part", "name", "points", "awarded", "status", "expected",
                           "given", "message", "misconception"]
    assert broken["student"] == "bea" and "YAML syntax error" in broken["error"]
    assert mia["records"][-1]["status"] == "missing" and zoe["score"] == 6
    summary = doc["summary"]
    assert (summary["submissions"], summary["graded"], summary["invalid"]) == (4, 3, 1)
    assert summary["mean_score"] == pytest.approx((4 + 5 + 6) / 3, abs=1e-4)
    item = next(i for i in summary["items"] if (i["part"], i["name"]) == ("a", "params"))
    assert item["counts"]["incorrect"] == 1 and item["n"] == 3
    assert item["wrong_answers"] == [
        {"given": 34848, "count": 1, "misconception": "bias-forgotten"}]


def test_workers_give_the_same_results_as_one_process(tmp_path, nnsolve):
    subs = tmp_path / "subs"
    choices = [RIGHT, BIAS_FORGOTTEN, PLUS_ONE_FORGOTTEN, UNANSWERED_D]
    for i in range(40):
        write(subs, f"s{i:02d}.yaml", submission(f"s{i:02d}", choices[i % 4]))
    write(subs, "s99.yaml", b"\xff\xfe garbage")

    one = nnsolve("grade", subs, "--key", KEY, "--format", "json")
    two = nnsolve("grade", subs, "--key", KEY, "--format", "json", "--workers", "2")

    assert one.exit_code == two.exit_code == 1
    assert one.json() == two.json()


def test_a_key_from_several_places(tmp_path, nnsolve):
    """The shipped problems and an extra folder of concept questions, graded in one run."""
    subs = tmp_path / "subs"
    write(subs, "e2.yaml", submission("s1", RIGHT))
    extra = PROBLEMS.parent / "examples" / "problems"
    concepts = (PROBLEMS.parent / "examples" / "submissions" / "nn-concepts-s1003.yaml").read_text()
    write(subs, "concepts.yaml", concepts)

    only_one = nnsolve("grade", subs, "--key", KEY, "--format", "json")
    both = nnsolve("grade", subs, "--key", KEY, "--key", extra, "--format", "json",
                   "--workers", "2")

    assert only_one.exit_code == 1 and both.exit_code == 0, both.stderr
    graded = {r["student"]: r for r in both.json()["results"]}
    assert graded["s1"]["score"] == MAX
    assert graded["s1003"]["problem"] == "nn-concepts" and graded["s1003"]["error"] is None


def test_a_worker_that_was_not_forked_reloads_the_key_from_its_paths(monkeypatch):
    from nnsolve.grade import batch
    from nnsolve.grade.key import Key

    extra = PROBLEMS.parent / "examples" / "problems"
    key = Key.from_paths([KEY, extra])
    monkeypatch.setattr(batch, "_worker_key", None)
    monkeypatch.setattr(batch.signal, "signal", lambda *args: None)  # Ctrl-C stays with pytest
    batch._init_worker(key.paths)
    assert sorted(batch._worker_key.problems) == sorted(key.problems)
    assert "nn-concepts" in key.problems and "alexnet-conv1" in key.problems


def test_gradescope_results_json_for_one_student(tmp_path, nnsolve):
    """Gradescope runs once per student; all of that student's files make one results.json."""
    subs = tmp_path / "submission"
    write(subs, "answers.yaml", submission("s1234", BIAS_FORGOTTEN))
    out = tmp_path / "results" / "results.json"

    result = nnsolve("grade", subs, "--key", KEY, "--gradescope", out)

    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert {"score", "output", "visibility", "tests"} <= set(data)
    assert data["score"] == 4 and data["visibility"] == "visible"
    assert [t["max_score"] for t in data["tests"]] == [2, 1, 2, 1]
    for test in data["tests"]:
        assert set(test) == {"name", "score", "max_score", "status", "output", "output_format",
                             "visibility"}
        assert test["output_format"] in ("text", "html", "md", "ansi", "simple_format")
    assert [t["status"] for t in data["tests"]] == ["passed", "passed", "failed", "passed"]
    assert "34944" in data["tests"][2]["output"] and "34848" in data["tests"][2]["output"]


def test_gradescope_says_why_a_file_was_not_graded(tmp_path, nnsolve):
    subs = tmp_path / "submission"
    write(subs, "answers.yaml", "nnsolve: 1\nstudent: {id: s1\n")
    out = tmp_path / "results.json"

    result = nnsolve("grade", subs, "--key", KEY, "--gradescope", out)

    assert result.exit_code == 1
    data = json.loads(out.read_text())
    assert data["score"] == 0
    assert "could not be graded" in data["output"].lower()
    assert data["tests"][0]["status"] == "failed"


def test_gradescope_refuses_a_whole_class(tmp_path, nnsolve):
    subs = tmp_path / "subs"
    write(subs, "a.yaml", submission("s1", RIGHT))
    write(subs, "b.yaml", submission("s2", RIGHT))

    result = nnsolve("grade", subs, "--key", KEY, "--gradescope", tmp_path / "results.json",
                     "--csv", tmp_path / "grades.csv")

    assert result.exit_code == 2
    assert "one student" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["subs"]


def test_canvas_gradebook(tmp_path, nnsolve):
    subs = tmp_path / "subs"
    write(subs, "1.yaml", submission("s1", RIGHT, name="Ada Lovelace"))
    write(subs, "2.yaml", submission("s2", BIAS_FORGOTTEN, name="=cmd|' /C calc'!A0"))
    write(subs, "3.yaml",
          "nnsolve: 1\nstudent: {id: s3, name: Cy}\nproblem: alexnet-conv1\nanswers: [\n")
    out = tmp_path / "canvas.csv"

    result = nnsolve("grade", subs, "--key", KEY, "--csv", out, "--csv-style", "canvas")

    assert result.exit_code == 1
    with open(out, newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "alexnet-conv1"]
    assert table[1] == ["Points Possible", "", "", "", "", "6"]
    assert table[2] == ["Ada Lovelace", "", "s1", "", "", "6"]
    assert table[3] == ["'=cmd|' /C calc'!A0", "", "s2", "", "", "4"]   # never a formula
    assert table[4] == ["Cy", "", "s3", "", "", ""]                     # not graded ≠ zero


def test_canvas_keeps_name_and_score_of_the_same_file(tmp_path, nnsolve):
    """s1 handed in twice: the later file is kept, with the name written in it."""
    subs = tmp_path / "subs"
    write(subs, "a.yaml", submission("s1", RIGHT, name="Ada Lovelace"))
    write(subs, "b.yaml", submission("s1", BIAS_FORGOTTEN, name="Ada King"))
    out = tmp_path / "canvas.csv"
    result = nnsolve("grade", subs, "--key", KEY, "--csv", out, "--csv-style", "canvas")
    assert "s1 has several submissions" in result.stderr
    with open(out, newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert table[2] == ["Ada King", "", "s1", "", "", "4"]


def test_feedback_files_are_safe_whatever_the_student_id(tmp_path, nnsolve):
    subs = tmp_path / "subs"
    write(subs, "x.yaml", submission("../../escape", BIAS_FORGOTTEN,
                                     name="<script>alert(1)</script>"))
    feedback = tmp_path / "feedback"

    result = nnsolve("grade", subs, "--key", KEY, "--feedback-dir", feedback)

    assert result.exit_code == 0
    assert sorted(p.name for p in feedback.iterdir()) == ["escape.html", "escape.md",
                                                          "item-analysis.html"]
    page = (feedback / "escape.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page
    text = (feedback / "escape.md").read_text()
    assert "| ✗ incorrect | a | params" in text
    assert "`34944`" in text and "`34848`" in text and "biases were forgotten" in text
    assert "<script>" not in text and r"\<script\>" in text     # Markdown viewers read HTML


def test_an_interrupted_batch_leaves_the_old_outputs_alone(tmp_path, monkeypatch):
    """Ctrl-C on the 3rd file: no half-written gradebook, no stray temporary files."""
    from nnsolve.grade import batch
    from nnsolve.grade.command import grade_command

    subs = tmp_path / "subs"
    for i in range(5):
        write(subs, f"s{i}.yaml", submission(f"s{i}", RIGHT))
    out = tmp_path / "out"
    out.mkdir()
    (out / "grades.csv").write_text("the gradebook of last week\n")
    (out / "feedback").mkdir()
    (out / "feedback" / "s0.md").write_text("last week's feedback\n")

    real = batch.grade_safely
    calls = []

    def interrupted_on_third(path, key):
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(path, key)

    monkeypatch.setattr(batch, "grade_safely", interrupted_on_third)
    with pytest.raises(KeyboardInterrupt):
        grade_command([subs], keys=[KEY], fmt="json", csv_path=str(out / "grades.csv"),
                      feedback_dir=str(out / "feedback"))

    assert (out / "grades.csv").read_text() == "the gradebook of last week\n"
    assert sorted(p.name for p in out.iterdir()) == ["feedback", "grades.csv"]
    assert [p.name for p in (out / "feedback").iterdir()] == ["s0.md"]
    assert (out / "feedback" / "s0.md").read_text() == "last week's feedback\n"


def test_exit_codes(tmp_path, nnsolve):
    good = tmp_path / "good"
    write(good, "s1.yaml", submission("s1", RIGHT))
    assert nnsolve("grade", good, "--key", KEY).exit_code == 0
    write(good, "s2.yaml", "")
    assert nnsolve("grade", good, "--key", KEY).exit_code == 1

    empty = tmp_path / "empty"
    empty.mkdir()
    no_files = nnsolve("grade", empty, "--key", KEY)
    assert no_files.exit_code == 2 and "no submission files" in no_files.stderr
    assert nnsolve("grade", good, "--key", KEY, "--workers", "0").exit_code == 2

    bad_key = write(tmp_path, "key.yaml", "nnsolve: 1\nid: broken\nparts: 3\n")
    broken_key = nnsolve("grade", good, "--key", bad_key)
    assert broken_key.exit_code == 1 and "key.yaml" in broken_key.stderr


def test_a_problem_set_names_the_problem_of_each_row(nnsolve):
    data = PROBLEMS.parent / "tests" / "data" / "grading"
    text = nnsolve("grade", data / "submissions" / "week1-s2001.yaml", "--key",
                   data / "week1.yaml").stdout
    rows = [line.split()[1:3] for line in text.splitlines() if line.startswith("  ") and
            line.split()[0] in "✓✗≈–!"]
    assert ["alexnet-conv1", "a.params"] in rows and ["nn-concepts", "a.answer"] in rows


def test_two_key_folders_of_the_same_name(tmp_path, nnsolve):
    """Both called problems/: their problems are graded; only the name `problems` is ambiguous."""
    for course, name in (("k1", "alexnet-conv1"), ("k2", "mnist-keras-cnn")):
        folder = tmp_path / course / "problems"
        folder.mkdir(parents=True)
        (folder / f"{name}.yaml").write_text((PROBLEMS / f"{name}.yaml").read_text())
    subs = tmp_path / "subs"
    write(subs, "e2.yaml", submission("s1", RIGHT))
    write(subs, "set.yaml", "nnsolve: 1\nstudent: {id: s2}\nproblem: problems\nanswers: {}\n")
    result = nnsolve("grade", subs, "--key", tmp_path / "k1" / "problems",
                     "--key", tmp_path / "k2" / "problems", "--format", "json")
    graded = {r["student"]: r for r in result.json()["results"]}
    assert graded["s1"]["score"] == MAX
    assert "problem set 'problems' is ambiguous" in graded["s2"]["error"]


def test_two_set_files_with_one_id_and_different_problems(tmp_path, nnsolve):
    for folder, name in (("k1", "alexnet-conv1"), ("k2", "mnist-keras-cnn")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{name}.yaml").write_text((PROBLEMS / f"{name}.yaml").read_text())
        (tmp_path / folder / "week.yaml").write_text(
            f"nnsolve: 1\nid: week1\nproblems: [{name}.yaml]\n")
    subs = tmp_path / "subs"
    write(subs, "e2.yaml", submission("s1", RIGHT))
    result = nnsolve("grade", subs, "--key", tmp_path / "k1", "--key", tmp_path / "k2")
    assert result.exit_code == 1
    assert "problem set 'week1' is defined twice with different problems" in result.stderr
