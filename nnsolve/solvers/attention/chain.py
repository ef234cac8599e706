"""The attention derivation as matrices: projections, then for each head the scores Q·Kᵀ, the
scaled scores, the weights (softmax row by row) and the output P·V, then the heads side by side
through W_o.

Every quantity is a formula over the quantities before it, so a student's wrong score matrix is
the input of their weights and output (error carried forward, element by element), and each
common mistake is a formula over the same quantities. Small cases are computed exactly by sympy
(four equal scores give weights of exactly 1/4); large ones by numpy from the same formulas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import sympy

from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.solvers.attention import matrices as M
from nnsolve.solvers.attention import worked
from nnsolve.solvers.attention.given import Setup


@dataclass(frozen=True)
class Head:
    """How one head's quantities are named (`head2.scores`) and written (S_2)."""

    number: int | None          # None: a single head without output projection

    def name(self, quantity: str) -> str:
        return quantity if self.number is None else f"head{self.number}.{quantity}"

    def written(self, letter: str) -> str:
        return letter if self.number is None else f"{letter}_{self.number}"

    @property
    def group(self) -> str:
        return "attention" if self.number is None else f"head {self.number}"

    @property
    def of(self) -> str:
        return "" if self.number is None else f" of head {self.number}"


def conform(value: Any, shape: tuple[int, int]) -> Any:
    """A matrix answer written flat ([0, 0, 0, 0] for a 1×4 score row) as the matrix it is."""
    if not isinstance(value, tuple) or not value:
        return value
    flat = [v for row in value for v in row] if isinstance(value[0], tuple) else list(value)
    rows, cols = shape
    if len(flat) != rows * cols or any(isinstance(v, tuple) for v in flat):
        return value
    if cols == 1:
        return tuple(flat)
    return tuple(tuple(flat[i * cols:(i + 1) * cols]) for i in range(rows))


