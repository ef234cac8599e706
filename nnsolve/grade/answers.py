"""A student's YAML answer as a value: numbers, expressions, labels, lists and sets.

``yaml.safe_load`` gives strings, numbers, booleans, lists and mappings; this module decides
what they mean for the question asked and holds the whole answer to one budget (list elements
at all levels, characters in all strings), so that a huge or self-referencing YAML list fails
before it is walked. Each string is read by :func:`nnsolve.grade.answer_text.parse_text`,
never run as code.

Value conventions: integers and fractions are sympy ``Integer``/``Rational``, numbers written
with a point or an exponent are Python ``float``, vectors and matrices are (nested) tuples,
sets are frozensets, labels are stripped strings and symbolic answers are sympy expressions.

Each kind of value reads its answers through an :class:`AnswerReader` built for that one answer
(`nnsolve.derivation.kinds`: ``kind.read(raw, reader, expected)``); :func:`parse_answer` is the
same reader for callers that know the mode.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import sympy

from nnsolve.grade.answer_limits import (MAX_DIGITS, MAX_LIST_DEPTH, MAX_LIST_ITEMS,
                                         MAX_TEXT, MAX_TOTAL_TEXT, AnswerError)
from nnsolve.grade.answer_text import parse_text

__all__ = ["AnswerError", "AnswerReader", "parse_answer", "parse_text", "EXPECTS"]

#: the modes an answer can be read in (see AnswerReader.read)
EXPECTS = frozenset({"number", "count", "expression", "label", "labels", "set", "vector",
                     "matrix", "tensor", "auto"})

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


class AnswerReader:
    """Reads one answer, for the grader and for kinds whose answers are built of pieces.

    ``symbols`` are the names a symbolic answer may use (name -> sympy Symbol, or undefined
    function such as ``g`` in ``g'(a3)``); None lets any name be a symbol where an expression
    is read. All reads through one reader share one budget: build a new reader per answer.
    ``thousands`` reads every ``3,404`` of the answer as 3404 (mode ``count`` does that for one
    read). ``written`` is the answer as it stands in the file, where YAML has already read it
    as a number: ``34.944`` is a float to YAML but thirty-four thousand to a count's reader.
    Every method raises AnswerError, with a message for the student, for what it cannot read.
    """

    def __init__(self, symbols: Mapping[str, object] | None = None, *,
                 thousands: bool = False, written: Any = None) -> None:
        self.symbols = symbols
        self.written = written
        self._thousands = thousands
        self._items = MAX_LIST_ITEMS
        self._chars = MAX_TOTAL_TEXT

    # -- the AnswerReader protocol ---------------------------------------------------------
    def read(self, raw: Any, mode: str) -> Any:
        """``raw`` (what ``yaml.safe_load`` gave) read in one of these modes:

        * ``number``: one number; only the constants pi and e may be named. A one-element
          list is accepted as its element.
        * ``count``: a number in which ``3,404`` is 3404, as counts are written by hand.
        * ``expression``: a number or a symbolic expression; with ``symbols`` only those names
          may appear (unknown ones are named in the error), without them any name is a Symbol.
        * ``vector`` / ``matrix`` / ``tensor``: (nested) lists become (nested) tuples whose
          elements are read as in ``auto``; a single value is wrapped. A matrix's rows must
          have one length.
        * ``set``: a list (or YAML ``{a, b}``) becomes a frozenset.
        * ``labels``: a set whose elements are labels, each read as ``label`` reads one
          (``[a, c, e]`` are three option ids; ``e`` is not Euler's number).
        * ``label``: the stripped string, unparsed (``true`` -> ``"true"``).
        * ``auto``: numbers, lists and expressions by their form; a word that is neither a
          number nor made of known names is a label.

        Names in ``symbols`` take precedence over the constant ``e``. An unknown mode is a
        programming error (ValueError).
        """
        if mode not in EXPECTS:
            raise ValueError(f"unknown mode {mode!r}; use one of {sorted(EXPECTS)}")
        if mode == "count":
            thousands, self._thousands = self._thousands, True
            try:
                return self._scalar(raw, "number")
            finally:
                self._thousands = thousands
        if mode == "label":
            return self.label(raw)
        if mode in ("set", "labels"):
            return self._set(raw, labels=mode == "labels")
        if mode in ("vector", "matrix", "tensor"):
            return self._array(raw, matrix=mode == "matrix")
        if mode in ("number", "expression"):
            return self._scalar(raw, mode)
        if isinstance(raw, dict):
            return self._set(raw)
        return self._nested(raw, 0)

    def label(self, raw: Any) -> str:
        """A word or name as written (stripped); YAML's true/false and numbers as text."""
        if isinstance(raw, bool):
            return "true" if raw else "false"
        if isinstance(raw, str):
            text = self._take_text(raw).strip()
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

    def number(self, raw: Any) -> Any:
        """One number (mode ``number``)."""
        return self._scalar(raw, "number")

    def value(self, raw: Any) -> Any:
        """A scalar, a label or nested lists of them, each read by its form (mode ``auto``
        without its reading of a mapping as a set)."""
        return self._nested(raw, 0)

    def count(self, items: int) -> None:
        """Charge ``items`` elements to the answer's size limit, before they are walked."""
        if items > self._items:
            raise AnswerError(f"list too long (at most {MAX_LIST_ITEMS} numbers)")
        self._items -= items

    def error(self, message: str) -> AnswerError:
        return AnswerError(message)

    # -- pieces ----------------------------------------------------------------------------
    def _take_text(self, text: str) -> str:
        if len(text) > MAX_TEXT:
            raise AnswerError(f"answer too long (at most {MAX_TEXT} characters)")
        if len(text) > self._chars:
            raise AnswerError(f"answer too long (at most {MAX_TOTAL_TEXT} characters in all)")
        self._chars -= len(text)
        return text

    def _scalar(self, raw: Any, mode: str, depth: int = 0) -> Any:
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
            text = self._take_text(raw).strip()
            if not text:
                raise AnswerError("empty answer")
            if mode == "number":
                return parse_text(text, names="none", thousands=self._thousands)
            if mode == "expression":
                return parse_text(text, names="any", symbols=self.symbols,
                                  thousands=self._thousands)
            return self._auto_text(text)
        if isinstance(raw, (list, tuple)) and len(raw) == 1 and depth < MAX_LIST_DEPTH:
            return self._scalar(raw[0], mode, depth + 1)
        wanted = "an expression" if mode == "expression" else "a single number"
        raise AnswerError(f"expected {wanted}, got {_type_name(raw)}")

    def _auto_text(self, text: str) -> Any:
        """Number if it is one, expression if it uses known names, else a label."""
        symbols, thousands = self.symbols, self._thousands
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

    def _nested(self, raw: Any, depth: int) -> Any:
        """Lists become tuples, checked for depth and size before being walked."""
        if isinstance(raw, (list, tuple)):
            if depth >= MAX_LIST_DEPTH:
                raise AnswerError("nesting too deep")
            self.count(len(raw))
            return tuple(self._nested(item, depth + 1) for item in raw)
        if isinstance(raw, dict):
            raise AnswerError("expected a value or a list, got a mapping")
        return self._scalar(raw, "auto")

    def _set(self, raw: Any, labels: bool = False) -> frozenset:
        """A set; with ``labels`` its elements are labels (option ids: `e` is option e, not
        Euler's number), read as ``label`` reads one."""
        if isinstance(raw, dict):
            # YAML reads `{cat, dog}` as a mapping whose values are all null
            if any(value is not None for value in raw.values()):
                raise AnswerError("expected a set written as a list, e.g. [a, b]")
            raw = list(raw)
        if not isinstance(raw, (list, tuple)):
            raw = [raw]
        if labels:
            self.count(len(raw))
            return frozenset(self.label(item) for item in raw)
        return frozenset(self._nested(raw, 0))

    def _array(self, raw: Any, matrix: bool) -> tuple:
        if isinstance(raw, str) and raw.strip().startswith("["):
            raw = _bracketed(self._take_text(raw).strip())
        if not isinstance(raw, (list, tuple)):
            value = (self._nested(raw, 0),)
            return (value,) if matrix else value
        value = self._nested(raw, 0)
        if matrix and value and any(isinstance(row, tuple) for row in value):
            lengths = {len(row) if isinstance(row, tuple) else None for row in value}
            if len(lengths) != 1 or None in lengths:
                raise AnswerError("all rows of a matrix must have the same length")
        return value


def _bracketed(text: str) -> list:
    """A vector or matrix typed as one string ("[1, 2]", "[[1, 0], [0, 1]]") as the nested
    lists YAML would have given had it not been quoted; the elements stay text for the parser.
    Commas separate elements here, so a decimal comma cannot be told apart: it is refused."""
    stack: list[list] = []
    item, done, closed = "", None, False    # closed: a list just ended, an element is due
    for pos, ch in enumerate(text, 1):
        if done is not None and not ch.isspace():
            raise AnswerError(f"unexpected {ch!r} at position {pos}, after the closing ']'")
        if ch == "[":
            if item.strip() or closed or len(stack) >= MAX_LIST_DEPTH:
                raise AnswerError(f"unexpected '[' at position {pos}")
            stack.append([])
        elif ch in ",]":
            if not stack:
                raise AnswerError(f"unexpected {ch!r} at position {pos}")
            if item.strip():
                stack[-1].append(item.strip())
            elif not closed and (ch == "," or stack[-1]):
                raise AnswerError(f"an element is missing before position {pos}")
            item, closed = "", False
            if ch == "]":
                inner = stack.pop()
                if stack:
                    stack[-1].append(inner)
                    closed = True
                else:
                    done = inner
        elif closed and not ch.isspace():
            raise AnswerError(f"a ',' is missing before position {pos}")
        else:
            item += ch
    if done is None:
        raise AnswerError("a '[' is not closed by ']'")
    return done


def parse_answer(raw: Any, *, expect: str = "auto",
                 symbols: Mapping[str, object] | None = None, thousands: bool = False) -> Any:
    """Read what ``yaml.safe_load`` gave for one answer into a value, in the mode ``expect``
    (see :meth:`AnswerReader.read`). A decimal comma is read where it is unambiguous (see
    :func:`parse_text`); ``thousands`` reads ``3,404`` as 3404 (for counts) instead of 3.404.
    """
    return AnswerReader(symbols, thousands=thousands).read(raw, expect)
