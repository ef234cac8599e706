"""Kinds of a single value: numbers, counts, booleans, labels and expressions.

`compare_any` is the comparison a value gets by its type alone: the rule of `kind="auto"`,
of elements of arrays, sets and structures, and of a number kind handed a list (a student may
write 5 as [5]). Each kind below narrows it to its own rule.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy

from nnsolve.derivation import structures as S
from nnsolve.derivation import writing
from nnsolve.derivation.kinds import compare_collections as C
from nnsolve.derivation.kinds import compare_numbers as N
from nnsolve.derivation.kinds import compare_structures as CS
from nnsolve.derivation.kinds.base import CompareContext, ValueKind
from nnsolve.derivation.kinds.compare_symbolic import compare_expression
from nnsolve.derivation.kinds.tolerance import Comparison, Tolerance, wrong

_GROUPED_COUNT = re.compile(r"\s*[1-9]\d{0,2}(?:([,.\u00a0\u202f _'’])\d{3})(?:\1\d{3})*\s*\Z")
#: a share written as a percentage: 73.1%, 46,69 %
_PERCENT = re.compile(r"\s*[+\-−]?[0-9.,]+\s*%\s*\Z")


def written_as(raw: Any, form: re.Pattern) -> bool:
    """Whether a student's raw answer is a string in a form written by hand (34,944 for a
    count, 55×55×96 for a shape). Strings over 200 characters are not matched: no such form
    is that long, and a long answer is not worth a regular expression's time."""
    return isinstance(raw, str) and len(raw) <= 200 and bool(form.match(raw))


def is_scalar(value: Any) -> bool:
    return isinstance(value, (float, sympy.Expr)) and not isinstance(value, bool)


def compare_any(expected: Any, given: Any, tol: Tolerance, context: CompareContext, *,
                expression: bool = False) -> Comparison:
    """Compare by what `expected` is: a set, a truth value, a label, a structure, an array, an
    expression or a number. `expression`: a symbolic answer is expected even where the key
    happens to be a number, so a student's expression is compared as one."""
    if given is None:
        return wrong("no answer given")
    if isinstance(expected, frozenset):
        return C.compare_set(expected, given, tol, context, compare_any)
    if isinstance(expected, bool):
        return N.compare_boolean(expected, given)
    if isinstance(expected, str):
        return N.compare_label(expected, given)
    if isinstance(expected, (S.FrozenMap, S.TableValue)):
        return _compare_structure(expected, given, tol, context)
    if isinstance(expected, tuple) or isinstance(given, tuple):
        return C.compare_array(expected, given, tol, context,
                               _expression_element if expression else compare_any)
    if isinstance(given, frozenset):
        return wrong(f"expected {N.describe_shape(())}, got a set")
    if N.is_symbolic(expected) or (expression and not N.is_number(given)):
        return compare_expression(expected, given, tol, context.deadline, context.definitions,
                                  simplify_deadline=context.simplify_deadline)
    return N.compare_number(expected, given, tol, context.given_text)


def _compare_structure(expected: Any, given: Any, tol: Tolerance,
                       context: CompareContext) -> Comparison:
    """A structure compared by what it is; its pieces by what they are."""
    if isinstance(expected, S.Partition):
        return CS.compare_partition(expected, given)
    if isinstance(expected, S.Multiset):
        return CS.compare_multiset(expected, given)
    if isinstance(expected, S.TableValue):
        return CS.compare_table(expected, given, tol, context, compare_any)
    return CS.compare_mapping(expected, given, tol, context, compare_any)


def _expression_element(expected: Any, given: Any, tol: Tolerance,
                        context: CompareContext) -> Comparison:
    return compare_any(expected, given, tol, context, expression=True)


class GenericKind(ValueKind):
    """A kind without a comparison rule of its own: its values are compared by what they are
    (`compare_any`), so a number is compared within the tolerance and an array element by
    element, whichever kind the solver named."""

    def compare(self, expected: Any, given: Any, tol: Tolerance,
                context: CompareContext) -> Comparison:
        return compare_any(expected, given, tol, context)


