"""The given of the `mlp` solver, read and checked into a `Network`, and the naming both views
share (`Step`, `derivative_slips`, `overflow_error`).

The views (neurons.py, layers.py) import this module and the solver imports the views; keeping
the shared pieces out of the solver's module is what keeps those imports from going in a circle.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal, Union

import sympy
from pydantic import Field, StrictBool, StrictFloat, StrictInt, StrictStr, field_validator

from nnsolve.derivation.names import canonical_name
from nnsolve.derivation.optimizers import OPTIMIZERS, OPTIONS, OptionError, Settings, settings
from nnsolve.solvers.base import Given, SolverError, at_most_max_layers
from nnsolve.solvers.mlp.activations import (ACTIVATIONS, GENERIC, LOSSES, PAIRED_ACTIVATION,
                                             Activation, Loss, activation, loss)

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


# -- the checked network -------------------------------------------------------------------

@dataclass(frozen=True)
class Layer:
    weights: tuple[tuple[Any, ...], ...]    # one row per neuron
    bias: tuple[Any, ...] | None
    activation: Activation
    neurons: tuple[str, ...]
    sources: tuple[str, ...]                # the names of the layer's inputs

    @property
    def weight_count(self) -> int:
        rows = len(self.weights)
        return rows * len(self.sources) + (rows if self.bias is not None else 0)


@dataclass(frozen=True)
class Network:
    inputs: tuple[str, ...]
    samples: tuple[tuple[Any, ...], ...]    # one row per sample
    targets: tuple[tuple[Any, ...], ...]
    batch: bool
    layers: tuple[Layer, ...]
    loss: Loss
    learning_rate: Any
    steps: int
    symbolic: bool
    #: False: the bias weights are left as given by every update
    update_biases: bool = True
    #: the optimiser of each step; None: plain gradient descent, Δw = −ε ∂E/∂w
    optimizer: Settings | None = None

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.layers[-1].neurons

    @property
    def weight_count(self) -> int:
        return sum(layer.weight_count for layer in self.layers)

    @property
    def weight_separator(self) -> str:
        """What goes between i and j in the weight name w<i><j>: nothing while every input and
        neuron name is one character (w35), else _ (w3_12)."""
        names = self.inputs + tuple(n for layer in self.layers for n in layer.neurons)
        return "" if all(len(n) == 1 for n in names) else "_"

    def updated_sources(self, layer: Layer) -> tuple[str, ...]:
        """The inputs of `layer` whose weights an update changes: the bias input 0 too,
        unless the biases are fixed."""
        return layer.sources + (("0",) if layer.bias is not None and self.update_biases else ())

    @property
    def has_bias(self) -> bool:
        return any(layer.bias is not None for layer in self.layers)

    def activation_notes(self) -> list[str]:
        """Each activation used, once, with its derivative written out; and fixed biases."""
        used = {layer.activation.name: layer.activation for layer in self.layers}
        notes = [f"Activation {name}: {g.rule_text}." for name, g in used.items()]
        if self.has_bias and not self.update_biases:
            notes.append("The bias weights are fixed: the updates leave them as given.")
        return notes

    def update_table_title(self, k: int) -> str:
        return "Weight update" + ("" if self.steps == 1 else f", step {k}")


def overflow_error(name: str) -> SolverError:
    """The error for quantity `name` once its value has outgrown floating point (±1.8e308):
    gradient descent diverging, or givens too large to work with."""
    if name.startswith(("pass", "step")):
        return SolverError(f"{name} overflows floating point: gradient descent diverges; a "
                           "smaller learning rate or fewer steps keeps the numbers finite",
                           ("learning_rate",))
    return SolverError(f"{name} overflows floating point: the numbers are too large to work "
                       "with", ())


#: the derivative students confuse an activation's derivative with
CONFUSED_WITH = {"sigmoid": "tanh", "tanh": "sigmoid"}


def derivative_slips(g: Activation, with_derivative, one, derivative_of) -> list[tuple]:
    """The misconceptions of a δ worked with activation g, in both views: g'(a) left out, or
    the derivative of the activation g is confused with used instead. `with_derivative(d)` is
    the wrong δ with d in place of g'(a); `one` is the view's 1 (a number, or a function of a
    and y), `derivative_of(other)` the view's form of another activation's derivative."""
    wrong = []
    if g.name != "linear":
        wrong.append(("no-activation-derivative",
                      "the derivative of the activation, g'(a), is missing from δ",
                      with_derivative(one)))
    other_name = CONFUSED_WITH.get(g.name)
    if other_name is not None:
        other = activation(other_name)
        wrong.append(("wrong-activation-derivative",
                      f"used the derivative of {other.name} ({other.rule_text}) instead of "
                      f"the derivative of {g.name} ({g.rule_text})",
                      with_derivative(derivative_of(other))))
    return wrong
_ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
             8: "eighth", 9: "ninth", 10: "tenth"}


def _step_mark(template: str, doc: str) -> property:
    """A mark of step k's names: nothing on step 1, `template` with k filled in on later steps."""
    return property(lambda self: self._later(template.format(k=self.k)), doc=doc)


