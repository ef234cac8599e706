"""Kinds of many values: vectors, matrices, tensors, shapes and sets.

Arrays are graded element by element, so their `elements` name each element the way the
comparison's messages do (``row 2, column 1``): error carried forward can then credit one
element at a time. A shape is right or wrong as a whole: its dimensions are one answer.
"""

from __future__ import annotations

import re
from typing import Any

from nnsolve.derivation import values as V
from nnsolve.derivation import writing
from nnsolve.derivation.kinds import compare_collections as C
from nnsolve.derivation.kinds.base import CompareContext, ValueKind
from nnsolve.derivation.kinds.scalars import GenericKind, compare_any, written_as
from nnsolve.derivation.kinds.tolerance import Comparison, Tolerance

_SHAPE_TEXT = re.compile(r"\s*[\[(]?\s*\d+(?:\s*[×xX*,]\s*\d+)+\s*[\])]?\s*\Z")


class Array(GenericKind):
    """What vectors, matrices and tensors share: element-by-element comparison, in which a
    student's array may differ from the key only in axes of length 1."""

    #: the array's rank (None: any rank)
    rank: int | None = None

    def accepts(self, value: Any) -> bool:
        if not isinstance(value, tuple):
            return False
        rank = V.rank(value)
        return rank == self.rank if self.rank is not None else rank is not None

    def elements(self, value: Any):
        dims = V.shape(value)
        return [(C.position(i, dims), v) for i, (_, v) in enumerate(V.indexed_elements(value))]

    def write(self, value: Any, fmt: str, digits: int = 4, *, exact: bool = True) -> str:
        """With long axes elided, so a 227×227 input reads as a matrix, not a page."""
        return writing.value(value, fmt, digits, exact=exact, elide=True)


class Vector(Array):
    name = "vector"
    description = "a list of numbers"
    expect = "vector"
    rank = 1


class Matrix(Array):
    name = "matrix"
    description = "rows of numbers of one length"
    expect = "matrix"
    rank = 2


class Tensor(Array):
    name = "tensor"
    description = "an array of rank 3 or more (channels of feature maps), with its shape"
    expect = "tensor"

    def accepts(self, value: Any) -> bool:
        """Rank 3 or more: one kind for every array past a matrix, all written as slices."""
        return isinstance(value, tuple) and (V.rank(value) or 0) >= 3


class Shape(GenericKind):
    name = "shape"
    description = "an array's shape, written H×W×C or as a list"
    exact = True
    expect = "vector"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, tuple) and V.rank(value) == 1

    def read(self, raw: Any, reader, expected: Any = None) -> Any:
        """`55×55×96` is how a shape is written by hand: the dimensions, not their product."""
        if written_as(raw, _SHAPE_TEXT):
            raw = [int(n) for n in re.findall(r"\d+", raw)]
        return reader.read(raw, self.expect)

    def write(self, value: Any, fmt: str, digits: int = 4, *, exact: bool = True) -> str:
        """H×W×C, as the course writes shapes."""
        return writing.shape(value, fmt, digits, exact=exact)


class Set(ValueKind):
    name = "set"
    description = "elements in any order, each once"
    expect = "set"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, frozenset)

    def read(self, raw: Any, reader, expected: Any = None) -> Any:
        # option ids: [a, c, e] are three options, e is not Euler's number
        labels = isinstance(expected, frozenset) and bool(expected) and all(
            isinstance(v, str) for v in expected)
        return reader.read(raw, "labels" if labels else "set")

    def compare(self, expected: Any, given: Any, tol: Tolerance,
                context: CompareContext) -> Comparison:
        if given is None:
            return compare_any(expected, given, tol, context)
        return C.compare_set(expected, given, tol, context, compare_any)
