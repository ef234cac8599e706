"""The formulas of layer arithmetic, written the way they are taught.

Every formula is built unevaluated, so it prints in the order of the slides
(⌊(H − F + 2P)/S⌋ + 1, not sympy's 1 + ⌊(−F + H + 2P)/S⌋) and the substituted form shows each
number where the student writes it. Values come from substituting into these same trees.

Common mistakes are misconceptions written as formulas over the same symbols
(`Misconception(id, description, formula)`), so the grader can tell a student who wrote P
instead of 2P from one who made an arithmetic slip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sympy

from nnsolve.derivation.core import Misconception
from nnsolve.derivation.ordered import minus, over, plus, times

Rounding = Literal["floor", "ceil", "exact"]


class Shape(sympy.Function):
    """A shape written as H×W×C, both in general and with the numbers put in."""

    @classmethod
    def eval(cls, *args):
        return None

    def _sympystr(self, printer):
        return "×".join(printer._print(a) for a in self.args)

    def _latex(self, printer):
        return r" \times ".join(printer._print(a) for a in self.args)


# -- sliding windows ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    """One spatial axis of a sliding-window layer, as symbols.

    `padding` is None for `same` and `valid`; `dilation` is None when it is 1, so the simple
    formula is shown whenever it applies.
    """

    size: sympy.Expr
    kernel: sympy.Expr
    stride: sympy.Expr
    padding: sympy.Expr | None
    dilation: sympy.Expr | None
    mode: Literal["explicit", "same", "valid"]
    per_side: bool = True          # padding convention: P on each side (2P) or in total (P)

    @property
    def padding_term(self) -> sympy.Expr | None:
        if self.padding is None:
            return None
        return times(2, self.padding) if self.per_side else self.padding

    def effective_kernel(self) -> sympy.Expr:
        """D(F − 1) + 1: the span a dilated kernel covers."""
        if self.dilation is None:
            return self.kernel
        return plus(times(self.dilation, plus(self.kernel, -1)), 1)

    def span(self, padding_term=None, dilated: bool = True) -> sympy.Expr:
        """The room the window slides in: H − F + 2P (H + 2P − D(F − 1) − 1 when dilated)."""
        padding_term = self.padding_term if padding_term is None else padding_term
        if self.dilation is None or not dilated:
            return plus(self.size, minus(self.kernel), padding_term)
        return plus(self.size, padding_term, minus(times(self.dilation, plus(self.kernel, -1))), -1)


def rounded(x: sympy.Expr, rounding: Rounding) -> sympy.Expr:
    if rounding == "floor":
        return sympy.floor(x, evaluate=False)
    if rounding == "ceil":
        return sympy.ceiling(x, evaluate=False)
    return x


def window_count(w: Window, rounding: Rounding) -> tuple[sympy.Expr, list[Misconception]]:
    """Output size of a conv or pooling layer along one axis, and the usual wrong versions."""
    if w.mode == "same":
        formula = rounded(over(w.size, w.stride), "ceil" if rounding != "exact" else "exact")
        return formula, [Misconception(
            "stride-forgotten", "the stride was ignored: with `same` padding the size is "
                                "divided by the stride (rounded up)", w.size)]
    formula = plus(rounded(over(w.span(), w.stride), rounding), 1)
    alternatives = [
        Misconception("plus-one-forgotten", "the +1 was left out: the first window position counts "
                                          "too, so the size is (H − F + 2P)/S + 1",
                    rounded(over(w.span(), w.stride), rounding)),
        Misconception("stride-forgotten", "the stride was ignored, as if the window moved one "
                                        "pixel at a time", plus(w.span(), 1)),
    ]
    if rounding == "floor":
        alternatives.append(Misconception(
            "no-floor", "the division was not rounded down: a window that does not fully fit "
                        "the input is not counted", plus(over(w.span(), w.stride), 1)))
    if rounding == "ceil":
        alternatives.append(Misconception(
            "floor-used", "the division was rounded down, but this layer rounds up (ceil mode)",
            plus(rounded(over(w.span(), w.stride), "floor"), 1)))
    if w.padding is not None and w.per_side:
        alternatives.append(Misconception(
            "padding-once", "the padding was counted once (P instead of 2P): it is added on "
                            "both sides", plus(rounded(over(w.span(w.padding), w.stride), rounding),
                                               1)))
    if w.dilation is not None:
        alternatives.append(Misconception(
            "dilation-forgotten", "the dilation was ignored: a dilated kernel spans D(F − 1) + 1 "
                                  "pixels", plus(rounded(over(w.span(dilated=False), w.stride),
                                                         rounding), 1)))
    return formula, alternatives


def windows_before_padding(w: Window) -> sympy.Expr:
    """⌈(H + P)/S⌉: how many windows start before the right padding (PyTorch's ceil-mode cap)."""
    return rounded(over(plus(w.size, w.padding), w.stride), "ceil")


def transposed_size(w: Window, output_padding: sympy.Expr | None,
                    rounding: Rounding) -> tuple[sympy.Expr, list[Misconception]]:
    """Output size of a transposed convolution: (H − 1)·S − 2P + D(F − 1) + A + 1."""
    grown = times(plus(w.size, -1), w.stride)
    padding = minus(w.padding_term) if w.padding is not None else None
    if w.dilation is None:
        formula = plus(grown, padding, w.kernel, output_padding)
    else:
        formula = plus(grown, padding, times(w.dilation, plus(w.kernel, -1)), output_padding, 1)
    alternatives = [Misconception(
        "conv-formula-used", "the ordinary convolution formula was used; a transposed "
                             "convolution grows its input: (H − 1)·S − 2P + F",
        plus(rounded(over(w.span(), w.stride), rounding), 1))]
    if w.padding is not None and w.per_side:
        alternatives.append(Misconception(
            "padding-once", "the padding was subtracted once (P instead of 2P): it is removed "
                            "on both sides", formula.xreplace({w.padding_term: w.padding})))
    if output_padding is not None:
        alternatives.append(Misconception(
            "output-padding-forgotten",
            "the output padding was left out: it is added to one side of the output",
            formula.xreplace({output_padding: 0})))
    return formula, alternatives


def receptive_field(previous: sympy.Expr, jump: sympy.Expr, kernel: sympy.Expr,
                    dilation: sympy.Expr | None) -> sympy.Expr:
    """r_out = r_in + (k_eff − 1)·j_in, with k_eff − 1 = D(F − 1)."""
    growth = times(dilation, plus(kernel, -1))
    return plus(previous, times(growth, jump))