@dataclass(frozen=True)
class Step:
    """How the quantities of gradient step k are named: step 1 as the exercise writes them
    (a3, δ5, Δw35), later steps marked (pass2.a3 shown as a3^(2)) under headings of their own."""

    k: int

    prefix = _step_mark("pass{k}.", "Of forward-pass values computed with the weights of step k.")
    step = _step_mark("step{k}.", "Of deltas and weight changes of step k.")
    mark = _step_mark("^({k})", "Of a symbol shown on the board: a3^(2).")
    suffix = _step_mark(" (step {k})", "Of a quantity's label.")

    def _later(self, text: str) -> str:
        return "" if self.k == 1 else text

    def group(self, title: str) -> str:
        return title + self._later(f", step {self.k}")

    @property
    def forward(self) -> str:
        return "forward pass" if self.k == 1 else \
            f"{_ORDINALS.get(self.k, f'{self.k}th')} forward pass"

    @property
    def forward_suffix(self) -> str:
        return self._later(f" ({self.forward})")


def read_network(given: MlpGiven) -> tuple[Network, str]:
    """The network a given describes, checked; and the view to work it in."""
    batch = bool(given.input) and isinstance(given.input[0], list)
    rows = given.input if batch else [given.input]
    if not rows or not rows[0]:
        raise SolverError("the input needs at least one value", ("input",))
    width = len(rows[0])
    for n, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != width:
            raise SolverError(f"every sample needs {width} inputs, like the first", ("input", n))
    samples = tuple(tuple(_scalar(v, ("input", n, i) if batch else ("input", i))
                          for i, v in enumerate(row)) for n, row in enumerate(rows))
    names = _input_names(given, width)
    layers = _layers(given, names)
    outputs = layers[-1].neurons
    targets = _targets(given, batch, len(samples), outputs)
    rate = _scalar(given.learning_rate, ("learning_rate",))
    if not (isinstance(rate, sympy.Basic) and rate.free_symbols) and not rate > 0:
        raise SolverError("the learning rate must be greater than 0", ("learning_rate",))
    network = Network(names, samples, targets, batch, layers, loss(given.loss), rate,
                      given.steps, symbolic=False, update_biases=given.update_biases,
                      optimizer=_optimizer(given))
    _check_loss(network)
    network = replace(network, symbolic=_is_symbolic(network))
    view = _view(given, network)
    if network.optimizer is not None and (view != "neurons" or network.symbolic):
        raise SolverError("an optimiser other than plain gradient descent is worked neuron by "
                          "neuron, with numbers: one sample, detail: neurons or auto",
                          ("optimizer",))
    if view == "neurons":
        _check_weight_names(given, network)
    return network, view


def _optimizer(given: MlpGiven) -> Settings | None:
    """The optimiser of the steps; None for plain gradient descent (the rule as ever)."""
    try:
        chosen = settings(given.optimizer, dict(given.optimizer_options))
    except OptionError as exc:
        where = ("optimizer",) if exc.field == "optimizer" else ("optimizer_options", exc.field)
        raise SolverError(str(exc), where) from None
    return None if chosen.plain else chosen


def _check_weight_names(given: MlpGiven, network: Network) -> None:
    """Two weights whose names read the same once written as symbols (w1_23 and w12_3 are
    both w123, as a student's answer spells them) would be taken for one another."""
    sep, seen = network.weight_separator, {}
    for index, layer in enumerate(network.layers):
        for j in layer.neurons:
            for i in layer.sources + (("0",) if layer.bias is not None else ()):
                name = f"w{i}{sep}{j}"
                written = canonical_name(name)
                if written in seen:
                    if given.layers[index].neurons is not None:
                        path = ("layers", index, "neurons")
                    else:
                        path = ("inputs",) if given.inputs is not None else ("layers", index)
                    raise SolverError(f"the weights {seen[written]} and {name} would both be "
                                      f"written {written}: choose input and neuron names that "
                                      "keep weight names apart", path)
                seen[written] = name


