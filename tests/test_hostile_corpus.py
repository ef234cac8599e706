"""The adversarial corpus: files and answers an adversarial student or a careless TA hands in.

Every file is refused with a message that names it; every answer is `invalid` or `incorrect`
with a message for the student. Nothing is executed, nothing raises, nothing says "internal
error", and nothing takes long.
"""

from __future__ import annotations

import json
import random
import time

import pytest

from shared_paths import benchmark
from test_batch import KEY, RIGHT, submission, write

alias_bomb = benchmark("grade_batch").alias_bomb
GOOD = submission("s1", RIGHT)


def _nested_block(levels: int) -> str:
    return "nnsolve: 1\nstudent: s1\nproblem: alexnet-conv1\nanswers:\n" + "".join(
        "  " * (i + 1) + f"k{i}:\n" for i in range(levels)) + "  " * (levels + 1) + "x: 1\n"


#: (name, content) of files that cannot be graded at all
FILES = [
    ("unclosed flow list", "nnsolve: 1\nstudent: s1\nproblem: alexnet-conv1\nanswers: {a: [1, 2\n"),
    ("tab indentation", "nnsolve: 1\nstudent: s1\nanswers:\n\ta: 1\n"),
    ("alias bomb", alias_bomb()),
    ("101 aliases", "a: &a 1\nb: [" + ", ".join(["*a"] * 101) + "]\n"),
    ("deep flow nesting", "answers: " + "[" * 100 + "]" * 100 + "\n"),
    ("deep block nesting", _nested_block(70)),
    ("binary junk", random.Random(1).randbytes(4096)),
    ("NUL bytes", b"nnsolve: 1\nstudent: s1\x00\x00\nproblem: alexnet-conv1\n"),
    ("UTF-16 with BOM", GOOD.encode("utf-16")),
    ("Latin-1", "nnsolve: 1\nstudent: {id: s1, name: Andr\xe9}\n".encode("latin-1")),
    ("empty", ""),
    ("only a comment", "# nothing here\n"),
    ("a list", "- 1\n- 2\n"),
    ("a scalar", "just text\n"),
    ("python object tag", "!!python/object/apply:os.system [\"echo pwned\"]\n"),
    ("python name tag", "nnsolve: 1\nstudent: !!python/name:os.system\n"),
    ("python module tag", "x: !!python/module:os\n"),
    ("unknown local tag", "nnsolve: 1\nstudent: !shell 'rm -rf /'\n"),
    ("impossible date", GOOD.replace("nnsolve: 1", "nnsolve: 1\ndue: 2024-13-45")),
    ("5000-digit integer", GOOD.replace("34944", "9" * 5000)),
    ("2000-digit hex integer", GOOD.replace("34944", "0x" + "f" * 2000)),
    ("huge base-60 integer", GOOD.replace("34944", ":".join(["59"] * 600))),
    ("20,000 junk keys", GOOD + "".join(f"  j{i}: 0\n" for i in range(20_000))),
    ("key written twice", GOOD.replace("nnsolve: 1", "nnsolve: 1\nnnsolve: 1")),
    ("format 2", GOOD.replace("nnsolve: 1", "nnsolve: 2")),
    ("format as text", GOOD.replace("nnsolve: 1", "nnsolve: '1; rm -rf /'")),
    ("no format", GOOD.replace("nnsolve: 1\n", "")),
    ("student id a list", GOOD.replace('{id: "s1", name: "A Student"}', "[s1, s2]")),
    ("student id empty", GOOD.replace('"s1"', '""')),
    ("no student", "\n".join(ln for ln in GOOD.splitlines() if not ln.startswith("student"))),
    ("path as problem id", GOOD.replace("problem: alexnet-conv1", "problem: ../../etc/passwd")),
    ("unknown problem", GOOD.replace("problem: alexnet-conv1", "problem: __class__")),
    ("answers a list", submission("s1", [1, 2, 3])),
    ("answers a string", submission("s1", "import os")),
    ("over 2 MB", "# " + "x" * 2_100_000 + "\n" + GOOD),
    ("two documents", GOOD + "---\n" + GOOD),
    ("undefined alias", GOOD.replace('"s1"', "*nobody")),
    ("merge of a scalar", "nnsolve: 1\nstudent:\n  <<: 1\n  id: s1\n"),
    ("list as a key", "? [1, 2]\n: 3\n"),
    ("unknown top-level field", GOOD + "__class__: {__init__: 1}\n"),
]

