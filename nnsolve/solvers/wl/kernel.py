"""What both views end with: the kernel matrix K_ij = φ(G_i)·φ(G_j), its normalised form
K_ij / √(K_ii K_jj), and the WL test's verdict for a pair of graphs.

The test compares the two graphs' label histograms iteration by iteration: where they first
differ, the graphs are not isomorphic, and that iteration is where the colourings split; where
they never differ, WL cannot tell the graphs apart and they are possibly isomorphic.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import sympy

from nnsolve.derivation.core import Derivation
from nnsolve.solvers.base import SolverError

NOT_ISOMORPHIC = "not isomorphic"
POSSIBLY_ISOMORPHIC = "possibly isomorphic"
GROUP = "kernel"
TEST_GROUP = "WL test"


def principal(name: str) -> bool:
    """Asked by a part without `ask`: each iteration's signatures, table and colourings, φ,
    the kernel of each pair and the test (not the colour counts, nor the matrices, which
    repeat the pairs' kernels)."""
    parts = name.split(".")
    if parts[0].startswith("step"):
        return parts[-1] in ("signatures", "table", "labels")
    return parts[0] in ("phi", "K", "verdict", "split") and len(parts) == (2 if parts[0] ==
                                                                           "phi" else 3)


def pair_name(base: str, a: str, b: str) -> str:
    return f"{base}.{a}.{b}"


def pairs(names: Sequence[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]


def counted(conventions: Mapping[str, str], count: int) -> range:
    """The iterations φ counts: 0 … h, or 1 … h with iteration0: excluded."""
    first = 0 if conventions["iteration0"] == "included" else 1
    if first > count:
        raise SolverError("with iteration0: excluded and no iteration, φ counts nothing: ask "
                          "at least one iteration", ("iterations",))
    return range(first, count + 1)


def stop_reason(until: str | None, k: int, before: int, now: int, shared: bool) -> str | None:
    """Why iteration k is the last (`until`), or None to go on: it splits no class (the
    numbers of classes over all graphs, `before` and `now`, are equal: refinement only ever
    splits), or (disjoint) no two graphs share one of its labels."""
    if until is None:
        return None
    if now == before:
        return f"stable: iteration {k} splits no colour class of iteration {k - 1}"
    if until == "disjoint" and not shared:
        return (f"disjoint: no label of iteration {k} occurs in two graphs, so later "
                "iterations add nothing to the kernels between different graphs")
    return None


def normalised(matrix: Sequence[Sequence]) -> tuple[tuple, ...]:
    """K_ij / √(K_ii K_jj), exact for whole-number kernels (1 on the diagonal)."""
    diagonal = [sympy.Integer(int(matrix[i][i])) for i in range(len(matrix))]
    return tuple(tuple(sympy.Integer(int(k)) / sympy.sqrt(diagonal[i] * diagonal[j])
                       for j, k in enumerate(row)) for i, row in enumerate(matrix))


def add_matrices(d: Derivation, names: Sequence[str], rule: Callable, inputs: tuple[str, ...],
                 note: str = "") -> None:
    """The kernel matrix (rows and columns in the order the graphs are given) and, where no
    graph has an empty feature vector, its normalised form."""
    order = ", ".join(names)
    d.add("K", f"kernel matrix K_ij = φ(G_i)·φ(G_j), graphs in the order {order}",
          rule=rule, inputs=inputs, kind="matrix", symbol=sympy.Symbol("K"), group=GROUP,
          note=note)
    if all(d["K"].value[i][i] != 0 for i in range(len(names))):
        d.add("K_norm", "normalised kernel matrix K_ij / √(K_ii K_jj)",
              rule=lambda v: normalised(v["K"]), inputs=("K",), kind="matrix",
              symbol=sympy.Symbol("K_norm"), group=GROUP)


def split_iteration(histograms_a: Sequence[Mapping], histograms_b: Sequence[Mapping]) -> int | None:
    """The first iteration whose label histograms differ, or None."""
    for k, (a, b) in enumerate(zip(histograms_a, histograms_b)):
        if dict(a) != dict(b):
            return k
    return None


def verdict(split: int | None) -> str:
    return POSSIBLY_ISOMORPHIC if split is None else NOT_ISOMORPHIC


def verdict_note(a: str, b: str, split: int | None, iterations: int, stable: bool) -> str:
    if split is not None:
        return (f"the label histograms of {a} and {b} differ at iteration {split}: "
                f"{a} and {b} are not isomorphic")
    reach = "until the colouring is stable" if stable else \
        f"through iteration {iterations} (more iterations might still split them)"
    return (f"the label histograms of {a} and {b} agree {reach}: WL cannot tell them apart, "
            "they are possibly isomorphic")
