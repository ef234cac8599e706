"""A symbolic answer that nnsolve cannot decide is never marked wrong: it is left for a person."""

import threading

import pytest
import sympy

from nnsolve.derivation.kinds import compare_symbolic as compare_module
from shared_paths import finish_abandoned_simplify

SUBMISSION = """\
nnsolve: 1
student: {id: s9, name: Undecided}
problem: e1-backprop-symbolic
answers:
  dw13: "eps * g'(a3) * x1 * w35 * delta5"
  dw35: "2 * eps * (t - y5) * g'(a5) * y3 * (sin(x1)^2 + cos(x1)^2)"
"""


@pytest.fixture
def undecidable(monkeypatch):
    """No point can be evaluated and simplify never finishes (released after the test)."""
    release = threading.Event()
    monkeypatch.setattr(compare_module, "_evaluate", lambda expr, point: None)
    monkeypatch.setattr(sympy, "simplify", lambda expr, *a, **k: release.wait(30) or expr)
    yield
    release.set()
    finish_abandoned_simplify()


def test_an_undecidable_answer_is_invalid_not_incorrect(nnsolve, tmp_path, undecidable):
    path = tmp_path / "s9.yaml"
    path.write_text(SUBMISSION)
    result = nnsolve("grade", path, "--key", "problems/e1-backprop-symbolic.yaml", "--format", "json")
    records = {r["name"]: r for r in result.json()["results"][0]["records"]}
    assert records["dw13"]["status"] == "correct"          # the same tree: no evaluation needed
    assert records["dw35"]["status"] == "invalid"
    assert "a person must check it" in records["dw35"]["message"]


def test_a_stuck_simplify_is_ended_and_leaves_nothing_running(undecidable):
    x = sympy.Symbol("x")
    difference = sympy.sin(x) ** 2 + sympy.cos(x) ** 2 - 1
    before = threading.active_count()
    for _ in range(5):
        assert compare_module._simplifies_to_zero(difference, 0.05) is None
    assert threading.active_count() == before


def test_simplify_still_proves_when_nothing_is_stuck():
    x = sympy.Symbol("x")
    assert compare_module._simplifies_to_zero(sympy.sin(x) ** 2 + sympy.cos(x) ** 2 - 1, 30) is True
    assert compare_module._simplifies_to_zero(sympy.sin(x) ** 2 + sympy.cos(x) ** 2 - 1, 30) is True
