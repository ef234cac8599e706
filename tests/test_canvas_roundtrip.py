"""`grade --canvas-gradebook EXPORT -o IMPORT`: Canvas's own export comes back with the scores
in the mapped column, and every other byte as it was."""

from __future__ import annotations

from shared_paths import ROOT

SUBMISSIONS = ROOT / "examples" / "submissions"
KEY = ROOT / "problems"
EXPORT = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (101),AlexNet conv1 (202),"
    "Current Score\r\n"
    "    Points Possible,,,,,10.00,6.00,\r\n"
    '"Lovelace, Ada",4100,s1001,alovelace,CS-4720,9.00,,90\r\n'
    '"Babbage, Charles",4101,s2026101,s1002,CS-4720,7.50,1.00,75\r\n'
    '"Hopper, Grace",4102,s2026102,ghopper,"CS-4720, ""B""",,3.00,\r\n')


def grade(nnsolve, tmp_path, *extra, text=EXPORT, encoding="utf-8"):
    export = tmp_path / "export.csv"
    export.write_bytes(text.encode(encoding))
    out = tmp_path / "import.csv"
    result = nnsolve("grade", SUBMISSIONS / "e2-correct.yaml",
                     SUBMISSIONS / "e2-bias-forgotten.yaml", "--key", KEY,
                     "--canvas-gradebook", export, "-o", out, *extra)
    return result, export.read_bytes(), (out.read_bytes() if out.exists() else None)


def test_only_the_mapped_columns_cells_change(nnsolve, tmp_path):
    result, before, after = grade(nnsolve, tmp_path,
                                  "--assignment", "alexnet-conv1=AlexNet conv1 (202)")
    assert result.exit_code == 0, result.stderr
    old, new = before.split(b"\r\n"), after.split(b"\r\n")
    assert len(old) == len(new)
    changed = [(a, b) for a, b in zip(old, new) if a != b]
    # Ada (SIS User ID s1001) and Charles (found by his SIS Login ID s1002); Grace keeps hers
    assert changed == [
        (b'"Lovelace, Ada",4100,s1001,alovelace,CS-4720,9.00,,90',
         b'"Lovelace, Ada",4100,s1001,alovelace,CS-4720,9.00,6,90'),
        (b'"Babbage, Charles",4101,s2026101,s1002,CS-4720,7.50,1.00,75',
         b'"Babbage, Charles",4101,s2026101,s1002,CS-4720,7.50,4,75')]
    assert "Hopper, Grace" in result.stderr and "no graded submission" in result.stderr


def test_unmapped_problem_gets_a_new_column_headed_by_its_title(nnsolve, tmp_path):
    result, before, after = grade(nnsolve, tmp_path)
    assert result.exit_code == 0, result.stderr
    rows = after.decode().split("\r\n")
    assert rows[0].endswith(",Current Score,AlexNet: first convolutional layer")
    assert rows[1] == "    Points Possible,,,,,10.00,6.00,,6"
    assert rows[2].endswith(",90,6") and rows[3].endswith(",75,4") and rows[4].endswith(",")
    for old, new in zip(before.decode().split("\r\n"), rows):
        assert new.startswith(old)                  # everything before it as it was
    # a second round trip finds the column Canvas has since given an id
    again = before.decode().replace("AlexNet conv1 (202)",
                                    "AlexNet: first convolutional layer (202)")
    result, _, after = grade(nnsolve, tmp_path, text=again)
    assert after.decode().split("\r\n")[2].endswith(",6,90")


def test_unmatched_submissions_are_reported_and_bytes_kept(nnsolve, tmp_path):
    text = "\ufeff" + EXPORT.replace("s1002", "cbabbage").replace("\r\n", "\n")
    result, before, after = grade(nnsolve, tmp_path,
                                  "--assignment", "alexnet-conv1=AlexNet conv1 (202)", text=text)
    assert result.exit_code == 0
    assert "s1002" in result.stderr and "match no student" in result.stderr
    assert after.startswith(b"\xef\xbb\xbf") and b"\r\n" not in after
    assert after.replace(b",9.00,6,90", b",9.00,,90") == before


