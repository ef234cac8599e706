"""Turn a student's YAML answer into a value without ever running it as code.

Students type arithmetic ("1/3", "sqrt(2)/2", "e^-1") and symbolic answers
("-eps * g'(a3) * x1 * delta3").  Handing such text to ``eval`` or to
sympy's string parsers would execute whatever a student writes, so this
module has its own small tokenizer and precedence-climbing parser that knows
only a fixed set of operators, functions and constants, and builds sympy
objects directly.  Every step is bounded (text length, digits, exponents,
nesting, list sizes) so that a hostile answer fails fast instead of making
sympy compute a gigantic number.

Value conventions (shared with :mod:`nnsolve.grade.compare`):

* an integer or fraction is a sympy ``Integer``/``Rational``;
* a number written with a decimal point or an exponent (``0.317``,
  ``2.9e-3``, ``1E5``) is inexact and comes back as a Python ``float``; any
  numeric answer that contains an inexact number becomes a ``float`` too;
* an exact irrational number stays a small sympy expression (``sqrt(2)/2``,
  ``exp(-1)``, ``pi/4``, ``log(2)``);
* vectors and matrices are (nested) tuples, sets are frozensets, labels are
  stripped strings, symbolic answers are sympy expressions.

Names are canonicalised by :func:`canonical_name`: underscores and braces
of subscripts are dropped (``w_13``, ``w_{13}`` and ``w13`` are one symbol),
Greek letters are spelled out (``δ3`` is ``delta3``) and ``eps`` means
``epsilon``.  The derivative notation ``g'(a3)`` is an application of the
undefined sympy function named ``g'`` (``sympy.Function("g'")``); it prints
back as ``g'(a3)``, so printed answers parse again.

Functions: sqrt, exp, ln and log (natural; ``log(x, b)`` has base b),
log10, log2, sin, cos, tan, tanh, abs, max, min, ``sigmoid``/``σ`` (built
as ``1/(1 + exp(-x))``) and ``relu`` (``Max(0, x)``).  Constants: pi/π and
e (Euler's number, unless the exercise declares a symbol ``e``).  Both
``^`` and ``**`` are powers (right-associative), ``×``, ``·``, ``÷``, ``−``
and ``√`` are understood, and implicit products such as ``2x`` are refused
with "use * for multiplication".
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from fractions import Fraction
from dataclasses import dataclass

import sympy
from sympy.core.function import FunctionClass

__all__ = ["AnswerError", "parse_answer", "parse_text", "canonical_name", "EXPECTS"]

#: What ``parse_answer`` may be asked to expect.
EXPECTS = frozenset({"number", "vector", "matrix", "label", "set", "labels", "expression",
                     "auto"})

MAX_TEXT = 2000            # characters in one string answer
MAX_TOTAL_TEXT = 100_000   # characters in all strings of one answer
MAX_DIGITS = 100           # digits in one numeric literal
MAX_EXPONENT = 1000        # |exponent| of a power, a literal or exp()
MAX_NESTING = 50           # parentheses, signs and calls inside each other
MAX_LIST_DEPTH = 4         # lists inside lists
MAX_LIST_ITEMS = 10_000    # list elements in one answer, all levels together
MAX_BITS = 4000            # size of any exact integer/fraction we keep
MAX_ROOT_BITS = 1000       # size of a number raised to a fractional power
MAX_ARGS = 10              # arguments of one function call


class AnswerError(ValueError):
    """An answer that cannot be read; the message is meant for the student."""


# ---------------------------------------------------------------------------
# names

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon",
    "ϵ": "epsilon", "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta",
    "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi",
    "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi",
    "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta",
    "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Φ": "Phi",
    "Ψ": "Psi", "Ω": "Omega",
}
_ALIASES = {"eps": "epsilon", "lamda": "lambda"}
_ALPHA_PREFIX = re.compile(r"[A-Za-z]+")


def canonical_name(name: str) -> str:
    """The one spelling under which a symbol name is known.

    Students write the same variable as ``w_13``, ``w_{13}`` or ``w13``, and
    ``ε``, ``eps`` or ``epsilon``; mapping them all to one name lets both
    the parser and the comparison treat them as the same symbol.  Trailing
    apostrophes (derivative marks) are kept.
    """
    stem = name.rstrip("'′")
    primes = "'" * (len(name) - len(stem))
    stem = "".join(_GREEK.get(ch, ch) for ch in stem if ch not in "_{}")
    match = _ALPHA_PREFIX.match(stem)
    if match and match.group() in _ALIASES:
        stem = _ALIASES[match.group()] + stem[match.end():]
    return stem + primes


# ---------------------------------------------------------------------------
# tokens

@dataclass(frozen=True)
class _Token:
    kind: str   # "num", "name", "op" or "end"
    text: str
    pos: int    # 1-based position in the answer, for messages


_NUMBER = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_CHAR_OPS = {
    "+": "+", "-": "-", "−": "-", "–": "-", "*": "*", "×": "*", "·": "*",
    "⋅": "*", "∗": "*", "/": "/", "÷": "/", "∕": "/", "^": "^", "(": "(",
    ")": ")", ",": ",", "√": "√",
}
_SUPERSCRIPTS = {"²": "2", "³": "3"}


def _is_name_start(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ch in _GREEK


def _is_name_char(ch: str) -> bool:
    return _is_name_start(ch) or "0" <= ch <= "9"


# a number written with commas: 0,845 (decimal comma), 290,400 or 1,000,000.5 (thousands)
_COMMA_NUMBER = re.compile(r"([0-9]+)((?:,[0-9]+)+)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
#: how an answer is told to write decimals, wherever a comma is refused
DECIMAL_POINT_HINT = "use a decimal point for decimals (0.845, not 0,845)"


def _comma_number(match: re.Match, thousands: bool, pos: int) -> str:
    """The number a comma-separated literal stands for, in plain decimal-point notation.

    A single comma in a number without a point is a decimal comma when that is unambiguous:
    not followed by exactly three digits (3,5) or after a leading 0 (0,845). Exactly three
    digits after a comma (3,404) is read as a decimal comma unless ``thousands`` (a count),
    and several groups of three (1,000,000), or groups before a point (1,000.5), are
    thousands. Anything else is refused.
    """
    whole, groups, point, exponent = match.groups()
    parts = groups[1:].split(",")
    exponent = exponent or ""
    grouped = 1 <= len(whole) <= 3 and whole[0] != "0" and all(len(p) == 3 for p in parts)
    if len(parts) == 1 and not point:
        if len(parts[0]) != 3 or whole[0] == "0" or not thousands:
            return f"{whole}.{parts[0]}{exponent}"
        return whole + parts[0] + exponent
    if grouped:
        return whole + "".join(parts) + (point or "") + exponent
    comma = match.start(2)
    raise AnswerError(f"unexpected ',' at position {pos + comma - match.start() + 1}: "
                      f"{DECIMAL_POINT_HINT}")


def _tokenize(text: str, thousands: bool = False) -> list[_Token]:
    tokens: list[_Token] = []
    calls: list[bool] = []      # for each open '(': does it open a function's arguments?
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif "0" <= ch <= "9" or (ch == "." and "0" <= text[i + 1:i + 2] <= "9"):
            comma = None if any(calls) else _COMMA_NUMBER.match(text, i)
            if comma is not None:
                tokens.append(_Token("num", _comma_number(comma, thousands, i), i + 1))
                i = comma.end()
                continue
            match = _NUMBER.match(text, i)
            tokens.append(_Token("num", match.group(), i + 1))
            i = match.end()
        elif _is_name_start(ch):
            i = _read_name(text, i, tokens)
        elif ch == "*" and text[i + 1:i + 2] == "*":
            tokens.append(_Token("op", "^", i + 1))
            i += 2
        elif ch in _CHAR_OPS:
            op = _CHAR_OPS[ch]
            if op == "(":
                calls.append(bool(tokens) and tokens[-1].kind == "name")
            elif op == ")" and calls:
                calls.pop()
            tokens.append(_Token("op", op, i + 1))
            i += 1
        elif ch in _SUPERSCRIPTS:
            tokens.append(_Token("op", "^", i + 1))
            tokens.append(_Token("num", _SUPERSCRIPTS[ch], i + 1))
            i += 1
        elif ch == "∞":
            raise AnswerError("infinity is not allowed")
        else:
            raise AnswerError(f"unexpected character {ch!r} at position {i + 1}")
    tokens.append(_Token("end", "", n + 1))
    return tokens


def _read_name(text: str, start: int, tokens: list[_Token]) -> int:
    """Read a name such as ``x1``, ``w_13``, ``w_{13}``, ``δ3`` or ``g'``."""
    i, n = start, len(text)
    while i < n:
        ch = text[i]
        if _is_name_char(ch):
            i += 1
        elif ch == "_" and text[i + 1:i + 2] == "{":
            close = text.find("}", i + 2)
            inner = text[i + 2:close] if close > 0 else ""
            if not inner or not all(_is_name_char(c) for c in inner):
                raise AnswerError(f"unexpected character '_' at position {i + 1}")
            i = close + 1
        elif ch == "_" and i + 1 < n and _is_name_char(text[i + 1]):
            i += 1
        elif ch == "_":
            raise AnswerError(f"unexpected character '_' at position {i + 1}")
        else:
            break
    while i < n and text[i] in "'′":
        i += 1
    tokens.append(_Token("name", text[start:i], start + 1))
    return i


