"""The `given` of the layers solver: an input shape and a stack of layers, as an instructor
writes them.

A layer is a bare kind name (`flatten`, `relu`) or a one-key mapping `{kind: {options}}`, the
way Keras and PyTorch code reads. Sizes are whole numbers or symbol names (`kernel: F`), so the
same schema serves numeric exercises and the general formulas. A symbol is what a formula
would write: one letter or a Greek letter name, optionally followed by digits or an underscore
subscript (K, F_1, p2, d_k, alpha); any other word (full, SAME, two) is a mistake, never a
symbol. Every wrong value is reported on the field that holds it, with what was expected and,
where a keyword or number is close, a did-you-mean.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import pydantic
from pydantic import Field, PlainValidator, WithJsonSchema

from nnsolve.solvers.base import Given

GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
         "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi",
         "chi", "psi", "omega")
_GREEK = "|".join(g for name in GREEK for g in (name, name.capitalize()))
#: a letter or a Greek letter name, then digits or an underscore subscript: K, F_1, p2, d_k, alpha
SYMBOL_NAME = re.compile(rf"^(?:[A-Za-z]|{_GREEK})(?:[0-9]+|_[A-Za-z0-9]+)?$")
SYMBOL_RULE = ("a symbol is one letter or a Greek letter name, optionally followed by digits "
               "or a _subscript (K, F_1, p2, d_k, alpha)")
LAYER_NAME = r"^[A-Za-z_][A-Za-z0-9_-]*$"
#: words with a meaning of their own, never taken for symbol names
KEYWORDS = frozenset({"same", "valid", "depthwise"})
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}

ACTIVATIONS = ("relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu", "sigmoid", "tanh", "softmax",
               "softplus")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)} value{'' if len(value) == 1 else 's'}"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def is_symbol(value: Any) -> bool:
    return isinstance(value, str) and bool(SYMBOL_NAME.match(value)) and value not in KEYWORDS


def _did_you_mean(word: str, keywords: tuple[str, ...] = ()) -> str:
    """' (did you mean same?)' for a keyword in the wrong case or misspelt, ' (did you mean
    2?)' for a number in words or in quotes; '' when nothing is close."""
    folded = word.strip().casefold()
    close = difflib.get_close_matches(folded, keywords, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]}?)"
    if folded in _NUMBER_WORDS:
        return f" (did you mean {_NUMBER_WORDS[folded]}?)"
    if folded.isdigit():
        return f" (did you mean {int(folded)}, without quotes?)"
    return ""


def _size(value: Any, minimum: int = 1) -> int | str:
    """A whole number ≥ minimum or a symbol; the one check behind every size field."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value >= minimum:
            return value
    elif is_symbol(value):
        return value
    elif isinstance(value, str):
        raise ValueError(f"must be a whole number ≥ {minimum} or a symbol, not {value!r}"
                         f"{_did_you_mean(value)}; {SYMBOL_RULE}")
    raise ValueError(f"must be a whole number ≥ {minimum} or a symbol name (like F), "
                     f"not {_describe(value)}")


@dataclass(frozen=True)
class Pair:
    """A size per spatial axis; `square` when one value was written for both."""

    h: int | str
    w: int | str
    square: bool

    def values(self) -> tuple[int | str, int | str]:
        return (self.h, self.w)


def _pair(value: Any, minimum: int = 1) -> Pair:
    if isinstance(value, Pair):
        return value
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError(f"must be one size or two [height, width], not {len(value)} values")
        return Pair(_size(value[0], minimum), _size(value[1], minimum), False)
    one = _size(value, minimum)
    return Pair(one, one, True)


@dataclass(frozen=True)
class Padding:
    """Explicit padding per axis, or a framework's `same`/`valid` rule."""

    mode: Literal["explicit", "same", "valid"]
    pair: Pair


ZERO = Pair(0, 0, True)


_PADDING_WORDS = {"full": " (for full padding write its size: the kernel size − 1)"}


def _padding(value: Any) -> Padding:
    if isinstance(value, Padding):
        return value
    if value in ("same", "valid"):
        return Padding(value, ZERO)
    if isinstance(value, str) and not is_symbol(value):
        hint = _PADDING_WORDS.get(value.casefold()) or _did_you_mean(value, ("same", "valid"))
        raise ValueError(f"{value!r} is not a padding{hint}: it takes a whole number ≥ 0, "
                         f"[height, width], same, valid or a symbol; {SYMBOL_RULE}")
    if isinstance(value, (list, tuple)):
        return Padding("explicit", _pair(value, minimum=0))   # its own message names the element
    try:
        return Padding("explicit", _pair(value, minimum=0))
    except ValueError:
        raise ValueError("must be a whole number ≥ 0, a symbol, [height, width], "
                         f"same or valid, not {_describe(value)}") from None


def _explicit_padding(value: Any) -> Pair:
    if isinstance(value, str) and value.casefold() in ("same", "valid"):
        raise ValueError(f"a transposed convolution takes a number for padding, not {value}")
    return _pair(value, minimum=0)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"must be true or false, not {_describe(value)}")


def _groups(value: Any) -> int | str:
    if value == "depthwise":
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    hint = _did_you_mean(value, ("depthwise",)) if isinstance(value, str) else ""
    raise ValueError(f"must be a whole number ≥ 1 or depthwise, not {_describe(value)}{hint}")


_INPUT_FORMS = ("it takes 3, [height, width, channels] (an image; [C, H, W] with layout: chw), "
                "2, [steps, features] (a sequence), or 1, [size] (a vector)")


