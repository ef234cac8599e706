"""The batch outputs on hand-made grade results (E2's quantities), without solving anything."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from nnsolve.fileio import StagedDir, StagedFile
from nnsolve.grade.outputs.feedback import FeedbackOutput, markdown, safe_name
from nnsolve.grade.outputs.gradescope import GradescopeOutput, MixedStudents
from nnsolve.grade.outputs.items import BoundedCounter
from nnsolve.grade.outputs.jsonout import JsonOutput
from nnsolve.grade.outputs.report_html import item_report
from nnsolve.grade.outputs.summary import BatchSummary
from nnsolve.grade.outputs.text import ResultView, item_table
from nnsolve.grade.report import GradeRecord, GradeResult


def record(part, name, status, given, expected, points=2.0, misconception=None, message=""):
    awarded = points if status in ("correct", "ecf") else 0.0
    return GradeRecord("alexnet-conv1", part, name, points, awarded, status, expected, given,
                       message, misconception)


def result(student, c_params, status="incorrect", misconception=None):
    return GradeResult(student, f"Student {student}", "alexnet-conv1", f"{student}.yaml", [
        record("a", "output_shape", "correct", [55, 55, 96], [55, 55, 96]),
        record("c", "params", status, c_params, 34944, misconception=misconception,
               message="" if status == "correct" else "Expected 34944 | the biases?"),
    ])


def broken(student):
    return GradeResult(student, None, None, f"{student}.yaml",
                       error=f"{student}.yaml:3: YAML syntax error")


CLASS = [result("s1", 34944, "correct"), result("s2", 34848, misconception="bias-forgotten"),
         result("s3", 34848, misconception="bias-forgotten"), result("s4", 35000),
         result("s5", None, "missing"), broken("s6")]


def summary_of(results):
    summary = BatchSummary()
    for r in results:
        summary.add(r)
    return summary


# --- item analysis -----------------------------------------------------------------------

def test_item_analysis_counts_each_quantity():
    summary = summary_of(CLASS)
    assert (summary.graded, summary.invalid) == (5, 1)
    assert summary.mean_score == pytest.approx((4 + 2 + 2 + 2 + 2) / 5)
    c = next(item for item in summary.items if item.part == "c")
    assert c.n == 5 and c.counts["correct"] == 1 and c.counts["incorrect"] == 3
    assert c.share("missing") == pytest.approx(0.2)
    assert c.common_wrong(3) == [{"given": 34848, "count": 2, "misconception": "bias-forgotten"},
                                 {"given": 35000, "count": 1, "misconception": None}]


def test_item_table_and_report_show_the_same_shares():
    summary = summary_of(CLASS)
    console = Console(record=True, width=160, color_system=None)
    console.print(item_table(summary.items))
    text = console.export_text()
    cells = r"\s+│\s+".join(["c.params", "5", "20%", "60%", "20%"])   # right, wrong, missing
    assert re.search(cells, text)
    assert "34848 ×2 (bias-forgotten); 35000 ×1" in text

    page = item_report(summary)
    assert "<script" not in page and page.count("<svg") == 1
    # 1 of 5 correct is a fifth of the 480-pixel bar, 3 of 5 incorrect three fifths
    assert 'width="96.0" height="18" fill="#2e7d32"' in page
    assert 'width="288.0" height="18" fill="#c62828"' in page


def test_item_table_fits_80_columns_and_cuts_no_wrong_answer():
    summary = summary_of(CLASS)
    console = Console(record=True, width=80, color_system=None)
    console.print(item_table(summary.items))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    column = "".join(line.rsplit("│", 2)[-2].strip() for line in text.splitlines()
                     if line.count("│") > 2)
    assert "34848×2(bias-forgotten);35000×1" in column.replace(" ", "")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=400), st.integers(2, 12))
def test_bounded_counter_never_loses_a_frequent_answer(stream, capacity):
    """Space-saving: at most `capacity` keys; every key seen more than N/capacity times is
    kept, and no count is under-estimated nor over by more than N/capacity."""
    counter = BoundedCounter(capacity)
    for key in stream:
        counter.add(str(key))
    true = Counter(str(k) for k in stream)
    assert len(counter.counts) <= capacity
    slack = len(stream) / capacity
    for key, count in true.items():
        if count > slack:
            assert key in counter.counts
    for key, estimate in counter.counts.items():
        assert true[key] <= estimate <= true[key] + slack
    if len(true) <= capacity:
        assert counter.counts == dict(true)


# --- the terminal -------------------------------------------------------------------------

def test_a_result_is_a_few_plain_lines():
    console = Console(record=True, width=100, color_system=None)
    console.print(ResultView(CLASS[1]))
    console.print(ResultView(CLASS[5]))
    lines = console.export_text().splitlines()
    assert lines[0] == "s2  Student s2  alexnet-conv1  2/4  (s2.yaml)"
    assert lines[1] == "  ✓ a.output_shape  2/2  correct"
    assert lines[2] == "  ✗ c.params        0/2  Expected 34944 | the biases?"
    assert lines[3] == "s6  invalid  (s6.yaml)"
    assert lines[4] == "  s6.yaml:3: YAML syntax error"


# --- JSON --------------------------------------------------------------------------------

def test_json_stream_is_one_document(capsys):
    for results in ([], CLASS):
        out = JsonOutput()
        for r in results:
            out.add(r)
        out.finish(summary_of(results))
        doc = json.loads(capsys.readouterr().out)
        assert doc["nnsolve"] == 1
        assert doc["results"] == [r.to_json() for r in results]
        assert doc["summary"]["submissions"] == len(results)


# --- Gradescope --------------------------------------------------------------------------

def test_gradescope_keeps_one_student(tmp_path):
    out = GradescopeOutput(tmp_path / "results.json")
    out.add(result("s1", 34848, misconception="bias-forgotten"))
    out.add(GradeResult("s1", None, None, "part2.yaml", error="part2.yaml: not UTF-8 text"))
    with pytest.raises(MixedStudents, match="s1 and s2"):
        out.add(result("s2", 34944, "correct"))
    out.finish()
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["score"] == 2
    assert [t["status"] for t in data["tests"]] == ["passed", "failed", "failed"]
    assert "part2.yaml: not UTF-8 text" in data["output"]


# --- feedback ------------------------------------------------------------------------------

def test_feedback_markdown_keeps_its_table_whole():
    text = markdown(CLASS[1])
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 3
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 8      # 7 cells, escaped pipes are text
    assert "Expected 34944 \\| the biases? |" in rows[2]     # the message, not the tag


@pytest.mark.parametrize("student, stem", [("s1234", "s1234"), ("../../etc/passwd", "etc_passwd"),
                                           (".bashrc", "bashrc"), ("CON", "_CON"),
                                           ("Zoë Ångström", "Zo_ngstr_m"), ("", "submission"),
                                           (None, "submission")])
def test_safe_names(student, stem):
    assert safe_name(student) == stem


def test_same_student_twice_gets_two_files(tmp_path):
    out = FeedbackOutput(tmp_path / "feedback")
    out.add(result("s1", 34944, "correct"))
    out.add(result("s1", 34848))
    out.add(GradeResult(None, None, None, "dir/garbage.yaml", error="not UTF-8 text"))
    out.finish(summary_of([]))
    assert sorted(p.name for p in (tmp_path / "feedback").iterdir()) == [
        "garbage.html", "garbage.md", "item-analysis.html", "s1-2.html", "s1-2.md", "s1.html",
        "s1.md"]


# --- staged files --------------------------------------------------------------------------

def test_staged_file_replaces_only_when_complete(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_text("old\n")
    with pytest.raises(RuntimeError):
        with StagedFile(path) as out:
            out.write("half a grade")
            raise RuntimeError("disk full")
    assert path.read_text() == "old\n" and sorted(tmp_path.iterdir()) == [path]
    with StagedFile(path) as out:
        out.write("new\n")
    assert path.read_text() == "new\n" and sorted(tmp_path.iterdir()) == [path]


def test_staged_dir_discard_leaves_nothing(tmp_path):
    staged = StagedDir(tmp_path / "feedback")
    staged.write("s1.md", "# s1")
    staged.discard()
    assert list(tmp_path.iterdir()) == []


def test_points_are_shown_as_a_person_reads_them():
    from nnsolve.grade.outputs.wording import points

    assert [points(p) for p in (4, 4.0, 4.5, 10 / 3, 2 / 3, 0)] == ["4", "4", "4.5", "3.33", "0.67", "0"]
