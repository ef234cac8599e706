"""One string of a student's answer as a sympy value, without ever running it as code.

The string is read by the project's one expression reader,
:func:`nnsolve.derivation.expressions.read_expression` (the whitelisting tokenizer, a
precedence-climbing parser that builds sympy objects directly, the registered student
functions, bounds on length, digits, exponents and nesting); its value conventions are the
answers': integers and fractions exact, decimals as floats, irrational numbers as small sympy
expressions, symbolic answers as sympy expressions with canonical names. Here its error becomes
the grader's `AnswerError`, so that every step of reading an answer raises the one error the
grader reports to the student.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy

from nnsolve.derivation.expressions import ExpressionError, read_expression
from nnsolve.grade.answer_limits import AnswerError

__all__ = ["parse_text"]


def parse_text(text: str, *, names: str = "any",
               symbols: Mapping[str, object] | None = None,
               thousands: bool = False) -> sympy.Expr | float:
    """Parse one arithmetic or symbolic string of an answer.

    ``names`` is ``"none"`` (only the constants pi and e may appear) or ``"any"`` (other names
    are symbols; when ``symbols`` is given only its names are allowed, and unknown ones are
    reported together). ``symbols`` maps names to sympy Symbols, or to undefined sympy
    functions for names used as functions (``g`` in ``g'(a3)``).

    A decimal comma is read where it is unambiguous (``-0,845``, ``3,5``; not inside a
    function's arguments, where a comma separates them); ``3,404`` is 3.404, or 3404 with
    ``thousands`` (an answer that counts), and ``1,000,000`` is a million.
    """
    if names not in ("none", "any"):
        raise ValueError(f"names must be 'none' or 'any', got {names!r}")
    try:
        return read_expression(text, names=names, symbols=symbols, thousands=thousands)
    except ExpressionError as exc:
        raise AnswerError(str(exc)) from None