def _view(given: MlpGiven, network: Network) -> str:
    weights = network.weight_count
    if weights > MAX_WEIGHTS or weights * len(network.samples) > MAX_VALUES:
        raise SolverError(f"the network is too big to work by hand or by nnsolve "
                          f"({weights} weights)", ("layers",))
    if network.symbolic:
        if network.batch:
            raise SolverError("a symbolic network takes one sample, not a mini-batch", ("input",))
        if network.steps > 1:
            raise SolverError("a symbolic network takes one step: the later steps need numbers",
                              ("steps",))
        if given.detail == "layers" or weights > NEURON_VIEW_MAX:
            raise SolverError("symbols are worked neuron by neuron; the network is too big for "
                              "that or `detail: layers` was asked", ("detail",))
        return "neurons"
    if given.detail == "neurons":
        if network.batch:
            raise SolverError("a mini-batch is worked layer by layer (mean gradient); "
                              "use detail: layers or auto", ("detail",))
        if weights > NEURON_VIEW_MAX:
            raise SolverError(f"{weights} weights are too many to name one by one "
                              f"(at most {NEURON_VIEW_MAX}); use detail: layers", ("detail",))
        return "neurons"
    if given.detail == "layers" or network.batch or weights > NEURON_VIEW_LIMIT:
        return "layers"
    return "neurons"


def _is_symbolic(network: Network) -> bool:
    values = [v for row in network.samples + network.targets for v in row]
    values.append(network.learning_rate)
    for layer in network.layers:
        values.extend(v for row in layer.weights for v in row)
        values.extend(layer.bias or ())
    return any(layer.activation.generic for layer in network.layers) or \
        any(isinstance(v, sympy.Basic) and v.free_symbols for v in values)


_NAME = re.compile(r"^[A-Za-z0-9]+$")


def _input_names(given: MlpGiven, width: int) -> tuple[str, ...]:
    if given.inputs is None:
        return tuple(str(i + 1) for i in range(width))
    if len(given.inputs) != width:
        raise SolverError(f"{len(given.inputs)} input names for {width} inputs", ("inputs",))
    names = tuple(_name(v, ("inputs", i)) for i, v in enumerate(given.inputs))
    for i, name in enumerate(names):
        if name in names[:i]:
            raise SolverError(f"the input name {name} is used twice (inputs {names.index(name) + 1} "
                              f"and {i + 1}): every input needs a name of its own", ("inputs", i))
    return names


def _name(value, path: tuple) -> str:
    text = str(value)
    if not _NAME.match(text):
        raise SolverError(f"{text!r}: a name may hold only letters and digits", path)
    if text == "0":
        raise SolverError("0 is the bias input; give another name", path)
    return text


def _layers(given: MlpGiven, input_names: tuple[str, ...]) -> tuple[Layer, ...]:
    seen = {name: ("inputs", i) for i, name in enumerate(input_names)}
    sources, layers, numbered = input_names, [], len(input_names)
    last = len(given.layers) - 1
    for index, spec in enumerate(given.layers):
        where = ("layers", index)
        if not spec.weights:
            raise SolverError("a layer needs at least one neuron (one row of weights)",
                              where + ("weights",))
        count = len(spec.weights)
        if spec.neurons is None:
            neurons = tuple(str(numbered + r + 1) for r in range(count))
        elif len(spec.neurons) != count:
            raise SolverError(f"{len(spec.neurons)} neuron names for {count} rows of weights "
                              "(one row per neuron)", where + ("neurons",))
        else:
            neurons = tuple(_name(v, where + ("neurons", r)) for r, v in enumerate(spec.neurons))
        numbered += count
        for r, name in enumerate(neurons):
            if name in seen:
                raise _name_clash(name, seen[name], index, spec.neurons is not None, r)
            seen[name] = where
        weights = []
        for r, row in enumerate(spec.weights):
            if len(row) != len(sources):
                raise SolverError(
                    f"neuron {neurons[r]} has {len(row)} weights, but the layer has "
                    f"{len(sources)} inputs ({', '.join(sources)}): one weight per input",
                    where + ("weights", r))
            weights.append(tuple(_scalar(v, where + ("weights", r, c)) for c, v in enumerate(row)))
        bias = None
        if spec.bias is not None:
            if len(spec.bias) != count:
                raise SolverError(f"{len(spec.bias)} bias weights for {count} neurons",
                                  where + ("bias",))
            bias = tuple(_scalar(v, where + ("bias", r)) for r, v in enumerate(spec.bias))
        layers.append(Layer(tuple(weights), bias, _activation(spec, index == last, where),
                            neurons, sources))
        sources = neurons
    return tuple(layers)


