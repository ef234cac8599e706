"""Grading a class fast without grading it differently: remembered verdicts are the verdicts,
plain text goes to files and pipes, and an oversized submission is refused while it is read."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from nnsolve.errors import NnsolveError
from nnsolve.grade import memo
from nnsolve.grade.grader import grade_file
from nnsolve.grade.key import Key

ROOT = Path(__file__).resolve().parent.parent
E1C = ROOT / "problems" / "e1-backprop-tanh.yaml"
E1A = ROOT / "problems" / "e1-backprop-symbolic.yaml"

#: E1(a) answers: right ones with the derivation's own names, a wrong one, an unknown name
SYMBOLIC = {
    "dw45": "eps*delta5*g(a4)",
    "dw35": "eps*delta5*y3",
    "dw05": "2*eps*(t - g(a5))*g'(a5)",
    "dw23": "eps*delta5*w35*g'(w03 + w13*x1 + w23*x2)*x2",
    "dw13": "eps*delta3*x2",
    "dw14": "eps*delta4*x2",
}
#: E1(c) rounded as the student went, a3 slipped to 2 and carried forward, delta3 wrong
NUMERIC = {"a3": 2, "y3": 0.964, "a4": 0, "y4": 0, "a5": -1.036, "y5": -0.776, "E": 3.154,
           "delta5": 1.055, "delta3": 0.3, "delta4": 1.055}


def _write(tmp_path: Path, name: str, problem: str, answers: dict) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"nnsolve": 1, "student": {"id": name.split(".")[0]},
                                    "problem": problem, "answers": answers},
                                   allow_unicode=True))
    return path


def _records(result) -> list[tuple]:
    return [(r.name, r.status, r.awarded, r.message, r.hint, r.misconception, r.expected,
             r.given) for r in result.records]


@pytest.mark.parametrize("problem, answers", [(E1A, SYMBOLIC), (E1C, NUMERIC)],
                         ids=["symbolic", "numeric"])
def test_remembered_verdicts_are_the_verdicts(tmp_path, problem, answers):
    """The second student with the same answers is graded from what was remembered of the
    first: every record the same as when nothing was remembered."""
    key = Key.from_path(problem)
    problem_id = next(iter(key.problems))
    first = _write(tmp_path, "s1.yaml", problem_id, answers)
    second = _write(tmp_path, "s2.yaml", problem_id, answers)
    for store in (memo.comparisons, memo.rule_runs, memo.key_texts):
        store.clear()
    fresh = grade_file(first, key)
    assert memo.comparisons.misses > 0
    hits = memo.comparisons.hits
    remembered = grade_file(second, key)
    assert memo.comparisons.hits > hits                      # it did use what it remembered
    assert _records(remembered) == _records(fresh)
    statuses = {r.name: r.status for r in fresh.records}
    if problem == E1A:
        assert statuses["dw45"] == statuses["dw23"] == "correct"
        assert statuses["dw13"] == "incorrect"
    else:
        assert statuses["y3"] == "ecf" and statuses["delta3"] == "incorrect"


def test_an_undecided_comparison_is_not_remembered():
    """A verdict the time limit cut short is decided again next time, not repeated."""
    from nnsolve.grade.compare import Tolerance
    from nnsolve.grade.compare import remembered_compare

    memo.comparisons.clear()
    expected, given = 1, "not a number"
    remembered_compare(expected, given, Tolerance(), kind="number")
    assert memo.comparisons.misses == 1
    remembered_compare(expected, given, Tolerance(), kind="number")
    assert memo.comparisons.hits == 1                        # a decided verdict is kept

    calls = []

    def undecided():
        from nnsolve.derivation.kinds.tolerance import Comparison

        calls.append(1)
        return Comparison(False, 0.0, "could not decide", undecided=True)

    for _ in range(2):
        memo.remembered(memo.comparisons, ("an undecided pair",), undecided,
                        keep=lambda result: not result.undecided)
    assert len(calls) == 2


def test_memo_keys_tell_apart_what_is_written_differently():
    assert memo.token(1) != memo.token(1.0) != memo.token(True)
    assert memo.token((1, 2)) != memo.token([1, 2])
    with pytest.raises(memo.Unkeyable):
        memo.token(list(range(memo.MAX_KEYED_ELEMENTS + 1)))


def test_one_simplify_budget_per_submission():
    """simplify's time is shared by all of a submission's answers: spent, it is not tried."""
    from nnsolve.grade.keyfacts import SIMPLIFY_BUDGET, SimplifyBudget

    budget = SimplifyBudget()
    assert budget.left == SIMPLIFY_BUDGET
    budget.spend(SIMPLIFY_BUDGET / 2)
    budget.spend(SIMPLIFY_BUDGET)
    assert budget.left == 0.0


_PROBE = """
import sys
from pathlib import Path
from nnsolve.grade.command import grade_command
grade_command([Path(sys.argv[1])], keys=[Path(sys.argv[2])], workers=int(sys.argv[3]))
print("RICH:" + ",".join(sorted(m for m in sys.modules if m.split(".")[0] == "rich")))
"""


@pytest.mark.parametrize("workers", [1, 2])
def test_results_to_a_pipe_are_plain_text_without_rich(tmp_path, workers):
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(3):
        _write(subs, f"s{i}.yaml", "e1-backprop-tanh", NUMERIC)
    (subs / "s9.yaml").write_text("nnsolve: 1\nstudent: {id: s9}\nanswers: {a3: [1, 2\n")
    done = subprocess.run([sys.executable, "-c", _PROBE, str(subs), str(E1C), str(workers)],
                          capture_output=True, text=True, cwd=ROOT)
    out = done.stdout
    assert out.splitlines()[-1] == "RICH:", out.splitlines()[-1]
    assert "\x1b[" not in out and "│" not in out and "┃" not in out
    blocks = out.split("\n\n")
    assert blocks[0].startswith("s0  e1-backprop-tanh")
    # each record one line, however long its message: a file is read by programs too
    delta3 = next(line for line in out.splitlines() if "a.delta3" in line)
    assert "Check the step" in delta3 and delta3.rstrip().endswith(".")
    assert "s9  invalid" in out
    table = out[out.index("Item analysis"):].splitlines()
    assert table[1].split()[:3] == ["item", "n", "right"]
    assert any(line.startswith("a.delta3") for line in table)
    assert "graded 3, invalid 1" in done.stderr


def test_the_same_blocks_come_from_one_worker_and_from_two(tmp_path, nnsolve):
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(6):
        _write(subs, f"s{i}.yaml", "e1-backprop-tanh", NUMERIC if i % 2 else {"a3": 1})
    one = nnsolve("grade", subs, "--key", E1C, "--workers", "1")
    two = nnsolve("grade", subs, "--key", E1C, "--workers", "2")
    assert one.stdout == two.stdout and "Item analysis" in one.stdout


# -- an oversized submission is refused while it is read ------------------------------------

def _numbers(count: int) -> str:
    return ("nnsolve: 1\nstudent: {id: big, name: Big}\nproblem: e1-backprop-tanh\nanswers:\n"
            "  a3: [" + ",".join("1" * count) + "]\n")


def test_a_million_numbers_are_refused_after_the_first_fifty_thousand():
    from nnsolve.grade.submission import MAX_SUBMISSION_NODES
    from nnsolve.spec.yamlsafe import load_text

    text = _numbers(999_000)
    assert len(text.encode()) < 2_000_000                    # under the size cap
    start = time.perf_counter()
    with pytest.raises(NnsolveError) as refused:
        load_text(text, "big.yaml", max_nodes=MAX_SUBMISSION_NODES)
    assert time.perf_counter() - start < 2      # generous: a busy machine; ~0.1 s alone
    message = str(refused.value)
    assert message.startswith("big.yaml:5:") and f"more than {MAX_SUBMISSION_NODES:,} values" \
        in message


def test_the_cap_counts_values_not_lines_and_spares_a_long_answer(tmp_path):
    """A 20,000-element answer is read (it is that answer's error, not the file's); the cap
    is the file's total, aliases counted as what they stand for."""
    from nnsolve.spec.yamlsafe import load_text

    assert len(load_text(_numbers(20_000), max_nodes=50_000).data["answers"]["a3"]) == 20_000
    with pytest.raises(NnsolveError, match="more than 100 values"):
        load_text("a: [" + ",".join(["x"] * 101) + "]\n", max_nodes=100)
    with pytest.raises(NnsolveError, match="once YAML aliases are expanded"):
        load_text("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, "
                  "*a, *a, *a]\n", max_nodes=100)


