"""The given of the `attention` solver, read and checked into a `Setup`.

Three ways to state an exercise: the queries, keys and values themselves (Q, K, V; a single
query vector is a decoder state attending over encoder states), an input X with projection
weights W_q, W_k, W_v (self-attention; `memory` gives the keys' and values' input for
cross-attention), or sizes only (n, d_in, d_q, d_v, heads) for the shapes and parameter counts.
What is well formed but cannot be solved is a SolverError naming its field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

from pydantic import Field, StrictFloat, StrictInt, StrictStr

from nnsolve.solvers.base import Given, SolverError

Number = Union[StrictInt, StrictFloat]
Matrix = list[list[Number]]
Vector = list[Number]

#: elements one given or computed matrix may have; larger ones are refused before any work
MAX_ELEMENTS = 50_000
#: attention weights over all heads (queries × keys × heads)
MAX_WEIGHTS = 100_000
#: the largest magnitude of a given number: scores stay within what exp and floats can hold
MAX_MAGNITUDE = 10**6
#: sizes in the shapes-only mode
MAX_SIZE = 10**9
MAX_HEADS = 64
#: a size may be a symbol (the general shapes and counts): a letter, then digits or _ and a
#: short name (n, d_in, h); not e, which answers read as Euler's number
SYMBOL = r"^(?:[A-DF-Za-df-z]|[A-Za-z](?:[0-9]+|_[A-Za-z0-9]{1,8}))$"
Symbol = Annotated[StrictStr, Field(pattern=SYMBOL, description="a symbol such as n or d_in")]
Size = Union[Annotated[StrictInt, Field(ge=1, le=MAX_SIZE)], Symbol]
#: a part worked element by element (each score as its dot product) at most this large:
#: scores per head and widths
WORKED_SCORES = 16
WORKED_WIDTH = 4
#: computed with sympy (exact where the given is) at most this large: scores per head and
#: rows or columns of any given matrix; with numpy beyond
EXACT_SCORES = 64
EXACT_WIDTH = 16


class AttentionGiven(Given):
    Q: Union[Vector, Matrix, None] = Field(
        None, description="the queries, one row per position; a single vector is one query "
                          "(a decoder state attending over encoder states)")
    K: Matrix | None = Field(None, description="the keys, one row per position")
    V: Matrix | None = Field(None, description="the values, one row per position (as many as "
                                               "keys)")
    X: Matrix | None = Field(None, description="the input, one row per position: Q = X W_q, "
                                               "K = X W_k, V = X W_v")
    memory: Matrix | None = Field(
        None, description="cross-attention: the keys' and values' input (encoder states, one "
                          "row per position); default X")
    W_q: Matrix | None = Field(None, description="query projection (d_in×d_q; d_q×d_in with "
                                                 "the convention weights: linear)")
    W_k: Matrix | None = Field(None, description="key projection, as W_q")
    W_v: Matrix | None = Field(None, description="value projection (d_in×d_v; d_v×d_in with "
                                                 "weights: linear)")
    b_q: Vector | None = Field(None, description="query bias (d_q), added to every row")
    b_k: Vector | None = Field(None, description="key bias (d_q)")
    b_v: Vector | None = Field(None, description="value bias (d_v)")
    heads: Union[Annotated[StrictInt, Field(ge=1, le=MAX_HEADS)], Symbol] = Field(
        1, description="attention heads h: each takes d_q/h columns of Q and K and d_v/h of V "
                       "(a symbol only with the sizes)")
    W_o: Matrix | None = Field(None, description="output projection of the concatenated heads "
                                                 "(d_v×d_out; d_out×d_v with weights: linear)")
    b_o: Vector | None = Field(None, description="output bias (d_out)")
    mask: Union[Literal["causal"], Matrix, None] = Field(
        None, description="causal (position i attends to 1..i), or a matrix of queries × keys: "
                          "0/1 (read by the convention `mask`) or 0/-.inf added to the scores")
    n: Size | None = Field(None, description="shapes only: the sequence length (a number or "
                                             "a symbol such as n)")
    d_in: Size | None = Field(None, description="shapes only: the input width")
    d_q: Size | None = Field(None, description="shapes only: query and key width, all heads "
                                               "together (default d_in)")
    d_v: Size | None = Field(None, description="shapes only: value width, all heads together "
                                               "(default d_q)")
    d_out: Size | None = Field(None, description="shapes only: output width of W_o (default "
                                                 "d_in)")
    output_projection: bool = Field(True, description="shapes only: whether the heads' "
                                                      "concatenation goes through W_o")
    mean_context: bool = Field(False, description="also the plain context vector: the mean of "
                                                  "the values, every position weighted alike")
    detail: Literal["auto", "elements", "matrices"] = Field(
        "auto", description=f"elements: every score as its dot product and every softmax row "
                            f"with its exponentials and sum; matrices: the matrices only; auto: "
                            f"elements up to {WORKED_SCORES} scores per head and widths up to "
                            f"{WORKED_WIDTH}")


@dataclass(frozen=True)
class Sizes:
    """Each a whole number or a symbol name."""

    n: int | str
    d_in: int | str
    d_q: int | str
    d_v: int | str
    d_out: int | str
    heads: int | str
    output_projection: bool


@dataclass(frozen=True)
class Setup:
    """The checked given: `mode` is shapes, direct (Q, K, V given) or projected (X and W)."""

    mode: str
    heads: int
    single_query: bool = False
    matrices: dict | None = None        # name → value (tuples), in the order given
    mask: tuple | None = None           # queries × keys, 1 = may attend
    mask_note: str = ""
    small: bool = True          # worked exactly with sympy; numpy beyond
    worked: bool = False        # every element written out
    mean_context: bool = False
    sizes: Sizes | None = None


_MATRICES = ("Q", "K", "V", "X", "memory", "W_q", "W_k", "W_v", "W_o")
_VECTORS = ("b_q", "b_k", "b_v", "b_o")
_SIZES = ("n", "d_in", "d_q", "d_v", "d_out")


def read(given: AttentionGiven, conventions) -> Setup:
    stated = {name for name in _MATRICES + _VECTORS + _SIZES + ("mask",)
              if getattr(given, name) is not None}
    if stated & set(_SIZES):
        return _shapes(given, stated)
    if isinstance(given.heads, str):
        raise SolverError(f"heads is a symbol ({given.heads}) only with the sizes (n, d_in): "
                          "give the number of heads", ("heads",))
    values = {}
    for name in _MATRICES:
        value = getattr(given, name)
        if value is not None:
            values[name] = _checked_matrix(value, name)
    for name in _VECTORS:
        value = getattr(given, name)
        if value is not None:
            values[name] = _checked_vector(value, name)
    single = given.Q is not None and bool(given.Q) and not isinstance(given.Q[0], list)
    if single:
        values["Q"] = (values["Q"],)
    linear = conventions["weights"] == "linear"
    if "X" in values:
        _projected(values, stated, linear)
        mode = "projected"
    elif {"Q", "K", "V"} <= stated:
        mode = "direct"
        for name in ("memory", "W_q", "W_k", "W_v", "b_q", "b_k", "b_v"):
            if name in stated:
                raise SolverError(f"{name} belongs with X and its projections: give X, W_q, W_k "
                                  "and W_v, or Q, K and V without them", (name,))
    else:
        missing = [n for n in ("Q", "K", "V") if n not in stated]
        raise SolverError(f"give Q, K and V ({', '.join(missing)} missing), or X with W_q, W_k "
                          "and W_v, or the sizes n and d_in for the shapes", (missing[0],))
    n_q, n_k, d_q, d_v = _widths(values, mode, linear)
    if mode == "direct":
        _direct(values, n_q, n_k)
    heads = given.heads
    for width, name in ((d_q, "d_q"), (d_v, "d_v")):
        if width % heads:
            raise SolverError(f"{heads} heads do not divide {name} = {width}: each head takes "
                              f"{name}/h columns", ("heads",))
    _output_projection(values, d_v, linear)
    if n_q * n_k * heads > MAX_WEIGHTS:
        raise SolverError(f"{n_q:,} queries × {n_k:,} keys × {heads} heads is "
                          f"{n_q * n_k * heads:,} attention weights; the limit is "
                          f"{MAX_WEIGHTS:,}", ("heads" if heads > 1 else "Q" if mode == "direct"
                                                else "X",))
    mask, note = _mask(given.mask, conventions["mask"], n_q, n_k)
    per_head, widths = n_q * n_k, max(d_q // heads, d_v // heads)
    largest = max(max(_shape(v)) if isinstance(v[0], tuple) else len(v) for v in values.values())
    small = per_head <= EXACT_SCORES and largest <= EXACT_WIDTH
    worked = {"elements": True, "matrices": False}.get(
        given.detail, small and per_head <= WORKED_SCORES and widths <= WORKED_WIDTH)
    if worked and not small:
        raise SolverError(f"elements are worked out up to {EXACT_SCORES} scores per head and "
                          f"matrices up to {EXACT_WIDTH} wide; this part has {per_head} scores "
                          f"per head and a matrix {largest} wide", ("detail",))
    return Setup(mode, heads, single, values, mask, note, small=small, worked=worked,
                 mean_context=given.mean_context)


def _flat(value) -> list:
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return [v for row in value for v in row]
    return list(value)


def _finite(v: Any, field: tuple) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        raise SolverError(f"{v} is not a finite number", field)
    if abs(v) > MAX_MAGNITUDE:
        raise SolverError(f"{v:.3g} is beyond ±{MAX_MAGNITUDE:,}: the scores would leave what "
                          "exponentials can hold", field)
    return v


def _checked_matrix(rows: list, name: str) -> tuple:
    if not rows:
        raise SolverError("is empty: give at least one row", (name,))
    if not isinstance(rows[0], list):
        return tuple(_finite(v, (name, j)) for j, v in enumerate(rows))    # a single query
    width = len(rows[0])
    if width == 0:
        raise SolverError("rows are empty", (name, 0))
    if len(rows) * width > MAX_ELEMENTS:
        raise SolverError(f"{len(rows):,}×{width:,} is {len(rows) * width:,} elements; the "
                          f"limit is {MAX_ELEMENTS:,}", (name,))
    for i, row in enumerate(rows):
        if len(row) != width:
            raise SolverError(f"row {i + 1} has {len(row)} elements, row 1 has {width}",
                              (name, i))
    return tuple(tuple(_finite(v, (name, i, j)) for j, v in enumerate(row))
                 for i, row in enumerate(rows))


def _checked_vector(values: list, name: str) -> tuple:
    if not values:
        raise SolverError("is empty", (name,))
    if len(values) > MAX_ELEMENTS:
        raise SolverError(f"{len(values):,} elements; the limit is {MAX_ELEMENTS:,}", (name,))
    return tuple(_finite(v, (name, j)) for j, v in enumerate(values))


def _shape(value) -> tuple[int, int]:
    return len(value), len(value[0])


def _projected(values: dict, stated: set, linear: bool) -> None:
    for name in ("W_q", "W_k", "W_v"):
        if name not in values:
            raise SolverError(f"X is projected by W_q, W_k and W_v: {name} is missing", (name,))
    for name in ("Q", "K", "V"):
        if name in stated:
            raise SolverError(f"{name} is computed from X and W_{name.lower()}: give X with the "
                              "projections, or Q, K and V without them", (name,))
    for x_name, weights in (("X", ("W_q",)), ("memory" if "memory" in values else "X",
                                             ("W_k", "W_v"))):
        d_in = _shape(values[x_name])[1]
        for w in weights:
            rows, cols = _shape(values[w])
            into = cols if linear else rows
            if into != d_in:
                layout = "d_out×d_in (weights: linear)" if linear else "d_in×d_out"
                raise SolverError(f"{w} is {rows}×{cols}, but {x_name} has {d_in} features: "
                                  f"a projection is {layout}", (w,))


def _out_width(w: tuple, linear: bool) -> int:
    rows, cols = _shape(w)
    return rows if linear else cols


def _widths(values: dict, mode: str, linear: bool) -> tuple[int, int, int, int]:
    if mode == "direct":
        return len(values["Q"]), len(values["K"]), len(values["Q"][0]), len(values["V"][0])
    d_q, d_k = _out_width(values["W_q"], linear), _out_width(values["W_k"], linear)
    if d_q != d_k:
        raise SolverError(f"W_q gives {d_q} features and W_k {d_k}: queries and keys need the "
                          "same width for Q·Kᵀ", ("W_k",))
    for b, w in (("b_q", "W_q"), ("b_k", "W_k"), ("b_v", "W_v")):
        if b in values and len(values[b]) != _out_width(values[w], linear):
            raise SolverError(f"{len(values[b])} biases for the {_out_width(values[w], linear)} "
                              f"outputs of {w}", (b,))
    source = values["memory"] if "memory" in values else values["X"]
    return len(values["X"]), len(source), d_q, _out_width(values["W_v"], linear)


def _direct(values: dict, n_q: int, n_k: int) -> None:
    if len(values["Q"][0]) != len(values["K"][0]):
        raise SolverError(f"queries have {len(values['Q'][0])} features and keys "
                          f"{len(values['K'][0])}: Q·Kᵀ needs the same width", ("K",))
    if len(values["V"]) != n_k:
        raise SolverError(f"{len(values['V'])} values for {n_k} keys: one value per key",
                          ("V",))


def _output_projection(values: dict, d_v: int, linear: bool) -> None:
    if "W_o" not in values:
        if "b_o" in values:
            raise SolverError("b_o is the bias of W_o, which is not given", ("b_o",))
        return
    rows, cols = _shape(values["W_o"])
    into = cols if linear else rows
    if into != d_v:
        layout = "d_out×d_v (weights: linear)" if linear else "d_v×d_out"
        raise SolverError(f"W_o is {rows}×{cols}, but the heads give {d_v} features together: "
                          f"W_o is {layout}", ("W_o",))
    if "b_o" in values and len(values["b_o"]) != _out_width(values["W_o"], linear):
        raise SolverError(f"{len(values['b_o'])} biases for the "
                          f"{_out_width(values['W_o'], linear)} outputs of W_o", ("b_o",))


def _mask(mask, reading: str, n_q: int, n_k: int) -> tuple[tuple | None, str]:
    """The mask as 1 (may attend) / 0 (hidden), and how it was read."""
    if mask is None:
        return None, ""
    if mask == "causal":
        if n_q != n_k:
            raise SolverError(f"a causal mask needs as many queries as keys, not {n_q} and "
                              f"{n_k}", ("mask",))
        keep = tuple(tuple(int(j <= i) for j in range(n_k)) for i in range(n_q))
        return keep, "causal mask: position i attends to positions 1 … i (M_ij = 1 for j ≤ i)"
    if len(mask) != n_q or any(len(row) != n_k for row in mask):
        raise SolverError(f"the mask must be {n_q}×{n_k} (queries × keys)", ("mask",))
    flat = [v for row in mask for v in row]
    additive = any(isinstance(v, float) and v == -math.inf for v in flat)
    for i, row in enumerate(mask):
        for j, v in enumerate(row):
            allowed = (0, -math.inf) if additive else (0, 1)
            if v not in allowed or isinstance(v, bool):
                words = "0 or -.inf (added to the scores)" if additive else "0 or 1"
                raise SolverError(f"a mask element is {words}, not {v}", ("mask", i, j))
    if additive:
        keep = tuple(tuple(int(v == 0) for v in row) for row in mask)
        note = "the mask adds −∞ to the hidden scores: M_ij = 1 where it adds 0"
    elif reading == "keep":
        keep = tuple(tuple(int(v) for v in row) for row in mask)
        note = "mask as given: 1 = may attend, 0 = hidden"
    else:
        keep = tuple(tuple(1 - int(v) for v in row) for row in mask)
        note = ("the given mask marks hidden positions with 1 (convention mask: block): "
                "M = 1 − mask")
    for i, row in enumerate(keep):
        if not any(row):
            raise SolverError(f"row {i + 1} of the mask hides every key: query {i + 1} has "
                              "nothing to attend to", ("mask", i))
    return keep, note


def _shapes(given: AttentionGiven, stated: set) -> Setup:
    others = stated - set(_SIZES)
    if others:
        name = sorted(others)[0]
        raise SolverError(f"the sizes (n, d_in, …) ask for shapes only: leave out {name}",
                          (name,))
    for name in ("n", "d_in"):
        if getattr(given, name) is None:
            raise SolverError(f"the shapes need the sequence length n and the input width d_in: "
                              f"{name} is missing", (name,))
    d_q = given.d_q or given.d_in
    d_v = given.d_v or d_q
    for width, name in ((d_q, "d_q"), (d_v, "d_v")):
        if isinstance(width, int) and isinstance(given.heads, int) and width % given.heads:
            raise SolverError(f"{given.heads} heads do not divide {name} = {width}: each head "
                              f"takes {name}/h features", ("heads",))
    sizes = Sizes(given.n, given.d_in, d_q, d_v, given.d_out or given.d_in, given.heads,
                  given.output_projection)
    return Setup("shapes", given.heads, sizes=sizes)
