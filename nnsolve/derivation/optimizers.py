"""The optimisers courses work by hand, with torch.optim's option names and defaults.

`settings` resolves and checks the options of one optimiser (what a problem leaves out takes
torch's default), for every solver that takes optimiser steps: the `optim` solver on given
gradients or a function, the `mlp` solver on a network's weights. The steps themselves are
`nnsolve.derivation.optimizer_steps`. This module imports no sympy, so a given schema can use
its names at start-up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "adadelta")
#: torch.optim's default learning rates
DEFAULT_LR = {"sgd": 0.001, "momentum": 0.001, "nesterov": 0.001, "adagrad": 0.01,
              "rmsprop": 0.01, "adam": 0.001, "adamw": 0.001, "adadelta": 1.0}
DEFAULT_EPS = {"adagrad": 1e-10, "rmsprop": 1e-8, "adam": 1e-8, "adamw": 1e-8,
               "adadelta": 1e-6}
#: the options, as torch.optim names them, and what they mean
OPTIONS = {
    "momentum": "μ: SGD and RMSprop momentum (0.9 for optimizer momentum and nesterov, else 0)",
    "dampening": "τ: SGD's dampening of the gradient in the momentum buffer (0)",
    "nesterov": "SGD: Nesterov momentum (false)",
    "betas": "Adam's (β1, β2) ([0.9, 0.999])",
    "eps": "ε (1e-10 Adagrad, 1e-8 RMSprop and Adam, 1e-6 Adadelta)",
    "weight_decay": "λ (0; 0.01 for AdamW)",
    "alpha": "RMSprop's smoothing constant α (0.99)",
    "rho": "Adadelta's ρ (0.9)",
    "centered": "RMSprop: divide by the centred variance (false)",
    "amsgrad": "Adam/AdamW: AMSGrad's running maximum of v (false)",
    "lr_decay": "Adagrad's learning-rate decay κ (0)",
    "initial_accumulator_value": "Adagrad's starting sum of squares (0)",
}


class OptionError(ValueError):
    """An option that cannot be used; `field` names it (a solver turns it into its error)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Settings:
    """One optimiser with every option resolved to its value."""

    optimizer: str
    momentum: Any = 0
    dampening: Any = 0
    nesterov: bool = False
    beta1: Any = 0.9
    beta2: Any = 0.999
    eps: Any = 0
    weight_decay: Any = 0
    alpha: Any = 0.99
    rho: Any = 0.9
    centered: bool = False
    amsgrad: bool = False
    lr_decay: Any = 0
    initial_accumulator_value: Any = 0
    #: SGD momentum written as a velocity with the learning rate inside (v ← μv − ηg)
    textbook: bool = False

    @property
    def plain(self) -> bool:
        """Plain gradient descent, θ ← θ − ηg: no state, no decay."""
        return self.optimizer in ("sgd", "momentum", "nesterov") and self.momentum == 0 and \
            self.weight_decay == 0

    @property
    def family(self) -> str:
        """sgd for SGD and its momentum forms, adam for Adam and AdamW, else the name."""
        if self.optimizer in ("momentum", "nesterov"):
            return "sgd"
        return "adam" if self.optimizer == "adamw" else self.optimizer


def _number(options: dict, name: str, default, low=0.0, high=math.inf, *, below=False):
    value = options.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            (isinstance(value, float) and not math.isfinite(value)):
        raise OptionError(f"{name} is a finite number", name)
    if not low <= value <= high or (below and value == high):
        limit = f"below {high}" if below else f"at most {high}"
        raise OptionError(f"{name} is at least {low} and {limit}, not {value}", name)
    return value


def _flag(options: dict, name: str) -> bool:
    value = options.get(name, False)
    if not isinstance(value, bool):
        raise OptionError(f"{name} is true or false", name)
    return value


