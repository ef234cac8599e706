"""A recurrent part's derivation, put together: the sequence, the cell's steps, and what is read
off the states (pooled h, logits, probabilities, class), the same for every cell."""

from __future__ import annotations

from typing import Callable, Mapping

from nnsolve.derivation.core import Derivation
from nnsolve.derivation import names
from nnsolve.solvers.recurrent import reading as R
from nnsolve.solvers.recurrent.readout import add_outputs, add_pooled
from nnsolve.solvers.recurrent.sequence import SequenceBoard

OUTPUT_GROUP = "output"


def assemble(given, conventions: Mapping[str, str], *, decoder: bool, read_cell: Callable,
             build_steps: Callable, bases: tuple[str, ...], cell_state: bool = False,
             asked: tuple[str, ...] = ("h",)) -> Derivation:
    """`read_cell(given, sequence)` checks the cell's weights (its `hidden` size);
    `build_steps(d, board, cell)` adds them and the steps, and returns the states' names;
    `bases` are the quantities of one step, in order (a rerun recomputes them), `asked` those
    a part without `ask` asks."""
    sequence = R.read_sequence(given, conventions["case"], decoder=decoder)
    cell = read_cell(given, sequence)
    hidden = cell.hidden
    readout = R.read_readout(given, hidden, decoder=not sequence.vectors)
    h0 = R.start_state(given.h0, "h0", hidden)
    c0 = R.start_state(given.c0, "c0", hidden) if cell_state else None
    d = Derivation(conventions=dict(conventions))
    board = SequenceBoard(d, sequence)
    board.record(hidden, h0, c0)
    states = build_steps(d, board, cell)
    if readout.name is not None:
        d.given(readout.name, readout.matrix, "output weights, one row per class")
        if readout.bias is not None:
            d.given("b_y", readout.bias, "output bias", kind="vector")
    if readout.pooling == "each":
        if readout.name is not None:
            for k, state in enumerate(states, 1):
                add_outputs(d, readout, d.symbol(state), lambda n, k=k: names.step(k, n),
                            conventions["classes"], board.heading(k))
    elif readout.name is not None or readout.pooling != "last":
        h = add_pooled(d, readout.pooling, states, "h0", board.without_unknown(bases),
                       board.x_names + ("h0",), OUTPUT_GROUP)
        if readout.name is not None:
            add_outputs(d, readout, h, lambda n: n, conventions["classes"], OUTPUT_GROUP)
    d.principal = _principal(d, readout, asked)
    return d


def _principal(d: Derivation, readout: R.Readout, step_bases: tuple[str, ...]) -> list[str]:
    asked = [n for n in d.quantities if (names.split_step(n) or (0, ""))[1] in step_bases]
    ends = ("h", "logits", "probabilities", "class", "class_name")
    if readout.pooling == "each":
        asked += [n for n in d.quantities if (names.split_step(n) or (0, ""))[1] in ends[1:]]
    else:
        asked += [n for n in ends if n in d and (n != "h" or readout.pooling != "last")]
    return asked
