"""Issue 17: no file can stall, hang or abort a batch, and nothing a student writes reaches a
terminal raw. One test (or a few) per reproduced failure, numbered as in the issue."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nnsolve.errors import NnsolveError
from shared_paths import PROBLEMS, ROOT
from test_batch import KEY, MAX, RIGHT, submission, write

CONCEPTS = ROOT / "examples" / "problems" / "nn-concepts.yaml"


@pytest.fixture
def deadline():
    """Fail a test that blocks (a FIFO opened, a pool waiting on a dead worker) instead of
    hanging the suite."""
    def expired(signum, frame):
        raise AssertionError("blocked: the test did not finish in 60 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def grade_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# 1 ---------------------------------------------------------------------------------------

def test_01_student_id_of_a_broken_file_is_found_in_linear_time(tmp_path):
    from nnsolve.grade.grader import grade_file
    from nnsolve.grade.key import Key

    line = "student: s77" + " " * 60_000 + '"\n'
    path = write(tmp_path, "s77.yaml", "nnsolve: 1\n" + line + "problem: alexnet-conv1\n"
                 "answers: {a: [1, 2\n")
    start = time.monotonic()
    result = grade_file(path, Key.from_path(KEY))
    assert time.monotonic() - start < 2
    assert result.error and result.student == "s77" and result.problem == "alexnet-conv1"


# 2 ---------------------------------------------------------------------------------------

def _class(directory: Path, n: int = 30) -> None:
    for i in range(n):
        write(directory, f"s{i:02d}.yaml", submission(f"s{i:02d}", RIGHT))


def _dying_worker(monkeypatch, tmp_path, times: int):
    """Worker processes (forked after this) die on `s07.yaml` the first `times` times."""
    from nnsolve.grade import batch

    real = batch.grade_safely
    marks = tmp_path / "deaths"
    marks.mkdir()

    def grade(path, key):
        if path.endswith("s07.yaml") and len(list(marks.iterdir())) < times:
            (marks / str(os.getpid())).touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, key)

    monkeypatch.setattr(batch, "grade_safely", grade)


def test_02_a_file_that_kills_its_worker_twice_is_an_invalid_row(tmp_path, monkeypatch,
                                                                    deadline):
    from nnsolve.grade.batch import WORKER_DIED, BatchGrader, submission_files
    from nnsolve.grade.key import Key

    _class(tmp_path / "subs")
    _dying_worker(monkeypatch, tmp_path, times=2)
    with BatchGrader(Key.from_path(KEY), 2) as grader:
        results = list(grader.results(submission_files([tmp_path / "subs"])))
    assert [r.student for r in results] == [f"s{i:02d}" for i in range(30)]
    assert [r.file.endswith("s07.yaml") for r in results if r.error] == [True]
    assert results[7].error == WORKER_DIED
    assert all(r.score == MAX for r in results if not r.error)


def test_02_a_worker_killed_once_costs_nothing(tmp_path, monkeypatch, deadline):
    from nnsolve.grade.batch import BatchGrader, submission_files
    from nnsolve.grade.key import Key

    _class(tmp_path / "subs")
    _dying_worker(monkeypatch, tmp_path, times=1)
    with BatchGrader(Key.from_path(KEY), 2) as grader:
        results = list(grader.results(submission_files([tmp_path / "subs"])))
    assert len(results) == 30 and not any(r.error for r in results)


def test_02_a_killed_worker_does_not_hang_the_command(tmp_path, monkeypatch, nnsolve,
                                                      deadline):
    _class(tmp_path / "subs")
    _dying_worker(monkeypatch, tmp_path, times=5)
    result = nnsolve("grade", tmp_path / "subs", "--key", KEY, "--workers", "2",
                     "--csv", tmp_path / "grades.csv", "--feedback-dir", tmp_path / "fb")
    assert result.exit_code == 1
    assert len(grade_rows(tmp_path / "grades.csv")) == 30
    assert not list((tmp_path / "fb").glob(".staging-*"))


# 3, 4, 5 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_03_a_link_to_a_device_is_refused_before_reading(tmp_path, device):
    from nnsolve.spec.yamlsafe import load_file

    path = tmp_path / "x.yaml"
    path.symlink_to(device)
    with pytest.raises(NnsolveError, match=r"x\.yaml: not a regular file \(a device\)"):
        load_file(path)


def test_04_a_fifo_alone_or_in_a_folder_does_not_block(tmp_path, nnsolve, deadline):
    subs = tmp_path / "subs"
    write(subs, "s1.yaml", submission("s1", RIGHT))
    os.mkfifo(subs / "pipe.yaml")
    alone = nnsolve("grade", subs / "pipe.yaml", "--key", KEY)
    assert alone.exit_code == 1 and "a FIFO" in alone.stdout
    batch = nnsolve("grade", subs, "--key", KEY, "--csv", tmp_path / "g.csv")
    assert batch.exit_code == 1 and len(grade_rows(tmp_path / "g.csv")) == 2
    check = nnsolve("check", subs / "pipe.yaml")
    assert check.exit_code == 1 and "not a regular file (a FIFO)" in check.stdout + check.stderr


def test_05_a_symlink_loop_is_one_invalid_row(tmp_path, nnsolve):
    subs = tmp_path / "subs"
    write(subs, "s1.yaml", submission("s1", RIGHT))
    (subs / "a.yaml").symlink_to(subs / "b.yaml")
    (subs / "b.yaml").symlink_to(subs / "a.yaml")
    result = nnsolve("grade", subs, "--key", KEY, "--format", "json", "--csv", tmp_path / "g.csv")
    assert result.exit_code == 1, result.stderr
    errors = [r["error"] for r in result.json()["results"] if r["error"]]
    assert len(errors) == 2 and all("a loop of symbolic links" in e for e in errors)
    assert len(grade_rows(tmp_path / "g.csv")) == 3


# 6 ---------------------------------------------------------------------------------------

def test_06_escape_sequences_never_reach_the_terminal(tmp_path, nnsolve):
    subs = tmp_path / "subs"
    write(subs, "s1.yaml", 'nnsolve: 1\nstudent: {id: "s1\\e[2J", name: "Ada\\e]0;pwned\\a"}\n'
                           'problem: nn-concepts\nanswers:\n  a: {answer: "\\e[1A\\e[2Kb"}\n')
    write(subs, "s2\x1b[2J.yaml", 'nnsolve: 1\nstudent: "s2\\x9b2J"\nproblem: nn-concepts\n'
                                  'answers: {a: {answer: [1, 2}\n')
    for fmt in ("text", "json"):
        result = nnsolve("grade", subs, "--key", CONCEPTS, "--format", fmt)
        output = result.stdout + result.stderr
        assert "\x1b" not in output and "\x9b" not in output and "\x07" not in output
        assert "\\u001b" in output
    data = nnsolve("grade", subs, "--key", CONCEPTS, "--format", "json").json()
    assert data["results"][0]["student"] == "s1\x1b[2J"   # the JSON still means what was written


def test_06_printable_keeps_text_and_escapes_controls():
    from nnsolve.terminal import printable

    assert printable("Ada Lovelace\n\tδ = 0.5") == "Ada Lovelace\n\tδ = 0.5"
    assert printable("\x1b[2J\r\x9b\u202e\x00") == "\\u001b[2J\\u000d\\u009b\\u202e\\u0000"


# 7, 8 -------------------------------------------------------------------------------------

def test_07_an_integer_of_5000_digits_is_a_located_error_on_the_students_row(tmp_path, nnsolve):
    path = write(tmp_path, "s1.yaml", submission("s1", {"a": {"params": 1}}).replace(
        '"params": 1', '"params": ' + "9" * 5000))
    result = nnsolve("grade", path, "--key", KEY, "--format", "json", "--csv", tmp_path / "g.csv")
    row = result.json()["results"][0]
    assert result.exit_code == 1 and row["student"] == "s1"
    assert f"{path}:5: a number of 5,000 digits" in row["error"]
    assert "internal error" not in result.stdout + result.stderr
    assert grade_rows(tmp_path / "g.csv")[0]["student"] == "s1"


def test_08_two_hundred_thousand_junk_keys_are_refused_at_once(tmp_path):
    from nnsolve.spec.yamlsafe import MAX_KEYS, load_file

    path = write(tmp_path, "junk.yaml", "".join(f"{i:x}: 0\n" for i in range(200_000)))
    assert path.stat().st_size < 2_000_000
    start = time.monotonic()
    with pytest.raises(NnsolveError, match=f"more than {MAX_KEYS:,} mapping keys"):
        load_file(path)
    assert time.monotonic() - start < 2


# 9, 10 ------------------------------------------------------------------------------------

def test_09_what_a_killed_run_left_is_cleaned_by_the_next(tmp_path, nnsolve):
    feedback = tmp_path / "fb"
    (feedback / ".staging-dead1").mkdir(parents=True)
    (feedback / ".staging-dead1" / "s1.md").write_text("half")
    (tmp_path / ".grades.csv.abc.tmp").write_text("half")
    path = write(tmp_path / "subs", "s1.yaml", submission("s1", RIGHT))
    result = nnsolve("grade", path, "--key", KEY, "--csv", tmp_path / "grades.csv",
                     "--feedback-dir", feedback)
    assert result.exit_code == 0, result.stderr
    assert not list(feedback.glob(".staging-*")) and not list(tmp_path.glob(".*.tmp"))
    assert not list(tmp_path.glob(".*.lock"))


def test_09_sighup_unwinds_like_ctrl_c():
    from nnsolve.grade.batch import stop_cleanly_on_signals

    with pytest.raises(SystemExit) as stopped, stop_cleanly_on_signals():
        os.kill(os.getpid(), signal.SIGHUP)
        time.sleep(1)
    assert stopped.value.code == 128 + signal.SIGHUP


def test_10_a_second_run_on_the_same_gradebook_is_refused(tmp_path, nnsolve):
    from nnsolve.fileio import OutputLock

    path = write(tmp_path / "subs", "s1.yaml", submission("s1", RIGHT))
    grades = tmp_path / "grades.csv"
    with OutputLock([grades]):
        result = nnsolve("grade", path, "--key", KEY, "--csv", grades)
    assert result.exit_code == 1 and not grades.exists()
    assert f"another nnsolve run is writing {grades}" in result.stderr
    assert nnsolve("grade", path, "--key", KEY, "--csv", grades).exit_code == 0


def test_10_the_lock_is_released_when_its_holder_is_killed(tmp_path):
    from nnsolve.fileio import OutputLock

    grades = tmp_path / "grades.csv"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from nnsolve.fileio import OutputLock\n"
        f"lock = OutputLock([{str(grades)!r}]).__enter__(); print('held', flush=True); "
        "time.sleep(60)")], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(NnsolveError, match="another nnsolve run"):
        OutputLock([grades]).__enter__()
    holder.kill()
    holder.wait()
    with OutputLock([grades]):
        pass


# 11 --------------------------------------------------------------------------------------

def test_11_a_reader_that_leaves_early_ends_the_output_quietly(tmp_path):
    subs = tmp_path / "subs"
    _class(subs, 60)
    run = subprocess.run(
        f"{sys.executable} -m nnsolve grade {subs} --key {KEY} --csv {tmp_path / 'g.csv'} "
        "| head -n 1", shell=True, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert "Error" not in run.stderr and "internal error" not in run.stderr, run.stderr
    assert len(grade_rows(tmp_path / "g.csv")) == 60   # the files are still written


def test_11_json_stops_writing_once_stdout_is_gone():
    from nnsolve.grade.outputs.jsonout import JsonOutput

    class Closed:
        writes = 0

        def write(self, text):
            Closed.writes += 1
            raise BrokenPipeError

        def flush(self):
            pass

    output = JsonOutput(Closed())
    output.add(type("R", (), {"to_json": lambda self: {}})())
    assert output.closed and Closed.writes == 1


# 12 --------------------------------------------------------------------------------------

@pytest.mark.parametrize("layer", ["relu", "{activation: sigmoid, weights: [[1, 1]]}"])
def test_12_a_problem_with_20000_layers_is_refused_quickly(tmp_path, nnsolve, layer):
    solver, given = ("layers", "      input: [8, 8, 3]\n") if layer == "relu" else \
        ("mlp", "      input: [1]\n      target: [1]\n")
    path = write(tmp_path, "big.yaml", (
        f"nnsolve: 1\nid: big\ntitle: big\nparts:\n  - id: a\n    solver: {solver}\n"
        f"    given:\n{given}      layers:\n" + f"        - {layer}\n" * 20_000))
    start = time.monotonic()
    result = nnsolve("check", path)
    assert time.monotonic() - start < 5
    assert result.exit_code == 1
    said = result.stderr + result.stdout
    from nnsolve.solvers.base import MAX_LAYERS

    assert (f"the limit is {MAX_LAYERS:,} layers" in said
            or "more than 10,000 mapping keys" in said) and \
        f"{path}:" in said


def test_12_the_layer_limit_names_itself(tmp_path, nnsolve):
    from nnsolve.solvers.base import MAX_LAYERS

    path = write(tmp_path, "big.yaml", (
        "nnsolve: 1\nid: big\ntitle: big\nparts:\n  - id: a\n    solver: layers\n"
        "    given:\n      input: [8, 8, 3]\n      layers:\n"
        + "        - relu\n" * (MAX_LAYERS + 1)))
    result = nnsolve("check", path)
    assert f"parts[0].given.layers: {MAX_LAYERS + 1:,} layers; the limit is {MAX_LAYERS:,}" in \
        result.stderr + result.stdout


# 14 --------------------------------------------------------------------------------------

def test_14_a_divisor_that_is_exactly_zero_is_a_division_by_zero(tmp_path, nnsolve):
    from nnsolve.grade.answer_text import parse_text
    from nnsolve.grade.answers import AnswerError

    with pytest.raises(AnswerError, match="division by zero"):
        parse_text("1/(sin(10^99)^2 + cos(10^99)^2 - 1)")
    assert parse_text("1/(1 + exp(-60))") is not None
    path = write(tmp_path, "s1.yaml", submission(
        "s1", {"a": {**RIGHT["a"], "params": "1/(sin(10^99)^2 + cos(10^99)^2 - 1)"}}))
    records = nnsolve("grade", path, "--key", KEY, "--format", "json").json()["results"][0]
    params = [r for r in records["records"] if r["name"] == "params"][0]
    assert params["status"] == "invalid" and "division by zero" in params["message"]


# also: merge keys, --key folders, no "internal error" ------------------------------------

def test_a_merge_key_with_an_override_is_read():
    from nnsolve.spec.yamlsafe import load_text

    doc = load_text("base: &b {rel: 0.1, abs: 0}\ntol:\n  <<: *b\n  abs: 0.5\n")
    assert doc.data["tol"] == {"rel": 0.1, "abs": 0.5} and doc.line(("tol", "abs")) == 4
    with pytest.raises(NnsolveError, match="4: tol.abs: key is written twice"):
        load_text("base: &b {rel: 0.1}\ntol:\n  abs: 1\n  abs: 0.5\n")


def test_one_bad_file_in_a_key_folder_does_not_stop_the_run(tmp_path, nnsolve):
    keys = tmp_path / "keys"
    write(keys, "alexnet-conv1.yaml", KEY.read_text())
    write(keys, "broken.yaml", "nnsolve: 1\nid: [x\n")
    path = write(tmp_path / "subs", "s1.yaml", submission("s1", RIGHT))
    result = nnsolve("grade", path, "--key", keys, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["results"][0]["score"] == MAX
    assert "warning: left out of the key" in result.stderr and "broken.yaml:3" in result.stderr


def test_a_crash_on_some_file_is_a_row_with_its_file_and_student(tmp_path, monkeypatch):
    from nnsolve.grade import batch, grader
    from nnsolve.grade.key import Key

    def crash(path, key):
        raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")

    monkeypatch.setattr(grader, "grade_file", crash)
    path = write(tmp_path, "s1.yaml", submission("s1", RIGHT))
    result = batch.grade_safely(str(path), Key.from_path(KEY))
    assert result.student == "s1" and result.problem == "alexnet-conv1"
    assert result.file == str(path) and "internal error" not in result.error
    assert "a person must grade it" in result.error


def test_the_shipped_problems_are_within_the_limits(nnsolve):
    assert nnsolve("check", *sorted(PROBLEMS.glob("*.yaml"))).exit_code == 0


# the batch claim ------------------------------------------------------------------------------

def test_a_class_of_500_with_10_percent_hostile_files_gives_500_rows_in_seconds(
        tmp_path, nnsolve, deadline):
    from shared_paths import benchmark

    subs = tmp_path / "subs"
    subs.mkdir()
    kinds = benchmark("grade_batch").write_batch(subs, 500, 50)
    assert {"a FIFO", "a link to /dev/zero", "a loop of links"} <= set(kinds.values())
    start = time.monotonic()
    result = nnsolve("grade", subs, "--key", KEY, "--format", "json", "--workers", "2",
                     "--csv", tmp_path / "grades.csv", "--feedback-dir", tmp_path / "fb")
    seconds = time.monotonic() - start
    assert result.exit_code == 1
    results = result.json()["results"]
    assert len(results) == 500 and len(grade_rows(tmp_path / "grades.csv")) == 500
    assert seconds < 60
    assert not any("internal error" in (r["error"] or "") for r in results)
    assert "\x1b" not in result.stdout + result.stderr


def test_12_a_repeated_block_counts_every_copy(tmp_path, nnsolve):
    """A few bytes of YAML that would write out a hundred billion layers."""
    path = write(tmp_path, "repeat.yaml", (
        "nnsolve: 1\nid: rep\ntitle: rep\nsolver: layers\ngiven:\n  input: [8, 8, 3]\n"
        "  layers:\n    - repeat:\n        times: 100000000\n        layers:\n"
        "          - repeat: {times: 1000, layers: [relu]}\nask: [params]\n"))
    start = time.monotonic()
    result = nnsolve("check", path)
    assert time.monotonic() - start < 5
    assert result.exit_code == 1
    assert "100,100,000,001 layers once blocks are written out" in result.stderr + result.stdout


def test_06_escapes_in_a_problem_file_do_not_reach_the_terminal(tmp_path, nnsolve):
    path = write(tmp_path, "esc.yaml", (
        'nnsolve: 1\nid: esc\ntitle: "Bad \\e[2J title"\nstatement: "x \\e]0;pwn\\a y"\n'
        "solver: layers\nvariables: {n: {int: [8, 10]}}\n"
        'given: {input: ["$n", 8, 3], layers: [flatten]}\nask: [params]\n'))
    for args in (("variant", path, "--student", "s1"), ("selftest", path)):
        result = nnsolve(*args)
        assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout
    assert "\\u001b" in nnsolve("variant", path, "--student", "s1").stdout
