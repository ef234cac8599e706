"""How the board writes the perceptron: names students answer under, symbols the TA writes.

Quantity names follow nnsolve's iteration scheme, so the grader carries a student's weights of
step k into step k + 1 without knowing this solver: `step3.w` is the weight vector after the
third sample seen, written w_3; the initial weights are step 0's, `step0.w`, written w_0.
Samples and targets keep their index in the training set: x^(2), t^(2).
"""

from __future__ import annotations

import sympy

LEARNING_RATE = "eta"


def sample(i: int) -> str:
    return f"x{i}"


def target(i: int) -> str:
    return f"t{i}"


def epoch_mistakes(e: int) -> str:
    return f"epoch{e}.mistakes"


def sample_symbol(i: int, size: int) -> sympy.MatrixSymbol:
    return sympy.MatrixSymbol(f"x^({i})", size, 1)


def target_symbol(i: int) -> sympy.Symbol:
    return sympy.Symbol(f"t^({i})")


def error_symbol(k: int) -> sympy.Symbol:
    return sympy.Symbol(f"e_{k}")
