"""Typed expression text as a sympy value, without ever running it as code.

Students type arithmetic ("1/3", "sqrt(2)/2", "e^-1") and symbolic answers
("-eps * g'(a3) * x1 * delta3"); instructors type an objective function ("x^2 + 10*y^2").
Handing such text to ``eval`` or to sympy's string parsers would execute whatever its writer
put there, so it is tokenized by :mod:`nnsolve.derivation.tokens` and read here by the
project's one precedence-climbing parser of arithmetic, which knows only a fixed set of
operators and constants and the functions registered in :mod:`nnsolve.derivation.functions`,
and builds sympy objects directly. Every step is bounded (text length, digits, exponents,
nesting; :mod:`nnsolve.derivation.expression_limits`) so that hostile text fails fast instead
of making sympy compute a gigantic number.

Value conventions (shared with the grader's comparison):

* an integer or fraction is a sympy ``Integer``/``Rational``;
* a number written with a decimal point or an exponent (``0.317``, ``2.9e-3``, ``1E5``) is
  inexact and comes back as a Python ``float``; any numeric value that contains an inexact
  number becomes a ``float`` too. With ``exact_decimals`` it is the fraction it writes
  (``0.5`` is 1/2): a coefficient an instructor defines is not a measurement;
* an exact irrational number stays a small sympy expression (``sqrt(2)/2``, ``exp(-1)``,
  ``pi/4``, ``log(2)``);
* a symbolic value is a sympy expression.

Names are canonicalised by :func:`nnsolve.derivation.names.canonical_name`: underscores and
braces of subscripts are dropped (``w_13``, ``w_{13}`` and ``w13`` are one symbol), Greek
letters are spelled out (``δ3`` is ``delta3``) and ``eps`` means ``epsilon``. The derivative
notation ``g'(a3)`` is an application of the undefined sympy function named ``g'``
(``sympy.Function("g'")``); it prints back as ``g'(a3)``, so printed values parse again.

Constants: pi/π and e (Euler's number, unless the caller declares a symbol ``e``). Both
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

from nnsolve.derivation.expression_limits import (MAX_DIGITS, MAX_NESTING, MAX_TEXT,
                                                  ExpressionError)
from nnsolve.derivation.functions import (MAX_ARGS, MAX_EXPONENT, ArgumentError, check_size,
                                          guarded_power, guarded_reciprocal, student_function)
from nnsolve.derivation.names import GREEK, canonical_name
from nnsolve.derivation.tokens import DECIMAL_POINT_HINT, Token, TokenError, tokenize

__all__ = ["read_expression", "ExpressionError", "NAMES"]

#: what names a text may use: "none" (the constants pi and e only), "any" (any name is a
#: symbol, any other name before '(' an undefined function; with ``symbols``, only theirs),
#: "variables" (only the names of ``symbols``, and only the registered functions)
NAMES = ("none", "any", "variables")

_FORBIDDEN = {"inf", "infinity", "oo", "nan", "zoo"}
#: Greek letters' names: written alone they are symbols (σ for a standard deviation) even when
#: the same name followed by parentheses is a function (σ(a3))
_GREEK_NAMES = frozenset(name.lower() for name in GREEK.values())


# ---------------------------------------------------------------------------
# names -> sympy objects

class _Names:
    """Decides what a name means in one text and remembers unknown ones.

    ``allowed`` is None when any name may be a symbol, otherwise the symbols the caller
    declares; ``numbers_only`` allows just pi and e; without ``undefined_functions`` a name
    before '(' must be a registered function. Unknown names are collected (and stood in for by
    dummies) so that one message can list them all.
    """

    def __init__(self, allowed: Mapping[str, object] | None, numbers_only: bool,
                 undefined_functions: bool = True, noun: str = "answer"):
        self.numbers_only = numbers_only
        self.undefined_functions = undefined_functions
        self.noun = noun
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
            raise ExpressionError(f"{written!r} is not allowed: {self.noun}s must be finite "
                                  "numbers")
        if name.endswith("'"):
            raise ExpressionError(f"{written} must be applied to an argument, e.g. {written}(x)")
        if self.allowed and not self.numbers_only:
            found = self.allowed.get(name)
            if isinstance(found, sympy.Expr):
                return found
        if name == "pi":
            return sympy.pi
        if name in ("e", "E"):
            return sympy.E
        if student_function(name) is not None and name.lower() not in _GREEK_NAMES:
            raise ExpressionError(f"function {written!r} needs an argument in parentheses, "
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
        if self.numbers_only or not self.undefined_functions:
            raise ExpressionError(f"unknown function {written!r}")
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

def _literal(token: Token, exact: bool) -> sympy.Expr:
    """The number a literal writes: an integer exactly, a decimal as a float, or exactly as the
    fraction it writes when ``exact``."""
    text = token.text
    mantissa, _, exponent = text.lower().partition("e")
    if sum(ch.isdigit() for ch in mantissa) > MAX_DIGITS:
        raise ExpressionError(f"number too large: at most {MAX_DIGITS} digits are allowed")
    if not exponent and "." not in mantissa:
        return sympy.Integer(int(mantissa))
    if exponent and abs(int(exponent)) > MAX_EXPONENT + MAX_DIGITS:
        raise ExpressionError("exponent too large")
    if exact:
        return check_size(sympy.Rational(text))
    value = float(text)
    if math.isinf(value):
        raise ExpressionError("number too large")
    if value == 0 and any(ch in "123456789" for ch in mantissa):
        raise ExpressionError("number too small")
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

    def __init__(self, tokens: list[Token], names: _Names, exact_decimals: bool = False):
        self.tokens = tokens
        self.names = names
        self.noun = names.noun
        self.exact_decimals = exact_decimals
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

    def _unexpected(self) -> ExpressionError:
        token = self._peek()
        if token.kind == "end":
            return ExpressionError(f"unexpected end of {self.noun}")
        return ExpressionError(f"unexpected {token.text!r} at position {token.pos}")

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ExpressionError("nesting too deep")

    def _expect_close(self, opened: Token) -> None:
        if self._is_op(")"):
            self._take()
        elif self._peek().kind == "end":
            raise ExpressionError(f"missing ')' for the '(' at position {opened.pos}")
        else:
            raise self._unexpected()

    # grammar
    def parse(self) -> sympy.Expr:
        if self._peek().kind == "end":
            raise ExpressionError(f"empty {self.noun}")
        value = self._expr()
        if self._peek().kind != "end":
            self._no_implicit_product()
            raise self._unexpected()
        return value

    def _no_implicit_product(self) -> None:
        token = self._peek()
        if token.kind == "num" and token.text.startswith("."):
            raise ExpressionError(f"a second decimal point at position {token.pos}: a number "
                                  f"has one (39.574.528 groups thousands only in an answer "
                                  f"that counts; write 39574528)")
        if token.kind in self._STARTS or (token.kind == "op" and token.text in ("(", "√")):
            raise ExpressionError(f"use * for multiplication (at position {token.pos})")

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
            return _literal(token, self.exact_decimals)
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
            raise ExpressionError(f"{name.text}() takes {wanted} argument(s), got {len(args)}")
        return check_size(build(*args))


# ---------------------------------------------------------------------------
# the value of the whole text

_UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


def _finish(value: sympy.Expr, noun: str) -> sympy.Expr | float:
    """Reject undefined or complex results; make inexact numbers Python floats."""
    if any(value.has(bad) for bad in _UNDEFINED):
        raise ExpressionError(f"the {noun} is undefined (division by zero?)")
    if value.has(sympy.I):
        raise ExpressionError(f"the {noun} is not a real number")
    _check_divisors(value, noun)
    if not value.free_symbols and value.is_number and not _real(value, noun):
        raise ExpressionError(f"the {noun} is not a real number")
    if value.free_symbols or not value.has(sympy.Float):
        return value
    approx = value.evalf(17)
    if not isinstance(approx, sympy.Number):
        raise ExpressionError(f"the {noun} is not a real number")
    result = float(approx)
    if math.isinf(result):
        raise ExpressionError("number too large")
    return result


#: decimal digits evalf may use to tell a divisor from zero
_DIVISOR_DIGITS = 600


def _check_divisors(value: sympy.Expr, noun: str) -> None:
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
                raise ExpressionError(f"the {noun} divides by something that is zero, or "
                                      "cannot be told from zero (division by zero?)") from None
            except (ValueError, TypeError, ArithmeticError):
                continue  # not a number evalf knows: judged with the whole value


def _real(value: sympy.Expr, noun: str) -> bool:
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
        raise ExpressionError(f"the {noun} cannot be evaluated as a number") from None


def read_expression(text: str, *, names: str = "any",
                    symbols: Mapping[str, object] | None = None, thousands: bool = False,
                    exact_decimals: bool = False, noun: str = "answer") -> sympy.Expr | float:
    """Read one arithmetic or symbolic string.

    ``names`` is one of NAMES: ``"none"`` (only the constants pi and e may appear), ``"any"``
    (other names are symbols; when ``symbols`` is given only its names are allowed, and
    unknown ones are reported together) or ``"variables"`` (only the names of ``symbols``, and
    no function but the registered ones: a function of declared variables). ``symbols`` maps
    names to sympy Symbols, or to undefined sympy functions for names used as functions (``g``
    in ``g'(a3)``).

    A decimal comma is read where it is unambiguous (``-0,845``, ``3,5``; not inside a
    function's arguments, where a comma separates them); ``3,404`` is 3.404, or 3404 with
    ``thousands`` (an answer that counts), and ``1,000,000`` is a million. ``exact_decimals``
    reads ``0.5`` as 1/2 instead of a float. ``noun`` is what the messages call the text
    ("empty answer", "the function is undefined").
    """
    try:
        return _read(text, names, symbols, thousands, exact_decimals, noun)
    except ExpressionError as exc:
        if re.search(r"[0-9],[0-9]", text) and DECIMAL_POINT_HINT not in str(exc):
            raise ExpressionError(f"{exc}; {DECIMAL_POINT_HINT}") from None
        raise


def _read(text: str, names: str, symbols: Mapping[str, object] | None, thousands: bool,
          exact_decimals: bool, noun: str) -> sympy.Expr | float:
    if names not in NAMES:
        raise ValueError(f"names must be one of {NAMES}, got {names!r}")
    if len(text) > MAX_TEXT:
        raise ExpressionError(f"{noun} too long (at most {MAX_TEXT} characters)")
    if names == "variables" and symbols is None:
        symbols = {}
    resolver = _Names(symbols, numbers_only=(names == "none"),
                      undefined_functions=(names != "variables"), noun=noun)
    try:
        value = _Parser(tokenize(text, thousands), resolver, exact_decimals).parse()
    except (ArgumentError, TokenError) as exc:  # a guard, a function or a character refused
        raise ExpressionError(str(exc)) from None
    if resolver.unknown:
        listed = ", ".join(resolver.unknown)
        if resolver.numbers_only:
            raise ExpressionError(f"a number is expected, but the {noun} uses the name(s) "
                                  f"{listed}")
        hint = ""
        if resolver.allowed:
            hint = f" (you can use: {', '.join(sorted(str(k) for k in resolver.allowed))})"
        raise ExpressionError(f"unknown name(s): {listed}{hint}")
    return _finish(value, noun)
