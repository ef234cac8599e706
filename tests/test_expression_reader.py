"""The one reader of typed expressions (`nnsolve.derivation.expressions`): the options its
callers other than the grader use — a function of declared variables with exact decimals — and
the one error that the grader's `AnswerError` specialises."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings, strategies as st

from nnsolve.derivation.expressions import ExpressionError, read_expression

x, y = sympy.symbols("x y")


def function(text: str):
    """An instructor's objective of x and y, as the optim solver reads it."""
    return read_expression(text, names="variables", symbols={"x": x, "y": y},
                           exact_decimals=True, noun="function")


def test_decimals_of_a_definition_are_the_fractions_they_write():
    assert function("0.5*x^2 + 1e-3*y") == x ** 2 / 2 + y / 1000
    assert function("2.5") == sympy.Rational(5, 2)
    assert read_expression("0.5*2") == 1.0 and isinstance(read_expression("0.5*2"), float)


def test_a_function_of_variables_uses_only_them_and_the_registered_functions():
    assert function("exp(x) + sigmoid(y) + pi") == sympy.exp(x) + \
        read_expression("sigmoid(y)", symbols={"y": y}) + sympy.pi
    for text, words in (("x^2 + z", "unknown name(s): z (you can use: x, y)"),
                        ("g(x)", "unknown function 'g'"),
                        ("x(2)", "unknown function 'x'"),
                        ("g'(x)", "unknown function \"g'\"")):
        with pytest.raises(ExpressionError) as info:
            function(text)
        assert str(info.value) == words


def test_messages_name_what_the_text_is():
    with pytest.raises(ExpressionError, match="^empty function$"):
        function("")
    with pytest.raises(ExpressionError, match="^unexpected end of function$"):
        function("x +")
    with pytest.raises(ExpressionError, match="^unexpected end of answer$"):
        read_expression("x +")


def test_an_answer_error_is_the_readers_error_for_a_student():
    from nnsolve.grade.answer_limits import AnswerError
    from nnsolve.grade.answer_text import parse_text

    assert issubclass(AnswerError, ExpressionError)
    with pytest.raises(AnswerError, match="^division by zero$"):
        parse_text("1/0")
    with pytest.raises(ValueError, match="names must be"):
        parse_text("x", names="variables")


PIECES = ["1", "0", "9", ".", ",", "e", "E", "+", "-", "*", "/", "^", "**", "(", ")", "x", "y",
          "z", "g", "'", "sqrt", "exp", "log", "sigmoid", "pi", "inf", "oo", "I", "_", " ",
          "import", "%", "<", "\x00", "×", "−"]


@settings(max_examples=150)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_any_function_text_is_read_or_refused_with_a_reason(text):
    """Hostile text in a problem file: a function of x and y, or an ExpressionError — never
    another exception, never a name that is not declared."""
    try:
        value = function(text)
    except ExpressionError as error:
        assert str(error)
    else:
        assert isinstance(value, sympy.Expr) and value.free_symbols <= {x, y}