# ---------------------------------------------------------------------------
# guarded arithmetic: each helper refuses results that would be huge

def _bits(value: sympy.Rational) -> int:
    return max(int(value.p).bit_length(), int(value.q).bit_length())


def _check_size(value: sympy.Expr) -> sympy.Expr:
    """Refuse results whose numbers grew too large when sympy combined them.

    Only the new node and its direct arguments are inspected: everything
    below was checked when it was built, and sympy merges like terms
    (exp(1000)*exp(1000) = exp(2000)) at the top.
    """
    for part in (value, *value.args):
        if isinstance(part, sympy.Rational) and _bits(part) > MAX_BITS:
            raise AnswerError("number too large")
        if isinstance(part, sympy.exp):
            _check_exponent(part.args[0])
        elif isinstance(part, sympy.Pow):
            _check_exponent(part.exp)
    return value


def _magnitude(value: sympy.Expr) -> float | None:
    """|value| for a numeric expression, None when it has symbols or is not real."""
    if not value.is_number:
        return None
    if isinstance(value, sympy.Rational):
        try:
            return abs(float(Fraction(int(value.p), int(value.q))))
        except OverflowError:
            return math.inf
    approx = value if isinstance(value, sympy.Float) else value.evalf(15)
    if isinstance(approx, sympy.Float):
        return abs(float(approx))
    return None


