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

from nnsolve.derivation.optimizers import OPTIMIZERS, Settings
from nnsolve.solvers.base import Given, SolverError

Number = Union[StrictInt, StrictFloat]

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
    """The checked exercise: the optimiser with every option resolved, and what it runs on."""

    settings: Settings
    lr: Any
    params: tuple
    gradients: tuple[tuple, ...] | None
    function: str | None
    variables: tuple[str, ...]
    steps: int


def _finite(value, path: tuple):
    if isinstance(value, float) and not math.isfinite(value):
        raise SolverError("expected a finite number", path)
    return value


def read(given: OptimGiven, momentum_form: str) -> Run:
    from nnsolve.derivation.optimizers import DEFAULT_LR, OPTIONS, OptionError, settings

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
    lr = given.lr if given.lr is not None else DEFAULT_LR[given.optimizer]
    if isinstance(lr, float) and not math.isfinite(lr) or lr <= 0:
        raise SolverError("the learning rate must be a finite number greater than 0", ("lr",))
    options = {name: getattr(given, name) for name in OPTIONS}
    options["betas"] = list(given.betas)
    try:
        chosen = settings(given.optimizer, options, momentum_form=momentum_form)
    except OptionError as exc:
        raise SolverError(str(exc), (exc.field,)) from None
    return Run(chosen, lr, tuple(given.params),
               tuple(tuple(r) for r in given.gradients) if given.gradients is not None else None,
               given.function, variables, steps)