def _name_clash(name: str, first: tuple, index: int, named: bool, row: int) -> SolverError:
    """Neuron `name` of layer `index` has the name of an input or of an earlier neuron
    (`first`: where that one is named)."""
    if first[0] == "inputs":
        other = f"input {first[1] + 1}"
    elif first[1] == index:
        other = "another neuron of this layer"
    else:
        other = f"a neuron of layer {first[1] + 1}"
    where = ("layers", index)
    if named:
        return SolverError(f"the name {name} is used twice: it is already the name of {other}; "
                           "inputs and neurons each need a name of their own",
                           where + ("neurons", row))
    return SolverError(f"the name {name} is used twice: the neurons of layer {index + 1} are "
                       f"numbered on after the inputs, and {name} is already the name of {other}; "
                       "give the layer's neurons names (neurons: [...])", where)


def _activation(spec: LayerGiven, is_last: bool, where: tuple) -> Activation:
    slope = spec.slope
    if isinstance(slope, float) and not math.isfinite(slope):
        raise SolverError("the slope must be a finite number", where + ("slope",))
    try:
        found = activation(spec.activation, slope)
    except KeyError:
        known = ACTIVATIONS + GENERIC
        hint = difflib.get_close_matches(spec.activation, known, n=1)
        suggestion = f" (did you mean {hint[0]}?)" if hint else ""
        raise SolverError(f"unknown activation {spec.activation!r}{suggestion}; known: "
                          f"{', '.join(ACTIVATIONS)}, or g for an unspecified one",
                          where + ("activation",)) from None
    if not found.elementwise and not is_last:
        raise SolverError("softmax belongs on the output layer (with loss: cross_entropy)",
                          where + ("activation",))
    return found


def _targets(given: MlpGiven, batch: bool, samples: int, outputs: tuple[str, ...]):
    raw = given.target
    if not batch:
        row = raw if isinstance(raw, list) else [raw]
        if row and isinstance(row[0], list):
            raise SolverError("one sample takes one target row, not a list of rows", ("target",))
        rows, paths = [row], [("target",)]
    else:
        if not isinstance(raw, list) or len(raw) != samples or \
                not all(isinstance(r, list) for r in raw):
            raise SolverError(f"a mini-batch of {samples} samples needs {samples} target rows",
                              ("target",))
        rows, paths = raw, [("target", n) for n in range(samples)]
    out = []
    for row, path in zip(rows, paths):
        if len(row) != len(outputs):
            raise SolverError(f"{len(row)} target values for {len(outputs)} output neurons "
                              f"({', '.join(outputs)})", path)
        out.append(tuple(_scalar(v, path + (k,) if isinstance(raw, list) else path)
                         for k, v in enumerate(row)))
    return tuple(out)


def _check_loss(network: Network) -> None:
    last = len(network.layers) - 1
    output = network.layers[-1].activation
    name = network.loss.name
    if output.name == "softmax" and name != "cross_entropy":
        raise SolverError("softmax goes with loss: cross_entropy", ("layers", last, "activation"))
    paired = PAIRED_ACTIVATION.get(name)
    if paired is not None and output.name != paired and not output.generic:
        raise SolverError(f"{name} expects a {paired} output layer (it has {output.name})",
                          ("loss",))
    for n, row in enumerate(network.targets):
        path = ("target", n) if network.batch else ("target",)
        numbers = [v for v in row if not (isinstance(v, sympy.Basic) and v.free_symbols)]
        if name in ("bce", "cross_entropy") and any(not 0 <= v <= 1 for v in numbers):
            raise SolverError(f"{name} targets are probabilities, from 0 to 1", path)
        if name == "cross_entropy" and len(numbers) == len(row) and \
                abs(float(sum(numbers)) - 1) > 1e-12:
            raise SolverError("cross_entropy targets (a class distribution) must sum to 1", path)


_SYMBOL = re.compile(r"^[^\W\d_][^\W_]*(_[^\W_]+|_\{[^\W_]+\})?$")


def _scalar(value, path: tuple):
    """A number of the given as an exact integer or a float; a name as its symbol."""
    if isinstance(value, bool):
        raise SolverError("expected a number or a symbol name", path)
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SolverError("expected a finite number", path)
        return value
    text = value.strip()
    if not _SYMBOL.match(text):
        raise SolverError(f"{value!r} is neither a number nor a symbol name (such as w13 or "
                          "eps)", path)
    return sympy.Symbol(canonical_name(text))
