"""The given schemas of the recurrent solvers: what a problem may state, with the words
`nnsolve schema rnn` prints.

Three cells share a sequence (vectors, or a sentence read through a vocabulary), a starting
state and an output layer; each adds its own weights. Checks that need more than one field
(shapes that must agree) are in `reading.py`, as SolverErrors naming the field.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, StrictFloat, StrictInt, StrictStr

from nnsolve.solvers.base import Given

#: a number of a weight matrix or vector: whole or decimal, never NaN or infinite
Number = Union[StrictInt, Annotated[StrictFloat, Field(allow_inf_nan=False)]]
Vector = list[Number]
Matrix = list[list[Number]]

#: bounds that keep one part a board exercise: steps, and elements of any one vector
MAX_STEPS = 100
MAX_SIZE = 64


def _vector(description: str):
    return Field(None, max_length=MAX_SIZE, description=description)


def _matrix(description: str):
    return Field(None, max_length=4 * MAX_SIZE, description=description)


class SequenceGiven(Given):
    """What every recurrent cell reads: the sequence, the starting state and the output layer."""

    inputs: list[Vector] | None = Field(
        None, max_length=MAX_STEPS,
        description="the input vectors x1, x2, …, xT, one row per time step")
    sentence: StrictStr | None = Field(
        None, max_length=2000,
        description="a sentence instead of `inputs`: split at white space into words, each "
                    "read through `vocabulary` (case: the `case` convention)")
    vocabulary: dict[str, Vector] | None = Field(
        None, max_length=1000, description="word → word vector, for `sentence`")
    unknown: StrictStr = Field(
        "<UNK>", description="the vocabulary's word for every word it does not hold")
    steps: StrictInt | None = Field(
        None, ge=1, le=MAX_STEPS,
        description="a decoder without inputs: the number of steps to run from h0")
    h0: Vector | None = _vector("the starting state h0 (default: zeros)")
    W_hy: Matrix | None = _matrix(
        "the output layer, one row per class: logits W_hy h + b_y (leave out for no output)")
    W_yh: Matrix | None = _matrix("the output layer under the name some courses give it "
                                  "(the same rows: one per class or output word)")
    b_y: Vector | None = Field(None, max_length=4 * MAX_SIZE,
                               description="the output bias (default: zeros)")
    classes: list[StrictStr] | None = Field(
        None, max_length=4 * MAX_SIZE,
        description="the names of the classes (or output words), in the rows' order")
    pooling: Literal["last", "mean", "max", "each"] | None = Field(
        None, description="what the output layer reads: the last state (default with inputs), "
                          "the mean or the element-wise max of h1…hT, or each state in turn "
                          "(default for a decoder: an output word per step)")
    softmax: bool = Field(True, description="turn the logits into probabilities")


class RnnGiven(SequenceGiven):
    W_xh: Matrix | None = _matrix("input weights, hidden × input: h_t = g(W_xh x_t + W_hh "
                                  "h_{t−1} + b_h)")
    W_hh: Matrix | None = _matrix("recurrent weights, hidden × hidden")
    b_h: Vector | None = _vector("the hidden bias (default: zeros)")
    W: Matrix | None = _matrix("the concatenated form instead: h_t = g(W [x_t; h_{t−1}] + b), "
                               "W = [W_xh W_hh], hidden × (input + hidden)")
    b: Vector | None = _vector("the bias of the concatenated form (default: none)")
    activation: Literal["tanh", "relu", "sigmoid", "linear"] = Field(
        "tanh", description="g in h_t = g(…)")


class LstmGiven(SequenceGiven):
    weight_ih: Matrix | None = _matrix(
        "PyTorch's layout: the input weights of the gates i, f, g, o stacked, 4H × input")
    weight_hh: Matrix | None = _matrix("PyTorch's layout: the recurrent weights, 4H × H")
    bias_ih: Vector | None = Field(None, max_length=4 * MAX_SIZE,
                                   description="PyTorch's layout: input-side biases, 4H")
    bias_hh: Vector | None = Field(None, max_length=4 * MAX_SIZE,
                                   description="PyTorch's layout: hidden-side biases, 4H")
    W_i: Matrix | None = _matrix("per gate, as slides write it: input gate σ(W_i x + U_i h + b_i)")
    U_i: Matrix | None = _matrix("input gate, recurrent weights")
    b_i: Vector | None = _vector("input gate bias")
    W_f: Matrix | None = _matrix("forget gate σ(W_f x + U_f h + b_f)")
    U_f: Matrix | None = _matrix("forget gate, recurrent weights")
    b_f: Vector | None = _vector("forget gate bias")
    W_c: Matrix | None = _matrix("candidate cell tanh(W_c x + U_c h + b_c) (g in PyTorch)")
    U_c: Matrix | None = _matrix("candidate, recurrent weights")
    b_c: Vector | None = _vector("candidate bias")
    W_o: Matrix | None = _matrix("output gate σ(W_o x + U_o h + b_o)")
    U_o: Matrix | None = _matrix("output gate, recurrent weights")
    b_o: Vector | None = _vector("output gate bias")
    c0: Vector | None = _vector("the starting cell state c0 (default: zeros)")


class GruGiven(SequenceGiven):
    weight_ih: Matrix | None = _matrix(
        "PyTorch's layout: the input weights of r, z, n stacked, 3H × input")
    weight_hh: Matrix | None = _matrix("PyTorch's layout: the recurrent weights, 3H × H")
    bias_ih: Vector | None = Field(None, max_length=4 * MAX_SIZE,
                                   description="PyTorch's layout: input-side biases, 3H")
    bias_hh: Vector | None = Field(None, max_length=4 * MAX_SIZE,
                                   description="PyTorch's layout: hidden-side biases, 3H")
    W_r: Matrix | None = _matrix("per gate, as slides write it: reset gate σ(W_r x + U_r h + b_r)")
    U_r: Matrix | None = _matrix("reset gate, recurrent weights")
    b_r: Vector | None = _vector("reset gate bias")
    W_z: Matrix | None = _matrix("update gate σ(W_z x + U_z h + b_z)")
    U_z: Matrix | None = _matrix("update gate, recurrent weights")
    b_z: Vector | None = _vector("update gate bias")
    W_n: Matrix | None = _matrix("candidate tanh(W_n x + b_n + r ⊙ (U_n h)) (the `reset` "
                                 "convention says where r goes)")
    U_n: Matrix | None = _matrix("candidate, recurrent weights")
    b_n: Vector | None = _vector("candidate bias")
