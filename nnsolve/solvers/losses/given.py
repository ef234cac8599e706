"""What a loss exercise gives, checked: which vectors each loss needs, and their ranges.

One solver covers the losses a course computes by hand; `loss:` says which, and the fields it
reads are named as the board names them (y and t, logits z, p and q, μ and σ, D(x) and
D(G(z))). A field the chosen loss does not read is an error, not silently ignored. This module
imports neither sympy nor numpy at module level.
"""

from __future__ import annotations

import math
from typing import Literal, Union

from pydantic import Field, StrictFloat, StrictInt

from nnsolve.solvers.base import Given, SolverError

Number = Union[StrictInt, StrictFloat]
MAX_LENGTH = 256
#: samples × classes of a cross-entropy batch: every element is worked out and shown
MAX_BATCH_VALUES = 1024
Vector = list[Number]

LOSSES = ("mse", "bce", "cross_entropy", "softmax", "kl", "gaussian_kl", "vae", "gan")
#: the fields each loss reads: required, then optional (one of a "|" pair is required)
FIELDS = {
    "mse": (("prediction", "target"), ()),
    "bce": (("prediction|logits", "target"), ()),
    "cross_entropy": (("logits|probabilities", "target"), ()),
    "softmax": (("logits",), ()),
    "kl": (("p", "q"), ()),
    "gaussian_kl": (("mu", "sigma|log_var"), ()),
    "vae": (("mu", "sigma|log_var"), ("epsilon", "x", "reconstruction",
                                      "reconstruction_loss", "reduction", "beta")),
    "gan": (("real", "fake"), ()),
}


class LossesGiven(Given):
    loss: Literal[LOSSES] = Field(
        description="mse, bce, cross_entropy, softmax, kl (between distributions p, q), "
                    "gaussian_kl (KL(N(μ, σ²) ‖ N(0, 1))), vae, gan")
    prediction: Vector | None = Field(None, max_length=MAX_LENGTH,
                                      description="mse, bce: the outputs y")
    target: Vector | StrictInt | list[Vector] | None = Field(
        None, description="mse, bce: the targets t; cross_entropy: a class index (from 0, as "
                          "PyTorch counts) or a one-hot / probability vector; for a batch, "
                          "one class index or one vector per sample")
    logits: Vector | list[Vector] | None = Field(
        None, max_length=MAX_LENGTH, description="softmax, cross_entropy: the scores z; bce: "
                                                 "logits, y = σ(z); cross_entropy: one row per "
                                                 "sample for a batch (the loss is their mean)")
    probabilities: Vector | list[Vector] | None = Field(
        None, max_length=MAX_LENGTH, description="cross_entropy: predicted probabilities (one "
                                                 "row per sample for a batch)")
    p: Vector | None = Field(None, max_length=MAX_LENGTH, description="kl: the distribution p")
    q: Vector | None = Field(None, max_length=MAX_LENGTH, description="kl: the distribution q")
    mu: Vector | None = Field(None, max_length=MAX_LENGTH, description="the encoder's means μ")
    sigma: Vector | None = Field(None, max_length=MAX_LENGTH,
                                 description="the standard deviations σ (> 0)")
    log_var: Vector | None = Field(None, max_length=MAX_LENGTH,
                                   description="or the log-variances ln σ²")
    epsilon: Vector | None = Field(None, max_length=MAX_LENGTH,
                                   description="vae: the noise ε of z = μ + σ ⊙ ε")
    x: Vector | None = Field(None, max_length=MAX_LENGTH, description="vae: the input x")
    reconstruction: Vector | None = Field(None, max_length=MAX_LENGTH,
                                          description="vae: the decoder's output x̂")
    reconstruction_loss: Literal["bce", "mse"] = Field(
        "bce", description="vae: the reconstruction term, BCE (x̂ in (0, 1)) or squared error")
    reduction: Literal["sum", "mean"] = Field(
        "sum", description="vae: the reconstruction term summed over the elements (as the "
                           "VAE paper and PyTorch's example) or averaged")
    beta: Number = Field(1, ge=0, description="vae: the weight β of the KL term")
    real: Vector | None = Field(None, max_length=MAX_LENGTH,
                                description="gan: the discriminator's outputs D(x) on real "
                                            "samples")
    fake: Vector | None = Field(None, max_length=MAX_LENGTH,
                                description="gan: its outputs D(G(z)) on generated samples")


def check(given: LossesGiven) -> None:
    """Refuse what the loss does not read or cannot work with, naming the field."""
    required, optional = FIELDS[given.loss]
    allowed = {"loss"} | set(optional)
    for need in required:
        names = need.split("|")
        present = [n for n in names if getattr(given, n) is not None]
        if not present:
            raise SolverError(f"loss {given.loss} needs {' or '.join(names)}", (names[0],))
        if len(present) > 1:
            raise SolverError(f"give {' or '.join(names)}, not both", (present[1],))
        allowed.update(names)
    for name in LossesGiven.model_fields:
        if name not in allowed and name in given.model_fields_set:
            raise SolverError(f"loss {given.loss} does not use {name}", (name,))
    for name in LossesGiven.model_fields:
        value = getattr(given, name)
        if isinstance(value, list):
            if not value:
                raise SolverError("needs at least one value", (name,))
            for i, v in enumerate(value):
                for j, x in enumerate(v if isinstance(v, list) else [v]):
                    if isinstance(x, float) and not math.isfinite(x):
                        raise SolverError("expected a finite number",
                                          (name, i, j) if isinstance(v, list) else (name, i))
    if _batch(given):
        _check_batch(given)
        return
    for name in ("logits", "probabilities", "target"):
        value = getattr(given, name)
        if isinstance(value, list) and any(isinstance(v, list) for v in value):
            raise SolverError("one row per sample is a batch of cross_entropy logits or "
                              "probabilities; give a vector", (name,))
    _ranges(given)


