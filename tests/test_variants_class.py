"""Variants at class scale: every student's variant solves, a course seed gives a semester its
own numbers everywhere, and a roster gets its sheets and the keys that grade them."""

import csv
import re

import pytest

from nnsolve.errors import NnsolveError
from nnsolve.roster import read_roster

EXACT = "examples/problems/conv-output-exact.yaml"
COURSE = "examples/course/week3.yaml"
ROSTER = "examples/course/roster.csv"
STUDENT = "s2026100"
#: worked by hand from the numbers each seed draws for STUDENT (n, k, p, s):
#: fall: 61, 7, 0, 2 → (61 − 7 + 0)/2 + 1 = 28; (7·7·3 + 1)·16 = 2368
#: spring: 61, 3, 1, 1 → (61 − 3 + 2)/1 + 1 = 61; (3·3·3 + 1)·16 = 448
BY_SEED = {"fall": ([28, 28, 16], 2368), "spring": ([61, 61, 16], 448)}


# -- every variant solves ---------------------------------------------------------------------

def test_with_the_condition_the_variants_of_200_students_all_solve(nnsolve):
    result = nnsolve("check", EXACT, "--variants", 200)
    assert result.exit_code == 0, result.stderr
    assert "problem conv-output-exact: 1 part, the variants of 200 students" in result.stdout


def test_without_it_some_do_not_and_each_is_named_with_its_student(nnsolve, tmp_path):
    text = open(EXACT, encoding="utf-8").read()
    unconstrained = tmp_path / "exact.yaml"
    unconstrained.write_text(re.sub(r"require:\n(  - .*\n)+", "", text), encoding="utf-8")
    result = nnsolve("check", unconstrained, "--variants", 200)
    assert result.exit_code == 1
    failing = re.findall(r"variant of student (s\d+): the output height is not a whole number",
                         result.stderr)
    assert 0 < len(failing) < 200 and len(failing) == len(set(failing))
    # the first student who fails, worked by hand: s1 draws n = 43, k = 5, p = 1, s = 2 and
    # 43 − 5 + 2 = 40 is even; s9 draws n = 60, k = 3, p = 1, s = 2 and 60 − 3 + 2 = 59 is odd
    assert failing[0] == "s9"
    assert "variant of student s9: the output height is not a whole number: 59/2 + 1 = 30.5" \
        in result.stderr


def test_check_solves_every_variant_of_a_roster(nnsolve):
    result = nnsolve("check", COURSE, "--roster", ROSTER)
    assert result.exit_code == 0, result.stderr
    assert "the variants of 30 students" in result.stdout


# -- a course seed ----------------------------------------------------------------------------

