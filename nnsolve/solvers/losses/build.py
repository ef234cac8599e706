"""The derivation of a loss exercise: the builder the given's `loss` names."""

from __future__ import annotations

from nnsolve.derivation.core import Derivation
from nnsolve.solvers.losses import classification, generative, regression
from nnsolve.solvers.losses.board import Board
from nnsolve.solvers.losses.given import LossesGiven, check
from nnsolve.solvers.losses.logs import base

BUILDERS = {"mse": regression.mse, "bce": regression.bce,
            "softmax": classification.run_softmax, "cross_entropy": classification.cross_entropy,
            "kl": classification.kl, "gaussian_kl": generative.gaussian_kl,
            "vae": generative.vae, "gan": generative.gan}


def build(given: LossesGiven, conventions) -> Derivation:
    check(given)
    board = Board(base(conventions["log"]), conventions["mse"])
    board.d.principal = BUILDERS[given.loss](board, given)
    if given.loss != "mse":
        board.d.notes.append(f"Logarithms in base {board.base.name} ({board.base.unit}).")
    return board.d
