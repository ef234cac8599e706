"""LSTM and GRU steps on the board: each gate, the candidate, the cell and the hidden state,
as torch.nn.LSTM and torch.nn.GRU compute them.

    LSTM  i = σ(W_ii x + b_ii + W_hi h + b_hi)   (f, o alike; g with tanh)
          c = f ⊙ c_{t−1} + i ⊙ g,   h = o ⊙ tanh(c)
    GRU   r = σ(W_ir x + b_ir + W_hr h + b_hr)   (z alike)
          n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),   h = (1 − z) ⊙ n + z ⊙ h_{t−1}

Where courses write the GRU otherwise (z weighting the candidate, r applied before W_hn) the
conventions `update_gate` and `reset` say so, and the other form is a misconception.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.derivation.functions import sigmoid
from nnsolve.derivation.ordered import difference, plus, times
from nnsolve.derivation.vectors import each, hadamard
from nnsolve.solvers.recurrent.finite import add_finite
from nnsolve.solvers.recurrent.gates import GatedCell
from nnsolve.solvers.recurrent.sequence import SequenceBoard

LSTM_LABELS = {"i": "input gate", "f": "forget gate", "g": "candidate cell",
               "o": "output gate"}
GRU_LABELS = {"r": "reset gate", "z": "update gate", "n": "candidate state"}
GATE_LABELS = {**LSTM_LABELS, **GRU_LABELS}


def _record(d: Derivation, cell: GatedCell) -> dict[str, dict[str, sympy.Basic | None]]:
    """Each gate's weights as givens; their symbols by gate letter."""
    symbols = {}
    for letter, gate in cell.gates.items():
        entry = {}
        for part, what in (("W", "input weights"), ("U", "recurrent weights"),
                           ("b_in", "bias"), ("b_h", "hidden-side bias")):
            pair = getattr(gate, part)
            entry[part] = None if pair is None else d.given(
                pair[0], pair[1], f"{GATE_LABELS[letter]}: {what}",
                kind="vector" if part.startswith("b") else "matrix")
        symbols[letter] = entry
    if cell.layout == "torch":
        d.notes.append("weight_ih, weight_hh and the biases cut into their gates, "
                       f"{cell.hidden} rows each, in PyTorch's order "
                       f"({', '.join(cell.gates)})")
    return symbols


def _net(s, x, h) -> sympy.Basic:
    """W x + b_in + U h + b_h in PyTorch's order; W x + U h + b as slides write it."""
    if s["b_h"] is None:
        return plus(times(s["W"], x), times(s["U"], h), s["b_in"])
    return plus(times(s["W"], x), s["b_in"], times(s["U"], h), s["b_h"])


def _gate(d, step, group, letter, label, function, s, x, h) -> sympy.Basic:
    forgotten = Misconception("previous-state-forgotten", "the previous state was left out: "
                              "every gate also reads U h_{t−1}",
                              function(plus(times(s["W"], x), s["b_in"], s["b_h"])))
    return add_finite(d, step.name(letter), label, function(_net(s, x, h)), group=group,
                 misconceptions=[forgotten])


def lstm_steps(d: Derivation, board: SequenceBoard, cell: GatedCell) -> list[str]:
    symbols = _record(d, cell)
    run = d.iterate(steps=board.sequence.steps, start={"h": "h0", "c": "c0"})
    states = []
    for step in run:
        group = board.heading(step.k)
        x, h, c = board.x(step.k), d.symbol(step.prev("h")), d.symbol(step.prev("c"))
        gate = {letter: _gate(d, step, group, letter, LSTM_LABELS[letter],
                              sympy.tanh if letter == "g" else sigmoid, symbols[letter], x, h)
                for letter in ("i", "f", "g", "o")}
        i, f, g, o = (gate[k] for k in "ifgo")
        cell_slips = [
            Misconception("cell-without-forget-gate", "the forget gate was left out: "
                          "c_t = f ⊙ c_{t−1} + i ⊙ g", plus(c, hadamard(i, g))),
            Misconception("cell-previous-dropped", "the previous cell state was left out: "
                          "c_t = f ⊙ c_{t−1} + i ⊙ g", hadamard(i, g))]
        c_new = add_finite(d, step.name("c"), "cell state",
                           plus(hadamard(f, c), hadamard(i, g)),
                           group=group, misconceptions=cell_slips)
        unsquashed = Misconception("cell-not-squashed", "tanh of the cell state was left out: "
                                   "h_t = o ⊙ tanh(c_t)", hadamard(o, c_new))
        add_finite(d, step.name("h"), "hidden state", hadamard(o, each(sympy.tanh, c_new)),
                   group=group, misconceptions=[unsquashed])
        states.append(step.name("h"))
    return states


RESET_SLIP = {
    "after-product": "r was applied to h before W_hn; here it multiplies W_hn h + b_hn",
    "before-product": "r multiplied W_hn h + b_hn; here it is applied to h before W_hn",
}


def _candidate(s, x, h, r, reset: str) -> sympy.Basic:
    if reset == "after-product":
        return sympy.tanh(plus(times(s["W"], x), s["b_in"],
                               hadamard(r, plus(times(s["U"], h), s["b_h"]))))
    return sympy.tanh(plus(times(s["W"], x), s["b_in"], times(s["U"], hadamard(r, h)),
                           s["b_h"]))


def _mixed(z, n, h, hidden: int, keeps_old: bool) -> sympy.Basic:
    ones = sympy.OneMatrix(hidden, 1)
    if keeps_old:
        return plus(hadamard(difference(ones, z), n), hadamard(z, h))
    return plus(hadamard(z, n), hadamard(difference(ones, z), h))


def gru_steps(d: Derivation, board: SequenceBoard, cell: GatedCell) -> list[str]:
    symbols = _record(d, cell)
    keeps_old = d.conventions["update_gate"] == "keeps-old"
    reset = d.conventions["reset"]
    other_reset = "before-product" if reset == "after-product" else "after-product"
    run = d.iterate(steps=board.sequence.steps, start={"h": "h0"})
    states = []
    for step in run:
        group = board.heading(step.k)
        x, h = board.x(step.k), d.symbol(step.prev("h"))
        r = _gate(d, step, group, "r", GRU_LABELS["r"], sigmoid, symbols["r"], x, h)
        z = _gate(d, step, group, "z", GRU_LABELS["z"], sigmoid, symbols["z"], x, h)
        misplaced = Misconception("reset-gate-misplaced", RESET_SLIP[reset],
                                  _candidate(symbols["n"], x, h, r, other_reset))
        n = add_finite(d, step.name("n"), "candidate state",
                       _candidate(symbols["n"], x, h, r, reset), group=group,
                       misconceptions=[misplaced])
        flipped = Misconception("update-gate-flipped", "z and 1 − z were swapped: here z "
                                "weights " + ("the previous state" if keeps_old else
                                              "the candidate"),
                                _mixed(z, n, h, cell.hidden, not keeps_old))
        add_finite(d, step.name("h"), "hidden state", _mixed(z, n, h, cell.hidden, keeps_old),
                   group=group, misconceptions=[flipped])
        states.append(step.name("h"))
    return states