def submission(folder, name, answers):
    shape, params = answers
    path = folder / f"{name}.yaml"
    path.write_text(f"nnsolve: 1\nstudent: {{id: {STUDENT}}}\nproblem: conv-output-exact\n"
                    f"answers: {{output_shape: {shape}, params: {params}}}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("seed, other", [("fall", "spring"), ("spring", "fall")])
def test_grading_with_a_seed_accepts_that_seeds_answers_only(nnsolve, tmp_path, seed, other):
    right = submission(tmp_path, "right", BY_SEED[seed])
    wrong = submission(tmp_path, "wrong", BY_SEED[other])
    result = nnsolve("grade", right, wrong, "--key", EXACT, "--seed", seed, "--format", "json")
    scores = {r["file"].rsplit("/", 1)[-1]: r["score"] for r in result.json()["results"]}
    assert scores == {"right.yaml": 4.0, "wrong.yaml": 0.0}


def test_the_same_student_gets_different_numbers_under_two_seeds(nnsolve):
    shown = {seed: nnsolve("variant", EXACT, "--student", STUDENT, "--seed", seed).stdout
             for seed in BY_SEED}
    assert "A 61×61×3 image" in shown["fall"] and "size 7×7 with stride 2 and padding 0" \
        in shown["fall"]
    assert "size 3×3 with stride 1 and padding 1" in shown["spring"]


def test_run_key_variant_and_grade_agree_on_the_seed_from_the_environment(nnsolve, tmp_path,
                                                                          monkeypatch):
    monkeypatch.setenv("NNSOLVE_SEED", "fall")
    shape, params = BY_SEED["fall"]
    run = nnsolve("run", EXACT, "--student", STUDENT, "--format", "json").json()
    values = {q["name"]: q["value"] for q in run["parts"][0]["quantities"]}
    assert values["output_shape"] == shape and values["params"] == params
    key = nnsolve("key", EXACT, "--student", STUDENT, "--format", "json").json()
    assert key["variables"] == {"k": 7, "n": 61, "p": 0, "s": 2, "same": 3}
    assert "A 61×61×3 image" in nnsolve("variant", EXACT, "--student", STUDENT).stdout
    result = nnsolve("grade", submission(tmp_path, "a", BY_SEED["fall"]), "--key", EXACT,
                     "--format", "json", "--workers", 2)
    assert result.json()["results"][0]["score"] == 4.0
    # --seed wins over the environment
    spring = nnsolve("run", EXACT, "--student", STUDENT, "--seed", "spring", "--format", "json")
    assert spring.json()["variables"]["k"] == 3


def test_a_problem_sets_seed_is_the_courses(nnsolve, tmp_path):
    by_set = nnsolve("run", COURSE, "--student", STUDENT, "--format", "json").json()
    by_flag = nnsolve("run", EXACT, "--student", STUDENT, "--seed", "2026-fall",
                      "--format", "json").json()
    assert by_set["problems"][0]["variables"] == by_flag["variables"] == \
        {"k": 5, "n": 43, "p": 2, "s": 1, "same": 2}
    # worked by hand: (43 − 5 + 4)/1 + 1 = 43; (5·5·3 + 1)·16 = 1216
    right = submission(tmp_path, "right", ([43, 43, 16], 1216))
    result = nnsolve("grade", right, "--key", COURSE, "--format", "json")
    assert result.json()["results"][0]["score"] == 4.0


# -- a roster's sheets and keys -----------------------------------------------------------------

def test_a_roster_of_30_gets_30_sheets_each_naming_its_student(nnsolve, tmp_path):
    students = read_roster(ROSTER)
    assert len(students) == 30 and students[0].id == "s2026100"
    assert students[0].name == "Lovelace, Ada"
    result = nnsolve("variant", COURSE, "--roster", ROSTER, "-o", tmp_path / "sheets")
    assert result.exit_code == 0, result.stderr
    for fmt in ("html", "md", "tex"):
        assert len(list((tmp_path / "sheets").glob(f"*.{fmt}"))) == 30
    for student in students:
        md = (tmp_path / "sheets" / f"{student.id}.md").read_text(encoding="utf-8")
        html = (tmp_path / "sheets" / f"{student.id}.html").read_text(encoding="utf-8")
        tex = (tmp_path / "sheets" / f"{student.id}.tex").read_text(encoding="utf-8")
        assert f"**Student:** {student.name} ({student.id})" in md
        assert f"Student: <strong>{student.name}</strong> ({student.id})" in html
        assert r"Student: \textbf{" + student.name + "} (" + student.id + ")" in tex
        own = nnsolve("variant", COURSE, "--student", student.id).stdout
        image = re.search(r"A \d+×\d+×3 image[^\n]*", own).group()
        assert image in md


def test_the_keys_of_a_roster_are_the_keys_of_each_student(nnsolve, tmp_path):
    result = nnsolve("key", COURSE, "--roster", ROSTER, "-o", tmp_path / "keys")
    assert result.exit_code == 0, result.stderr
    files = sorted((tmp_path / "keys").iterdir())
    assert len(files) == 30
    for student in read_roster(ROSTER):
        alone = nnsolve("key", COURSE, "--student", student.id).stdout
        written = (tmp_path / "keys" / f"{student.id}.md").read_text(encoding="utf-8")
        assert written == alone


def test_one_format_of_sheets_can_be_asked_for(nnsolve, tmp_path):
    nnsolve("variant", EXACT, "--roster", ROSTER, "--format", "html", "-o", tmp_path)
    assert len(list(tmp_path.iterdir())) == 30


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def test_columns_are_chosen_by_header(tmp_path):
    moodle = write_csv(tmp_path / "moodle.csv", [
        ["First name", "Last name", "ID number", "Email address"],
        ["Ada", "Lovelace", "u1", "ada@example.org"], ["Alan", "Turing", "u2", "at@example.org"]])
    assert [(s.id, s.name) for s in read_roster(moodle)] == \
        [("u1", "Ada Lovelace"), ("u2", "Alan Turing")]
    by_email = read_roster(moodle, id_column="email address")
    assert [s.id for s in by_email] == ["ada@example.org", "at@example.org"]


@pytest.mark.parametrize("rows, option, message", [
    ([["Name", "Section"], ["Ada", "A"]], (),
     "roster.csv:1: no id column (the columns: 'Name', 'Section'); name it with --id-column"),
    ([["ID", "Name"], ["u1", "Ada"], ["u1", "Alan"]], (),
     "roster.csv:3: ID: student id 'u1' is listed twice (also on line 2)"),
    ([["ID", "Name"], ["u1", "Ada"]], ("--id-column", "Login"),
     "roster.csv:1: no column 'Login' (the columns: 'ID', 'Name'); name it with --id-column"),
    ([["ID", "Name"], ["a/b", "Ada"], ["a_b", "Alan"]], (),
     "roster.csv:3: ID: ids 'a/b' and 'a_b' would write the same file 'a_b'"),
])
def test_a_bad_roster_is_a_located_error(nnsolve, tmp_path, rows, option, message):
    roster = write_csv(tmp_path / "roster.csv", rows)
    result = nnsolve("variant", EXACT, "--roster", roster, *option, "-o", tmp_path / "out")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_variant_needs_a_student_or_a_roster_with_a_folder(nnsolve):
    assert nnsolve("variant", EXACT).exit_code == 2
    result = nnsolve("variant", EXACT, "--roster", ROSTER)
    assert result.exit_code == 2 and "--roster needs -o DIR" in result.stderr


def test_a_roster_with_an_unsolvable_variant_writes_nothing(nnsolve, tmp_path):
    text = open(EXACT, encoding="utf-8").read()
    broken = tmp_path / "exact.yaml"
    broken.write_text(re.sub(r"require:\n(  - .*\n)+", "", text), encoding="utf-8")
    result = nnsolve("variant", broken, "--roster", ROSTER, "-o", tmp_path / "sheets")
    assert result.exit_code == 1 and "variant of student s2026" in result.stderr
    assert not (tmp_path / "sheets").exists()


def test_a_key_that_reads_one_problem_with_two_seeds_is_refused(nnsolve, tmp_path):
    """examples/ holds the problem alone (no seed) and through the set (seed 2026-fall): which
    would grade would depend on the order the files are read in."""
    right = submission(tmp_path, "right", ([43, 43, 16], 1216))
    result = nnsolve("grade", right, "--key", "examples/problems", "--key", COURSE)
    assert result.exit_code == 1
    assert "problem 'conv-output-exact' is read with two course seeds (none and 2026-fall)" \
        in result.stderr
    result = nnsolve("grade", right, "--key", "examples/problems", "--key", COURSE,
                     "--seed", "2026-fall", "--format", "json")
    assert result.json()["results"][0]["score"] == 4.0


def test_a_sets_seed_is_text(nnsolve, tmp_path):
    bad = tmp_path / "set.yaml"
    bad.write_text("nnsolve: 1\nid: s\nseed: [1, 2]\nproblems: []\n", encoding="utf-8")
    result = nnsolve("check", bad)
    assert result.exit_code == 1 and f"{bad}:3: seed: must be text, not a list" in result.stderr


def test_a_roster_name_in_quotes_may_span_lines(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text('id,name\ns1,"Lovelace,\nAda"\ns2,Babbage\n', encoding="utf-8")
    students = read_roster(roster)
    assert [(s.id, s.name, s.line) for s in students] == [
        ("s1", "Lovelace,\nAda", 2), ("s2", "Babbage", 4)]


def test_a_roster_that_is_no_regular_file_is_refused(tmp_path):
    import os

    fifo = tmp_path / "roster.csv"
    os.mkfifo(fifo)
    with pytest.raises(NnsolveError, match="roster.csv"):
        read_roster(fifo)
