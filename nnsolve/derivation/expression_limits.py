"""The error every step of reading typed expression text raises, and the limits it is held to.

Typed text — a student's answer, an instructor's objective function — is untrusted input that
`nnsolve.derivation.expressions` turns into sympy values. Every limit here bounds work done
before anything large is built, so that hostile text fails in milliseconds with a message for
its writer instead of making sympy compute a gigantic number. The limits on what arithmetic may
build (exponents, sizes of exact numbers, arguments of a call) belong to the functions that can
be written and live with them in `nnsolve.derivation.functions`.
"""

from __future__ import annotations

__all__ = ["ExpressionError", "MAX_TEXT", "MAX_DIGITS", "MAX_NESTING"]

MAX_TEXT = 2000            # characters in one expression
MAX_DIGITS = 100           # digits in one numeric literal
MAX_NESTING = 50           # parentheses, signs and calls inside each other


class ExpressionError(ValueError):
    """Text that cannot be read as an expression; the message is meant for its writer."""
