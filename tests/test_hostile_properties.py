"""Random YAML and random answers fed to the loaders and the grader: the only error that may
come out is the project's own (NnsolveError for files, AnswerError for answer text), and the
grader never raises at all."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnsolve.errors import NnsolveError
from nnsolve.grade.report import STATUSES
from test_batch import KEY

#: pieces YAML is made of, so that random text is often nearly valid YAML
YAML_PIECES = ["\n", "  ", "- ", ": ", "{", "}", "[", "]", ", ", "&a ", "*a", "<<: ", "? ",
               "!!python/object:os.system ", "!!binary ", "!tag ", "|\n", ">\n", "---\n",
               "...\n", "'", '"', "#", "\\e", "\\x1b", "0x", "1e999", ".nan", "-.inf",
               "nnsolve: 1\n", "student: s1\n", "problem: alexnet-conv1\n", "answers:\n",
               "a: ", "params: ", "99999", "2024-13-45", "~", "null", "yes", "\t", "%YAML 1.1\n"]
ANSWER_PIECES = ["1", "0", "9", ".", ",", "e", "E", "+", "-", "*", "/", "^", "**", "(", ")",
                 "[", "]", "sqrt", "exp", "log", "sin", "tanh", "sigmoid", "pi", "x", "_", "'",
                 "__", "lambda", "import", " ", "%", "!", "=", "inf", "nan", "oo", "zoo", "I",
                 "\x00", "\x1b", "é", "×", "·", "−"]

yaml_text = st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=8), max_size=40).map("".join)
answer_text = st.lists(st.sampled_from(ANSWER_PIECES), max_size=30).map("".join)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | \
    answer_text
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5) |
                      st.dictionaries(st.text(max_size=6), inner, max_size=5), max_leaves=25)

_key = None


def key():
    global _key
    if _key is None:
        from nnsolve.grade.key import Key

        _key = Key.from_path(KEY)
    return _key


@given(st.text(max_size=300) | yaml_text)
def test_any_text_loads_or_is_a_located_error(text):
    from nnsolve.spec.yamlsafe import load_text

    try:
        load_text(text, "random.yaml")
    except NnsolveError as exc:
        assert str(exc).startswith("random.yaml")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(content=st.binary(max_size=400) | yaml_text.map(str.encode))
def test_any_file_is_graded_or_is_an_invalid_row(tmp_path, content):
    from nnsolve.grade.batch import grade_safely

    path = tmp_path / "random.yaml"
    path.write_bytes(content)
    result = grade_safely(str(path), key())
    assert result.file == str(path)
    if result.error is not None:
        assert "internal error" not in result.error and "could not be graded" not in result.error


@given(answer_text)
def test_any_answer_text_parses_or_is_an_answer_error(text):
    from nnsolve.grade.answer_text import parse_text
    from nnsolve.grade.answers import AnswerError

    for names in ("none", "any"):
        try:
            parse_text(text, names=names)
        except AnswerError:
            pass


@settings(max_examples=80)
@given(params=values, shape=values, answers=st.dictionaries(st.text(max_size=6), values,
                                                             max_size=3))
def test_any_answers_are_graded_with_one_record_each(params, shape, answers):
    from nnsolve.grade.grader import grade_submission
    from nnsolve.grade.submission import parse_submission
    from nnsolve.spec.yamlsafe import load_text

    data = {"nnsolve": 1, "student": {"id": "s1"}, "problem": "alexnet-conv1",
            "answers": {"a": {"params": params, "output_shape": shape, **answers}}}
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
        submission = parse_submission(load_text(text, "random.yaml"))
    except NnsolveError:
        return
    result = grade_submission(submission, key())
    # one record per asked quantity; answers to names the part does not have get their own
    assert len([r for r in result.records if r.asked]) == 4
    assert all(r.status in STATUSES and (r.status == "correct" or r.message)
               for r in result.records)