def _check_exponent(exponent: sympy.Expr) -> float | None:
    size = _magnitude(exponent)
    if size is not None and size > MAX_EXPONENT:
        raise AnswerError("exponent too large")
    return size


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    size = _check_exponent(exponent)
    if size is not None:
        widest = max((_bits(a) for a in base.atoms(sympy.Rational)), default=0)
        if widest * max(size, 1) > MAX_BITS:
            raise AnswerError("number too large")
        if isinstance(exponent, sympy.Rational) and not exponent.is_integer and widest > MAX_ROOT_BITS:
            raise AnswerError("number too large")
    if base.is_zero and exponent.is_negative:
        raise AnswerError("division by zero")
    if base.is_number and exponent.is_number and base.is_negative and not _integral(exponent):
        # (-8)^(1/3) is 1 + √3·i to sympy (the principal root), as sqrt(-1) is i
        raise AnswerError("the answer is not a real number")
    return _check_size(sympy.Pow(base, exponent))


def _integral(exponent: sympy.Expr) -> bool:
    """An exponent that is a whole number (2, or 2.0 written with a point)."""
    if exponent.is_integer:
        return True
    return isinstance(exponent, sympy.Float) and float(exponent).is_integer()


def _reciprocal(denominator: sympy.Expr) -> sympy.Expr:
    if denominator.is_zero:
        raise AnswerError("division by zero")
    return _check_size(sympy.Pow(denominator, -1))


def _exp(arg: sympy.Expr) -> sympy.Expr:
    _check_exponent(arg)
    return sympy.exp(arg)


def _sigmoid(arg: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + _exp(-arg))


def _log(arg: sympy.Expr, base: sympy.Expr | None = None) -> sympy.Expr:
    if arg.is_zero:
        raise AnswerError("logarithm of zero")
    if base is None:
        return sympy.log(arg)
    if base.is_zero or (base - 1).is_zero:
        raise AnswerError("logarithm base must not be 0 or 1")
    return sympy.log(arg, base)


