"""The given of the `mlp` solver: what a problem file writes under `given:`, validated.

Kept apart from the network it is read into (network.py, with sympy), so that the solver's
declaration and its schema load without the mathematics.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, StrictBool, StrictFloat, StrictInt, StrictStr, field_validator

from nnsolve.derivation.optimizers import OPTIMIZERS, OPTIONS
from nnsolve.solvers.base import Given, at_most_max_layers

#: the losses, each with its formula as the course writes it
LOSSES = {
    "squared_error": "E = Σ_k (t_k − y_k)², summed over the outputs",
    "half_squared_error": "E = ½ Σ_k (t_k − y_k)², summed over the outputs",
    "mse": "E = (1/K) Σ_k (t_k − y_k)², the mean over the K outputs",
    "bce": "E = −Σ_k [t_k ln y_k + (1 − t_k) ln(1 − y_k)] (binary cross-entropy, sigmoid outputs)",
    "cross_entropy": "E = −Σ_k t_k ln y_k (cross-entropy, softmax outputs)",
}

Scalar = Annotated[Union[StrictInt, StrictFloat, StrictStr],
                   Field(description="a number, or a symbol name such as w13 or eps")]
Name = Union[StrictInt, StrictStr]

#: above this many weights (biases included) a network is worked layer by layer
NEURON_VIEW_LIMIT = 200
#: the neuron-by-neuron view is refused beyond this, even when asked for
NEURON_VIEW_MAX = 2000
MAX_WEIGHTS = 1_000_000
MAX_VALUES = 10_000_000


class LayerGiven(Given):
    weights: list[list[Scalar]] = Field(
        description="one row per neuron of the layer, one column per input of the layer")
    bias: list[Scalar] | None = Field(
        None, description="the bias weights w0j, one per neuron (bias input x0 = 1); "
                          "leave out for a layer without bias")
    activation: StrictStr = Field(
        "sigmoid", description="sigmoid, tanh, relu, leaky_relu, linear, softmax, or g for an "
                               "unspecified activation (symbolic exercises)")
    neurons: list[Name] | None = Field(
        None, description="names of the neurons (default: numbered on after the inputs)")
    slope: StrictInt | StrictFloat = Field(0.01, description="leaky_relu: the slope for a ≤ 0")


class MlpGiven(Given):
    input: list[Scalar] | list[list[Scalar]] = Field(
        description="the input x, or a list of samples (one row each) for a mini-batch")
    target: Scalar | list[Scalar] | list[list[Scalar]] = Field(
        description="the target t (one per output neuron), or one row per sample")
    layers: list[LayerGiven] = Field(min_length=1, description="from the first hidden layer "
                                                                "to the output layer")
    inputs: list[Name] | None = Field(
        None, description="names of the inputs (default 1, 2, ...); the bias input is 0")
    loss: Literal["squared_error", "half_squared_error", "mse", "bce", "cross_entropy"] = Field(
        "squared_error", description="; ".join(f"{k}: {v}" for k, v in LOSSES.items()))
    learning_rate: Scalar = Field(1, description="ε in Δw = −ε ∂E/∂w (> 0)")
    update_biases: StrictBool = Field(
        True, description="false: the bias weights stay as given, only the other weights are "
                          "updated (as in Mazur's worked example)")
    optimizer: Literal[OPTIMIZERS] = Field(
        "sgd", description="the optimiser of each step: sgd (plain gradient descent, "
                           "Δw = −ε ∂E/∂w), momentum, nesterov, adagrad, rmsprop, adam, adamw, "
                           "adadelta; worked neuron by neuron, with torch.optim's formulas")
    optimizer_options: dict[StrictStr, Union[StrictBool, StrictInt, StrictFloat,
                                             list[Union[StrictInt, StrictFloat]]]] = Field(
        {}, description="the optimiser's options with torch.optim's names: "
                        + "; ".join(f"{k}: {v}" for k, v in OPTIONS.items()))
    steps: StrictInt = Field(1, ge=1, le=100,
                             description="gradient-descent steps; after the last one, a forward "
                                         "pass with the new weights")
    detail: Literal["auto", "neurons", "layers"] = Field(
        "auto", description="neurons: every a_j, y_j, δ_j, Δw_ij by name; layers: vectors and "
                            f"matrices per layer; auto: neurons up to {NEURON_VIEW_LIMIT} weights "
                            "for one sample, layers otherwise")

    _layer_count = field_validator("layers", mode="before")(at_most_max_layers)
