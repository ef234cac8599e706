"""The sequence on the board, for every cell: the inputs x_t (a sentence's words read through the
vocabulary), the starting state, a heading per time step, and the same cell run again with the
unknown words left out (what a student who dropped them computed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy

from nnsolve.derivation import names
from nnsolve.derivation.core import Derivation, Ref
from nnsolve.solvers.recurrent.reading import Sequence


@dataclass
class SequenceBoard:
    d: Derivation
    sequence: Sequence

    def record(self, hidden: int, h0, c0=None) -> None:
        """The inputs and the starting state as givens, and a table of the sentence's words."""
        seq, d = self.sequence, self.d
        for t, x in enumerate(seq.vectors, 1):
            label = f"input at t = {t}" + (f": “{seq.words[t - 1]}”" if seq.words else "")
            if seq.words and seq.tokens[t - 1] != seq.words[t - 1]:
                label += f", read as {seq.tokens[t - 1]}"
            d.given(f"x{t}", x, label, kind="vector")
        d.given("h0", h0, "the starting state h0", kind="vector",
                symbol=sympy.MatrixSymbol("h_0", hidden, 1))
        if c0 is not None:
            d.given("c0", c0, "the starting cell state c0", kind="vector",
                    symbol=sympy.MatrixSymbol("c_0", hidden, 1))
        if seq.words:
            d.table("the sentence as vectors", ("t", "word", "read as", "vector"),
                    [(t, w, k, Ref(f"x{t}")) for t, (w, k) in
                     enumerate(zip(seq.words, seq.tokens), 1)])
        d.notes.extend(seq.notes)

    def heading(self, k: int) -> str:
        seq = self.sequence
        return f"t = {k}" + (f": “{seq.words[k - 1]}”" if seq.words else "")

    def x(self, k: int) -> sympy.Basic | None:
        return self.d.symbol(f"x{k}") if self.sequence.vectors else None

    @property
    def x_names(self) -> tuple[str, ...]:
        return tuple(f"x{t}" for t in range(1, len(self.sequence.vectors) + 1))

    def without_unknown(self, bases: tuple[str, ...]) -> Callable | None:
        """A rule giving the states h_1 … h_T' of the cell run on the sentence with its unknown
        words left out, each step recomputed by its own rule (so it is the same cell, whatever
        the cell is); None when every word is known."""
        dropped = set(self.sequence.unknown_positions)
        if not dropped:
            return None
        d, x_names = self.d, self.x_names
        kept = [x for t, x in enumerate(x_names, 1) if t not in dropped]

        def states(values):
            shifted = {}
            for j, x in enumerate(kept, 1):
                shifted[x_names[j - 1]] = values.get(x, d[x].value)
                for base in bases:
                    name = names.step(j, base)
                    shifted[name] = d.recompute(name, {**values, **shifted})
            return [shifted[names.step(j, "h")] for j in range(1, len(kept) + 1)]

        return states
