"""What a perceptron exercise gives, and the checks that make it solvable.

The pydantic model catches what is malformed (a word where a number belongs, a misspelt
field) with nnsolve's file:line messages for free. What is well-formed but cannot be trained
(three targets for four samples, a target of 2 with 0/1 outputs) is a SolverError whose path
points at the offending field, so the author reads `problem.yaml:12: given.targets[2]: ...`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Mapping, Union

from pydantic import Field, StrictFloat, StrictInt

from nnsolve.solvers.base import Given, SolverError

#: the targets each output convention allows
TARGETS = {"binary": (0, 1), "bipolar": (-1, 1)}

Number = Union[StrictInt, StrictFloat]

#: more steps than this is no exercise a TA works by hand
MAX_STEPS = 400


class PerceptronGiven(Given):
    samples: list[list[Number]] = Field(
        min_length=1, description="one input vector per sample, without the bias input")
    targets: list[Number] = Field(
        description="one target per sample: 0 or 1 (output: binary), −1 or 1 (output: bipolar)")
    weights: list[Number] = Field(
        description="the initial weights; with bias: input, the bias weight w0 comes first")
    bias: Number | None = Field(
        None, description="the initial bias b (bias: separate only; default 0)")
    learning_rate: Number = Field(1, gt=0, description="η in w ← w + η (t − y) x")
    epochs: StrictInt | None = Field(
        None, ge=1, description="passes over the samples (or until: converged)")
    until: Literal["converged"] | None = Field(
        None, description="converged: train until an epoch makes no mistake")
    max_epochs: StrictInt = Field(
        20, ge=1, description="until: converged gives up after this many epochs")


@dataclass(frozen=True)
class Training:
    """The exercise as the derivation needs it: samples with the bias input put in front
    when the bias is an input, and the number of epochs to run at most."""

    samples: tuple[tuple[Any, ...], ...]
    targets: tuple[Any, ...]
    weights: tuple[Any, ...]
    bias: Any | None            # None: the bias is the weight w0 of input x0 = 1
    learning_rate: Any
    epochs: int
    until_converged: bool
    output: str                 # "binary" or "bipolar"

    @property
    def size(self) -> int:
        return len(self.samples[0])


def read(given: PerceptronGiven, conventions: Mapping[str, str]) -> Training:
    bias_is_input = conventions["bias"] == "input"
    width = _sample_width(given.samples)
    _check_targets(given, conventions["output"])
    expected = width + 1 if bias_is_input else width
    if len(given.weights) != expected:
        where = " (the bias weight w0 first, then one per input)" if bias_is_input else ""
        raise SolverError(f"{_count(len(given.weights), 'weight')} for "
                          f"{_count(expected, 'input')}{where}", ("weights",))
    if bias_is_input and given.bias is not None:
        raise SolverError("with bias: input the bias is the first weight, w0; leave out "
                          "`bias` or state the convention bias: separate", ("bias",))
    samples = tuple((1, *x) if bias_is_input else tuple(x) for x in given.samples)
    bias = None if bias_is_input else (0 if given.bias is None else given.bias)
    return Training(samples, tuple(given.targets), tuple(given.weights), bias,
                    given.learning_rate, _epochs(given), given.until is not None,
                    conventions["output"])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _sample_width(samples: list[list]) -> int:
    """The number of inputs, the same for every sample."""
    width = len(samples[0])
    if width == 0:
        raise SolverError("a sample needs at least one input", ("samples", 0))
    for i, x in enumerate(samples):
        if len(x) != width:
            raise SolverError(f"sample {i + 1} has {_count(len(x), 'input')}, sample 1 has "
                              f"{_count(width, 'input')}", ("samples", i))
    return width


def _check_targets(given: PerceptronGiven, output: str) -> None:
    if len(given.targets) != len(given.samples):
        raise SolverError(f"{_count(len(given.targets), 'target')} for "
                          f"{_count(len(given.samples), 'sample')}", ("targets",))
    allowed = TARGETS[output]
    for i, t in enumerate(given.targets):
        if t not in allowed:
            raise SolverError(f"a target is {allowed[0]} or {allowed[1]} with output: {output}, "
                              f"not {t}", ("targets", i))


def _epochs(given: PerceptronGiven) -> int:
    """The epochs to run, at most: a hand-worked exercise stays short."""
    if (given.epochs is None) == (given.until is None):
        raise SolverError("give either epochs (a number) or until: converged",
                          ("epochs",) if given.epochs is not None else ())
    epochs = given.epochs if given.epochs is not None else given.max_epochs
    if epochs * len(given.samples) > MAX_STEPS:
        field = "epochs" if given.epochs is not None else "max_epochs"
        raise SolverError(f"{epochs} epochs of {_count(len(given.samples), 'sample')} is over "
                          f"{MAX_STEPS} steps", (field,) if field in given.model_fields_set
                          else ())
    return epochs
