"""Options of the layers that whole architectures add to the plain stacks of spec.py: sequences
(recurrent, attention, 1-D convolution, layer norm), resizing (upsample, reshape, adaptive
pooling) and the layers that join named outputs (add, concat).

They are validated like the others: a size is a whole number or a symbol, every wrong value is
reported on the field that holds it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, WithJsonSchema

from nnsolve.solvers.layers.spec import (LAYER_NAME, Activation, Flag, Groups, Options,
                                         PaddingSpec, Size, Size2, _describe, _size)


class RecurrentOptions(Options):
    units: Size = Field(description="size of the hidden state")
    bias: Flag = True
    biases: Literal[1, 2] | None = Field(
        None, description="bias vectors per gate: 1 (Keras' SimpleRNN and LSTM) or 2 (PyTorch, "
                          "Keras' GRU with reset_after); default: the `recurrent_bias` convention")
    bidirectional: Flag = False
    num_layers: Annotated[int, Field(ge=1)] = Field(1, description="stacked layers")
    return_sequences: Flag = Field(False, description="every step's output (T×units), or the "
                                                      "last state only")


class AttentionOptions(Options):
    heads: Size = Field(description="attention heads; they split the embedding, not add to it")
    embed: Size | None = Field(None, description="embedding dimension (default: the input's "
                                                 "features)")
    kdim: Size | None = Field(None, description="features of the keys (default: embed)")
    vdim: Size | None = Field(None, description="features of the values (default: embed)")
    bias: Flag = True


class Conv1dOptions(Options):
    """A convolution along the steps of a sequence, over all its features (PyTorch's Conv1d,
    Keras' Conv1D)."""

    filters: Size = Field(description="output features per step")
    kernel: Size = Field(description="steps one filter spans")
    stride: Size = 1
    padding: PaddingSpec = Field(0, description="steps added at each end, same or valid")
    dilation: Size = 1
    groups: Groups = 1
    bias: Flag = True
    activation: Activation | None = None


class LayerNormOptions(Options):
    affine: Flag = Field(True, description="a learned scale and shift per feature")


class UpsampleOptions(Options):
    factor: Size2 = 2


class AdaptivePoolOptions(Options):
    size: Size2 = Field(description="output height and width")


def _target(value: Any) -> tuple:
    if not isinstance(value, (list, tuple)) or len(value) not in (1, 2, 3):
        raise ValueError("must be a list of 1, 2 or 3 sizes ([N], [T, F], or an image in the "
                         f"layout's order), not {_describe(value)}")
    if sum(1 for v in value if v == -1) > 1:
        raise ValueError("at most one size may be -1 (the one worked out from the others)")
    return tuple(-1 if v == -1 else _size(v) for v in value)


class ReshapeOptions(Options):
    shape: Annotated[Any, PlainValidator(_target), WithJsonSchema(
        {"type": "array", "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]}})] = \
        Field(description="the new shape; one size may be -1")


def join_inputs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        raise ValueError("must list at least two earlier layers by name (or input), not "
                         f"{_describe(value)}")
    for v in value:
        if not isinstance(v, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_.-]*$", v):
            raise ValueError(f"{_describe(v)} is not a layer name")
    return tuple(value)


class JoinOptions(Options):
    inputs: Annotated[Any, PlainValidator(join_inputs), WithJsonSchema(
        {"type": "array", "items": {"type": "string", "pattern": LAYER_NAME}})] = Field(
        description="the earlier layers (by name, or input) whose outputs are joined")