# name -> (builder, smallest and largest number of arguments)
_FUNCTIONS: dict[str, tuple[Callable[..., sympy.Expr], int, int]] = {
    "sqrt": (lambda x: _power(x, sympy.Rational(1, 2)), 1, 1),
    "exp": (_exp, 1, 1),
    "ln": (_log, 1, 1),
    "log": (_log, 1, 2),
    "log10": (lambda x: _log(x, sympy.Integer(10)), 1, 1),
    "log2": (lambda x: _log(x, sympy.Integer(2)), 1, 1),
    "sin": (sympy.sin, 1, 1),
    "cos": (sympy.cos, 1, 1),
    "tan": (sympy.tan, 1, 1),
    "tanh": (sympy.tanh, 1, 1),
    "sigmoid": (_sigmoid, 1, 1),
    "sigma": (_sigmoid, 1, 1),
    "abs": (sympy.Abs, 1, 1),
    "max": (sympy.Max, 1, MAX_ARGS),
    "min": (sympy.Min, 1, MAX_ARGS),
    "relu": (lambda x: sympy.Max(0, x), 1, 1),
    "floor": (sympy.floor, 1, 1),           # output sizes: floor((W - F + 2P)/S) + 1
    "ceil": (sympy.ceiling, 1, 1),
    "ceiling": (sympy.ceiling, 1, 1),
}
_FORBIDDEN = {"inf", "infinity", "oo", "nan", "zoo"}


# ---------------------------------------------------------------------------
# names -> sympy objects

class _Names:
    """Decides what a name means in one answer and remembers unknown ones.

    ``allowed`` is None when any name may be a symbol, otherwise the
    symbols the exercise declares; ``numbers_only`` allows just pi and e.
    Unknown names are collected (and stood in for by dummies) so that one
    message can list them all.
    """

    def __init__(self, allowed: Mapping[str, object] | None, numbers_only: bool):
        self.numbers_only = numbers_only
        self.allowed = None if allowed is None else {canonical_name(k): v for k, v in allowed.items()}
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
        if name.lower() in _FUNCTIONS and name != "sigma":
            raise AnswerError(f"function {written!r} needs an argument in parentheses, e.g. {written}(2)")
        if self.numbers_only or (self.allowed is not None and name not in self.allowed):
            return self._unknown(written)
        return sympy.Symbol(name)

    def function(self, written: str) -> tuple[Callable[..., sympy.Expr], int, int]:
        name = canonical_name(written)
        builtin = _FUNCTIONS.get(name.lower())
        if builtin is not None:
            return builtin
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

def _literal(token: _Token) -> sympy.Expr:
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

    def __init__(self, tokens: list[_Token], names: _Names):
        self.tokens = tokens
        self.names = names
        self.at = 0
        self.depth = 0

    # helpers
    def _peek(self) -> _Token:
        return self.tokens[self.at]

    def _take(self) -> _Token:
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

    def _expect_close(self, opened: _Token) -> None:
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
        if token.kind in self._STARTS or (token.kind == "op" and token.text in ("(", "√")):
            raise AnswerError(f"use * for multiplication (at position {token.pos})")

    def _expr(self) -> sympy.Expr:
        terms = [self._term()]
        while self._is_op("+", "-"):
            sign = self._take().text
            term = self._term()
            terms.append(term if sign == "+" else -term)
        return terms[0] if len(terms) == 1 else _check_size(sympy.Add(*terms))

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
            factors.append(right if op == "*" else _reciprocal(right))
        return factors[0] if len(factors) == 1 else _check_size(sympy.Mul(*factors))

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
            return _power(base, self._unary())
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
            value = _power(self._primary(), sympy.Rational(1, 2))
            self.depth -= 1
            return value
        raise self._unexpected()

    def _call(self, name: _Token) -> sympy.Expr:
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
        return _check_size(build(*args))


# ---------------------------------------------------------------------------
# text answers

_UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


def _finish(value: sympy.Expr) -> sympy.Expr | float:
    """Reject undefined or complex results; make inexact numbers Python floats."""
    if any(value.has(bad) for bad in _UNDEFINED):
        raise AnswerError("the answer is undefined (division by zero?)")
    if value.has(sympy.I):
        raise AnswerError("the answer is not a real number")
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
    return bool(imaginary.is_zero) or (imaginary.is_number and abs(float(imaginary)) == 0)


