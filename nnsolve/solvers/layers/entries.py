"""A layer entry of a stack, and the stack itself: exactly one kind with its options, where a
kind may be a block (`block`, `repeat`, `residual`, `concat` with branches) holding entries of
its own.

Blocks nest, so an entry is a recursive model. A `repeat` is written once and may change
options of its first repetition (`first: {conv1: {stride: 2}}`), the way a ResNet stage
downsamples in its first block only; those changed entries are validated here, so a wrong
override is a spec error on the repeat, not a surprise while solving.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Literal

import pydantic
from pydantic import Field, PlainValidator, PrivateAttr

from nnsolve.solvers.base import MAX_LAYERS, Given, at_most_max_layers
from nnsolve.solvers.layers.options import (AdaptivePoolOptions, AttentionOptions, Conv1dOptions,
                                            JoinOptions, LayerNormOptions, join_inputs, RecurrentOptions,
                                            ReshapeOptions, UpsampleOptions)
from nnsolve.solvers.layers.spec import (ACTIVATIONS, Activation, BatchNormOptions,
                                         ConvOptions, ConvTransposeOptions, DenseOptions,
                                         DropoutOptions, EmbeddingOptions, Flag,
                                         GlobalPoolOptions, InputShape, Options, PlainOptions,
                                         PoolOptions, _describe)

#: kinds whose every option has a default, so the bare name is a whole layer
_BARE = {"flatten", "global_avgpool", "global_maxpool", "dropout", "batchnorm", "maxpool",
         "avgpool", "layernorm", "upsample", *ACTIVATIONS}
_EXAMPLES = {"conv": "{conv: {filters: 32, kernel: 3}}",
             "conv_transpose": "{conv_transpose: {filters: 32, kernel: 2, stride: 2}}",
             "dense": "{dense: {units: 10}}", "embedding": "{embedding: {vocab: 1000, dim: 64}}",
             "conv1d": "{conv1d: {filters: 32, kernel: 3}}", "rnn": "{rnn: {units: 64}}",
             "lstm": "{lstm: {units: 64}}", "gru": "{gru: {units: 64}}",
             "multihead_attention": "{multihead_attention: {heads: 8}}",
             "reshape": "{reshape: {shape: [7, 7, 64]}}",
             "adaptive_avgpool": "{adaptive_avgpool: {size: 6}}",
             "adaptive_maxpool": "{adaptive_maxpool: {size: 6}}",
             "add": "{add: {inputs: [conv2, input]}}",
             "concat": "{concat: {branches: [[...], [...]]}} or {concat: {inputs: [a, b]}}",
             "block": "{block: {name: stem, layers: [...]}}",
             "repeat": "{repeat: {times: 2, layers: [...]}}",
             "residual": "{residual: {layers: [...], shortcut: identity}}"}
#: kinds that hold layers of their own
BLOCKS = ("block", "repeat", "residual", "concat")


class BlockOptions(Options):
    layers: list[LayerEntry] = Field(description="the block's layers, in order")

    @pydantic.field_validator("layers")
    @classmethod
    def _some_layers(cls, layers):
        if not layers:
            raise ValueError("needs at least one layer")
        return layers


class ResidualOptions(BlockOptions):
    shortcut: Literal["identity"] | list[LayerEntry] = Field(
        "identity", description="identity, or the layers of a projection (a 1×1 conv, ...)")
    activation: Activation | None = Field(None, description="applied after the addition")


class ConcatOptions(Options):
    branches: list[list[LayerEntry]] | None = Field(
        None, description="parallel branches on the same input, joined on the channels; [] is "
                          "the input itself (DenseNet)")
    inputs: Annotated[Any, PlainValidator(lambda v: None if v is None else join_inputs(v))] = \
        Field(None, description="or, as a layer: earlier layers' outputs by name")

    @pydantic.model_validator(mode="after")
    def _branches_or_inputs(self):
        if (self.branches is None) == (self.inputs is None):
            raise ValueError("concat takes either branches (parallel branches on its input) or "
                             "inputs (earlier layers by name), and exactly one of them")
        if self.branches is not None and len(self.branches) < 2:
            raise ValueError("branches: needs at least two branches")
        return self


class RepeatOptions(BlockOptions):
    times: Annotated[int, Field(ge=1)] = Field(description="how many copies, one after another")
    first: dict[str, dict] = Field(default_factory=dict, description=(
        "options changed in the first copy only, by layer name (or by kind for the repeated "
        "block itself): {conv1: {stride: 2}, residual: {shortcut: [...]}}"))
    _first_layers: list = PrivateAttr(default_factory=list)

    @pydantic.model_validator(mode="after")
    def _overridden(self):
        unused = set(self.first)
        self._first_layers = [_override(e, self.first, unused, top=len(self.layers) == 1)
                              for e in self.layers]
        if unused:
            raise ValueError(f"first: no layer {sorted(unused)[0]!r} in the repeated layers")
        return self

    def copy_layers(self, k: int) -> list:
        """The layers of copy k (from 1): the first has its overrides."""
        return self._first_layers if k == 1 else self.layers


def _override(entry, overrides: dict, unused: set, top: bool):
    kind, options = entry.kind, entry.options
    key = options.name if options.name in overrides else kind if top and kind in overrides \
        else None
    update: dict[str, Any] = {}
    if key is not None:
        unused.discard(key)
        fields = {f: getattr(options, f) for f in options.model_fields_set}
        try:
            options = type(options).model_validate({**fields, **overrides[key]})
        except pydantic.ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValueError(f"first: {key}: {where + ': ' if where else ''}{first['msg']}") \
                from None
    for field in ("layers", "shortcut"):
        nested = getattr(options, field, None)
        if isinstance(nested, list):
            update[field] = [_override(e, overrides, unused, False) for e in nested]
    if getattr(options, "branches", None):
        update["branches"] = [[_override(e, overrides, unused, False) for e in branch]
                              for branch in options.branches]
    if update:
        options = options.model_copy(update=update)
    return LayerEntry.model_construct(**{kind: options})


class LayerEntry(Given):
    """One layer: exactly one of these kinds, with its options."""

    conv: ConvOptions | None = None
    conv_transpose: ConvTransposeOptions | None = None
    conv1d: Conv1dOptions | None = None
    maxpool: PoolOptions | None = None
    avgpool: PoolOptions | None = None
    global_avgpool: GlobalPoolOptions | None = None
    global_maxpool: GlobalPoolOptions | None = None
    adaptive_avgpool: AdaptivePoolOptions | None = None
    adaptive_maxpool: AdaptivePoolOptions | None = None
    upsample: UpsampleOptions | None = None
    flatten: PlainOptions | None = None
    reshape: ReshapeOptions | None = None
    dense: DenseOptions | None = None
    dropout: DropoutOptions | None = None
    batchnorm: BatchNormOptions | None = None
    layernorm: LayerNormOptions | None = None
    embedding: EmbeddingOptions | None = None
    rnn: RecurrentOptions | None = None
    lstm: RecurrentOptions | None = None
    gru: RecurrentOptions | None = None
    multihead_attention: AttentionOptions | None = None
    add: JoinOptions | None = None
    concat: ConcatOptions | None = None
    block: BlockOptions | None = None
    repeat: RepeatOptions | None = None
    residual: ResidualOptions | None = None
    relu: PlainOptions | None = None
    relu6: PlainOptions | None = None
    leaky_relu: PlainOptions | None = None
    elu: PlainOptions | None = None
    selu: PlainOptions | None = None
    gelu: PlainOptions | None = None
    silu: PlainOptions | None = None
    sigmoid: PlainOptions | None = None
    tanh: PlainOptions | None = None
    softmax: PlainOptions | None = None
    softplus: PlainOptions | None = None

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        """A bare kind name is a layer too (`- flatten`), and a layer has exactly one kind."""
        entry = handler.resolve_ref_schema(handler(core_schema))
        entry["minProperties"] = entry["maxProperties"] = 1
        return {"anyOf": [{"enum": sorted(_BARE)}, entry]}

    @pydantic.model_validator(mode="before")
    @classmethod
    def _one_kind(cls, data: Any) -> Any:
        if isinstance(data, LayerEntry):
            return data
        if isinstance(data, str):
            _known_kind(data)
            if data not in _BARE:
                raise ValueError(f"{data} needs options, e.g. {_EXAMPLES[data]}")
            return {data: {}}
        if not isinstance(data, dict) or len(data) != 1:
            raise ValueError("a layer is a kind name (flatten, relu) or one kind with its "
                             "options, e.g. {conv: {filters: 32, kernel: 3}}; "
                             f"not {_describe(data)}" + (f" with {len(data)} keys"
                                                         if isinstance(data, dict) else ""))
        (kind, options), = data.items()
        _known_kind(kind)
        return {kind: {} if options is None else options}

    @property
    def kind(self) -> str:
        return next(k for k in type(self).model_fields if getattr(self, k, None) is not None)

    @property
    def options(self) -> Options:
        return getattr(self, self.kind)


for _model in (BlockOptions, ResidualOptions, ConcatOptions, RepeatOptions, LayerEntry):
    _model.model_rebuild()


def kinds() -> tuple[str, ...]:
    return tuple(LayerEntry.model_fields)


def _known_kind(kind: Any) -> None:
    if kind in LayerEntry.model_fields:
        return
    close = difflib.get_close_matches(str(kind), kinds(), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise ValueError(f"unknown layer kind {kind!r}{hint}; the kinds are {', '.join(kinds())}")


class LayersGiven(Given):
    input: InputShape = Field(description="[H, W, C] (or [C, H, W] with layout: chw), [T, F] "
                                          "(a sequence of T vectors), or [N]; a size is a whole "
                                          "number or a symbol (W, H_0, d_k, alpha)")
    layout: Literal["hwc", "chw"] | None = Field(
        None, description="order of the image axes (default: the `layout` convention)")
    layers: list[LayerEntry] = Field(description="a kind name (flatten, relu, ...) or "
                                                 "{kind: {options}} per layer")
    receptive_field: Flag = Field(
        False, description="also derive the receptive field and jump of conv and pooling layers")

    _layer_count = pydantic.field_validator("layers", mode="before")(at_most_max_layers)

    @pydantic.field_validator("layers")
    @classmethod
    def _some_layers(cls, layers: list[LayerEntry]) -> list[LayerEntry]:
        if not layers:
            raise ValueError("needs at least one layer")
        count = expanded_count(layers)
        if count > MAX_LAYERS:      # a repeat of a million copies is a few bytes of YAML
            raise ValueError(f"{count:,} layers once blocks are written out; the limit is "
                             f"{MAX_LAYERS:,} layers")
        return layers


def expanded_count(entries: list[LayerEntry]) -> int:
    """How many layers a list of entries is with every block written out."""
    total = 0
    for entry in entries:
        options = entry.options
        nested = sum(expanded_count(getattr(options, f, None) or [])
                     for f in ("layers", "shortcut") if isinstance(getattr(options, f, None), list))
        nested += sum(expanded_count(branch) for branch in getattr(options, "branches", None) or [])
        total += 1 + nested * getattr(options, "times", 1)
        if total > MAX_LAYERS:
            return total
    return total
