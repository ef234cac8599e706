"""Hopfield states worked in plain arithmetic: fixed points among all 2^N states, what a
fixed point is (a stored pattern, its negation, a mixture), and where a run of states settles.

These are the rules of quantities whose inputs are the weights or a run's states, so they are
recomputed from a student's own weights or states (error carried forward). Exact weights stay
exact here (fractions), so a net input of exactly 0 meets the sign(0) convention as on paper.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any, Sequence

from nnsolve.derivation import values as V
from nnsolve.solvers.hopfield.signs import side

State = tuple[int, ...]


def plain(value: Any):
    """A value as a Fraction when it is rational, else a float (fast arithmetic)."""
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, float):
        return value
    value = V.sympy_object(value)
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    return float(value)


def updated(state: State, h, i: int, at_zero: str) -> int:
    where = side(h)
    if where:
        return where
    return state[i] if at_zero == "keep" else int(at_zero)


def net_inputs(weights, bias, state: State) -> list:
    return [sum((w * s for w, s in zip(row, state)), start=b)
            for row, b in zip(weights, bias)]


def is_fixed(weights, bias, state: State, at_zero: str) -> bool:
    h = net_inputs(weights, bias, state)
    return all(updated(state, h[i], i, at_zero) == state[i] for i in range(len(state)))


def prepared(weights, bias):
    """Weights and bias in plain arithmetic (no bias: zeros)."""
    weights = [[plain(w) for w in row] for row in weights]
    bias = [plain(b) for b in bias] if bias is not None else [Fraction(0)] * len(weights)
    return weights, bias


def all_states(n: int):
    """Every ±1 state of n neurons, from all +1 down, as a grid is written."""
    return (tuple(s) for s in itertools.product((1, -1), repeat=n))


def fixed_points(weights, bias, at_zero: str) -> frozenset:
    """The states that no update changes (sgn(0) as the convention says)."""
    weights, bias = prepared(weights, bias)
    return frozenset(s for s in all_states(len(weights)) if is_fixed(weights, bias, s, at_zero))


def energy(weights, bias, state: State):
    """E = −½ sᵀ W s − bᵀ s."""
    weights, bias = prepared(weights, bias)
    h = net_inputs(weights, [0] * len(state), state)
    return -Fraction(1, 2) * sum(hi * si for hi, si in zip(h, state)) - \
        sum(b * s for b, s in zip(bias, state))


def negation(state: State) -> State:
    return tuple(-s for s in state)


def mixtures(patterns: Sequence[State]) -> dict[State, str]:
    """The mixture states sgn(±ξa ± ξb ± ξc) of three stored patterns, each with how it is
    written (the symmetric mixtures a Hebbian network learns as spurious attractors)."""
    found: dict[State, str] = {}
    for trio in itertools.combinations(range(len(patterns)), 3):
        for signs in itertools.product((1, -1), repeat=3):
            total = [sum(e * patterns[p][i] for e, p in zip(signs, trio))
                     for i in range(len(patterns[0]))]
            state = tuple(1 if t > 0 else -1 for t in total)
            written = " ".join(("+ " if e > 0 else "− ") + f"ξ{p + 1}"
                               for e, p in zip(signs, trio))
            found.setdefault(state, f"sgn({written.removeprefix('+ ')})")
    return found


def described(state: State, patterns: Sequence[State]) -> str:
    """What a fixed point is: a stored pattern, the negation of one, a mixture, or spurious."""
    for p, pattern in enumerate(patterns, 1):
        if state == pattern:
            return f"stored pattern ξ{p}"
    for p, pattern in enumerate(patterns, 1):
        if state == negation(pattern):
            return f"spurious: negation of ξ{p}"
    mixed = mixtures(patterns).get(state)
    return f"spurious: mixture {mixed}" if mixed else "spurious"


def settled(states: Sequence[State], synchronous: bool) -> tuple[Any, int, str]:
    """Where a run of states settles: (the fixed point, or the set of states of a cycle; the
    updates it took to get there; "fixed point" or "cycle")."""
    if synchronous:
        seen: dict[State, int] = {}
        for k, state in enumerate(states):
            if state in seen:
                j = seen[state]
                if j == k - 1:
                    return state, j, "fixed point"
                return frozenset(states[j:k]), j, "cycle"
            seen[state] = k
    final = states[-1]
    return final, states.index(final), "fixed point"
