"""The `choice` solver: the conceptual questions every course asks next to the computations."""

from __future__ import annotations

from pathlib import Path

import pytest

from nnsolve.grade.grader import grade_file, grade_submission
from nnsolve.grade.key import Key
from nnsolve.grade.submission import parse_submission
from nnsolve.solution import solve
from nnsolve.spec.problem import load, parse_problem
from nnsolve.spec.yamlsafe import load_text

ROOT = Path(__file__).resolve().parent.parent
CONCEPTS = ROOT / "examples" / "problems" / "nn-concepts.yaml"


@pytest.fixture(scope="module")
def key():
    return Key.from_path(CONCEPTS)


def answer(key, part: str, value: str):
    text = f"nnsolve: 1\nstudent: {{id: s1}}\nproblem: nn-concepts\nanswers:\n  {part}: {{answer: {value}}}\n"
    result = grade_submission(parse_submission(load_text(text, "s.yaml")), key)
    return [r for r in result.records if r.part == part][0]


def test_the_derivation_holds_the_answer_and_the_options():
    solution = solve(load(CONCEPTS))
    first = solution.part("a").derivation
    assert first["answer"].value == "b" and first["answer"].kind == "label"
    assert first["answer"].label == "Which part of an autoencoder outputs the latent (code) vector?"
    assert first["option.b"].value == "the encoder"
    assert solution.part("b").derivation["answer"].kind == "boolean"
    assert solution.part("d").derivation["answer"].value == frozenset({"a", "c"})
    assert [a.name for a in solution.part("a").asked] == ["answer"]


# -- multiple choice ----------------------------------------------------------------------------

def test_the_right_option_by_id_in_any_case_or_by_its_text(key):
    for given in ("b", "B", "'the encoder'", "'The Encoder'"):
        record = answer(key, "a", given)
        assert record.status == "correct" and record.awarded == 1, given


def test_a_wrong_option_gets_the_feedback_written_for_it(key):
    record = answer(key, "a", "a")
    assert record.status == "incorrect" and record.awarded == 0
    assert record.misconception == "chose-a"
    assert "the decoder maps the code back to the input space" in record.message
    plain = answer(key, "a", "c")
    assert plain.misconception == "chose-c"
    assert answer(key, "a", "d").misconception is None       # not an option at all


# -- true / false -------------------------------------------------------------------------------

@pytest.mark.parametrize("given, status", [("false", "correct"), ("'False'", "correct"),
                                           ("no", "correct"), ("'F'", "correct"),
                                           ("true", "incorrect"), ("'yes'", "incorrect")])
def test_true_false_answers(key, given, status):
    record = answer(key, "b", given)
    assert record.status == status


def test_a_wrong_true_false_answer_says_why(key):
    record = answer(key, "b", "true")
    assert record.misconception == "chose-true"
    assert "keeps their order" in record.message


def test_a_true_false_answer_that_is_neither(key):
    record = answer(key, "b", "maybe")
    assert record.status == "incorrect" and "Expected true or false, got 'maybe'" in record.message


# -- short labels -------------------------------------------------------------------------------

@pytest.mark.parametrize("given", ["negative", "Negative", "'  NEGATIVE '", "neg", "'negative class'",
                                   "'Class 2'"])
def test_a_short_label_and_its_accepted_spellings(key, given):
    assert answer(key, "c", given).status == "correct"


def test_a_wrong_label_with_feedback(key):
    record = answer(key, "c", "Positive")
    assert record.status == "incorrect" and record.misconception == "chose-positive"
    assert "class 2 is the negative class" in record.message
    assert answer(key, "c", "neutral").misconception is None


# -- multiple select ----------------------------------------------------------------------------

def test_a_selection_in_any_order_is_right(key):
    record = answer(key, "d", "[c, a]")
    assert record.status == "correct" and record.awarded == 2


def test_partial_credit_is_right_picks_less_wrong_picks(key):
    """Right options a and c: (right picks − wrong picks) / 2, never below 0."""
    extra = answer(key, "d", "[a, b, c]")       # (2 − 1) / 2
    assert extra.status == "partial" and extra.awarded == pytest.approx(2 * 1 / 2)
    assert extra.misconception == "chose-b"
    assert "non-isomorphic regular graphs" in extra.message
    half = answer(key, "d", "[a]")              # (1 − 0) / 2
    assert half.awarded == pytest.approx(2 * 1 / 2)
    everything = answer(key, "d", "[a, b, c, d]")   # (2 − 2) / 2: ticking all earns nothing
    assert everything.awarded == 0


def test_no_partial_credit_unless_asked(problem_file):
    path = problem_file(CONCEPTS.read_text().replace("{points: 2, partial: true}", "{points: 2}"))
    text = "nnsolve: 1\nstudent: {id: s1}\nproblem: nn-concepts\nanswers:\n  d: {answer: [a]}\n"
    result = grade_submission(parse_submission(load_text(text, "s.yaml")), Key.from_path(path))
    assert [r.awarded for r in result.records if r.part == "d"] == [0]


# -- the whole submission -----------------------------------------------------------------------

def test_grading_the_example_submission(key):
    result = grade_file(ROOT / "examples" / "submissions" / "nn-concepts-s1003.yaml", key)
    assert result.error is None
    assert [r.status for r in result.records] == ["incorrect", "correct", "correct", "partial"]
    assert result.score == pytest.approx(0 + 1 + 1 + 2 * (2 - 1) / 2)
    assert result.max_score == 5


# -- writing choice problems --------------------------------------------------------------------

