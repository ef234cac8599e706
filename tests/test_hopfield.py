"""Exercise E10: Hopfield networks, solved and graded as a TA would.

The figures of E10 are worked here by hand (in the comments) and checked as nnsolve derives
them; random networks are checked against a plain numpy reimplementation that shares nothing
with the solver but the rules, and the energy's and the stored patterns' properties with
hypothesis.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from nnsolve.solution import solve
from nnsolve.spec.problem import load, parse_problem
from nnsolve.spec.yamlsafe import load_text

ROOT = Path(__file__).resolve().parent.parent
E10 = ROOT / "problems" / "e10-hopfield.yaml"
SLIPS = Path(__file__).resolve().parent / "data" / "hopfield" / "e10-slips.yaml"

half, third = sympy.Rational(1, 2), sympy.Rational(1, 3)


@pytest.fixture(scope="module")
def e10():
    solution = solve(load(E10))
    return {part.id: part.derivation for part in solution.parts}


def vec(*values):
    return tuple(sympy.Integer(v) for v in values)


def states_of(*rows):
    return frozenset(vec(*r) for r in rows)


# -- E10, two neurons ------------------------------------------------------------------------

def test_two_neurons_weights_by_hand(e10):
    # patterns [1,1], [−1,−1], [1,−1]: the off-diagonal sum is 1·1 + (−1)(−1) + 1·(−1) = 1,
    # the diagonal of the sum is 3 (P) and is removed; 1/N = 1/2 gives w12 = w21 = 1/2
    assert e10["a"]["W"].value == ((0, half), (half, 0))
    assert e10["b"]["W"].value == ((0, half), (half, 0))


def test_two_neurons_synchronous_every_start(e10):
    d = e10["a"]
    # starts in grid order [1,1], [1,−1], [−1,1], [−1,−1]
    assert [d[f"step0.s{r}"].value for r in range(1, 5)] == \
        [vec(1, 1), vec(1, -1), vec(-1, 1), vec(-1, -1)]
    # [1,1]: h = (1/2, 1/2), unchanged; E = −½ (1/2 + 1/2) = −1/2
    assert d["attractor1"].value == vec(1, 1) and d["kind1"].value == "stored"
    assert d["step0.E1"].value == -half and d["iterations1"].value == 0
    # [1,−1]: h = (−1/2, 1/2) → [−1, 1]; h = (1/2, −1/2) → [1, −1]: a 2-cycle, E = +1/2 throughout
    assert d["step1.h2"].value == (-half, half)
    assert d["step1.s2"].value == vec(-1, 1) and d["step2.s2"].value == vec(1, -1)
    assert [d[f"step{k}.E2"].value for k in range(3)] == [half, half, half]
    cycle = states_of((1, -1), (-1, 1))
    assert d["attractor2"].value == cycle and d["kind2"].value == "cycle"
    assert d["attractor3"].value == cycle and d["kind3"].value == "cycle"
    assert d["attractor4"].value == vec(-1, -1) and d["kind4"].value == "stored"
    # the stored pattern [1, −1] is not stable; no spurious fixed point with two neurons
    assert d["stable_patterns"].value == states_of((1, 1), (-1, -1))
    assert d["fixed_points"].value == states_of((1, 1), (-1, -1))
    assert d["spurious"].value == frozenset()
    assert any("cycle of length 2" in q.note for q in d if q.name == "attractor2")


def test_two_neurons_asynchronous_every_start(e10):
    d = e10["b"]
    # [1,−1]: neuron 1 sees w12·s2 = −1/2 → −1; then neuron 2 sees −1/2 and stays: [−1,−1]
    assert d["step1.h2"].value == -half and d["step1.s2"].value == vec(-1, -1)
    assert d["attractor2"].value == vec(-1, -1) and d["iterations2"].value == 1
    # [−1,1]: neuron 1 sees +1/2 → +1: [1, 1]
    assert d["attractor3"].value == vec(1, 1) and d["iterations3"].value == 1
    assert d["attractor1"].value == vec(1, 1) and d["attractor4"].value == vec(-1, -1)
    # no cycle without synchronous updates: the energy falls from +1/2 to −1/2
    assert [d[f"step{k}.E2"].value for k in range(3)] == [half, -half, -half]
    assert d["attractors"].value == states_of((1, 1), (-1, -1))
    assert d["outcomes"].value.column("kind") == ("stored",) * 4


# -- E10, three neurons ----------------------------------------------------------------------

def test_three_neurons_weights_by_hand(e10):
    # w12 = 1·1 + (−1)(−1) + 1·(−1) = 1, w13 = 1·1 + (−1)·1 + 1·(−1) = −1,
    # w23 = 1·1 + (−1)·1 + (−1)(−1) = 1; over N = 3
    assert e10["c"]["W"].value == ((0, third, -third), (third, 0, third), (-third, third, 0))


def test_three_neurons_fixed_points_and_spurious_states(e10):
    for part in ("c", "d"):
        d = e10[part]
        # each stored pattern has two net inputs of exactly 0 (ξ1: h = (0, 2/3, 0)) and one
        # agreeing with it, so with "keep" all three are stable
        assert d["stable_patterns"].value == states_of((1, 1, 1), (-1, -1, 1), (1, -1, -1))
        # their negations are fixed too: the spurious states
        assert d["spurious"].value == states_of((-1, -1, -1), (1, 1, -1), (-1, 1, 1))
        assert len(d["fixed_points"].value) == 6
    described = {row[0]: row[1:] for row in e10["c"].tables[0].rows}
    # E(−ξ1) = E(ξ1) = −½ sᵀWs = −½·(2/3) = −1/3
    assert described[vec(-1, -1, -1)] == ("spurious: negation of ξ1", -third)
    assert described[vec(1, 1, 1)] == ("stored pattern ξ1", -third)


def test_three_neurons_synchronous_cycle_from_the_mixture(e10):
    d = e10["c"]
    # start 3 is [1, −1, 1] = sgn(ξ1 + ξ2 + ξ3): h = (−2/3, 2/3, −2/3) → [−1, 1, −1], whose
    # h = (2/3, −2/3, 2/3) → back: a 2-cycle, never a fixed point
    assert d["step0.s3"].value == vec(1, -1, 1)
    assert d["step1.h3"].value == (-2 * third, 2 * third, -2 * third)
    assert d["attractor3"].value == states_of((1, -1, 1), (-1, 1, -1))
    assert d["kind3"].value == "cycle" and d["kind6"].value == "cycle"
    assert [d[f"kind{r}"].value for r in (1, 2, 4, 5, 7, 8)] == \
        ["stored", "spurious", "stored", "spurious", "stored", "spurious"]


def test_three_neurons_asynchronous_every_start(e10):
    d = e10["d"]
    # [1,−1,1]: neuron 1 sees w12·s2 + w13·s3 = −1/3 − 1/3 → −1: ξ2 = [−1,−1,1], E from 1 to −1/3
    assert d["step1.h3"].value == -2 * third and d["attractor3"].value == vec(-1, -1, 1)
    assert [d[f"step{k}.E3"].value for k in range(2)] == [1, -third]
    assert d["iterations3"].value == 1
    # [−1,1,−1]: neuron 1 sees 1/3 + 1/3 → +1: [1, 1, −1], the negation of ξ2 (spurious)
    assert d["attractor6"].value == vec(1, 1, -1) and d["kind6"].value == "spurious"
    assert d["attractors"].value == d["fixed_points"].value


def solved(patterns, starts="all", update="synchronous", conventions=None, **more):
    given = {"patterns": patterns, "update": update, "starts": starts, **more}
    text = json.dumps({"nnsolve": 1, "id": "h", "title": "h", "solver": "hopfield",
                       "given": given, "conventions": conventions or {}})
    return solve(parse_problem(load_text(text, "h.yaml"))).parts[0].derivation


def test_sign_of_zero_and_normalisation_are_conventions():
    three = [[1, 1, 1], [-1, -1, 1], [1, -1, -1]]
    # sgn(0) = +1: ξ1 (h = (0, 2/3, 0)) stays, ξ2 (h = (−2/3, 0, 0)) becomes [−1, 1, 1]
    up = solved(three, conventions={"sign_zero": 1})
    assert up["stable_patterns"].value == states_of((1, 1, 1))
    down = solved(three, conventions={"sign_zero": -1})
    assert down["stable_patterns"].value == frozenset()
    assert solved(three, conventions={"normalisation": "none"})["W"].value == \
        ((0, 1, -1), (1, 0, 1), (-1, 1, 0))
    two = solved([[1, 1], [-1, -1], [1, -1]], conventions={"normalisation": "1/P"})
    assert two["W"].value == ((0, third), (third, 0))


def test_a_run_cut_short_by_max_steps_is_unsettled():
    # [1, −1] asynchronously: update 1 gives [−1, −1], but stability needs a whole pass more
    d = solved([[1, 1], [-1, -1], [1, -1]], [[1, -1]], "asynchronous", max_steps=2)
    assert d["step1.s1"].value == vec(-1, -1) and "step3.s1" not in d
    assert d["kind1"].value == "unsettled" and "attractor1" not in d
    assert "not stable within 2 updates" in d["kind1"].note


# -- an independent reimplementation ---------------------------------------------------------

def numpy_hopfield(patterns, starts, synchronous, at_zero, bias, max_steps=20):
    """The textbook rules written plainly: Hebbian W over N, zero diagonal; runs until a
    synchronous state repeats or an asynchronous pass over the neurons changes nothing."""
    X = np.array(patterns, dtype=object)
    n = X.shape[1]
    W = sum(np.outer(x, x) for x in X) * Fraction(1, n)
    np.fill_diagonal(W, 0)
    b = np.array([Fraction(v) for v in bias], dtype=object)

    def sgn(h, previous):
        return 1 if h > 0 else -1 if h < 0 else (previous if at_zero == "keep" else at_zero)

    def energy(s):
        return -Fraction(1, 2) * (s @ W @ s) - b @ s

    runs = []
    for start in starts:
        s = np.array(start, dtype=object)
        trail, energies, stopped = [tuple(s)], [energy(s)], False
        for k in range(1, max_steps + 1):
            if synchronous:
                h = W @ s + b
                s = np.array([sgn(h[i], s[i]) for i in range(n)], dtype=object)
            else:
                i = (k - 1) % n
                s = s.copy()
                s[i] = sgn(W[i] @ s + b[i], s[i])
            trail.append(tuple(s))
            energies.append(energy(s))
            if synchronous and trail[-1] in trail[:-1] or \
                    not synchronous and k >= n and len(set(trail[-n - 1:])) == 1:
                stopped = True
                break
        runs.append((trail, energies, stopped))
    fixed = {s for s in map(tuple, np.array(np.meshgrid(*[[1, -1]] * n)).T.reshape(-1, n))
             if all(sgn(W[i] @ np.array(s) + b[i], s[i]) == s[i] for i in range(n))}
    return W, runs, fixed


bipolar = st.sampled_from([1, -1])


@st.composite
def networks(draw):
    n = draw(st.integers(2, 5))
    patterns = draw(st.lists(st.lists(bipolar, min_size=n, max_size=n), min_size=1, max_size=4))
    starts = draw(st.lists(st.lists(bipolar, min_size=n, max_size=n), min_size=1, max_size=3))
    bias = draw(st.lists(st.integers(-2, 2).map(lambda v: Fraction(v, 2)),
                         min_size=n, max_size=n))
    return patterns, starts, bias


@settings(max_examples=25)
@given(networks(), st.booleans(), st.sampled_from(["keep", 1, -1]))
def test_random_networks_match_a_numpy_reimplementation(network, synchronous, at_zero):
    patterns, starts, bias = network
    d = solved(patterns, starts, "synchronous" if synchronous else "asynchronous",
               {"sign_zero": at_zero}, bias=[float(v) for v in bias])
    W, runs, fixed = numpy_hopfield(patterns, starts, synchronous, at_zero, bias)
    assert d["W"].value == tuple(tuple(sympy.Rational(v) for v in row) for row in W)
    for r, (trail, energies, stopped) in enumerate(runs, 1):
        for k, (state, energy) in enumerate(zip(trail, energies)):
            assert d[f"step{k}.s{r}"].value == vec(*state)
            assert float(d[f"step{k}.E{r}"].value) == pytest.approx(float(energy), abs=1e-9)
        assert f"step{len(trail)}.s{r}" not in d
        if not stopped:
            assert f"attractor{r}" not in d and d[f"kind{r}"].value == "unsettled"
            continue
        first = trail.index(trail[-1])
        if synchronous and first < len(trail) - 2:        # back to an earlier state: a cycle
            assert d[f"attractor{r}"].value == frozenset(vec(*s) for s in trail[first:-1])
            assert d[f"kind{r}"].value == "cycle"
        else:
            assert d[f"attractor{r}"].value == vec(*trail[-1])
            stored = [tuple(p) for p in patterns]
            assert d[f"kind{r}"].value == ("stored" if trail[-1] in stored else "spurious")
        assert d[f"iterations{r}"].value == first
    assert d["fixed_points"].value == frozenset(vec(*s) for s in fixed)


# -- properties ------------------------------------------------------------------------------

@settings(max_examples=25)
@given(networks(), st.sampled_from(["keep", 1, -1]))
def test_energy_never_increases_under_asynchronous_updates(network, at_zero):
    # Hebbian W is symmetric with a zero diagonal: an asynchronous update cannot raise E
    patterns, starts, bias = network
    d = solved(patterns, starts, "asynchronous", {"sign_zero": at_zero},
               bias=[float(v) for v in bias])
    for r in range(1, len(starts) + 1):
        energies = [float(d[f"step{k}.E{r}"].value) for k in range(100)
                    if f"step{k}.E{r}" in d]
        assert all(b <= a + 1e-12 for a, b in zip(energies, energies[1:]))


def hadamard_rows(n: int) -> list[list[int]]:
    H = np.array([[1]])
    while len(H) < n:
        H = np.block([[H, H], [H, -H]])
    return H.tolist()


@settings(max_examples=20)
@given(st.sampled_from([4, 8]), st.data())
def test_orthogonal_stored_patterns_are_fixed_points(n, data):
    # W ξ = (1/N)(N − P) ξ for orthogonal ξ: every one of P < N patterns is stable
    rows = hadamard_rows(n)
    chosen = data.draw(st.lists(st.sampled_from(range(n)), min_size=1, max_size=n - 1,
                                unique=True))
    signs = data.draw(st.lists(bipolar, min_size=len(chosen), max_size=len(chosen)))
    patterns = [[e * v for v in rows[i]] for i, e in zip(chosen, signs)]
    d = solved(patterns, [patterns[0]])
    assert d["stable_patterns"].value == frozenset(vec(*p) for p in patterns)
    assert d["attractor1"].value == vec(*patterns[0]) and d["iterations1"].value == 0


# -- grading ---------------------------------------------------------------------------------

def test_a_wrong_weight_is_carried_forward_and_a_kept_diagonal_named(nnsolve):
    result = nnsolve("grade", SLIPS, "--key", E10, "--format", "json")
    records = {(r["part"], r["name"]): r for r in result.json()["results"][0]["records"]}
    assert records[("a", "W")]["status"] == "incorrect"
    # the student's W = [[0, −1/2], [−1/2, 0]] gives h = (−1/2, −1/2) from [1, 1], so [−1, −1]
    assert records[("a", "step1.h1")]["status"] == "ecf"
    assert records[("a", "step1.s1")]["status"] == "ecf"
    assert records[("c", "W")]["status"] == "incorrect"
    assert records[("c", "W")]["misconception"] == "nonzero-diagonal"
    # that W makes all eight states fixed; five of them are not stored: both carried forward
    assert records[("c", "fixed_points")]["status"] == "ecf"
    assert records[("c", "spurious")]["status"] == "ecf"


def test_energy_without_the_half_is_named(nnsolve, tmp_path):
    # start 1 of (a) is [1, 1]: −sᵀWs = −1 where −½ sᵀWs = −1/2
    path = tmp_path / "s.yaml"
    path.write_text("nnsolve: 1\nstudent: {id: s1}\nproblem: e10-hopfield\n"
                    "answers:\n  a: {step0.E1: -1}\n", encoding="utf-8")
    result = nnsolve("grade", path, "--key", E10, "--format", "json")
    record = [r for r in result.json()["results"][0]["records"] if r["name"] == "step0.E1"][0]
    assert record["status"] == "incorrect" and record["misconception"] == "energy-without-half"


# -- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("given, message", [
    ("patterns: [[1, 0], [1, 1]]", "given.patterns[0][1]: a state is −1 or 1, not 0"),
    ("patterns: [[1, 1], [1]]", "given.patterns[1]: pattern 2 has 1 states, pattern 1 has 2"),
    ("patterns: [[1, 1, 1, 1, 1, 1, 1]]", "given.starts: all 2^7 = 128 start states"),
    ("patterns: [[1, 1]]\n  starts: [[1, 1, 1]]", "given.starts[0]: start state 1 has 3"),
    ("patterns: [[1, 1]]\n  update: asynchronous\n  order: [1, 1]",
     "given.order: the order never updates neuron 2"),
    ("patterns: [[1, 1]]\n  bias: [1]", "given.bias: 1 biases for 2 neurons"),
    ("patterns: [[1, 1]]\n  bias: [0, .nan]", "given.bias[1]: a bias is a number of size at most 10^12, not nan"),
])
def test_bad_givens_name_their_field(nnsolve, problem_file, given, message):
    path = problem_file(f"nnsolve: 1\nid: h\ntitle: h\nsolver: hopfield\ngiven:\n  {given}\n")
    result = nnsolve("check", path)
    assert result.exit_code == 1
    assert message in result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout


def test_a_forgotten_normalisation_is_named(nnsolve, tmp_path):
    # (a): the outer products without 1/N give w12 = 1
    path = tmp_path / "s.yaml"
    path.write_text("nnsolve: 1\nstudent: {id: s1}\nproblem: e10-hopfield\n"
                    "answers:\n  a: {W: [[0, 1], [1, 0]]}\n  b: {W: [[0, 0.5], [0.5, 0]]}\n",
                    encoding="utf-8")
    records = {(r["part"], r["name"]): r for r in
               nnsolve("grade", path, "--key", E10, "--format", "json").json()["results"][0]
               ["records"]}
    assert records[("a", "W")]["misconception"] == "normalisation-forgotten"
    assert records[("b", "W")]["status"] == "correct"


def test_own_state_in_the_input_is_a_known_mistake(e10):
    # (b), start 2 = [1, −1], neuron 1: h = w12·s2 = −1/2; counting its own state with the
    # diagonal of the outer products (3/2) gives −1/2 + 3/2·1 = 1
    d = e10["b"]
    quantity = d["step1.h2"]
    wrong = {m.id: m.apply(d.inputs_of("step1.h2")) for m in quantity.misconceptions}
    assert wrong == {"own-state-in-input": 1}
