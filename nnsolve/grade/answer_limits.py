"""The error every step of reading an answer raises, and the limits an answer is held to.

A student's answer is untrusted input that the grader turns into sympy values. Every limit here
bounds work done before anything large is built, so that a hostile answer fails in
milliseconds with a message for the student instead of making sympy compute a gigantic number
or walk a gigantic list. One string of an answer is read by the project's one expression reader
(`nnsolve.derivation.expressions`), whose limits on text, digits and nesting are the answers'
too; the limits on what arithmetic may build (exponents, sizes of exact numbers, arguments of a
call) belong to the functions students write and live with them in
`nnsolve.derivation.functions`. What is left here bounds an answer as a whole: all its strings
together, and its lists.
"""

from __future__ import annotations

from nnsolve.derivation.expression_limits import (MAX_DIGITS, MAX_NESTING, MAX_TEXT,
                                                  ExpressionError)
from nnsolve.derivation.functions import MAX_ARGS, MAX_BITS, MAX_EXPONENT, MAX_ROOT_BITS
from nnsolve.derivation.tokens import DECIMAL_POINT_HINT

__all__ = ["AnswerError", "MAX_TEXT", "MAX_TOTAL_TEXT", "MAX_DIGITS", "MAX_NESTING",
           "MAX_LIST_DEPTH", "MAX_LIST_ITEMS", "MAX_ARGS", "MAX_BITS", "MAX_EXPONENT",
           "MAX_ROOT_BITS", "DECIMAL_POINT_HINT"]

MAX_TOTAL_TEXT = 100_000   # characters in all strings of one answer
MAX_LIST_DEPTH = 4         # lists inside lists
MAX_LIST_ITEMS = 10_000    # list elements in one answer, all levels together


class AnswerError(ExpressionError):
    """An answer that cannot be read; the message is meant for the student."""
