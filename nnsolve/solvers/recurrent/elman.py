"""The Elman cell on the board: h_t = g(W_xh x_t + W_hh h_{t−1} + b_h), step by step.

Each step writes the sum before the activation with the numbers put in (`step<k>.a`), then
the state (`step<k>.h`); in the concatenated form the sum is W [x_t; h_{t−1}] + b. A decoder
has no inputs: a_t = W_hh h_{t−1} + b_h. The steps come from `d.iterate`, so a student's wrong
h_1 is the input of their h_2 and everything after it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.derivation.functions import relu, sigmoid
from nnsolve.derivation.ordered import plus, times
from nnsolve.derivation.vectors import stacked
from nnsolve.solvers.base import SolverError
from nnsolve.solvers.recurrent.finite import add_finite
from nnsolve.solvers.recurrent import reading as R
from nnsolve.solvers.recurrent.given import RnnGiven
from nnsolve.solvers.recurrent.sequence import SequenceBoard

ACTIVATIONS = {"tanh": sympy.tanh, "relu": relu, "sigmoid": sigmoid, "linear": None}


@dataclass(frozen=True)
class ElmanCell:
    activation: str
    hidden: int
    #: the split form: W_xh (None for a decoder), W_hh, b_h
    W_xh: tuple | None = None
    W_hh: tuple | None = None
    b_h: tuple | None = None
    #: the concatenated form: W = [W_xh W_hh], b
    W: tuple | None = None
    b: tuple | None = None

    @property
    def concatenated(self) -> bool:
        return self.W is not None


def read_cell(given: RnnGiven, sequence: R.Sequence) -> ElmanCell:
    split = [f for f in ("W_xh", "W_hh", "b_h") if getattr(given, f) is not None]
    joined = [f for f in ("W", "b") if getattr(given, f) is not None]
    if split and joined:
        raise SolverError("give the weights split (W_xh, W_hh) or concatenated (W), not both",
                          (joined[0],))
    if joined:
        if given.W is None:
            raise SolverError("the concatenated form needs W = [W_xh W_hh]", ("W",))
        if not sequence.vectors:
            raise SolverError("the concatenated form W [x_t; h_{t−1}] needs inputs", ("W",))
        W = R.matrix(given.W, "W")
        hidden = len(W)
        size = len(W[0]) - hidden
        if size < 1:
            raise SolverError(f"W has {R.count(len(W[0]), 'column')}: it needs the inputs' "
                              f"columns and then {hidden} for h (one per row)", ("W",))
        R.input_size(sequence, tuple(row[:size] for row in W), "W's input part")
        R.check_work(sequence, hidden, size, 1, "W")
        return ElmanCell(given.activation, hidden, W=W,
                         b=R.optional_vector(given.b, "b", hidden))
    if given.W_hh is None:
        raise SolverError("the recurrent weights W_hh are missing (or give the concatenated W)",
                          ("W_hh",))
    W_hh = R.matrix(given.W_hh, "W_hh")
    hidden = len(W_hh)
    R.matrix(given.W_hh, "W_hh", cols=hidden)
    W_xh = None
    if sequence.vectors:
        if given.W_xh is None:
            raise SolverError("the input weights W_xh are missing", ("W_xh",))
        W_xh = R.matrix(given.W_xh, "W_xh", rows=hidden)
        R.input_size(sequence, W_xh, "W_xh")
    elif given.W_xh is not None:
        raise SolverError("a decoder without inputs has no W_xh", ("W_xh",))
    size = len(W_xh[0]) if W_xh else 0
    R.check_work(sequence, hidden, size, 1, "W_hh")
    return ElmanCell(given.activation, hidden, W_xh, W_hh,
                     R.optional_vector(given.b_h, "b_h", hidden))


def _activated(cell: ElmanCell, a: sympy.Basic) -> sympy.Basic:
    g = ACTIVATIONS[cell.activation]
    return a if g is None else g(a)


def _asymmetric(matrix) -> bool:
    return len(matrix) == len(matrix[0]) and any(
        matrix[i][j] != matrix[j][i] for i in range(len(matrix)) for j in range(len(matrix)))


def build_steps(d: Derivation, board: SequenceBoard, cell: ElmanCell) -> list[str]:
    """The givens of the cell and its steps; returns the names of h_1 … h_T."""
    if cell.concatenated:
        W = d.given("W", cell.W, "weights of the concatenated form: input columns, then state")
        b = d.given("b", cell.b, "bias") if cell.b is not None else None
        W_xh = W_hh = b_h = None
    else:
        W_xh = d.given("W_xh", cell.W_xh, "input weights (hidden × input)") \
            if cell.W_xh is not None else None
        W_hh = d.given("W_hh", cell.W_hh, "recurrent weights (hidden × hidden)")
        b_h = d.given("b_h", cell.b_h, "hidden bias") if cell.b_h is not None else None
    run = d.iterate(steps=board.sequence.steps, start={"h": "h0"})
    states = []
    for step in run:
        group = board.heading(step.k)
        h_prev = d.symbol(step.prev("h"))
        x = board.x(step.k)
        if cell.concatenated:
            a = plus(times(W, stacked(x, h_prev)), b)
            forgotten = plus(times(W, stacked(x, sympy.ZeroMatrix(cell.hidden, 1))), b)
            transposed = []
        else:
            a = plus(times(W_xh, x) if x is not None else None, times(W_hh, h_prev), b_h)
            forgotten = plus(times(W_xh, x), b_h) if x is not None else None
            transposed = []
            if _asymmetric(cell.W_hh):
                transposed.append(("transposed-W_hh", "W_hh was used transposed: row i of "
                                   "W_hh holds the weights into unit i",
                                   plus(times(W_xh, x) if x is not None else None,
                                        times(W_hh.T, h_prev), b_h)))
            if x is not None and _asymmetric(cell.W_xh):
                transposed.append(("transposed-W_xh", "W_xh was used transposed: row i of "
                                   "W_xh holds the weights into unit i",
                                   plus(times(W_xh.T, x), times(W_hh, h_prev), b_h)))
        slips = list(transposed)
        if forgotten is not None:
            slips.insert(0, ("previous-state-forgotten", "the previous state was left out: "
                             "h_t needs W_hh h_{t−1} as well as the input's term", forgotten))
        a_symbol = add_finite(d, step.name("a"), "sum before the activation", a,
                              group=group, misconceptions=[Misconception(*s) for s in slips])
        add_finite(d, step.name("h"), f"hidden state h{step.k}", _activated(cell, a_symbol),
                   group=group, misconceptions=[Misconception(i, text, _activated(cell, f))
                                                for i, text, f in slips])
        states.append(step.name("h"))
    return states
