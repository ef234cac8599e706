"""`require:` conditions and `let:` values: arithmetic over a problem's variables, read safely.

An instructor's expression is text from a file that may be shared and run on a grading server,
so it is never handed to `eval` or to sympy's string parsers: it is tokenized by the one
whitelisting tokenizer (`nnsolve.derivation.tokens`, which also reads students' answers) and
read here by a parser that knows only numbers, the names it is given, arithmetic, `%`,
comparisons, `and`/`or`/`not` and a few functions. Parsing happens once per problem; a draw
only evaluates the tree, so re-drawing a whole class stays cheap.

Arithmetic is exact on whole numbers and fractions (`(k - 1) / 2` is 1 for k = 3, not 1.0),
so `(n - k + 2*p) % s == 0` means what it says; a float variable makes the result a float.
"""

from __future__ import annotations

import math
import operator
from fractions import Fraction
from typing import Any, Callable

from nnsolve.derivation.tokens import (CONDITION_OPERATORS, MAX_BITS, Token, TokenError,
                                      tokenize)

MAX_TEXT = 500
MAX_NESTING = 30
MAX_EXPONENT = 64


class ConditionError(ValueError):
    """An expression that cannot be read or evaluated; the message is for the instructor."""


_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
            "==": operator.eq, "!=": operator.ne}
_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul}
_FUNCTIONS: dict[str, tuple[Callable, int, int]] = {
    "min": (min, 2, 16), "max": (max, 2, 16), "abs": (abs, 1, 1),
    "floor": (math.floor, 1, 1), "ceil": (math.ceil, 1, 1),
}
_WORDS = ("and", "or", "not")


class Expression:
    """One parsed expression: `names` are the variables it reads, `evaluate` its value."""

    def __init__(self, text: str, known: set[str]):
        if not isinstance(text, str) or not text.strip():
            raise ConditionError("must be an expression in quotes, e.g. \"k <= n\"")
        if len(text) > MAX_TEXT:
            raise ConditionError(f"too long (at most {MAX_TEXT} characters)")
        self.text = text
        try:
            tokens = tokenize(text, operators=CONDITION_OPERATORS)
        except TokenError as exc:
            raise ConditionError(str(exc)) from None
        parser = _Parser(tokens, known)
        self.tree = parser.parse()
        self.names = parser.names

    def evaluate(self, values: dict[str, Any]) -> Any:
        try:
            return _evaluate(self.tree, values)
        except ZeroDivisionError:
            raise ConditionError("division by zero") from None
        except (OverflowError, ValueError) as exc:
            raise ConditionError(f"cannot be evaluated: {exc}") from None


def _evaluate(node: tuple, values: dict[str, Any]) -> Any:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "name":
        return values[node[1]]
    if kind == "not":
        return not _truth(_evaluate(node[1], values))
    if kind in ("and", "or"):
        left = _truth(_evaluate(node[1], values))
        if (kind == "and") != left:
            return left
        return _truth(_evaluate(node[2], values))
    if kind == "compare":
        left = _evaluate(node[1], values)
        for op, right_node in node[2]:
            right = _evaluate(right_node, values)
            if not _COMPARE[op](_number(left), _number(right)):
                return False
            left = right
        return True
    if kind == "neg":
        return -_number(_evaluate(node[1], values))
    if kind == "call":
        function = _FUNCTIONS[node[1]][0]
        return _whole(function(*(_number(_evaluate(a, values)) for a in node[2])))
    left, right = _number(_evaluate(node[1], values)), _number(_evaluate(node[2], values))
    if kind in _ARITHMETIC:
        return _whole(_ARITHMETIC[kind](left, right))
    if kind == "/":
        if isinstance(left, float) or isinstance(right, float):
            return left / right
        return _whole(Fraction(left) / Fraction(right))
    if kind == "%":
        return _whole(left % right)
    if abs(right) > MAX_EXPONENT or abs(left) > 10 ** 6:   # "^": keep numbers small
        raise ValueError("power too large")
    if isinstance(right, int):
        base = Fraction(left)
        if max(base.numerator.bit_length(), base.denominator.bit_length()) * abs(right) > \
                MAX_BITS:       # (0.999999^64)^64… grows without bound in exact arithmetic
            raise ValueError("power too large")
        return _whole(base ** right)
    if left < 0:
        raise ValueError("a negative number to a fractional power")
    return float(left) ** float(right)


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a condition (true or false) is used as a number")
    if not isinstance(value, (int, float, Fraction)):
        raise ValueError(f"{value!r} is not a number")
    return value


