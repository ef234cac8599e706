"""What shows of a value, the same in every format: the entries of a long axis, the slices of a
tensor, the classes of a partition, the order of a multiset's elements.

The writers (`values.format_value` for text, `printing` for LaTeX, `mathml` for MathML) decide
how a piece is written; this module decides which pieces there are and in which order, so that
the terminal, the LaTeX key and the HTML page elide the same entries and list a colouring's
classes alike.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence

from nnsolve.derivation import structures as S

#: an array axis longer than this shows only its first and last entries around an ellipsis,
#: so a 227×227 input reads as a matrix, not as a page of numbers
ELIDE_OVER = 8
_HEAD, _TAIL = 3, 2


def elided(items: Sequence) -> list:
    """The entries of a long axis worth showing, with `...` (Ellipsis) where the rest were."""
    items = list(items)
    if len(items) <= ELIDE_OVER:
        return items
    return items[:_HEAD] + [...] + items[-_TAIL:]


def shown(items: Sequence, elide: bool) -> list:
    return elided(items) if elide else list(items)


def is_matrix(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and isinstance(value[0], tuple)


def is_tensor(value: Any) -> bool:
    """An array of rank 3 or more: written as its slices, not as nested brackets."""
    return is_matrix(value) and bool(value[0]) and isinstance(value[0][0], tuple)


def array_cells(value: tuple, elide: bool = True) -> list:
    """What shows of a vector (its entries) or a matrix (rows of entries): `...` stands for
    elided entries, and for a whole elided row."""
    if is_matrix(value):
        return [row if row is ... else shown(row, elide) for row in shown(value, elide)]
    return shown(value, elide)


def dims(value: Any) -> tuple[int, ...]:
    """An array's shape: (n,) for a vector, (r, c) for a matrix, (c, h, w) for a rank-3 tensor,
    () for a scalar; the first entry of each level decides (`values.rank` checks that the
    levels agree). `values.shape` is this function: it lives here, below `values`, because the
    layout writes shapes too."""
    out = []
    while isinstance(value, tuple):
        out.append(len(value))
        if not value:
            break
        value = value[0]
    return tuple(out)


def tensor_slices(value: tuple, elide: bool = True) -> list[tuple[str, tuple] | None]:
    """A tensor as (label, matrix) pairs along its leading axes ("channel 2" for a rank-3
    tensor, whose axes are channel, row, column; "slice (1, 2)" beyond), None where slices
    were elided."""
    def walk(item, index):
        if not is_tensor(item):
            yield index, item
            return
        for i, inner in enumerate(item, 1):
            yield from walk(inner, index + (i,))

    slices = [(slice_label(index), matrix) for index, matrix in walk(value, ())]
    return [None if s is ... else s for s in shown(slices, elide)]


#: a row of a tensor's slices is about this many characters wide at most; the next slice
#: starts a new row, so that a stack of twelve feature maps fits the page
SLICES_WIDE = 90


def tensor_rows(value: tuple, write: Callable[[Any], str],
                elide: bool = True) -> list[list[tuple[str, tuple] | None]]:
    """A tensor's slices (see `tensor_slices`) in rows that fit the page, by the width of
    their cells as `write` puts them."""
    rows: list[list] = [[]]
    used = 0
    for piece in tensor_slices(value, elide):
        width = 2 if piece is None else _matrix_width(piece[1], write)
        if rows[-1] and used + width > SLICES_WIDE:
            rows.append([])
            used = 0
        rows[-1].append(piece)
        used += width + 3
    return rows


def _matrix_width(matrix: tuple, write: Callable[[Any], str]) -> int:
    cells = array_cells(matrix)
    if not is_matrix(matrix):
        return 2 + max((len(write(v)) for v in cells if v is not ...), default=1)
    rows = [row for row in cells if row is not ...]
    columns = zip(*rows)
    return 2 + sum(2 + max(1 if v is ... else len(write(v)) for v in column)
                   for column in columns)


def slice_label(index: tuple[int, ...]) -> str:
    if len(index) == 1:
        return f"channel {index[0]}"
    return "slice (" + ", ".join(map(str, index)) + ")"


def shape_text(value: tuple) -> str:
    return "×".join(map(str, dims(value)))


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?\Z")


def natural_key(key: str) -> tuple:
    """Labels in the order a person counts them: node 2 before node 10, numbers before words."""
    if _NUMBER.match(key):
        return (0, float(key), key)
    return (1, 0.0, key.casefold(), key)


def is_number_label(key: str) -> bool:
    """A key such as "3": written as a number in math, not as text."""
    return bool(_NUMBER.match(key))


def multiset_items(value: S.Multiset) -> list[tuple[str, Any]]:
    """A histogram's (element, count) pairs, elements in natural order: two equal histograms
    read alike whatever order they were counted in."""
    return sorted(value.items(), key=lambda item: natural_key(item[0]))


def partition_classes(value: S.Partition) -> list[tuple[list[str], str]]:
    """A partition's classes, each as (its elements, its label), elements in natural order and
    classes by their first element: the order `{{1, 2}, {3}}` is written in."""
    classes: dict[str, list[str]] = {}
    for element, label in value.items():
        classes.setdefault(label, []).append(element)
    out = [(sorted(members, key=natural_key), label) for label, members in classes.items()]
    return sorted(out, key=lambda c: natural_key(c[0][0]))


def labels_worth_showing(classes: list[tuple[list[str], str]]) -> bool:
    """Whether a partition's labels say more than a numbering of its classes: colours A, B
    or 7, 13 are shown beside each class; the 1, 2, 3 of classes written out as groups are
    not (nor colours that happen to be 1 … k: the classes are what a partition is)."""
    return {label for _, label in classes} != {str(i) for i in range(1, len(classes) + 1)}