def test_bad_mapping_is_a_located_error(nnsolve, tmp_path):
    result, _, after = grade(nnsolve, tmp_path, "--assignment", "alexnet-conv1=Nope (9)")
    assert result.exit_code == 1 and after is None
    assert "export.csv:1: --assignment: no column 'Nope (9)'" in result.stderr
    assert "AlexNet conv1 (202)" in result.stderr and "Traceback" not in result.stderr
    result, _, _ = grade(nnsolve, tmp_path, "--assignment", "no-such=AlexNet conv1 (202)")
    assert result.exit_code == 2 and "no-such" in result.stderr
    result, _, _ = grade(nnsolve, tmp_path, "--assignment", "nonsense")
    assert result.exit_code == 1 and "PROBLEM=" in result.stderr
    result, _, _ = grade(nnsolve, tmp_path, "--assignment", "alexnet-conv1=Quiz 1 (101)",
                         "--assignment", "nn-concepts=Quiz 1 (101)")
    assert result.exit_code == 1 and "a column holds one problem's scores" in result.stderr


def test_output_needs_the_export(nnsolve, tmp_path):
    result = nnsolve("grade", SUBMISSIONS / "e2-correct.yaml", "--key", KEY,
                     "-o", tmp_path / "x.csv")
    assert result.exit_code == 2 and "--canvas-gradebook" in result.stderr


def test_not_a_canvas_export(nnsolve, tmp_path):
    result, _, _ = grade(nnsolve, tmp_path, text="name,score\nada,1\n")
    assert result.exit_code == 1 and "not a Canvas gradebook export" in result.stderr


def test_formula_in_a_name_is_kept_as_it_was_and_names_are_printable(nnsolve, tmp_path):
    text = EXPORT.replace('"Hopper, Grace"', '"=HYPERLINK(1)\x1b[2J"')
    result, before, after = grade(nnsolve, tmp_path, text=text)
    assert "\x1b" not in result.stderr and "\\u001b" in result.stderr
    assert b'"=HYPERLINK(1)\x1b[2J"' in after       # not ours to change


def test_a_set_submission_fills_a_column_per_problem(nnsolve, tmp_path):
    import shutil

    key = tmp_path / "key"
    key.mkdir()
    shutil.copy(KEY / "alexnet-conv1.yaml", key)
    shutil.copy(ROOT / "examples" / "problems" / "nn-concepts.yaml", key)
    (key / "week1.yaml").write_text("nnsolve: 1\nid: week1\ntitle: Week 1\nproblems:\n"
                                    "  - alexnet-conv1.yaml\n  - nn-concepts.yaml\n")
    submission = tmp_path / "ada.yaml"
    submission.write_text("nnsolve: 1\nstudent: {id: s1001}\nproblem: week1\nanswers:\n"
                          "  alexnet-conv1: {d: {params: 39574528}}\n"
                          "  nn-concepts: {a: {answer: b}, b: {answer: false}}\n")
    export = tmp_path / "export.csv"
    export.write_bytes(EXPORT.encode("utf-8"))
    out = tmp_path / "import.csv"
    result = nnsolve("grade", submission, "--key", key / "week1.yaml", "--canvas-gradebook",
                     export, "-o", out, "--assignment", "alexnet-conv1=AlexNet conv1 (202)")
    assert result.exit_code == 0, result.stderr
    rows = out.read_bytes().decode("utf-8").split("\r\n")
    assert rows[0].endswith(",Current Score,\"Concepts: autoencoders, RNNs, attention, WL\"")
    assert rows[1].endswith(",6.00,,5")                  # nn-concepts is worth 5 points
    assert rows[2] == '"Lovelace, Ada",4100,s1001,alovelace,CS-4720,9.00,1,90,2'


def test_a_quote_never_closed_is_an_error_not_one_long_cell(nnsolve, tmp_path):
    broken = EXPORT.replace('"CS-4720, ""B"""', '"CS-4720, B')
    result, _, written = grade(nnsolve, tmp_path, text=broken)
    assert result.exit_code == 1 and written is None
    assert "export.csv: line 5: a quoted field is never closed" in result.stderr


def test_a_new_column_named_after_a_title_cannot_be_a_formula():
    from nnsolve.grade.outputs.gradebook import cell

    assert cell("=HYPERLINK(\"x\")").startswith("'")      # what the new header goes through
