"""Logarithms in the base a course measures losses in: ln (nats, the default) or log2 (bits).

Each base is a pair of sympy functions, `log(y)` and `xlog(x, y)` = x·log(y) with 0 for x = 0
(a target of 0 adds nothing, even where y is 0), written `ln`/`log2` on the board and exact on
exact arguments: −ln(1/2) stays ln 2, −log2(1/2) is 1. A loss is built from a `Base`, so the
same builder gives the right formula and the misconception "used the other base".
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy


class _Log(sympy.Function):
    nargs = 1
    written, latex, base = "ln", r"\ln", sympy.E

    @classmethod
    def eval(cls, y):
        if y.is_number:
            return sympy.log(y) if cls.base is sympy.E else sympy.log(y, cls.base)
        return None

    def _sympystr(self, printer):
        return f"{self.written}({printer._print(self.args[0])})"

    def _latex(self, printer, exp=None):
        text = rf"{self.latex}\left({printer._print(self.args[0])}\right)"
        return text if exp is None else rf"{text}^{{{exp}}}"


class _XLog(sympy.Function):
    nargs = 2
    log = _Log

    @classmethod
    def eval(cls, x, y):
        if x.is_zero:
            return sympy.Integer(0)
        if x.is_number and y.is_number:
            return x * cls.log(y)
        return None

    def _sympystr(self, printer):
        return f"{printer.parenthesize(self.args[0], 50)}*{self.log.written}(" \
               f"{printer._print(self.args[1])})"

    def _latex(self, printer, exp=None):
        return rf"{printer.parenthesize(self.args[0], 50)} {self.log.latex}\left(" \
               rf"{printer._print(self.args[1])}\right)"

    def _mathml_presentation(self, printer):
        return printer._print(sympy.Mul(self.args[0], self.log(self.args[1]), evaluate=False))


class _Log2(_Log):
    written, latex, base = "log2", r"\log_2", sympy.Integer(2)


class _XLog2(_XLog):
    log = _Log2


@dataclass(frozen=True)
class Base:
    name: str          # "e" or "2"
    unit: str          # nats, bits
    log: type
    xlog: type

    @property
    def other(self) -> "Base":
        return BITS if self is NATS else NATS


NATS = Base("e", "nats", _Log, _XLog)
BITS = Base("2", "bits", _Log2, _XLog2)


def base(name: str) -> Base:
    return BITS if name == "2" else NATS