def _batch(given: LossesGiven) -> bool:
    rows = given.logits if given.logits is not None else given.probabilities
    return given.loss == "cross_entropy" and isinstance(rows, list) and \
        any(isinstance(r, list) for r in rows)


def _check_batch(given: LossesGiven) -> None:
    """A batch of cross-entropy samples: equal rows, one target per row."""
    name = "logits" if given.logits is not None else "probabilities"
    rows = getattr(given, name)
    if not all(isinstance(r, list) for r in rows):
        raise SolverError("a batch has one row per sample, each a list", (name,))
    size = len(rows[0])
    for n, row in enumerate(rows):
        if len(row) != size or not row:
            raise SolverError(f"every sample needs {size} values, like the first", (name, n))
        if name == "probabilities" and any(not 0 < v < 1 for v in row):
            raise SolverError("a probability strictly between 0 and 1 (its log is taken)",
                              (name, n))
    if len(rows) * size > MAX_BATCH_VALUES:
        raise SolverError(f"{len(rows)} samples × {size} classes is more than the "
                          f"{MAX_BATCH_VALUES} values worked out here", (name,))
    target = given.target
    if not isinstance(target, list) or len(target) != len(rows):
        raise SolverError(f"a batch of {len(rows)} samples needs {len(rows)} targets: a class "
                          "index or a vector each", ("target",))
    for n, t in enumerate(target):
        if isinstance(t, list):
            if len(t) != size or any(not 0 <= v <= 1 for v in t):
                raise SolverError(f"a target distribution of {size} probabilities from 0 to 1",
                                  ("target", n))
        elif not isinstance(t, int) or isinstance(t, bool) or not 0 <= t < size:
            raise SolverError(f"a class index from 0 to {size - 1}", ("target", n))


def _within(given: LossesGiven, name: str, low, high, closed: bool, what: str) -> None:
    for i, v in enumerate(getattr(given, name) or ()):
        inside = low <= v <= high if closed else low < v < high
        if not inside:
            raise SolverError(f"{what}, not {v}", (name, i))


def _same_length(given: LossesGiven, *names: str) -> None:
    present = [n for n in names if isinstance(getattr(given, n), list)]
    for n in present[1:]:
        if len(getattr(given, n)) != len(getattr(given, present[0])):
            raise SolverError(f"{n} needs as many values as {present[0]} "
                              f"({len(getattr(given, present[0]))})", (n,))


def _ranges(given: LossesGiven) -> None:
    loss = given.loss
    probability = "a probability strictly between 0 and 1 (its log is taken)"
    if loss == "bce":
        _within(given, "prediction", 0, 1, False, probability)
        _within(given, "target", 0, 1, True, "a target from 0 to 1")
        _same_length(given, "prediction", "logits", "target")
    if loss == "mse":
        _same_length(given, "prediction", "target")
    if loss == "cross_entropy":
        _within(given, "probabilities", 0, 1, False, probability)
        size = len(given.logits or given.probabilities)
        if isinstance(given.target, int):
            if not 0 <= given.target < size:
                raise SolverError(f"a class index from 0 to {size - 1}", ("target",))
        else:
            _within(given, "target", 0, 1, True, "a target probability from 0 to 1")
            _same_length(given, "logits", "probabilities", "target")
    elif isinstance(given.target, int):
        raise SolverError("a class index is a target of cross_entropy; give a vector",
                          ("target",))
    if loss == "kl":
        _within(given, "p", 0, 1, True, "a probability from 0 to 1")
        _within(given, "q", 0, 1, False, "a probability above 0 (ln q is taken)")
        _same_length(given, "p", "q")
    if loss in ("gaussian_kl", "vae"):
        _within(given, "sigma", 0, math.inf, False, "a standard deviation above 0")
        _within(given, "log_var", -700, 700, True, "a log-variance within ±700")
        _same_length(given, "mu", "sigma", "log_var", "epsilon")
        if (given.x is None) != (given.reconstruction is None):
            raise SolverError("the reconstruction term needs both x and reconstruction",
                              ("x",) if given.x is None else ("reconstruction",))
        _same_length(given, "x", "reconstruction")
        if given.reconstruction_loss == "bce":
            _within(given, "reconstruction", 0, 1, False, probability)
            _within(given, "x", 0, 1, True, "a BCE target from 0 to 1")
    if loss == "gan":
        _within(given, "real", 0, 1, False, probability)
        _within(given, "fake", 0, 1, False, probability)