def _truth(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("and, or and not join conditions, such as k <= n")
    return value


def _whole(value: Any) -> Any:
    """A fraction that is a whole number is an int: `$pad` then reads 1, not 1/1."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return value


class _Parser:
    """Precedence climbing over the tokens, loosest first.

    either := both ('or' both)*
    both   := negated ('and' negated)*
    negated:= 'not' negated | compare
    compare:= sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)*    chained: 1 <= k <= n
    sum    := term (('+' | '-') term)*
    term   := unary (('*' | '/' | '%') unary)*
    unary  := ('+' | '-') unary | power
    power  := primary ('^' unary)?
    primary:= number | name | function '(' either (',' either)* ')' | '(' either ')'
    """

    def __init__(self, tokens: list[Token], known: set[str]):
        self.tokens = tokens
        self.known = known
        self.names: set[str] = set()
        self.at = 0
        self.depth = 0

    def parse(self) -> tuple:
        tree = self._either()
        if self._peek().kind != "end":
            raise self._unexpected()
        return tree

    def _peek(self) -> Token:
        return self.tokens[self.at]

    def _take(self) -> Token:
        self.at += 1
        return self.tokens[self.at - 1]

    def _is(self, *texts: str) -> bool:
        token = self._peek()
        return token.kind in ("op", "name") and token.text in texts

    def _unexpected(self) -> ConditionError:
        token = self._peek()
        if token.kind == "end":
            return ConditionError("unexpected end of expression")
        return ConditionError(f"unexpected {token.text!r} at position {token.pos}")

    def _nested(self, read: Callable[[], tuple]) -> tuple:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ConditionError("nesting too deep")
        tree = read()
        self.depth -= 1
        return tree

    def _either(self) -> tuple:
        return self._joined("or", self._both)

    def _both(self) -> tuple:
        return self._joined("and", self._negated)

    def _joined(self, word: str, read: Callable[[], tuple]) -> tuple:
        tree = read()
        while self._is(word):
            self._take()
            tree = (word, tree, read())
        return tree

    def _negated(self) -> tuple:
        if self._is("not"):
            self._take()
            return ("not", self._nested(self._negated))
        return self._compare()

    def _compare(self) -> tuple:
        first = self._sum()
        chain = []
        while self._peek().kind == "op" and self._peek().text in _COMPARE:
            chain.append((self._take().text, self._sum()))
        return ("compare", first, tuple(chain)) if chain else first

    def _sum(self) -> tuple:
        tree = self._term()
        while self._is("+", "-"):
            op = self._take().text
            tree = (op, tree, self._term())
        return tree

    def _term(self) -> tuple:
        tree = self._unary()
        while self._peek().kind == "op" and self._peek().text in ("*", "/", "%"):
            op = self._take().text
            tree = (op, tree, self._unary())
        return tree

    def _unary(self) -> tuple:
        if self._is("+", "-"):
            sign = self._take().text
            inner = self._nested(self._unary)
            return inner if sign == "+" else ("neg", inner)
        base = self._primary()
        if self._is("^"):
            self._take()
            return ("^", base, self._nested(self._unary))
        return base

    def _primary(self) -> tuple:
        token = self._peek()
        if token.kind == "num":
            self._take()
            text = token.text
            return ("num", float(text) if any(c in text for c in ".eE") else int(text))
        if token.kind == "name" and token.text not in _WORDS:
            self._take()
            if self._is("("):
                return self._call(token)
            if token.text not in self.known:
                listed = ", ".join(sorted(self.known)) or "none"
                raise ConditionError(f"unknown name {token.text!r} (the variables: {listed})")
            self.names.add(token.text)
            return ("name", token.text)
        if self._is("("):
            self._take()
            tree = self._nested(self._either)
            if not self._is(")"):
                raise self._unexpected() if self._peek().kind != "end" else \
                    ConditionError(f"missing ')' for the '(' at position {token.pos}")
            self._take()
            return tree
        raise self._unexpected()

    def _call(self, name: Token) -> tuple:
        if name.text not in _FUNCTIONS:
            raise ConditionError(f"unknown function {name.text!r} (known: "
                                 f"{', '.join(sorted(_FUNCTIONS))})")
        _, least, most = _FUNCTIONS[name.text]
        self._take()
        args = [self._nested(self._either)]
        while self._is(","):
            self._take()
            args.append(self._nested(self._either))
        if not self._is(")"):
            raise self._unexpected()
        self._take()
        if not least <= len(args) <= most:
            wanted = str(least) if least == most else f"{least} or more"
            raise ConditionError(f"{name.text}() takes {wanted} arguments, got {len(args)}")
        return ("call", name.text, tuple(args))