class Number(GenericKind):
    name = "number"
    description = "a real number, exact (1/3, sqrt(2)/2) or decimal"
    expect = "number"

    def accepts(self, value: Any) -> bool:
        return is_scalar(value)

    def read(self, raw: Any, reader, expected: Any = None) -> Any:
        """A number; "46.69%" is 0.4669, as a probability or a share is often written."""
        symbolic = isinstance(expected, sympy.Basic) and _has_symbols(expected)
        if not symbolic and written_as(raw, _PERCENT):
            value = reader.read(raw.strip()[:-1], self.expect)
            if isinstance(value, float):
                return float(Fraction(repr(value)) / 100)
            return value / 100
        return reader.read(raw, "expression" if symbolic else self.expect)


@lru_cache(maxsize=4096)
def _has_symbols(expected: sympy.Basic) -> bool:
    """Whether a key's value holds symbols; asked for every answer read against it, so once
    per value and process (free_symbols walks the whole expression each time)."""
    return bool(expected.free_symbols)


class Count(Number):
    name = "count"
    description = "a whole number (parameters, units, multiply-adds), graded exactly"
    exact = True
    expect = "count"

    def read(self, raw: Any, reader, expected: Any = None) -> Any:
        """`34,944` is how a count is written by hand, and `34.944` in much of Europe: read as
        34944 (a count has no fraction, and `39.574.528` can only be grouped). YAML reads
        `34.944` as a float, so the text as written decides."""
        if isinstance(raw, float) and isinstance(getattr(reader, "written", None), str):
            raw = reader.written
        if written_as(raw, _GROUPED_COUNT):
            raw = int(re.sub(r"\D", "", raw))
        return super().read(raw, reader, expected)

    def write(self, value: Any, fmt: str, digits: int = 4, *, exact: bool = True) -> str:
        """Grouped by thousands: 34,944."""
        return writing.count(value, fmt, digits, exact=exact)


class Word(ValueKind):
    """What labels and truth values share: an answer is a word (read as a label) and is right
    or wrong, never close; a set of them, the answer to a select-all item, is compared as a
    set, and a key given as a truth value as one (`compare_any`)."""

    exact = True
    expect = "label"

    def compare(self, expected: Any, given: Any, tol: Tolerance,
                context: CompareContext) -> Comparison:
        if isinstance(expected, (frozenset, bool)):
            return compare_any(expected, given, tol, context)
        return self.compare_word(expected, given)

    def compare_word(self, expected: Any, given: Any) -> Comparison:
        """One word of the key against the student's: the same word, whatever its case and
        spacing (a truth value overrides this with its own words)."""
        return N.compare_label(expected, given)


class Boolean(Word):
    name = "boolean"
    description = "true or false"

    def accepts(self, value: Any) -> bool:
        """1/0, or a word a true-or-false item is written with (true, no, off…)."""
        return (isinstance(value, str) or isinstance(value, sympy.Integer)) and \
            N.truth(value) is not None

    def write(self, value: Any, fmt: str, digits: int = 4, *, exact: bool = True) -> str:
        """As the words true and false, not 1 and 0."""
        return writing.truth(value, fmt, digits, exact=exact)

    def compare_word(self, expected: Any, given: Any) -> Comparison:
        return N.compare_boolean(expected, given)


class Label(Word):
    name = "label"
    description = "a word or name (a class, an option), compared ignoring case and spacing"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)


class Expression(Number):
    """A number whose answers are always read and compared as expressions, by equivalence,
    even where the key happens to be a plain number."""

    name = "expression"
    description = "a symbolic expression, compared by equivalence"
    expect = "expression"

    def compare(self, expected: Any, given: Any, tol: Tolerance,
                context: CompareContext) -> Comparison:
        return compare_any(expected, given, tol, context, expression=True)
