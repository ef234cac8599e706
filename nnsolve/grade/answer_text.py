"""One string of a student's answer as a sympy value, without ever running it as code.

Students type arithmetic ("1/3", "sqrt(2)/2", "e^-1") and symbolic answers
("-eps * g'(a3) * x1 * delta3"). Handing such text to ``eval`` or to sympy's string parsers
would execute whatever a student writes, so the answer is tokenized by
:mod:`nnsolve.derivation.tokens` and read here by a precedence-climbing parser that knows
only a fixed set of operators and constants and the functions registered in
:mod:`nnsolve.derivation.functions`, and builds sympy objects directly. Every step is bounded
(text length, digits, exponents, nesting) so that a hostile answer fails fast instead of making
sympy compute a gigantic number.

Value conventions (shared with the comparison):

* an integer or fraction is a sympy ``Integer``/``Rational``;
* a number written with a decimal point or an exponent (``0.317``, ``2.9e-3``, ``1E5``) is
  inexact and comes back as a Python ``float``; any numeric answer that contains an inexact
  number becomes a ``float`` too;
* an exact irrational number stays a small sympy expression (``sqrt(2)/2``, ``exp(-1)``,
  ``pi/4``, ``log(2)``);
* a symbolic answer is a sympy expression.

Names are canonicalised by :func:`nnsolve.derivation.names.canonical_name`: underscores and
braces of subscripts are dropped (``w_13``, ``w_{13}`` and ``w13`` are one symbol), Greek
letters are spelled out (``δ3`` is ``delta3``) and ``eps`` means ``epsilon``. The derivative
notation ``g'(a3)`` is an application of the undefined sympy function named ``g'``
(``sympy.Function("g'")``); it prints back as ``g'(a3)``, so printed answers parse again.

Constants: pi/π and e (Euler's number, unless the exercise declares a symbol ``e``). Both
``^`` and ``**`` are powers (right-associative), and implicit products such as ``2x`` are
refused with "use * for multiplication".
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

import sympy
from sympy.core.evalf import PrecisionExhausted
from sympy.core.function import FunctionClass

from nnsolve.derivation.functions import (MAX_EXPONENT, ArgumentError, check_size,
                                          guarded_power, guarded_reciprocal, student_function)
from nnsolve.derivation.names import GREEK, canonical_name
from nnsolve.grade.answer_limits import (DECIMAL_POINT_HINT, MAX_ARGS, MAX_DIGITS,
                                         MAX_NESTING, MAX_TEXT, AnswerError)
from nnsolve.derivation.tokens import Token, TokenError, tokenize

__all__ = ["parse_text"]

_FORBIDDEN = {"inf", "infinity", "oo", "nan", "zoo"}
#: Greek letters' names: written alone they are symbols (σ for a standard deviation) even when
#: the same name followed by parentheses is a function (σ(a3))
_GREEK_NAMES = frozenset(name.lower() for name in GREEK.values())


# ---------------------------------------------------------------------------
# names -> sympy objects

class _Names:
    """Decides what a name means in one answer and remembers unknown ones.

    ``allowed`` is None when any name may be a symbol, otherwise the symbols the exercise
    declares; ``numbers_only`` allows just pi and e. Unknown names are collected (and stood
    in for by dummies) so that one message can list them all.
    """

    def __init__(self, allowed: Mapping[str, object] | None, numbers_only: bool):
        self.numbers_only = numbers_only
        self.allowed = None if allowed is None else {canonical_name(k): v
                                                     for k, v in allowed.items()}
        self.unknown: list[str] = []

    def _unknown(self, written: str) -> sympy.Expr:
        if written not in self.unknown:
            self.unknown.append(written)
        return sympy.Dummy()

    def value(self, written: str) -> sympy.Expr:
        name = canonical_name(written)
        if name.lower() in _FORBIDDEN:
            raise AnswerError(f"{written!r} is not allowed: answers must be finite numbers")
        if name.endswith("'"):
            raise AnswerError(f"{written} must be applied to an argument, e.g. {written}(x)")
        if self.allowed and not self.numbers_only:
            found = self.allowed.get(name)
            if isinstance(found, sympy.Expr):
                return found
        if name == "pi":
            return sympy.pi
        if name in ("e", "E"):
            return sympy.E
        if student_function(name) is not None and name.lower() not in _GREEK_NAMES:
            raise AnswerError(f"function {written!r} needs an argument in parentheses, "
                              f"e.g. {written}(2)")
        if self.numbers_only or (self.allowed is not None and name not in self.allowed):
            return self._unknown(written)
        return sympy.Symbol(name)

    def function(self, written: str) -> tuple[Callable[..., sympy.Expr], int, int]:
        """(build, fewest, most arguments) for a name followed by '('."""
        name = canonical_name(written)
        registered = student_function(name)
        if registered is not None:
            return (registered.build, *registered.arity)
        if self.numbers_only:
            raise AnswerError(f"unknown function {written!r}")
        function = sympy.Function(name)
        if self.allowed is not None:
            stem = name.rstrip("'")
            if name in self.allowed:
                known = self.allowed[name]
                if isinstance(known, FunctionClass):
                    function = known
            elif stem in self.allowed:
                known = self.allowed[stem]
                if isinstance(known, FunctionClass):
                    function = sympy.Function(known.__name__ + name[len(stem):])
            else:
                return (lambda *args: self._unknown(written)), 1, MAX_ARGS
        return function, 1, MAX_ARGS


# ---------------------------------------------------------------------------
# parser

def _literal(token: Token) -> sympy.Expr:
    text = token.text
    mantissa, _, exponent = text.lower().partition("e")
    if sum(ch.isdigit() for ch in mantissa) > MAX_DIGITS:
        raise AnswerError(f"number too large: at most {MAX_DIGITS} digits are allowed")
    if not exponent and "." not in mantissa:
        return sympy.Integer(int(mantissa))
    if exponent and abs(int(exponent)) > MAX_EXPONENT + MAX_DIGITS:
        raise AnswerError("exponent too large")
    value = float(text)
    if math.isinf(value):
        raise AnswerError("number too large")
    if value == 0 and any(ch in "123456789" for ch in mantissa):
        raise AnswerError("number too small")
    return sympy.Float(value)


class _Parser:
    """Precedence climbing over the token list.

    expr   := term (('+' | '-') term)*
    term   := ('+' | '-') term | unary (('*' | '/') unary)*
    unary  := ('+' | '-') unary | power     (signs after '*', '/', '^')
    power  := primary ('^' unary)?          right-associative: 2^3^2 = 2^9
    primary:= number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
            | '√' primary
    """

    _STARTS = ("num", "name")

    def __init__(self, tokens: list[Token], names: _Names):
        self.tokens = tokens
        self.names = names
        self.at = 0
        self.depth = 0

    # helpers
    def _peek(self) -> Token:
        return self.tokens[self.at]

    def _take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def _is_op(self, *ops: str) -> bool:
        token = self._peek()
        return token.kind == "op" and token.text in ops

    def _unexpected(self) -> AnswerError:
        token = self._peek()
        if token.kind == "end":
            return AnswerError("unexpected end of answer")
        return AnswerError(f"unexpected {token.text!r} at position {token.pos}")

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise AnswerError("nesting too deep")

    def _expect_close(self, opened: Token) -> None:
        if self._is_op(")"):
            self._take()
        elif self._peek().kind == "end":
            raise AnswerError(f"missing ')' for the '(' at position {opened.pos}")
        else:
            raise self._unexpected()

    # grammar
    def parse(self) -> sympy.Expr:
        if self._peek().kind == "end":
            raise AnswerError("empty answer")
        value = self._expr()
        if self._peek().kind != "end":
            self._no_implicit_product()
            raise self._unexpected()
        return value

    def _no_implicit_product(self) -> None:
        token = self._peek()
        if token.kind == "num" and token.text.startswith("."):
            raise AnswerError(f"a second decimal point at position {token.pos}: a number has "
                              f"one (39.574.528 groups thousands only in an answer that "
                              f"counts; write 39574528)")
        if token.kind in self._STARTS or (token.kind == "op" and token.text in ("(", "√")):
            raise AnswerError(f"use * for multiplication (at position {token.pos})")

    def _expr(self) -> sympy.Expr:
        terms = [self._term()]
        while self._is_op("+", "-"):
            sign = self._take().text
            term = self._term()
            terms.append(term if sign == "+" else -term)
        return terms[0] if len(terms) == 1 else check_size(sympy.Add(*terms))

    def _term(self) -> sympy.Expr:
        if self._is_op("+", "-"):
            # a leading sign negates the whole product, as in -a*b = -(a*b)
            self._enter()
            sign = self._take().text
            value = self._term()
            self.depth -= 1
            return value if sign == "+" else -value
        # all factors are multiplied at once, as sympy builds a product itself
        factors = [self._unary()]
        while True:
            self._no_implicit_product()
            if not self._is_op("*", "/"):
                break
            op = self._take().text
            right = self._unary()
            factors.append(right if op == "*" else guarded_reciprocal(right))
        return factors[0] if len(factors) == 1 else check_size(sympy.Mul(*factors))

    def _unary(self) -> sympy.Expr:
        self._enter()
        if self._is_op("+", "-"):
            sign = self._take().text
            value = self._unary()
            value = value if sign == "+" else -value
        else:
            value = self._power()
        self.depth -= 1
        return value

    def _power(self) -> sympy.Expr:
        base = self._primary()
        if self._is_op("^"):
            self._take()
            return guarded_power(base, self._unary())
        return base

    def _primary(self) -> sympy.Expr:
        token = self._peek()
        if token.kind == "num":
            self._take()
            return _literal(token)
        if token.kind == "name":
            self._take()
            if self._is_op("("):
                return self._call(token)
            return self.names.value(token.text)
        if self._is_op("("):
            self._enter()
            self._take()
            value = self._expr()
            self._expect_close(token)
            self.depth -= 1
            return value
        if self._is_op("√"):
            self._enter()
            self._take()
            value = guarded_power(self._primary(), sympy.Rational(1, 2))
            self.depth -= 1
            return value
        raise self._unexpected()

    def _call(self, name: Token) -> sympy.Expr:
        build, least, most = self.names.function(name.text)
        self._enter()
        opened = self._take()
        args = [self._expr()]
        while self._is_op(","):
            self._take()
            args.append(self._expr())
        self._expect_close(opened)
        self.depth -= 1
        if not least <= len(args) <= most:
            wanted = str(least) if least == most else f"{least} to {most}"
            raise AnswerError(f"{name.text}() takes {wanted} argument(s), got {len(args)}")
        return check_size(build(*args))


# ---------------------------------------------------------------------------
# the value of the whole text

_UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


def _finish(value: sympy.Expr) -> sympy.Expr | float:
    """Reject undefined or complex results; make inexact numbers Python floats."""
    if any(value.has(bad) for bad in _UNDEFINED):
        raise AnswerError("the answer is undefined (division by zero?)")
    if value.has(sympy.I):
        raise AnswerError("the answer is not a real number")
    _check_divisors(value)
    if not value.free_symbols and value.is_number and not _real(value):
        raise AnswerError("the answer is not a real number")
    if value.free_symbols or not value.has(sympy.Float):
        return value
    approx = value.evalf(17)
    if not isinstance(approx, sympy.Number):
        raise AnswerError("the answer is not a real number")
    result = float(approx)
    if math.isinf(result):
        raise AnswerError("number too large")
    return result


#: decimal digits evalf may use to tell a divisor from zero
_DIVISOR_DIGITS = 600


def _check_divisors(value: sympy.Expr) -> None:
    """Refuse a division by a number that is exactly zero but not written as 0.

    sympy leaves sin(10^99)^2 + cos(10^99)^2 − 1 as it is, and evalf then makes its 1/x
    a huge number out of rounding noise; a divisor must be told from zero to full precision.
    """
    for node in sympy.preorder_traversal(value):
        if node.is_Pow and node.exp.is_negative and not node.base.is_Number \
                and node.base.is_number:
            try:
                node.base.evalf(17, strict=True, maxn=_DIVISOR_DIGITS)
            except PrecisionExhausted:
                raise AnswerError("the answer divides by something that is zero, or cannot be "
                                  "told from zero (division by zero?)") from None
            except (ValueError, TypeError, ArithmeticError):
                continue  # not a number evalf knows: judged with the whole value


def _real(value: sympy.Expr) -> bool:
    """Whether a number without symbols is real (an exact (-1)^(2/3) is not)."""
    if value.is_real:
        return True
    if value.is_real is False:
        return False
    approx = value.evalf(17)
    if isinstance(approx, sympy.Number):
        return True
    _, imaginary = approx.as_real_imag()
    if imaginary.is_zero:
        return True
    try:
        return bool(imaginary.is_number) and abs(float(imaginary)) == 0
    except TypeError:   # a function of numbers that does not evaluate
        raise AnswerError("the answer cannot be evaluated as a number") from None


def parse_text(text: str, *, names: str = "any",
               symbols: Mapping[str, object] | None = None,
               thousands: bool = False) -> sympy.Expr | float:
    """Parse one arithmetic or symbolic string.

    ``names`` is ``"none"`` (only the constants pi and e may appear) or ``"any"`` (other names
    are symbols; when ``symbols`` is given only its names are allowed, and unknown ones are
    reported together). ``symbols`` maps names to sympy Symbols, or to undefined sympy
    functions for names used as functions (``g`` in ``g'(a3)``).

    A decimal comma is read where it is unambiguous (``-0,845``, ``3,5``; not inside a
    function's arguments, where a comma separates them); ``3,404`` is 3.404, or 3404 with
    ``thousands`` (an answer that counts), and ``1,000,000`` is a million.
    """
    try:
        return _parse_text(text, names, symbols, thousands)
    except AnswerError as exc:
        if re.search(r"[0-9],[0-9]", text) and DECIMAL_POINT_HINT not in str(exc):
            raise AnswerError(f"{exc}; {DECIMAL_POINT_HINT}") from None
        raise


def _parse_text(text: str, names: str, symbols: Mapping[str, object] | None,
                thousands: bool) -> sympy.Expr | float:
    if names not in ("none", "any"):
        raise ValueError(f"names must be 'none' or 'any', got {names!r}")
    if len(text) > MAX_TEXT:
        raise AnswerError(f"answer too long (at most {MAX_TEXT} characters)")
    resolver = _Names(symbols, numbers_only=(names == "none"))
    try:
        value = _Parser(tokenize(text, thousands), resolver).parse()
    except (ArgumentError, TokenError) as exc:  # a guard, a function or a character refused
        raise AnswerError(str(exc)) from None
    if resolver.unknown:
        listed = ", ".join(resolver.unknown)
        if resolver.numbers_only:
            raise AnswerError(f"a number is expected, but the answer uses the name(s) {listed}")
        hint = ""
        if resolver.allowed:
            hint = f" (you can use: {', '.join(sorted(str(k) for k in resolver.allowed))})"
        raise AnswerError(f"unknown name(s): {listed}{hint}")
    return _finish(value)
