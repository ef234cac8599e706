"""The kinds every course needs: numbers, counts, shapes, arrays, labels, sets, expressions,
and the structures of graphs and tables (mappings, multisets, partitions).

They live by family (`scalars`, `arrays`, `structured`); this module lists them for the
registry and guesses a value's kind when a solver names none.
"""

from __future__ import annotations

from typing import Any

import sympy

from nnsolve.derivation import structures as S
from nnsolve.derivation import values as V
from nnsolve.derivation.kinds.arrays import Matrix, Set, Shape, Tensor, Vector
from nnsolve.derivation.kinds.scalars import Boolean, Count, Expression, Label, Number
from nnsolve.derivation.kinds.structured import Mapping, Multiset, Partition, Table

__all__ = ["BUILTIN", "Boolean", "Count", "Expression", "Label", "Mapping", "Matrix", "Multiset",
           "Number", "Partition", "Set", "Shape", "Table", "Tensor", "Vector", "guess_kind"]

BUILTIN = (Number(), Count(), Boolean(), Label(), Expression(), Vector(), Matrix(), Tensor(),
           Shape(), Set(), Mapping(), Multiset(), Partition(), Table())


def guess_kind(value: Any) -> str:
    """The kind a value has when the solver names none."""
    if isinstance(value, str):
        return "label"
    if isinstance(value, frozenset):
        return "set"
    if isinstance(value, S.Partition):
        return "partition"
    if isinstance(value, S.Multiset):
        return "multiset"
    if isinstance(value, S.FrozenMap):
        return "mapping"
    if isinstance(value, S.TableValue):
        return "table"
    if isinstance(value, tuple):
        rank = V.rank(value)
        return {1: "vector", 2: "matrix"}.get(rank, "tensor" if rank else "vector")
    if isinstance(value, sympy.Expr) and value.free_symbols:
        return "expression"
    return "number"
