"""The given of a recurrent cell read into the form the derivation wants, every shape checked.

A sentence becomes one vector per word (an unknown word is read as the vocabulary's `<UNK>`,
and said so); the output layer becomes a `Readout`. Whatever cannot be solved is a SolverError
naming its field, so the derivation modules never check anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nnsolve.solvers.base import SolverError
from nnsolve.solvers.recurrent.given import SequenceGiven

#: multiply-adds one part may ask of the board (every step of every gate): far beyond any
#: exercise, and a few seconds of exact arithmetic
MAX_WORK = 20_000


@dataclass(frozen=True)
class Sequence:
    #: x1 … xT (empty for a decoder, which runs `steps` steps on its state alone)
    vectors: tuple[tuple[Any, ...], ...]
    steps: int
    #: the sentence's words, and the vocabulary entry each one was read as
    words: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: steps (from 1) whose word is not in the vocabulary
    unknown_positions: tuple[int, ...] = ()


@dataclass(frozen=True)
class Readout:
    """What is read off the states: the pooled state, and the output layer
    logits = W h + b (one row per class or output word) when there is one."""

    pooling: str
    name: str | None = None       # W_hy, or W_yh where the course calls it that
    matrix: tuple[tuple[Any, ...], ...] = ()
    bias: tuple[Any, ...] | None = None
    classes: tuple[str, ...] | None = None
    softmax: bool = True


def count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def matrix(value, field: str, rows: int | None = None, cols: int | None = None):
    """A matrix given as rows, checked: no ragged rows, the sizes the cell needs."""
    if not value or not value[0]:
        raise SolverError("a matrix needs at least one row and one column", (field,))
    width = len(value[0])
    for i, row in enumerate(value):
        if len(row) != width:
            raise SolverError(f"row {i + 1} has {count(len(row), 'element')}, row 1 has "
                              f"{width}: every row needs the same number", (field, i))
    if rows is not None and len(value) != rows:
        raise SolverError(f"{count(len(value), 'row')}, expected {rows}", (field,))
    if cols is not None and width != cols:
        raise SolverError(f"{count(width, 'column')}, expected {cols}", (field,))
    return tuple(tuple(row) for row in value)


def vector(value, field: str, size: int):
    if len(value) != size:
        raise SolverError(f"{count(len(value), 'element')}, expected {size}", (field,))
    return tuple(value)


def optional_vector(value, field: str, size: int):
    return None if value is None else vector(value, field, size)


def read_sequence(given: SequenceGiven, case: str, *, decoder: bool = False) -> Sequence:
    """The inputs as vectors: given directly, read from a sentence, or none (a decoder)."""
    stated = [f for f in ("inputs", "sentence", "steps") if getattr(given, f) is not None]
    if len(stated) != 1:
        options = "`inputs`, `sentence` or `steps` (a decoder)" if decoder else \
            "`inputs` or `sentence`"
        raise SolverError(f"give exactly one of {options}", (stated[1] if stated else "inputs",))
    if given.steps is not None:
        if not decoder:
            raise SolverError("this cell needs inputs: give `inputs` or `sentence`", ("steps",))
        return Sequence((), given.steps)
    if given.vocabulary is not None and given.sentence is None:
        raise SolverError("a vocabulary is read with a `sentence`", ("vocabulary",))
    if given.inputs is not None:
        if not given.inputs:
            raise SolverError("no input vectors", ("inputs",))
        rows = matrix(given.inputs, "inputs")
        return Sequence(rows, len(rows))
    return _sentence(given, case)


def _sentence(given: SequenceGiven, case: str) -> Sequence:
    words = tuple(given.sentence.split())
    if not words:
        raise SolverError("the sentence has no words", ("sentence",))
    if len(words) > 100:
        raise SolverError(f"{len(words)} words; the limit is 100", ("sentence",))
    if not given.vocabulary:
        raise SolverError("a sentence needs a `vocabulary` (word → vector)", ("vocabulary",))
    size = len(next(iter(given.vocabulary.values())))
    entries = {}
    for word, vec in given.vocabulary.items():
        if not vec:
            raise SolverError(f"the vector of {word!r} is empty", ("vocabulary", word))
        if len(vec) != size:
            raise SolverError(f"the vector of {word!r} has {count(len(vec), 'element')}, the "
                              f"first word's has {size}", ("vocabulary", word))
        key = word.casefold() if case == "fold" else word
        if key in entries:
            raise SolverError(f"{entries[key]!r} and {word!r} are one word when case is "
                              f"folded", ("vocabulary", word))
        entries[key] = word
    tokens, notes, unknown_positions = [], [], []
    for t, word in enumerate(words, 1):
        key = word.casefold() if case == "fold" else word
        if key in entries:
            tokens.append(entries[key])
            continue
        unknown = given.unknown.casefold() if case == "fold" else given.unknown
        if unknown not in entries:
            raise SolverError(f"{word!r} is not in the vocabulary, and the vocabulary has no "
                              f"{given.unknown!r} for unknown words", ("vocabulary",))
        tokens.append(entries[unknown])
        unknown_positions.append(t)
        notes.append(f"“{word}” (word {t}) is not in the vocabulary: it is read as "
                     f"{entries[unknown]}, x{t} = {entries[unknown]}'s vector")
    vectors = tuple(tuple(given.vocabulary[k]) for k in tokens)
    return Sequence(vectors, len(words), words, tuple(tokens), tuple(notes),
                    tuple(unknown_positions))


def read_readout(given: SequenceGiven, hidden: int, decoder: bool) -> Readout:
    stated = [f for f in ("W_hy", "W_yh") if getattr(given, f) is not None]
    if len(stated) > 1:
        raise SolverError("give the output layer once, as W_hy or as W_yh", ("W_yh",))
    pooling = given.pooling or ("each" if decoder else "last")
    if not stated:
        for field in ("b_y", "classes"):
            if getattr(given, field) is not None:
                raise SolverError(f"`{field}` belongs to an output layer: give W_hy", (field,))
        return Readout(pooling)
    name = stated[0]
    weights = matrix(getattr(given, name), name, cols=hidden)
    classes = given.classes
    if classes is not None:
        classes = vector(classes, "classes", len(weights))
        if len({c.casefold() for c in classes}) != len(classes):
            raise SolverError("two classes have one name", ("classes",))
    return Readout(pooling, name, weights, optional_vector(given.b_y, "b_y", len(weights)),
                   classes, given.softmax)


def start_state(value, field: str, hidden: int):
    return (0,) * hidden if value is None else vector(value, field, hidden)


def check_work(sequence: Sequence, hidden: int, size: int, matrices: int, field: str) -> None:
    """Refuse a part whose steps would take the board minutes: T · matrices · H · (D + H)."""
    work = max(sequence.steps, 1) * matrices * hidden * (size + hidden)
    if work > MAX_WORK:
        raise SolverError(f"{sequence.steps} steps of a cell with {hidden} hidden units and "
                          f"{size} inputs are {work:,} multiply-adds; the limit is "
                          f"{MAX_WORK:,}", (field,))


def input_size(sequence: Sequence, weights, field: str) -> int:
    """The inputs' size, which the input weights' columns must match."""
    columns = len(weights[0])
    for t, x in enumerate(sequence.vectors, 1):
        if len(x) != columns:
            where = ("vocabulary",) if sequence.words else ("inputs", t - 1)
            raise SolverError(f"x{t} has {count(len(x), 'element')}, but {field} has "
                              f"{count(columns, 'column')}", where)
    return columns