def parse_text(text: str, *, names: str = "any",
               symbols: Mapping[str, object] | None = None,
               thousands: bool = False) -> sympy.Expr | float:
    """Parse one arithmetic or symbolic string.

    ``names`` is ``"none"`` (only the constants pi and e may appear) or
    ``"any"`` (other names are symbols; when ``symbols`` is given only its
    names are allowed, and unknown ones are reported together).
    ``symbols`` maps names to sympy Symbols, or to undefined sympy functions
    for names used as functions (``g`` in ``g'(a3)``).

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
    value = _Parser(_tokenize(text, thousands), resolver).parse()
    if resolver.unknown:
        listed = ", ".join(resolver.unknown)
        if resolver.numbers_only:
            raise AnswerError(f"a number is expected, but the answer uses the name(s) {listed}")
        hint = ""
        if resolver.allowed:
            hint = f" (you can use: {', '.join(sorted(str(k) for k in resolver.allowed))})"
        raise AnswerError(f"unknown name(s): {listed}{hint}")
    return _finish(value)


# ---------------------------------------------------------------------------
# YAML answers

class _Budget:
    """Limits shared by all parts of one answer (list items, characters), and how its
    numbers are read (``thousands``: 3,404 is a count of 3404, not 3.404)."""

    def __init__(self, thousands: bool = False) -> None:
        self.items = MAX_LIST_ITEMS
        self.chars = MAX_TOTAL_TEXT
        self.thousands = thousands

    def take_items(self, count: int) -> None:
        if count > self.items:
            raise AnswerError(f"list too long (at most {MAX_LIST_ITEMS} numbers)")
        self.items -= count

    def take_text(self, text: str) -> str:
        if len(text) > MAX_TEXT:
            raise AnswerError(f"answer too long (at most {MAX_TEXT} characters)")
        if len(text) > self.chars:
            raise AnswerError(f"answer too long (at most {MAX_TOTAL_TEXT} characters in all)")
        self.chars -= len(text)
        return text


# words joined by single spaces or hyphens: "Cat", "not spam", "x-ray"
_LABEL = re.compile(r"\w[\w']*(?:[ -]\w[\w']*)*\Z")


def _number_from_yaml(raw: int | float) -> sympy.Integer | float:
    if isinstance(raw, int):
        if raw.bit_length() > MAX_DIGITS * 3.33:
            raise AnswerError(f"number too large: at most {MAX_DIGITS} digits are allowed")
        return sympy.Integer(raw)
    if math.isnan(raw):
        raise AnswerError("not a number (nan) is not allowed")
    if math.isinf(raw):
        raise AnswerError("infinity is not allowed")
    return float(raw)


def _type_name(raw: object) -> str:
    if isinstance(raw, (list, tuple)):
        return "a list"
    if isinstance(raw, dict):
        return "a mapping"
    if isinstance(raw, bool):
        return str(raw).lower()
    return type(raw).__name__


def _scalar(raw: object, mode: str, symbols, budget: _Budget, depth: int = 0):
    """A single number ('number'), expression ('expression') or either ('auto')."""
    if isinstance(raw, bool):
        if mode == "auto":
            return "true" if raw else "false"
        raise AnswerError(f"expected a number, got {_type_name(raw)}")
    if isinstance(raw, (int, float)):
        return _number_from_yaml(raw)
    if raw is None:
        raise AnswerError("no answer given")
    if isinstance(raw, str):
        text = budget.take_text(raw).strip()
        if not text:
            raise AnswerError("empty answer")
        if mode == "number":
            return parse_text(text, names="none", thousands=budget.thousands)
        if mode == "expression":
            return parse_text(text, names="any", symbols=symbols, thousands=budget.thousands)
        return _auto_text(text, symbols, budget.thousands)
    if isinstance(raw, (list, tuple)) and len(raw) == 1 and depth < MAX_LIST_DEPTH:
        return _scalar(raw[0], mode, symbols, budget, depth + 1)
    wanted = "an expression" if mode == "expression" else "a single number"
    raise AnswerError(f"expected {wanted}, got {_type_name(raw)}")


def _auto_text(text: str, symbols, thousands: bool = False):
    """Number if it is one, expression if it uses known names, else a label."""
    try:
        return parse_text(text, names="none", thousands=thousands)
    except AnswerError as number_error:
        failure = number_error
    if symbols is not None:
        try:
            return parse_text(text, names="any", symbols=symbols, thousands=thousands)
        except AnswerError as expression_error:
            failure = expression_error
    if _LABEL.match(text):
        return text
    if symbols is None:
        return parse_text(text, names="any", thousands=thousands)
    raise failure


def _nested(raw: object, depth: int, symbols, budget: _Budget):
    """Lists become tuples, checked for depth and size before being walked."""
    if isinstance(raw, (list, tuple)):
        if depth >= MAX_LIST_DEPTH:
            raise AnswerError("nesting too deep")
        budget.take_items(len(raw))
        return tuple(_nested(item, depth + 1, symbols, budget) for item in raw)
    if isinstance(raw, dict):
        raise AnswerError("expected a value or a list, got a mapping")
    return _scalar(raw, "auto", symbols, budget)


def _label(raw: object, budget: _Budget) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        text = budget.take_text(raw).strip()
        if not text:
            raise AnswerError("empty answer")
        return text
    if isinstance(raw, int):
        return str(_number_from_yaml(raw))
    if isinstance(raw, float):
        return repr(_number_from_yaml(raw))
    if raw is None:
        raise AnswerError("no answer given")
    raise AnswerError(f"expected a single label, got {_type_name(raw)}")


def _set(raw: object, symbols, budget: _Budget, labels: bool = False) -> frozenset:
    """A set; with ``labels`` its elements are labels (option ids: `e` is option e, not
    Euler's number), read as ``'label'`` reads one."""
    if isinstance(raw, dict):
        # YAML reads `{cat, dog}` as a mapping whose values are all null
        if any(value is not None for value in raw.values()):
            raise AnswerError("expected a set written as a list, e.g. [a, b]")
        raw = list(raw)
    if not isinstance(raw, (list, tuple)):
        raw = [raw]
    if labels:
        budget.take_items(len(raw))
        return frozenset(_label(item, budget) for item in raw)
    return frozenset(_nested(raw, 0, symbols, budget))


def _array(raw: object, expect: str, symbols, budget: _Budget) -> tuple:
    if not isinstance(raw, (list, tuple)):
        value = (_nested(raw, 0, symbols, budget),)
        return (value,) if expect == "matrix" else value
    value = _nested(raw, 0, symbols, budget)
    if expect == "matrix" and value and any(isinstance(row, tuple) for row in value):
        lengths = {len(row) if isinstance(row, tuple) else None for row in value}
        if len(lengths) != 1 or None in lengths:
            raise AnswerError("all rows of a matrix must have the same length")
    return value


def parse_answer(raw, *, expect: str = "auto", symbols: Mapping[str, object] | None = None,
                 thousands: bool = False):
    """Read what ``yaml.safe_load`` gave for one answer into a value.

    ``expect`` says what the question asks for:

    * ``'number'``: one number; only the constants pi and e may be named. A
      one-element list is accepted as its element.
    * ``'expression'``: a number or a symbolic expression; with ``symbols``
      only those names may appear (unknown ones raise an AnswerError naming
      them), without it any name becomes a Symbol.
    * ``'vector'`` / ``'matrix'``: (nested) lists become (nested) tuples
      whose elements are read as in ``'auto'``; a single value is wrapped.
    * ``'set'``: a list (or YAML ``{a, b}``) becomes a frozenset.
    * ``'labels'``: a set whose elements are labels, each read as ``'label'`` reads one
      (``[a, c, e]`` are three option ids; ``e`` is not Euler's number).
    * ``'label'``: the stripped string, unparsed (``true`` -> ``"true"``).
    * ``'auto'``: numbers, lists and expressions by their form; a word that
      is neither a number nor made of known names is a label.

    Names in ``symbols`` take precedence over the constant ``e``. A decimal comma is read
    where it is unambiguous (see :func:`parse_text`); ``thousands`` reads ``3,404`` as 3404
    (for counts) instead of 3.404.
    """
    if expect not in EXPECTS:
        raise ValueError(f"unknown expect={expect!r}; use one of {sorted(EXPECTS)}")
    budget = _Budget(thousands)
    if expect == "label":
        return _label(raw, budget)
    if expect in ("set", "labels"):
        return _set(raw, symbols, budget, labels=expect == "labels")
    if expect in ("vector", "matrix"):
        return _array(raw, expect, symbols, budget)
    if expect in ("number", "expression"):
        return _scalar(raw, expect, symbols, budget)
    if isinstance(raw, dict):
        return _set(raw, symbols, budget)
    return _nested(raw, 0, symbols, budget)