def settings(optimizer: str, options: dict, *, momentum_form: str = "torch") -> Settings:
    """The optimiser `optimizer` with `options` (torch.optim's names; None or absent: the
    default), checked: an unknown option, or one the optimiser cannot use, is an
    OptionError naming it."""
    if optimizer not in OPTIMIZERS:
        raise OptionError(f"unknown optimizer {optimizer!r}; known: {', '.join(OPTIMIZERS)}",
                          "optimizer")
    options = {k: v for k, v in options.items() if v is not None}
    for name in options:
        if name not in OPTIONS:
            raise OptionError(f"unknown option {name!r}; options: {', '.join(OPTIONS)}", name)
    sgd = optimizer in ("sgd", "momentum", "nesterov")
    momentum = _number(options, "momentum", 0.9 if optimizer in ("momentum", "nesterov") else 0)
    dampening = _number(options, "dampening", 0, high=1)
    nesterov = _flag(options, "nesterov") or optimizer == "nesterov"
    if sgd and nesterov and (momentum == 0 or dampening != 0):
        raise OptionError("Nesterov momentum needs a momentum and zero dampening",
                          "momentum" if momentum == 0 else "dampening")
    if not sgd and options.get("nesterov"):
        raise OptionError("nesterov is an option of SGD", "nesterov")
    textbook = momentum_form == "textbook" and sgd and momentum != 0
    if textbook and dampening != 0:
        raise OptionError("the textbook momentum form has no dampening", "dampening")
    betas = options.get("betas", (0.9, 0.999))
    if not isinstance(betas, (list, tuple)) or len(betas) != 2:
        raise OptionError("betas are two numbers, [β1, β2]", "betas")
    beta1, beta2 = (_number({"betas": b}, "betas", 0, high=1, below=True) for b in betas)
    eps = _number(options, "eps", DEFAULT_EPS.get(optimizer, 0))
    if optimizer == "adadelta" and eps == 0:
        raise OptionError("Adadelta needs ε > 0 (its first step is √ε/√(v + ε)·g)", "eps")
    return Settings(
        optimizer, momentum, dampening, nesterov, beta1, beta2, eps,
        _number(options, "weight_decay", 0.01 if optimizer == "adamw" else 0),
        _number(options, "alpha", 0.99, high=1), _number(options, "rho", 0.9, high=1),
        _flag(options, "centered"), _flag(options, "amsgrad"), _number(options, "lr_decay", 0),
        _number(options, "initial_accumulator_value", 0), textbook)


#: how the board writes each hyperparameter: name → symbol, label, Settings field
HYPERPARAMETERS = {
    "mu": ("μ", "momentum μ", "momentum"),
    "tau": ("τ", "dampening τ", "dampening"),
    "beta1": ("β1", "decay rate β1 of the first moment", "beta1"),
    "beta2": ("β2", "decay rate β2 of the second moment", "beta2"),
    "epsilon": ("ε", "ε, for numerical stability", "eps"),
    "lambda": ("λ", "weight decay λ", "weight_decay"),
    "alpha": ("α", "smoothing constant α", "alpha"),
    "rho": ("ρ", "decay rate ρ", "rho"),
    "kappa": ("κ", "learning-rate decay κ", "lr_decay"),
}


def hyperparameters(s: Settings) -> list[str]:
    """The hyperparameters the steps of `s` use (the learning rate aside), by name."""
    used = {"sgd": ["mu", "tau"], "adagrad": ["epsilon", "kappa"],
            "rmsprop": ["alpha", "epsilon", "mu"], "adam": ["beta1", "beta2", "epsilon"],
            "adadelta": ["rho", "epsilon"]}[s.family] + ["lambda"]
    if s.nesterov:
        used.remove("tau")
    return [n for n in used if not (n in ("mu", "tau", "kappa", "lambda") and
                                    getattr(s, HYPERPARAMETERS[n][2]) == 0)]


def state(s: Settings) -> dict[str, Any]:
    """The running buffers that start at step 0, and their starting value (SGD's torch
    buffer starts at step 1, b_1 = g_1)."""
    names = {"adagrad": ["s"],
             "rmsprop": ["v"] + (["g_avg"] if s.centered else []) + (["b"] if s.momentum else []),
             "adam": ["m", "v"] + (["v_max"] if s.amsgrad else []),
             "adadelta": ["v", "u"]}.get(s.family, ["velocity"] if s.textbook else [])
    return {n: s.initial_accumulator_value if n == "s" else 0 for n in names}
