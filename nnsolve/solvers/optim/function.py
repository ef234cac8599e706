"""An instructor's objective function ("x^2 + 10*y^2") read into sympy without running it.

A problem file may be shared and solved on a grading server, so its text never reaches
`eval` or sympy's string parsers. It is tokenized by the project's one whitelisting tokenizer
(`nnsolve.derivation.tokens`) and read here by a small precedence-climbing parser that knows
numbers, the declared variables, π and e, + − * / ^ (and √), parentheses, and the functions
students may write (`nnsolve.derivation.functions`: exp, log, sqrt, sin, tanh, sigmoid, …),
each built by its guarded builder. Decimals are read exactly (0.5 is 1/2): a coefficient of
an objective is a definition, not a measurement.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation.functions import ArgumentError, guarded_power, student_function
from nnsolve.derivation.names import canonical_name
from nnsolve.derivation.tokens import Token, TokenError, tokenize

MAX_TEXT = 500
MAX_NESTING = 30
MAX_DIGITS = 30
_CONSTANTS = {"pi": sympy.pi, "e": sympy.E}


class FunctionError(ValueError):
    """Text that is not a function of the declared variables; the message says why."""


def read_function(text: str, variables: dict[str, sympy.Symbol]) -> sympy.Expr:
    """The function `text` as a sympy expression of `variables` (canonical name → symbol)."""
    if len(text) > MAX_TEXT:
        raise FunctionError(f"the function is longer than {MAX_TEXT} characters")
    try:
        return _Reader(tokenize(text), variables).read()
    except (TokenError, ArgumentError) as exc:
        raise FunctionError(str(exc)) from None


class _Reader:
    def __init__(self, tokens: list[Token], variables: dict[str, sympy.Symbol]):
        self.tokens, self.at, self.variables, self.depth = tokens, 0, variables, 0

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def _take(self, text: str | None = None) -> Token:
        token = self.token
        if text is not None and (token.kind != "op" or token.text != text):
            raise FunctionError(f"expected {text!r} at position {token.pos}")
        self.at += 1
        return token

    def _is(self, *ops: str) -> bool:
        return self.token.kind == "op" and self.token.text in ops

    def read(self) -> sympy.Expr:
        value = self._sum()
        if self.token.kind != "end":
            raise FunctionError(f"unexpected {self.token.text!r} at position {self.token.pos}")
        return value

    def _sum(self) -> sympy.Expr:
        value = self._product()
        while self._is("+", "-"):
            op = self._take().text
            right = self._product()
            value = value + right if op == "+" else value - right
        return value

    def _product(self) -> sympy.Expr:
        value = self._unary()
        while self._is("*", "/"):
            op = self._take().text
            right = self._unary()
            if op == "/" and right == 0:
                raise FunctionError("division by zero")
            value = value * right if op == "*" else value / right
        return value

    def _unary(self) -> sympy.Expr:
        if self._is("+", "-"):
            op = self._take().text
            value = self._nested(self._unary)
            return -value if op == "-" else value
        return self._power()

    def _power(self) -> sympy.Expr:
        base = self._atom()
        if self._is("^"):
            self._take()
            exponent = self._nested(self._unary)      # right-associative: x^-1, 2^3^2
            return guarded_power(base, exponent)
        return base

    def _nested(self, read):
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise FunctionError(f"more than {MAX_NESTING} levels of nesting")
        try:
            return read()
        finally:
            self.depth -= 1

    def _atom(self) -> sympy.Expr:
        token = self.token
        if token.kind == "num":
            self._take()
            if len(token.text) > MAX_DIGITS:
                raise FunctionError(f"a number with more than {MAX_DIGITS} characters")
            return sympy.Rational(token.text)
        if self._is("("):
            self._take()
            value = self._nested(self._sum)
            self._take(")")
            return value
        if self._is("√"):
            self._take()
            return guarded_power(self._nested(self._power), sympy.Rational(1, 2))
        if token.kind == "name":
            self._take()
            if self._is("("):
                return self._call(token)
            name = canonical_name(token.text)
            if name in self.variables:
                return self.variables[name]
            if name in _CONSTANTS:
                return _CONSTANTS[name]
            raise FunctionError(f"unknown name {token.text!r}: the variables are "
                                f"{', '.join(self.variables)}")
        what = "the end" if token.kind == "end" else repr(token.text)
        raise FunctionError(f"unexpected {what} at position {token.pos}")

    def _call(self, name: Token) -> sympy.Expr:
        function = student_function(name.text)
        if function is None:
            raise FunctionError(f"unknown function {name.text!r}")
        self._take("(")
        args = [self._nested(self._sum)]
        while self._is(","):
            self._take()
            args.append(self._nested(self._sum))
        self._take(")")
        least, most = function.arity
        if not least <= len(args) <= most:
            raise FunctionError(f"{function.name} takes {least}–{most} arguments, "
                                f"not {len(args)}")
        return function.build(*args)