def _input(value: Any) -> tuple[int | str, ...]:
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"must be a list: [height, width, channels] (an image; [C, H, W] with "
                         f"layout: chw), [steps, features] (a sequence) or [size] (a vector), "
                         f"not {_describe(value)}")
    if len(value) not in (1, 2, 3):
        hint = ""
        if len(value) == 4:
            hint = "; leave out the batch size"
        count = "no elements" if not value else \
            f"{len(value)} element{'' if len(value) == 1 else 's'}"
        raise ValueError(f"has {count}; {_INPUT_FORMS}{hint}")
    return tuple(_size(v) for v in value)


def _layer_name(value: Any) -> str | None:
    if value is None or isinstance(value, str) and re.match(LAYER_NAME, value):
        return value
    hint = ""
    if isinstance(value, str):
        fixed = re.sub(r"[^A-Za-z0-9_-]+", "_", value.strip())
        if fixed and not re.match(LAYER_NAME, fixed):
            fixed = "_" + fixed
        if fixed and fixed != value:
            hint = f" (did you mean {fixed}?)"
    raise ValueError("a layer name is letters, digits, _ and -, starting with a letter or _ "
                     f"(like conv1 or block_2a), not {_describe(value)}{hint}")


_SIZE_SCHEMA = {"anyOf": [{"type": "integer", "minimum": 1},
                          {"type": "string", "pattern": SYMBOL_NAME.pattern,
                           "description": "symbol: " + SYMBOL_RULE.split(" is ", 1)[1]}]}
_PAIR_SCHEMA = {"anyOf": [_SIZE_SCHEMA, {"type": "array", "items": _SIZE_SCHEMA}]}

Size = Annotated[Any, PlainValidator(_size), WithJsonSchema(_SIZE_SCHEMA)]
Size2 = Annotated[Any, PlainValidator(_pair), WithJsonSchema(_PAIR_SCHEMA)]
_STEPS_SCHEMA = {"anyOf": [{"type": "integer", "minimum": 0}, _SIZE_SCHEMA["anyOf"][1]]}
PaddingSpec = Annotated[Any, PlainValidator(_padding), WithJsonSchema(
    {"anyOf": [_STEPS_SCHEMA, {"type": "array", "items": _STEPS_SCHEMA},
               {"enum": ["same", "valid"]}]})]
ExplicitPadding = Annotated[Any, PlainValidator(_explicit_padding), WithJsonSchema(
    {"anyOf": [_STEPS_SCHEMA, {"type": "array", "items": _STEPS_SCHEMA}]})]
Groups = Annotated[Any, PlainValidator(_groups), WithJsonSchema(
    {"anyOf": [{"type": "integer", "minimum": 1}, {"enum": ["depthwise"]}]})]
InputShape = Annotated[Any, PlainValidator(_input), WithJsonSchema(
    {"type": "array", "items": _SIZE_SCHEMA, "description": "[H, W, C] or [N]"})]
Flag = Annotated[Any, PlainValidator(_flag), WithJsonSchema({"type": "boolean"})]
Activation = Literal[ACTIVATIONS]  # type: ignore[valid-type]


class Options(Given):
    """Options every layer takes: a name that prefixes its quantities."""

    model_config = pydantic.ConfigDict(validate_default=True)

    name: Annotated[Any, PlainValidator(_layer_name), WithJsonSchema(
        {"anyOf": [{"type": "string", "pattern": LAYER_NAME}, {"type": "null"}]})] = Field(
        None, description="prefix of this layer's quantities: letters, digits, _ and - "
                          "(default: layer1, layer2, ...)")


class ConvOptions(Options):
    filters: Size | None = Field(None, description="output channels (default for depthwise: "
                                                   "the input channels)")
    kernel: Size2
    stride: Size2 = 1
    padding: PaddingSpec = 0
    dilation: Size2 = 1
    groups: Groups = 1
    bias: Flag = True
    activation: Activation | None = None
    connections: list[Annotated[int, Field(ge=1)]] | None = Field(
        None, description="input channels each filter sees, one number per filter (a sparse "
                          "connection table, as LeNet-5's C3)")

    @pydantic.model_validator(mode="after")
    def _filters_unless_depthwise(self):
        if self.filters is None and self.groups != "depthwise":
            raise ValueError("missing required field 'filters'")
        if self.connections is not None and (self.groups != 1 or not isinstance(self.filters, int)
                                             or len(self.connections) != self.filters):
            raise ValueError("connections: one number per filter (filters a whole number, "
                             "without groups)")
        return self


class ConvTransposeOptions(Options):
    filters: Size
    kernel: Size2
    stride: Size2 = 1
    padding: ExplicitPadding = 0
    output_padding: Annotated[Any, PlainValidator(lambda v: _pair(v, minimum=0)),
                              WithJsonSchema(_PAIR_SCHEMA)] = 0
    dilation: Size2 = 1
    groups: Groups = 1
    bias: Flag = True
    activation: Activation | None = None


class PoolOptions(Options):
    size: Size2 = 2
    stride: Size2 | None = Field(None, description="default: the window size")
    padding: PaddingSpec = 0
    ceil_mode: Flag | None = Field(None, description="default: the `pooling` convention")
    trainable: Flag = Field(False, description="a learned coefficient and bias per channel "
                                               "(LeNet-5's subsampling layers)")


class GlobalPoolOptions(Options):
    keepdims: Flag = Field(False, description="keep a 1×1×C volume instead of a vector")


class PlainOptions(Options):
    """A layer with nothing to set (flatten, activations)."""


class DenseOptions(Options):
    units: Size
    bias: Flag = True
    activation: Activation | None = None


class DropoutOptions(Options):
    rate: Annotated[float, Field(ge=0, lt=1)] = 0.5


class BatchNormOptions(Options):
    affine: Flag = Field(True, description="a learned scale and shift per channel")


class EmbeddingOptions(Options):
    vocab: Size = Field(description="number of distinct tokens")
    dim: Size = Field(description="length of each token's vector")
