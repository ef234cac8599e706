"""The characters of an expression as tokens: numbers, names and a fixed set of operators.

Students' answers and instructors' `require:`/`let:` expressions are read through this one
tokenizer. It is the first half of the whitelist: any character it does not know (quotes,
brackets, dots outside numbers, semicolons) ends the text with an error, so nothing that could
be code ever reaches a parser. Comparisons and `%` are tokens only where the caller asks for
them (conditions over variables), so an answer holding them is still refused character by
character. It also settles how students write what Python would not read:
`×`, `·`, `÷`, `−` and `√`, superscripts `²` and `³`, subscripts `w_13` and `w_{13}`, derivative
marks `g'`, and decimal commas (`0,845`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nnsolve.derivation.names import GREEK

#: bits of any exact integer or fraction a typed expression may make (a student's answer, an
#: instructor's condition): past this, exact arithmetic costs time without telling anything
MAX_BITS = 4000

#: how a text is told to write decimals, wherever a comma is refused
DECIMAL_POINT_HINT = "use a decimal point for decimals (0.845, not 0,845)"
#: the operators a caller may add: `%` and comparisons
CONDITION_OPERATORS = ("<=", ">=", "==", "!=", "<", ">", "%")


class TokenError(ValueError):
    """Text that cannot be tokenized; the message names the position."""


@dataclass(frozen=True)
class Token:
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
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ch in GREEK


def _is_name_char(ch: str) -> bool:
    return _is_name_start(ch) or "0" <= ch <= "9"


# a number written with commas: 0,845 (decimal comma), 290,400 or 1,000,000.5 (thousands)
_COMMA_NUMBER = re.compile(r"([0-9]+)((?:,[0-9]+)+)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


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
    raise TokenError(f"unexpected ',' at position {pos + comma - match.start() + 1}: "
                      f"{DECIMAL_POINT_HINT}")


def tokenize(text: str, thousands: bool = False, operators: tuple[str, ...] = ()) -> list[Token]:
    """The tokens of `text`, ending with an "end" token; `thousands` reads an ambiguous
    `3,404` as 3404 (an answer that counts) instead of 3.404; `operators` are those of
    CONDITION_OPERATORS the caller reads."""
    tokens: list[Token] = []
    calls: list[bool] = []      # for each open '(': does it open a function's arguments?
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif "0" <= ch <= "9" or (ch == "." and "0" <= text[i + 1:i + 2] <= "9"):
            comma = None if any(calls) else _COMMA_NUMBER.match(text, i)
            if comma is not None:
                tokens.append(Token("num", _comma_number(comma, thousands, i), i + 1))
                i = comma.end()
                continue
            match = _NUMBER.match(text, i)
            tokens.append(Token("num", match.group(), i + 1))
            i = match.end()
        elif _is_name_start(ch):
            i = _read_name(text, i, tokens)
        elif any(text.startswith(op, i) for op in operators):
            op = next(op for op in operators if text.startswith(op, i))
            tokens.append(Token("op", op, i + 1))
            i += len(op)
        elif ch == "*" and text[i + 1:i + 2] == "*":
            tokens.append(Token("op", "^", i + 1))
            i += 2
        elif ch in _CHAR_OPS:
            op = _CHAR_OPS[ch]
            if op == "(":
                calls.append(bool(tokens) and tokens[-1].kind == "name")
            elif op == ")" and calls:
                calls.pop()
            tokens.append(Token("op", op, i + 1))
            i += 1
        elif ch in _SUPERSCRIPTS:
            tokens.append(Token("op", "^", i + 1))
            tokens.append(Token("num", _SUPERSCRIPTS[ch], i + 1))
            i += 1
        elif ch == "∞":
            raise TokenError("infinity is not allowed")
        else:
            raise TokenError(f"unexpected character {ch!r} at position {i + 1}")
    tokens.append(Token("end", "", n + 1))
    return tokens


def _read_name(text: str, start: int, tokens: list[Token]) -> int:
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
                raise TokenError(f"unexpected character '_' at position {i + 1}")
            i = close + 1
        elif ch == "_" and i + 1 < n and _is_name_char(text[i + 1]):
            i += 1
        elif ch == "_":
            raise TokenError(f"unexpected character '_' at position {i + 1}")
        else:
            break
    while i < n and text[i] in "'′":
        i += 1
    tokens.append(Token("name", text[start:i], start + 1))
    return i