#: (name, answer) given for part a's `params` (34,944): each must be invalid or incorrect
ANSWERS = [
    ("dunder import", "__import__('os').system('echo pwned')"),
    ("subclasses walk", "().__class__.__bases__[0].__subclasses__()"),
    ("lambda", "lambda: 34944"),
    ("exec", "exec('x = 34944')"),
    ("eval", "eval('34944')"),
    ("open", "open('/etc/passwd').read()"),
    ("attribute access", "(34944).__class__"),
    ("getattr", "getattr(34944, 'real')"),
    ("shell substitution", "$(rm -rf /)"),
    ("backticks", "`id`"),
    ("spreadsheet formula", "=cmd|' /C calc'!A0"),
    ("html", "<script>alert(1)</script>"),
    ("template", "{{7*7}}"),
    ("format string", "%s%s%s%n"),
    ("tower of powers", "10^10^10"),
    ("huge power", "9^999999"),
    ("huge exponent", "1e999999"),
    ("python power of powers", "2**(2**64)"),
    ("200 digits", "9" * 200),
    ("nan text", "nan"),
    ("inf text", "inf"),
    ("sympy infinity", "-oo"),
    ("complex infinity", "zoo"),
    ("YAML nan", float("nan")),
    ("YAML inf", float("inf")),
    ("division by zero", "1/0"),
    ("zero over zero", "0/0"),
    ("exact zero divisor", "1/(sin(10^99)^2 + cos(10^99)^2 - 1)"),
    ("square root of -1", "sqrt(-1)"),
    ("log of 0", "log(0)"),
    ("deep parentheses", "(" * 200 + "1" + ")" * 200),
    ("very long sum", "1" + "+1" * 5000),
    ("long text", "x" * 3000),
    ("20,000-item list", list(range(20_000))),
    ("nested lists", json.loads("[" * 10 + "1" + "]" * 10)),
    ("factorial", "factorial(100000)"),
    ("triple exponential", "exp(exp(exp(10)))"),
    ("NUL", "\x00"),
    ("ESC sequence", "\x1b[2J34944"),
    ("unclosed call", "sin("),
    ("mapping", {"value": 34944}),
    ("boolean", True),
    ("roman numeral", "\u216b"),
    ("Arabic-Indic digits", "\u0663\u0664\u0669\u0664\u0664"),
]


def _grade(path):
    from nnsolve.grade.batch import grade_safely
    from nnsolve.grade.key import Key

    start = time.monotonic()
    result = grade_safely(str(path), Key.from_path(KEY))
    assert time.monotonic() - start < 10
    return result


def test_the_corpus_has_at_least_sixty_entries():
    assert len(FILES) + len(ANSWERS) >= 60


@pytest.mark.parametrize("name,content", FILES, ids=[n for n, _ in FILES])
def test_a_hostile_file_is_refused_with_a_message_naming_it(tmp_path, name, content):
    path = write(tmp_path, "hostile.yaml", content)
    result = _grade(path)
    assert result.error, name
    assert str(path) in result.error
    assert "internal error" not in result.error and "Traceback" not in result.error
    assert result.file == str(path)


@pytest.mark.parametrize("name,answer", ANSWERS, ids=[n for n, _ in ANSWERS])
def test_a_hostile_answer_is_invalid_or_incorrect(tmp_path, name, answer):
    import yaml

    answers = {**RIGHT, "a": {**RIGHT["a"], "params": answer}}
    data = {"nnsolve": 1, "student": {"id": "s1"}, "problem": "alexnet-conv1",
            "answers": answers}
    path = write(tmp_path, "hostile.yaml", yaml.safe_dump(data, allow_unicode=True))
    result = _grade(path)
    assert result.error is None, result.error
    record = next(r for r in result.records if r.name == "params")
    # a mapping is read as a group of quantities: params.value, which the part does not have
    assert record.status in ("invalid", "incorrect", "missing"), (name, record)
    assert record.message and "internal error" not in record.message
    # an answer to a name the part does not have is its own record, not one of the asked
    others = [r.status for r in result.records if r.name != "params" and r.asked]
    assert set(others) == {"correct"}, others
