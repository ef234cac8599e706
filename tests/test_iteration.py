"""Iterations: step<k>. names, a fixed count, until stable, a cycle, and a student's step k
carried into step k+1. The dynamics are a Hopfield network's, checked against numpy."""

import numpy as np
import pytest
import sympy

from nnsolve.derivation.core import Derivation
from nnsolve.derivation.iteration import Iteration


class hsign(sympy.Function):
    """The Hopfield threshold: +1 for a net input of 0 or more, else −1."""

    @classmethod
    def eval(cls, x):
        if x.is_Number:
            return sympy.Integer(1 if x >= 0 else -1)
        return None


def hopfield(weights, start, until="stable", max_steps=20):
    """Synchronous updates s ← sign(W s), written as the vector formula."""
    d = Derivation()
    W = d.given("W", weights, "weights")
    d.given("s0", start, "starting state")
    run = d.iterate(until=until, state=("s",), start={"s": "s0"}, max_steps=max_steps)
    for step in run:
        d.add(step.name("s"), f"state after update {step.k}", hsign(W * d.symbol(step.prev("s"))))
    return d, run


def numpy_hopfield(weights, start, steps):
    s, out = np.array(start), []
    for _ in range(steps):
        s = np.where(np.array(weights) @ s >= 0, 1, -1)
        out.append(tuple(s))
    return out


STORED = [[0, 1, -1], [1, 0, -1], [-1, -1, 0]]      # one pattern (1, 1, −1), Hebbian


def test_until_stable_stops_when_a_step_changes_nothing():
    d, run = hopfield(STORED, [1, -1, -1])
    states = numpy_hopfield(STORED, [1, -1, -1], 3)
    assert states == [(1, 1, 1), (1, 1, -1), (1, 1, -1)]          # the stored pattern, recalled
    assert [d[f"step{k}.s"].value for k in (1, 2, 3)] == states
    assert run.repeat == (2, 3) and run.count == 3 and "step4.s" not in d
    assert run.outcome == "stable: step 3 leaves the state of step 2 unchanged"
    assert run.outcome in d.notes
    assert str(d["step3.s"].symbol) == "s_3"


def test_a_two_cycle_is_found():
    swap = [[0, -1], [-1, 0]]
    d, run = hopfield(swap, [1, 1], until="cycle")
    states = numpy_hopfield(swap, [1, 1], run.count)
    assert [d[f"step{k}.s"].value for k in range(1, run.count + 1)] == states
    assert states == [(-1, -1), (1, 1)]
    assert run.repeat == (0, 2)
    assert run.outcome == "cycle of length 2: step 2 repeats the starting state"


def test_stable_is_not_fooled_by_a_cycle_and_gives_up_at_the_limit():
    d, run = hopfield([[0, -1], [-1, 0]], [1, 1], until="stable", max_steps=5)
    assert run.repeat is None and run.count == 5
    assert run.outcome == "no fixed point within 5 steps: stopped there"


def test_a_fixed_count_names_each_step_and_carries_a_students_step_forward():
    d = Derivation()
    w = d.given("w0", [1, 1])
    d.given("g", [sympy.Rational(1, 2), -1])
    eta = d.given("eta", sympy.Rational(1, 2))
    run = d.iterate(steps=3, start={"w": "w0"})
    for step in run:
        d.add(step.name("w"), f"weights after step {step.k}",
              d.symbol(step.prev("w")) - eta * d.symbol("g"))
    assert [d[f"step{k}.w"].value for k in (1, 2, 3)] == [
        (sympy.Rational(3, 4), sympy.Rational(3, 2)), (sympy.Rational(1, 2), 2),
        (sympy.Rational(1, 4), sympy.Rational(5, 2))]
    assert d.recompute("step3.w", {"step2.w": (0, 0)}) == (sympy.Rational(-1, 4),
                                                          sympy.Rational(1, 2))
    assert str(d["step2.w"].symbol) == "w_2"
    assert set(d["step3.w"].inputs) == {"step2.w", "eta", "g"} and w is not None


def test_an_iteration_needs_a_rule_to_stop():
    d = Derivation()
    with pytest.raises(ValueError, match="number of steps or a stopping rule"):
        Iteration(d)
    with pytest.raises(ValueError, match="needs the quantities"):
        Iteration(d, until="stable")
    with pytest.raises(ValueError, match="until must be one of"):
        Iteration(d, until="forever", state=("s",))


def test_a_truth_value_is_no_number_of_steps():
    with pytest.raises(ValueError, match="steps must be a whole number"):
        Iteration(Derivation(), steps=True)
    with pytest.raises(KeyError, match="no starting value named for 's'"):
        Iteration(Derivation(), steps=1).name_at(0, "s")