class Chain:
    def __init__(self, setup: Setup, conventions):
        self.setup = setup
        self.linear = conventions["weights"] == "linear"
        self.scaled = conventions["scaling"] == "sqrt_dk"
        self.d = Derivation()
        self.shapes: dict[str, tuple[int, int]] = {}

    # -- adding a matrix quantity -----------------------------------------------------------
    def given(self, name: str, value, label: str, written: str) -> sympy.Basic:
        if isinstance(value[0], tuple):
            symbol = sympy.MatrixSymbol(written, len(value), len(value[0]))
            self.shapes[name] = symbol.shape
            return self.d.given(name, value, label, symbol=symbol, kind="matrix", group="given")
        symbol = sympy.MatrixSymbol(written, len(value), 1)
        return self.d.given(name, value, label, symbol=symbol, kind="vector", group="given")

    def _rule(self, formula: sympy.Basic) -> Callable:
        d = self.d
        if self.setup.small:
            inner = d.rule_for(formula)
        else:
            from nnsolve.solvers.attention.numeric import rule
            inner = rule(formula, d.name_of, lambda n: d[n].value)
        shapes = {n: self.shapes[n] for n in d.inputs_in(formula) if n in self.shapes}

        def run(values):
            return inner({n: conform(v, shapes[n]) if n in shapes else v
                          for n, v in values.items()})

        return run

    def matrix(self, name: str, label: str, formula: sympy.Basic, written: str, *,
               misconceptions=(), group: str, note: str = "") -> sympy.Basic:
        """Add `name` = formula. `misconceptions` are (id, text, formula) over the quantities
        recorded so far; one whose shape is not the quantity's is left out (QᵀK where Q·Kᵀ
        is not square)."""
        d = self.d
        wrong = [(key, text, f) for key, text, f in misconceptions if f.shape == formula.shape]
        inputs = d.inputs_in(formula)
        for _, _, f in wrong:
            inputs += tuple(n for n in d.inputs_in(f) if n not in inputs)
        symbol = sympy.MatrixSymbol(written, *formula.shape)
        self.shapes[name] = formula.shape
        kind = "vector" if formula.shape[1] == 1 else "matrix"
        return d.add(name, label, formula, rule=self._rule(formula), inputs=inputs,
                     misconceptions=[Misconception(key, text, self._rule(f))
                                     for key, text, f in wrong],
                     symbol=symbol, kind=kind, group=group, note=note)

    # -- the board ----------------------------------------------------------------------------
    def build(self) -> Derivation:
        s, d = self.setup, self.d
        m = s.matrices
        if s.mode == "direct":
            what = "the query (a decoder state)" if s.single_query else \
                "queries Q, one row per position"
            q = self.given("Q", m["Q"], what, "Q")
            k = self.given("K", m["K"], "keys K, one row per position", "K")
            v = self.given("V", m["V"], "values V, one row per position", "V")
        else:
            q, k, v = self._projections()
        mask = self.given("mask", s.mask, "mask M (1: may attend, 0: hidden)", "M") \
            if s.mask is not None else None
        if s.mask_note:
            d.notes.append(s.mask_note)
        if s.mean_context:
            self.matrix("mean", "plain context vector: the mean of the values", M.RowMean(v),
                        "c", group="plain context",
                        note="every position weighted alike, 1/n each")
        single = s.heads == 1 and "W_o" not in m
        if single:
            self.attend(Head(None), q, k, v, mask)
            return d
        outputs = []
        for h in range(1, s.heads + 1):
            head = Head(h)
            hq, hk, hv = (q, k, v) if s.heads == 1 else (
                self._split(head, x, letter) for x, letter in ((q, "Q"), (k, "K"), (v, "V")))
            outputs.append(self.attend(head, hq, hk, hv, mask))
        joined = outputs[0] if len(outputs) == 1 else self.matrix(
            "concat", "the heads' outputs side by side", M.Beside(*outputs), "Z", group="output",
            note=f"{s.heads} heads of width {outputs[0].shape[1]} concatenated along the features")
        self._output(joined)
        return d

    def _weights_product(self, x, w, b, name: str, letter: str, label: str, group: str):
        """X W (+ b), or X Wᵀ (+ b) with nn.Linear's layout; the other side is the mistake."""
        right = x * M.Transposed(w) if self.linear else x * w
        square = w.shape[0] == w.shape[1]
        wrong = (x * w if self.linear else x * M.Transposed(w)) if square else None
        if b is not None:
            right = M.RowsPlus(right, b)
            wrong = M.RowsPlus(wrong, b) if wrong is not None else None
        text = ("used W as if it were d_in×d_out (X W): nn.Linear stores a projection as "
                "d_out×d_in, so the product is X Wᵀ" if self.linear else
                "multiplied by Wᵀ (X Wᵀ): W has d_in rows and d_out columns, so the product "
                "is X W")
        return self.matrix(name, label, right, letter, group=group,
                           misconceptions=[("transposed-W", text, wrong)] if square else ())

    def _projections(self):
        m = self.setup.matrices
        x = self.given("X", m["X"], "input X, one row per position", "X")
        source = self.given("memory", m["memory"], "keys' and values' input (encoder states)",
                            "H") if "memory" in m else x
        weights = {}
        for letter in ("q", "k", "v"):
            w = self.given(f"W{letter}", m[f"W_{letter}"], f"{letter.upper()} projection",
                           f"W_{letter}")
            b = self.given(f"b{letter}", m[f"b_{letter}"], f"{letter.upper()} bias",
                           f"b_{letter}") if f"b_{letter}" in m else None
            weights[letter] = (w, b)
        layout = "Q = X W_qᵀ + b_q (nn.Linear's layout: W_q is d_q×d_in)" if self.linear else \
            "Q = X W_q + b_q (W_q is d_in×d_q)"
        self.d.notes.append(f"projections: {layout}; likewise K and V")
        return tuple(self._weights_product(x if letter == "q" else source, *weights[letter],
                                           letter.upper(), letter.upper(),
                                           f"{word} {letter.upper()}, one row per position",
                                           "projections")
                     for letter, word in (("q", "queries"), ("k", "keys"), ("v", "values")))

    def _split(self, head: Head, x, letter: str):
        width = x.shape[1] // self.setup.heads
        first = (head.number - 1) * width + 1
        return self.matrix(head.name(letter), f"{letter} of head {head.number}: columns "
                                               f"{first}…{first + width - 1}",
                           M.Columns(x, first, first + width - 1), head.written(letter),
                           group=head.group)

    def attend(self, head: Head, q, k, v, mask):
        d = self.d
        scores_formula = q * M.Transposed(k)
        qtk = M.Transposed(q) * k if q.shape[0] == k.shape[0] else None
        scores = self.matrix(
            head.name("scores"), f"scores: each query with each key{head.of}", scores_formula,
            head.written("S"), group=head.group,
            note="one row per query, one column per key: S_ij = q_i·k_j",
            misconceptions=[("QtK", "multiplied Qᵀ·K: the scores are Q·Kᵀ, each query "
                                    "(a row of Q) with each key (a row of K)", qtk)]
            if qtk is not None else ())
        if self.setup.worked:
            worked.dot_products(self, head, scores, q, k)
        if self.scaled:
            dk = d.symbol("dk") if "dk" in d else d.given(
                "dk", q.shape[1], "key width" + (" (of each head)" if head.number else ""),
                symbol=sympy.Symbol("d_k"), kind="count", group="given")
            scaled = self.matrix(
                head.name("scaled"), f"scaled scores S/√d_k{head.of}",
                M.Scaled(scores, sympy.sqrt(dk)), head.written("S'"), group=head.group,
                misconceptions=[("no-scaling", "left the scores unscaled: they are divided by "
                                               "√d_k", scores),
                                ("divided-by-dk", "divided by d_k: the scores are divided by "
                                                  "its square root √d_k", M.Scaled(scores, dk))])
            slips = [("no-scaling", "took the softmax of the unscaled scores: they are divided "
                                    "by √d_k first", self._softmax(scores, mask)),
                     ("divided-by-dk", "divided the scores by d_k instead of √d_k before the "
                                       "softmax", self._softmax(M.Scaled(scores, dk), mask))]
        else:
            scaled, slips = scores, []
        weights = self.matrix(
            head.name("weights"), f"attention weights{head.of}", self._softmax(scaled, mask),
            head.written("P"), group=head.group,
            note="softmax of each row: every query's weights over the keys sum to 1",
            misconceptions=[("softmax-columns",
                             "took the softmax down each column: each query's row of weights "
                             "is normalised over the keys",
                             self._softmax(scaled, mask, M.ColumnSoftmax))] + slips)
        if self.setup.worked:
            worked.softmax_rows(self, head, scaled, weights)
        output = self.matrix(head.name("output"), f"output P·V{head.of}", weights * v,
                             head.written("Z"), group=head.group,
                             note="each row the weighted mean of the values")
        if self.setup.worked:
            worked.weighted_sums(self, head, output, weights, v)
        return output

    @staticmethod
    def _softmax(scores, mask, kind=M.RowSoftmax):
        return kind(scores, mask) if mask is not None else kind(scores)

    def _output(self, joined):
        m, d = self.setup.matrices, self.d
        if "W_o" not in m:
            d.notes.append("no output projection W_o given: the output is the heads' "
                           "concatenation")
            self.matrix("output", "output: the heads side by side", joined, "O", group="output")
            return
        w = self.given("Wo", m["W_o"], "output projection", "W_o")
        b = self.given("bo", m["b_o"], "output bias", "b_o") if "b_o" in m else None
        self._weights_product(joined, w, b, "output", "O",
                              "output: the concatenated heads through W_o", "output")
