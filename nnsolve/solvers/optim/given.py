"""What an optimiser exercise gives, read and checked into a `Run`.

Options carry torch.optim's names and defaults, so a problem written from a PyTorch snippet
reads the same (`betas: [0.9, 0.999]`, `weight_decay`, `amsgrad`). The gradients are given
row by row, or come from an objective function of named variables that the derivation
differentiates. This module imports neither sympy nor numpy at module level: `nnsolve
solvers` lists the solver without them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, Union

from pydantic import Field, StrictBool, StrictFloat, StrictInt, StrictStr

from nnsolve.solvers.base import Given, SolverError

Number = Union[StrictInt, StrictFloat]

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "adadelta")
#: torch.optim's default learning rates
DEFAULT_LR = {"sgd": 0.001, "momentum": 0.001, "nesterov": 0.001, "adagrad": 0.01,
              "rmsprop": 0.01, "adam": 0.001, "adamw": 0.001, "adadelta": 1.0}
DEFAULT_EPS = {"adagrad": 1e-10, "rmsprop": 1e-8, "adam": 1e-8, "adamw": 1e-8,
               "adadelta": 1e-6}
MAX_PARAMS = 64
MAX_STEPS = 50
#: parameters × steps: every element of every step is worked out and shown
MAX_WORK = 600


class OptimGiven(Given):
    optimizer: Literal[OPTIMIZERS] = Field(
        description="sgd, momentum (SGD with momentum), nesterov, adagrad, rmsprop, adam, "
                    "adamw or adadelta")
    lr: Number | None = Field(None, description="the learning rate η (torch.optim's default: "
                                                "0.001 for SGD and Adam, 0.01 for Adagrad and "
                                                "RMSprop, 1.0 for Adadelta)")
    params: list[Number] = Field(min_length=1, max_length=MAX_PARAMS,
                                 description="the initial parameter values θ_0")
    gradients: list[list[Number]] | None = Field(
        None, description="the gradient at each step, one row per step (or a function)")
    function: StrictStr | None = Field(
        None, description="an objective of the variables, e.g. \"x^2 + 10*y^2\": its gradient "
                          "is derived and evaluated at each step")
    variables: list[StrictStr] | None = Field(
        None, description="the function's variables, in the order of params")
    steps: StrictInt | None = Field(None, ge=1, le=MAX_STEPS,
                                    description="steps to take (default: one per gradient row)")
    momentum: Number | None = Field(None, ge=0, description="μ: SGD and RMSprop momentum "
                                                            "(0.9 for optimizer momentum and "
                                                            "nesterov, else 0)")
    dampening: Number = Field(0, ge=0, le=1, description="τ: SGD's dampening of the gradient "
                                                         "in the momentum buffer")
    nesterov: StrictBool = Field(False, description="SGD: Nesterov momentum")
    betas: tuple[Number, Number] = Field((0.9, 0.999), description="Adam's (β1, β2)")
    eps: Number | None = Field(None, ge=0, description="ε (1e-10 Adagrad, 1e-8 RMSprop and "
                                                       "Adam, 1e-6 Adadelta)")
    weight_decay: Number | None = Field(None, ge=0, description="λ (0; 0.01 for AdamW)")
    alpha: Number = Field(0.99, ge=0, le=1, description="RMSprop's smoothing constant α")
    rho: Number = Field(0.9, ge=0, le=1, description="Adadelta's ρ")
    centered: StrictBool = Field(False, description="RMSprop: divide by the centred variance")
    amsgrad: StrictBool = Field(False, description="Adam/AdamW: AMSGrad's running maximum of v")
    lr_decay: Number = Field(0, ge=0, description="Adagrad's learning-rate decay")
    initial_accumulator_value: Number = Field(0, ge=0,
                                              description="Adagrad's starting sum of squares")


@dataclass(frozen=True)
class Run:
    """The checked exercise, every option resolved to its value."""

    optimizer: str
    lr: Any
    params: tuple
    gradients: tuple[tuple, ...] | None
    function: str | None
    variables: tuple[str, ...]
    steps: int
    momentum: Any
    dampening: Any
    nesterov: bool
    beta1: Any
    beta2: Any
    eps: Any
    weight_decay: Any
    alpha: Any
    rho: Any
    centered: bool
    amsgrad: bool
    lr_decay: Any
    initial_accumulator_value: Any
    textbook: bool


def _finite(value, path: tuple):
    if isinstance(value, float) and not math.isfinite(value):
        raise SolverError("expected a finite number", path)
    return value


def read(given: OptimGiven, momentum_form: str) -> Run:
    opt = given.optimizer
    size = len(given.params)
    for i, v in enumerate(given.params):
        _finite(v, ("params", i))
    variables: tuple[str, ...] = ()
    if (given.gradients is None) == (given.function is None):
        raise SolverError("give either gradients (one row per step) or a function",
                          ("gradients",))
    if given.gradients is not None:
        if given.variables is not None:
            raise SolverError("variables name the variables of a function", ("variables",))
        for k, row in enumerate(given.gradients):
            if len(row) != size:
                raise SolverError(f"a gradient row needs {size} values, one per parameter",
                                  ("gradients", k))
            for i, v in enumerate(row):
                _finite(v, ("gradients", k, i))
        if not given.gradients:
            raise SolverError("at least one gradient row", ("gradients",))
        if given.steps is not None and given.steps > len(given.gradients):
            raise SolverError(f"{given.steps} steps need {given.steps} gradient rows",
                              ("steps",))
        steps = given.steps or len(given.gradients)
    else:
        if given.variables is None or len(given.variables) != size:
            raise SolverError(f"a function needs its variables, one per parameter ({size})",
                              ("variables",))
        variables = tuple(v.strip() for v in given.variables)
        for i, name in enumerate(variables):
            if not name.isidentifier() or name in variables[:i]:
                raise SolverError(f"{name!r}: a variable is a name, each used once",
                                  ("variables", i))
        if given.steps is None:
            raise SolverError("with a function, say how many steps to take", ("steps",))
        steps = given.steps
    if size * steps > MAX_WORK:
        raise SolverError(f"{size} parameters × {steps} steps is more than the {MAX_WORK} "
                          "element updates worked out here", ("steps",))
    momentum = given.momentum
    if momentum is None:
        momentum = 0.9 if opt in ("momentum", "nesterov") else 0
    nesterov = given.nesterov or opt == "nesterov"
    if opt in ("sgd", "momentum", "nesterov"):
        if nesterov and (momentum == 0 or given.dampening != 0):
            raise SolverError("Nesterov momentum needs a momentum and zero dampening",
                              ("momentum",) if momentum == 0 else ("dampening",))
    elif given.nesterov:
        raise SolverError("nesterov is an option of SGD", ("nesterov",))
    textbook = momentum_form == "textbook" and opt in ("sgd", "momentum", "nesterov") and \
        momentum != 0
    if textbook and given.dampening != 0:
        raise SolverError("the textbook momentum form has no dampening", ("dampening",))
    beta1, beta2 = given.betas
    for b, where in ((beta1, 0), (beta2, 1)):
        if not 0 <= b < 1:
            raise SolverError("a beta is at least 0 and below 1", ("betas", where))
    decay = given.weight_decay
    if decay is None:
        decay = 0.01 if opt == "adamw" else 0
    eps = given.eps if given.eps is not None else DEFAULT_EPS.get(opt, 0)
    if opt in ("adagrad", "adadelta") and eps == 0 and opt == "adadelta":
        raise SolverError("Adadelta needs ε > 0 (its first step is √ε/√(v + ε)·g)", ("eps",))
    lr = given.lr if given.lr is not None else DEFAULT_LR[opt]
    if lr <= 0:
        raise SolverError("the learning rate must be greater than 0", ("lr",))
    for name in ("lr", "momentum", "eps", "weight_decay", "lr_decay", "alpha", "rho"):
        _finite(getattr(given, name), (name,))
    return Run(opt, lr, tuple(given.params),
               tuple(tuple(r) for r in given.gradients) if given.gradients is not None else None,
               given.function, variables, steps, momentum, given.dampening, nesterov, beta1,
               beta2, eps, decay, given.alpha, given.rho, given.centered, given.amsgrad,
               given.lr_decay, given.initial_accumulator_value, textbook)
