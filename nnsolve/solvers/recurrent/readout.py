"""What is read off the hidden states: the pooled state h, the logits, the probabilities and
the arg-max class, once for the sequence or once per step (a decoder's output words).

Every quantity is a formula over the states, so a student's wrong state carries into their
logits and class; pooling over the wrong states and a class numbered from the other end are
misconceptions.
"""

from __future__ import annotations

from typing import Callable, Sequence

import sympy

from nnsolve.derivation import names
from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.derivation.ordered import plus, times, total
from nnsolve.derivation.vectors import Computed, Softmax, explicit
from nnsolve.solvers.recurrent.finite import add_finite
from nnsolve.solvers.recurrent.reading import Readout

#: the class numbering conventions: where the first class is counted from
NUMBERING = {"from-0": 0, "from-1": 1}


class ElementwiseMax(Computed):
    """max(h_1, …, h_T) taken element by element (max pooling over time)."""

    def _of_numbers(self, *states):
        first = states[0]
        return sympy.ImmutableMatrix(first.rows, first.cols, lambda i, j: sympy.Max(
            *(p[i, j] for p in states)))

    def _sympystr(self, printer):
        return "max(" + ", ".join(printer._print(a) for a in self.args) + ")"

    def _latex(self, printer):
        return r"\max\left(" + ", ".join(printer._print(a) for a in self.args) + r"\right)"


class ArgMax(sympy.Expr):
    """argmax(p): the position of the largest score, counted from `offset` (0 or 1), the first
    of equal ones as numpy and torch choose."""

    def __new__(cls, scores, offset):
        return sympy.Expr.__new__(cls, V.sympy_object(scores), sympy.Integer(offset))

    def doit(self, **hints):
        scores, offset = self.args
        scores = scores.doit(**hints) if hasattr(scores, "doit") else scores
        numbers = explicit(scores)
        if numbers is None:
            return ArgMax(scores, offset)
        return sympy.Integer(arg_max(list(numbers)) + int(offset))

    def _sympystr(self, printer):
        return f"argmax({printer._print(self.args[0])})"

    def _latex(self, printer):
        return r"\operatorname{arg\,max}\left(" + printer._print(self.args[0]) + r"\right)"


def pooled(kind: str, states: Sequence[sympy.Basic]) -> sympy.Basic:
    """The formula of the pooled state over `states`."""
    if kind == "last":
        return states[-1]
    if kind == "mean":
        return times(sympy.Rational(1, len(states)), total(states))
    return ElementwiseMax(*states)


def pool_values(kind: str, states: Sequence) -> tuple:
    """The pooled state of state values (a rerun with fewer steps)."""
    if kind == "last":
        return tuple(states[-1])
    if kind == "mean":
        return tuple(sum(column, sympy.Integer(0)) / len(states) for column in zip(*states))
    return tuple(sympy.Max(*column) for column in zip(*states))


def arg_max(scores: Sequence) -> int:
    """The index (from 0) of the largest score; the first of equal ones, as numpy and torch
    choose."""
    numbers = [V.to_float(s) for s in scores]
    return max(range(len(numbers)), key=lambda i: (numbers[i], -i))


POOLING_LABEL = {
    "last": "state the output layer reads: the last one",
    "mean": "state the output layer reads: the mean of h1…hT (mean pooling)",
    "max": "state the output layer reads: the element-wise max of h1…hT (max pooling)",
}


def add_pooled(d: Derivation, kind: str, states: list[str], start: str,
               dropped: Callable | None, dropped_inputs: tuple[str, ...],
               group: str) -> sympy.Basic:
    """The pooled state `h`, with the misconceptions of pooling over the wrong states."""
    symbols = [d.symbol(s) for s in states]
    wrong = []
    if kind != "last":
        wrong.append(Misconception(
            "pooled-with-h0", f"the {kind} was taken over h0 too; h0 is the starting state, "
            "not an output of the sequence", pooled(kind, [d.symbol(start)] + symbols)))
    if dropped is not None:
        wrong.append(Misconception(
            "unknown-word-dropped", "the unknown word was left out of the sentence; it is read "
            "as <UNK>, a step like any other", lambda values: pool_values(kind, dropped(values))))
    inputs = tuple(dict.fromkeys(
        tuple(states) + ((start,) if kind != "last" else ()) +
        (dropped_inputs if dropped is not None else ())))
    formula = pooled(kind, symbols)
    return add_finite(d, "h", POOLING_LABEL[kind], formula, inputs=inputs, misconceptions=wrong,
                      group=group, symbol=sympy.MatrixSymbol("h", *symbols[0].shape))


def add_outputs(d: Derivation, readout: Readout, h: sympy.Basic, prefix: Callable[[str], str],
                numbering: str, group: str) -> None:
    """logits = W h + b, the probabilities, the class and its name, under `prefix(name)`."""
    W = d.symbol(readout.name)
    b = d.symbol("b_y") if readout.bias is not None else None
    wrong = []
    rows, cols = len(readout.matrix), len(readout.matrix[0])
    if rows == cols and any(readout.matrix[i][j] != readout.matrix[j][i]
                            for i in range(rows) for j in range(cols)):
        wrong.append(Misconception("transposed-output-weights",
                                   f"{readout.name} was used transposed: its row i holds the "
                                   "weights of output i", plus(times(W.T, h), b)))
    logits = add_finite(d, prefix("logits"), "logits (scores of the classes)",
                        plus(times(W, h), b), misconceptions=wrong, group=group)
    scores = prefix("logits")
    if readout.softmax:
        add_finite(d, prefix("probabilities"), "class probabilities", Softmax(logits),
                   group=group)
        scores = prefix("probabilities")
    offset = NUMBERING[numbering]
    other = 1 - offset
    d.add(prefix("class"), f"predicted class (arg max, numbered from {offset})",
          ArgMax(d.symbol(scores), offset), kind="count",
          symbol=sympy.Symbol(names.written(prefix("class"))), group=group,
          misconceptions=[Misconception(
              "class-numbered-from-other-end",
              f"the classes were numbered from {other}; this course numbers them from {offset}",
              ArgMax(d.symbol(scores), other))])
    if readout.classes is not None:
        class_names = readout.classes

        def name_of(values):
            index = int(values[prefix("class")]) - offset
            if not 0 <= index < len(class_names):      # a student's class beyond the rows
                raise ValueError(f"no class {values[prefix('class')]}")
            return class_names[index]

        d.add(prefix("class_name"), "name of the predicted class", rule=name_of,
              inputs=(prefix("class"),), kind="label",
              symbol=sympy.Symbol(names.written(prefix("class_name"))), group=group)
