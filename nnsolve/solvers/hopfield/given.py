"""What a Hopfield exercise gives, and the checks that make it solvable.

The pydantic model catches what is malformed; what is well-formed but cannot be worked (a
pattern of 0s and 1s, patterns of different lengths, a start state of the wrong length) is a
SolverError naming the field. The sizes are bounded: a network is worked by hand, and "every
start state" is 2^N runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Union

from pydantic import Field, StrictFloat, StrictInt, field_validator

from nnsolve.solvers.base import Given, SolverError

Number = Union[StrictInt, StrictFloat]

#: neurons of a network worked by hand (its fixed points are found among all 2^N states)
MAX_NEURONS = 10
#: stored patterns
MAX_PATTERNS = 20
#: start states run one by one, each with its own steps on the board
MAX_STARTS = 64
#: the largest bias: energies stay finite
MAX_BIAS = 1e12
#: updates over all the runs together
MAX_UPDATES = 2000


def _bounded(limit: int, what: str):
    def check(value):
        if isinstance(value, list) and len(value) > limit:
            raise ValueError(f"{len(value):,} {what}; the limit is {limit}")
        return value
    return check


class HopfieldGiven(Given):
    patterns: list[list[StrictInt]] = Field(
        min_length=1, description="the stored patterns, each a list of N states ±1; the "
        "weights are their Hebbian outer products with a zero diagonal")
    bias: list[Number] | None = Field(
        None, description="a bias b per neuron (net input h = W s + b; a threshold θ is "
        "b = −θ); default none")
    update: Literal["synchronous", "asynchronous"] = Field(
        "synchronous", description="synchronous: every neuron at once, s ← sgn(W s + b); "
        "asynchronous: one neuron per step, in `order`")
    order: Union[Literal["sequential"], list[StrictInt]] = Field(
        "sequential", description="asynchronous only: the neurons updated in turn, numbered "
        "from 1 and repeated (sequential: 1, 2, …, N); every neuron at least once")
    starts: Union[Literal["all"], list[list[StrictInt]]] = Field(
        "all", description="the start states (lists of ±1), or all: every one of the 2^N "
        f"states (N ≤ 6, at most {MAX_STARTS})")
    max_steps: StrictInt = Field(
        20, ge=1, le=500, description="updates per start state at most (one neuron each when "
        "asynchronous) before a run is stopped")

    _patterns = field_validator("patterns", mode="before")(_bounded(MAX_PATTERNS, "patterns"))
    _starts = field_validator("starts", mode="before")(_bounded(MAX_STARTS, "start states"))
    _order = field_validator("order", mode="before")(_bounded(MAX_UPDATES, "updates"))


@dataclass(frozen=True)
class Network:
    """The exercise as the derivation needs it."""

    patterns: tuple[tuple[int, ...], ...]
    bias: tuple | None
    synchronous: bool
    order: tuple[int, ...]          # asynchronous: neurons (from 1) updated in turn
    starts: tuple[tuple[int, ...], ...]
    max_steps: int

    @property
    def size(self) -> int:
        return len(self.patterns[0])


def read(given: HopfieldGiven) -> Network:
    n = _width(given.patterns)
    if given.bias is not None:
        if len(given.bias) != n:
            raise SolverError(f"{len(given.bias)} biases for {n} neurons", ("bias",))
        for i, b in enumerate(given.bias):
            if isinstance(b, float) and not math.isfinite(b) or abs(b) > MAX_BIAS:
                raise SolverError(f"a bias is a number of size at most 10^12, not {b}",
                                  ("bias", i))
    order = _order(given, n)
    starts = _starts(given, n)
    if len(starts) * given.max_steps > MAX_UPDATES:
        raise SolverError(f"{len(starts)} start states × {given.max_steps} steps is over "
                          f"{MAX_UPDATES} updates; give fewer start states or max_steps",
                          ("max_steps",))
    return Network(tuple(tuple(p) for p in given.patterns),
                   tuple(given.bias) if given.bias is not None else None,
                   given.update == "synchronous", order, starts, given.max_steps)


def _bipolar(state: list[int], path: tuple) -> None:
    for i, s in enumerate(state):
        if s not in (-1, 1):
            raise SolverError(f"a state is −1 or 1, not {s}", path + (i,))


def _width(patterns: list[list[int]]) -> int:
    n = len(patterns[0])
    if not 1 <= n <= MAX_NEURONS:
        raise SolverError(f"a pattern has 1 to {MAX_NEURONS} neurons, not {n}", ("patterns", 0))
    for p, pattern in enumerate(patterns):
        if len(pattern) != n:
            raise SolverError(f"pattern {p + 1} has {len(pattern)} states, pattern 1 has {n}",
                              ("patterns", p))
        _bipolar(pattern, ("patterns", p))
    return n


def _order(given: HopfieldGiven, n: int) -> tuple[int, ...]:
    if given.order == "sequential":
        return tuple(range(1, n + 1))
    if given.update == "synchronous":
        raise SolverError("an order of updates is for update: asynchronous", ("order",))
    for i, neuron in enumerate(given.order):
        if not 1 <= neuron <= n:
            raise SolverError(f"neurons are numbered 1 to {n}, not {neuron}", ("order", i))
    missing = sorted(set(range(1, n + 1)) - set(given.order))
    if missing:
        raise SolverError(f"the order never updates neuron {missing[0]}: a state is only "
                          "known to be stable once every neuron has been updated", ("order",))
    return tuple(given.order)


def _starts(given: HopfieldGiven, n: int) -> tuple[tuple[int, ...], ...]:
    if given.starts == "all":
        if 2 ** n > MAX_STARTS:
            raise SolverError(f"all 2^{n} = {2 ** n:,} start states is over {MAX_STARTS}; "
                              "list the start states", ("starts",))
        return tuple(_all_states(n))
    for r, start in enumerate(given.starts):
        if len(start) != n:
            raise SolverError(f"start state {r + 1} has {len(start)} states for {n} neurons",
                              ("starts", r))
        _bipolar(start, ("starts", r))
    if not given.starts:
        raise SolverError("no start state given", ("starts",))
    return tuple(tuple(s) for s in given.starts)


def _all_states(n: int):
    """Every ±1 state of n neurons, counting down from all +1 (as a grid is written)."""
    for code in range(2 ** n):
        yield tuple(-1 if code >> (n - 1 - i) & 1 else 1 for i in range(n))
