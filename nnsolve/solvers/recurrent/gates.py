"""The weights of a gated cell, read gate by gate from either layout courses give them in.

PyTorch stacks the gates: `weight_ih` is 4H × D for an LSTM (rows in the order i, f, g, o)
and 3H × D for a GRU (r, z, n), with two biases, `bias_ih` and `bias_hh`. Slides write one
matrix per gate (W_i, U_i, b_i, …). Either way each gate gets its input weights, recurrent
weights and biases, under the names the layout uses (W_ii, W_hi, b_ii, b_hi after the torch
documentation; W_i, U_i, b_i after the slides), so the board speaks the course's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnsolve.solvers.base import SolverError
from nnsolve.solvers.recurrent import reading as R


@dataclass(frozen=True)
class Gate:
    """One gate's weights: (name, values) pairs, biases None when absent."""

    letter: str                              # the step's quantity: i, f, g, o / r, z, n
    W: tuple[str, tuple]
    U: tuple[str, tuple]
    b_in: tuple[str, tuple] | None
    b_h: tuple[str, tuple] | None


@dataclass(frozen=True)
class GatedCell:
    gates: dict[str, Gate]
    hidden: int
    size: int
    layout: str                              # torch or slides


#: gate letters in PyTorch's stacking order, and the letter slides use for each
LSTM_GATES = (("i", "i"), ("f", "f"), ("g", "c"), ("o", "o"))
GRU_GATES = (("r", "r"), ("z", "z"), ("n", "n"))
TORCH_FIELDS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def read_lstm(given, sequence: R.Sequence) -> GatedCell:
    return _read(given, sequence, LSTM_GATES)


def read_gru(given, sequence: R.Sequence) -> GatedCell:
    return _read(given, sequence, GRU_GATES)


def _slide_fields(letters) -> list[str]:
    return [f"{m}_{s}" for _, s in letters for m in ("W", "U", "b")]


def _read(given, sequence: R.Sequence, letters) -> GatedCell:
    torch = [f for f in TORCH_FIELDS if getattr(given, f) is not None]
    slides = [f for f in _slide_fields(letters) if getattr(given, f) is not None]
    if torch and slides:
        raise SolverError("give the weights in PyTorch's layout (weight_ih, …) or per gate "
                          f"({', '.join(_slide_fields(letters)[:3])}, …), not both",
                          (slides[0],))
    if torch:
        cell = _torch(given, sequence, letters)
    elif slides:
        cell = _slides(given, sequence, letters)
    else:
        raise SolverError("the weights are missing: weight_ih and weight_hh (PyTorch's "
                          f"layout), or {', '.join(_slide_fields(letters)[:2])}, … per gate",
                          ("weight_ih",))
    R.check_work(sequence, cell.hidden, cell.size, len(letters), torch[0] if torch else
                 slides[0])
    return cell


def _torch(given, sequence: R.Sequence, letters) -> GatedCell:
    count = len(letters)
    for field in ("weight_ih", "weight_hh"):
        if getattr(given, field) is None:
            raise SolverError(f"PyTorch's layout needs {field}", (field,))
    weight_hh = R.matrix(given.weight_hh, "weight_hh")
    hidden = len(weight_hh[0])
    R.matrix(given.weight_hh, "weight_hh", rows=count * hidden)
    weight_ih = R.matrix(given.weight_ih, "weight_ih", rows=count * hidden)
    size = R.input_size(sequence, weight_ih, "weight_ih")
    biases = {f: R.optional_vector(getattr(given, f), f, count * hidden)
              for f in ("bias_ih", "bias_hh")}

    def block(rows, j):
        return None if rows is None else rows[j * hidden:(j + 1) * hidden]

    gates = {}
    for j, (letter, _) in enumerate(letters):
        b_in, b_h = block(biases["bias_ih"], j), block(biases["bias_hh"], j)
        gates[letter] = Gate(letter, (f"W_i{letter}", block(weight_ih, j)),
                             (f"W_h{letter}", block(weight_hh, j)),
                             None if b_in is None else (f"b_i{letter}", b_in),
                             None if b_h is None else (f"b_h{letter}", b_h))
    return GatedCell(gates, hidden, size, "torch")


def _slides(given, sequence: R.Sequence, letters) -> GatedCell:
    first = letters[0][1]
    if getattr(given, f"U_{first}") is None:
        raise SolverError(f"U_{first} (the recurrent weights of gate {first}) is missing",
                          (f"U_{first}",))
    hidden = len(R.matrix(getattr(given, f"U_{first}"), f"U_{first}"))
    size = None
    gates = {}
    for letter, slide in letters:
        W_name, U_name, b_name = f"W_{slide}", f"U_{slide}", f"b_{slide}"
        for field in (W_name, U_name):
            if getattr(given, field) is None:
                raise SolverError(f"{field} is missing: every gate needs its W and U",
                                  (field,))
        W = R.matrix(getattr(given, W_name), W_name, rows=hidden)
        size = R.input_size(sequence, W, W_name) if size is None else size
        R.matrix(getattr(given, W_name), W_name, cols=size)
        U = R.matrix(getattr(given, U_name), U_name, rows=hidden, cols=hidden)
        b = R.optional_vector(getattr(given, b_name), b_name, hidden)
        gates[letter] = Gate(letter, (W_name, W), (U_name, U),
                             None if b is None else (b_name, b), None)
    return GatedCell(gates, hidden, size, "slides")