def test_the_template_runs_and_grades(nnsolve, tmp_path):
    made = nnsolve("new", "choice")
    assert made.exit_code == 0
    path = tmp_path / "q.yaml"
    path.write_text(made.stdout)
    run = nnsolve("run", path, "--format", "json")
    assert run.exit_code == 0, run.stderr
    answer_q = [q for q in run.json()["parts"][0]["quantities"] if q["name"] == "answer"][0]
    assert answer_q["value"] == "b" and answer_q["asked"]
    sub = tmp_path / "s.yaml"
    sub.write_text("nnsolve: 1\nstudent: {id: s1}\nproblem: my-choice-problem\nanswers: {answer: a}\n")
    record = grade_file(sub, Key.from_path(path)).records[0]
    assert record.status == "incorrect" and record.misconception == "chose-a"


def test_schema_lists_the_fields(nnsolve):
    result = nnsolve("schema", "choice")
    assert result.exit_code == 0
    for word in ("question", "options", "answer", "accept", "feedback"):
        assert word in result.stdout


@pytest.mark.parametrize("given, where, message", [
    ("{question: Q, options: {a: x, b: y}, answer: c}", "given.answer", "'c' is not an option"),
    ("{question: Q, options: {a: x, b: y}, answer: [a, z]}", "given.answer[1]", "'z' is not an option"),
    ("{question: Q, options: {a: x, b: y}, answer: a, feedback: {a: why}}", "given.feedback.a",
     "feedback is for wrong options"),
    ("{question: Q, options: {a: x, b: y}, answer: a, feedback: {q: why}}", "given.feedback.q",
     "'q' is not an option"),
    ("{question: Q, options: {a: x, b: y}, answer: a, accept: [x]}", "given.accept", "short-label"),
    ("{question: Q, options: {a: x}, answer: a}", "given.options", "at least two options"),
    ("{question: Q, answer: true, feedback: {true: why}}", "given.feedback.true", "this one is right"),
    ("{question: Q, answer: neg, accept: [negative], feedback: {Negative: why}}",
     "given.feedback.Negative", "this one is accepted"),
    ("{question: Q, answer: a, colour: red}", "given.colour", "unknown field"),
    ("{question: '  ', answer: a}", "given.question", "the question is empty"),
])
def test_mistakes_in_a_choice_problem_are_located(nnsolve, problem_file, given, where, message):
    path = problem_file(f"nnsolve: 1\nid: q\nsolver: choice\ngiven: {given}\n")
    result = nnsolve("check", path)
    assert result.exit_code == 1
    assert f"{path}:4: {where}: " in result.stderr and message in result.stderr, result.stderr


def test_option_ids_may_be_numbers():
    problem = parse_problem(load_text(
        "nnsolve: 1\nid: q\nsolver: choice\ngiven: {question: Q, options: {1: x, 2: y}, answer: 2}\n", "q.yaml"))
    key = Key.from_problems([problem])
    text = "nnsolve: 1\nstudent: {id: s1}\nproblem: q\nanswers: {answer: 2}\n"
    result = grade_submission(parse_submission(load_text(text, "s.yaml")), key)
    assert result.records[0].status == "correct"


# -- YAML's yes/no and numeric option ids ------------------------------------------------------

YES_NO = ("nnsolve: 1\nid: q\nsolver: choice\ngiven: {{question: Does it converge?, "
          "options: {{{yes}: 'Yes, always', {no}: 'No, it may oscillate'}}, answer: {answer}, "
          "feedback: {{{yes}: it oscillates for a large rate}}}}\n")


@pytest.mark.parametrize("yes, no", [("yes", "no"), ("'yes'", "'no'"), ("on", "off"),
                                     ("true", "false")])
def test_yes_no_options_take_an_unquoted_answer(yes, no):
    problem = parse_problem(load_text(YES_NO.format(yes=yes, no=no, answer=no), "q.yaml"))
    key = Key.from_problems([problem])
    for given, status in [("no", "correct"), ("'no'", "correct"), ("'No'", "correct"),
                          ("false", "correct"), ("'No, it may oscillate'", "correct"),
                          ("yes", "incorrect"), ("'yes'", "incorrect")]:
        text = f"nnsolve: 1\nstudent: {{id: s1}}\nproblem: q\nanswers: {{answer: {given}}}\n"
        record = grade_submission(parse_submission(load_text(text, "s.yaml")), key).records[0]
        assert record.status == status, (yes, given)
        if status == "incorrect":
            assert record.misconception and "oscillates" in record.message


def test_a_yes_answer_among_other_options_says_yaml_read_it_as_true(nnsolve, problem_file):
    path = problem_file("nnsolve: 1\nid: q\nsolver: choice\n"
                        "given: {question: Q, options: {a: x, b: y}, answer: yes}\n")
    result = nnsolve("check", path)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}:4: given.answer: YAML reads an unquoted yes")
    assert "quote it" in lines[0]


def test_a_numeric_option_id_stays_an_option_id(nnsolve, problem_file):
    """Option ids are labels (JSON object keys, the `given` of a graded answer): "10", not 10."""
    path = problem_file("nnsolve: 1\nid: q\nsolver: choice\n"
                        "given: {question: Q, options: {5: five, 10: ten}, answer: 10}\n")
    run = nnsolve("run", path, "--format", "json")
    assert run.exit_code == 0, run.stderr
    answer_q = [q for q in run.json()["parts"][0]["quantities"] if q["name"] == "answer"][0]
    assert answer_q["value"] == "10"
    key = Key.from_path(path)
    for given in ("10", "'10'", "ten"):
        text = f"nnsolve: 1\nstudent: {{id: s1}}\nproblem: q\nanswers: {{answer: {given}}}\n"
        record = grade_submission(parse_submission(load_text(text, "s.yaml")), key).records[0]
        assert record.status == "correct" and record.expected == "10", given