def test_a_huge_submission_keeps_its_row_and_is_refused_quickly(tmp_path):
    key = Key.from_path(E1C)
    small = _write(tmp_path, "s1.yaml", "e1-backprop-tanh", {"a3": 1})
    grade_file(small, key)                                   # the key solved beforehand
    big = tmp_path / "big.yaml"
    big.write_text(_numbers(999_000))
    start = time.perf_counter()
    result = grade_file(big, key)
    assert time.perf_counter() - start < 3      # generous: a busy machine; ~0.15 s alone
    assert result.student == "big" and result.name == "Big"
    assert "more than 50,000 values" in result.error
    assert {r.status for r in result.records} == {"invalid"}


# -- large JSON ---------------------------------------------------------------------------

def test_large_json_is_written_without_indentation_and_means_the_same(monkeypatch, nnsolve,
                                                                      tmp_path):
    from nnsolve.grade.outputs import jsonout
    from nnsolve.render import json as json_render

    indented = nnsolve("run", E1C, "--format", "json")
    monkeypatch.setattr(json_render, "INDENT_LIMIT", 1000)
    compact = nnsolve("run", E1C, "--format", "json")
    assert len(indented.stdout.splitlines()) > 100 and len(compact.stdout.splitlines()) == 1
    assert compact.json() == indented.json()

    path = _write(tmp_path, "s1.yaml", "e1-backprop-tanh", NUMERIC)
    indented = nnsolve("grade", path, "--key", E1C, "--format", "json")
    monkeypatch.setattr(jsonout, "INDENT_LIMIT", 1000)
    compact = nnsolve("grade", path, "--key", E1C, "--format", "json")
    assert compact.json() == indented.json()
    assert len(compact.stdout.splitlines()) < len(indented.stdout.splitlines()) / 10
