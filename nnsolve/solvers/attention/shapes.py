"""Attention by its sizes only: the shape of every matrix and the parameters of the
projections, from the sequence length n, the input width d_in, the query/key and value widths
d_q and d_v (all heads together), the heads h and the output width d_out.

The heads split the widths (each head has d_q/h columns of Q and K and d_v/h of V), so the
projections do not grow with h: with d_q = d_v = d_out = d_in = E and biases, the four
projections hold 4E² + 4E parameters, as torch.nn.MultiheadAttention counts them.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.derivation.ordered import over, plus, times, total
from nnsolve.solvers.attention.given import Sizes


class Sized(sympy.Function):
    """A matrix shape written rows×columns, in general and with the numbers put in."""

    @classmethod
    def eval(cls, *args):
        return None

    def _sympystr(self, printer):
        return "×".join(printer._print(a) for a in self.args)

    def _latex(self, printer):
        return r" \times ".join(printer._print(a) for a in self.args)


def build(sizes: Sizes, *, biases: bool) -> Derivation:
    """Sizes given as symbols (n, d_in) give the general shapes and counts as expressions."""
    d = Derivation()
    s = sizes
    symbolic = any(isinstance(v, str) for v in (s.n, s.d_in, s.d_q, s.d_v, s.d_out, s.heads))
    count = "expression" if symbolic else "count"

    def size(name: str, value, label: str, written: str):
        if isinstance(value, str):
            return d.given(name, sympy.Symbol(value), label, kind="expression",
                           symbol=sympy.Symbol(written))
        return d.given(name, value, label, kind="count", symbol=sympy.Symbol(written))

    n = size("n", s.n, "sequence length", "n")
    d_in = size("din", s.d_in, "input width", "d_in")
    d_q = size("dq", s.d_q, "query and key width (all heads)", "d_q")
    d_v = size("dv", s.d_v, "value width (all heads)", "d_v")
    h = size("h", s.heads, "heads", "h")
    several = s.heads != 1          # h heads in general, or a number of them above 1
    d_out = size("dout", s.d_out, "output width", "d_out") if s.output_projection else d_v

    def shape(name: str, label: str, rows, cols, group: str = "shapes") -> None:
        parts = (rows, cols)
        inputs = tuple(d.name_of(p) for p in parts)
        d.add(name, label, Sized(*parts), inputs=inputs, kind="shape", group=group,
              rule=lambda v, inputs=inputs: tuple(v[i] for i in inputs),
              symbol=sympy.Symbol(f"shape({name.rsplit('.', 1)[0]})"), components=inputs)

    shape("X.shape", "input X", n, d_in)
    shape("Q.shape", "queries Q = X W_q", n, d_q)
    shape("K.shape", "keys K = X W_k", n, d_q)
    shape("V.shape", "values V = X W_v", n, d_v)
    if several:
        d_k = d.add("head.dk", "query and key width of one head d_k = d_q/h", over(d_q, h),
                    kind=count, symbol=sympy.Symbol("d_k"), group="shapes",
                    note=f"the {s.heads} heads split the d_q columns between them")
        d_vh = d.add("head.dv", "value width of one head d_v/h", over(d_v, h), kind=count,
                     symbol=sympy.Symbol("d_vh"), group="shapes")
        shape("head.Q.shape", "one head's queries", n, d_k)
        shape("head.K.shape", "one head's keys", n, d_k)
        shape("head.V.shape", "one head's values", n, d_vh)
    else:
        d_vh = d_v
    per_head = " (each head)" if several else ""
    shape("scores.shape", f"scores S, each query with each key{per_head}", n, n)
    shape("weights.shape", f"attention weights P{per_head}", n, n)
    shape("head.output.shape" if several else "Z.shape", f"attention output P·V{per_head}",
          n, d_vh)
    if several:
        shape("concat.shape", "the heads' outputs side by side", n, d_v)
    if s.output_projection:
        shape("output.shape", "output Z W_o", n, d_out)
    _parameters(d, d_in, d_q, d_v, d_out if s.output_projection else None, h, biases, count)
    return d


def _parameters(d: Derivation, d_in, d_q, d_v, d_out, h, biases: bool, count: str) -> None:
    group = "parameters" + (" (weights and biases)" if biases else " (weights only)")
    projections = [("Wq", "W_q", d_in, d_q), ("Wk", "W_k", d_in, d_q), ("Wv", "W_v", d_in, d_v)]
    if d_out is not None:
        projections.append(("Wo", "W_o", d_v, d_out))
    counts = []
    for name, written, into, out in projections:
        weights = times(into, out)
        other = plus(weights, out) if not biases else weights
        right = plus(weights, out) if biases else weights
        what = "weights and bias" if biases else "weights"
        counts.append(d.add(f"params.{name}", f"parameters of {written} ({what})", right,
                            kind=count, symbol=sympy.Symbol(f"P_{name[1:]}"), group=group,
                            misconceptions=[_bias_slip(biases, other)]))
    alternatives = [Misconception("heads-multiplied",
                                  "counted the projections once per head: the heads split the "
                                  "widths between them, so the weights do not grow with h",
                                  times(h, total(counts)))]
    if d_out is not None:
        alternatives.append(Misconception("no-output-projection",
                                          "left out the output projection W_o",
                                          total(counts[:3])))
    d.add("params", "parameters of the projections together", total(counts), kind=count,
          symbol=sympy.Symbol("P"), group=group, misconceptions=alternatives)


def _bias_slip(biases: bool, other) -> Misconception:
    if biases:
        return Misconception("bias-forgotten", "left out the bias: each projection adds one "
                                               "per output feature", other)
    return Misconception("bias-counted", "counted a bias, which this convention leaves out",
                         other)
