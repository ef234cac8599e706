"""The `mlp` solver: backpropagation on a feed-forward network, as a TA works it on the board.

Forward pass (net inputs a_j, outputs y_j), the loss E, the deltas from the output down, every
Δw = −ε ∂E/∂w and new weight, then the next forward pass with the new weights. Small networks
are worked neuron by neuron in the course's notation (a3, y3, delta5, dw35, w35.new,
pass2.a3); big networks and mini-batches are worked layer by layer with numpy
(layer1.a, layer1.delta, layer1.dW). Weights, inputs, targets or the learning rate may be symbol
names and the activation an unspecified `g`: the derivation then gives the general expressions
(Δw13 = ε·g'(a3)·w35·δ5·x1).

This module reads and checks the given; mlp_neurons and mlp_layers build the derivation.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal, Mapping, Union

import sympy
from pydantic import Field, StrictFloat, StrictInt, StrictStr

from nnsolve.derivation.core import Derivation
from nnsolve.solvers.base import Convention, Given, Solver, SolverError
from nnsolve.solvers.mlp_activations import (ACTIVATIONS, GENERIC, LOSSES, PAIRED_ACTIVATION,
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

DELTA_CONVENTIONS = ("-dE/da", "dE/da")


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
    steps: StrictInt = Field(1, ge=1, le=100,
                             description="gradient-descent steps; after the last one, a forward "
                                         "pass with the new weights")
    detail: Literal["auto", "neurons", "layers"] = Field(
        "auto", description="neurons: every a_j, y_j, δ_j, Δw_ij by name; layers: vectors and "
                            f"matrices per layer; auto: neurons up to {NEURON_VIEW_LIMIT} weights "
                            "for one sample, layers otherwise")


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

    @property
    def has_bias(self) -> bool:
        return any(layer.bias is not None for layer in self.layers)

    def activation_notes(self) -> list[str]:
        """Each activation used, once, with its derivative written out."""
        used = {layer.activation.name: layer.activation for layer in self.layers}
        return [f"Activation {name}: {g.rule_text}." for name, g in used.items()]

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
_ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
             8: "eighth", 9: "ninth", 10: "tenth"}


@dataclass(frozen=True)
class Step:
    """How the quantities of gradient step k are named: step 1 as the exercise writes them
    (a3, δ5, Δw35), later steps marked (pass2.a3 shown as a3^(2)) under headings of their own."""

    k: int

    def _later(self, text: str) -> str:
        return "" if self.k == 1 else text

    @property
    def prefix(self) -> str:
        """Of forward-pass values computed with the weights of step k: `pass2.`."""
        return self._later(f"pass{self.k}.")

    @property
    def step(self) -> str:
        """Of deltas and weight changes of step k: `step2.`."""
        return self._later(f"step{self.k}.")

    @property
    def mark(self) -> str:
        return self._later(f"^({self.k})")

    @property
    def suffix(self) -> str:
        return self._later(f" (step {self.k})")

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
                      given.steps, symbolic=False)
    _check_loss(network)
    network = replace(network, symbolic=_is_symbolic(network))
    view = _view(given, network)
    if view == "neurons":
        _check_weight_names(given, network)
    return network, view


def _check_weight_names(given: MlpGiven, network: Network) -> None:
    """Two weights whose names read the same once written as symbols (w1_23 and w12_3 are
    both w123, as a student's answer spells them) would be taken for one another."""
    sep, seen = network.weight_separator, {}
    for index, layer in enumerate(network.layers):
        for j in layer.neurons:
            for i in layer.sources + (("0",) if layer.bias is not None else ()):
                name = f"w{i}{sep}{j}"
                written = symbol_name(name)
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
_ALIASES = {"eps": "epsilon", "lamda": "lambda"}


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
    return sympy.Symbol(symbol_name(text))


def symbol_name(text: str) -> str:
    """One spelling per symbol, the one the answer parser uses: w_13 and w_{13} are w13,
    ε and eps are epsilon, δ5 is delta5."""
    spelled = "".join(_greek(ch) for ch in text if ch not in "_{}")
    prefix = re.match(r"[A-Za-z]+", spelled)
    if prefix and prefix.group() in _ALIASES:
        spelled = _ALIASES[prefix.group()] + spelled[prefix.end():]
    return spelled


def _greek(ch: str) -> str:
    if ch.isascii():
        return ch
    name = unicodedata.name(ch, "")
    if name.startswith("GREEK SMALL LETTER "):
        return name.rsplit(" ", 1)[-1].lower()
    if name.startswith("GREEK CAPITAL LETTER "):
        return name.rsplit(" ", 1)[-1].capitalize()
    return ch


# -- the solver ----------------------------------------------------------------------------

class MlpSolver(Solver):
    name = "mlp"
    summary = "backpropagation on a feed-forward network: forward pass, deltas, Δw, next pass"
    Given = MlpGiven
    quantities = {
        "x<i>": "input i; x0 = 1 is the bias input",
        "t": "the target (t<k> for output neuron k when there are several)",
        "w<i><j>": "the weight from i to neuron j; w0<j> is neuron j's bias weight "
                   "(w<i>_<j> once a name has two characters)",
        "epsilon": "the learning rate ε",
        "a<j>": "net input of neuron j: a_j = Σ_i w_ij y_i + w0j x0",
        "y<j>": "output of neuron j: y_j = g(a_j)",
        "E": "the loss of the first forward pass",
        "delta<j>": "δ_j = −∂E/∂a_j (or +∂E/∂a_j, convention `delta`): an output neuron's from "
                    "the loss, a hidden neuron's from the deltas above it",
        "dw<i><j>": "Δw_ij = −ε ∂E/∂w_ij",
        "w<i><j>.new": "the weight after the update, w_ij + Δw_ij",
        "pass<k>.a<j>": "forward pass k ≥ 2 (with the weights of step k−1): net input of j",
        "pass<k>.y<j>": "forward pass k ≥ 2: output of neuron j",
        "pass<k>.E": "forward pass k ≥ 2: the loss (pass2.E after one step)",
        "step<k>.delta<j>": "update step k ≥ 2, from forward pass k: δ_j",
        "step<k>.dw<i><j>": "update step k ≥ 2: Δw_ij",
        "step<k>.w<i><j>.new": "update step k ≥ 2: the weight after it",
        "x, t": "layer view (big networks, mini-batches): input and target, one row per sample",
        "layer<l>.W, layer<l>.b": "layer view: weights (one row per neuron) and biases of layer l",
        "layer<l>.a, layer<l>.y": "layer view: net inputs and outputs, one row per sample",
        "layer<l>.delta": "layer view: deltas, one row per sample",
        "layer<l>.dW, layer<l>.db": "layer view: the updates (the mean gradient of a mini-batch)",
        "layer<l>.W.new, layer<l>.b.new": "layer view: the weights after the update",
        "pass<k>.layer<l>.…, step<k>.layer<l>.…": "layer view: later passes and steps",
    }
    principal = ("y<j>", "E", "delta<j>", "w<i><j>.new", "pass<k>.E")
    conventions = {
        "delta": Convention("-dE/da", DELTA_CONVENTIONS,
                            "δ_j = −∂E/∂a_j, so Δw_ij = ε δ_j y_i (-dE/da); or δ_j = ∂E/∂a_j, "
                            "so Δw_ij = −ε δ_j y_i (dE/da)"),
    }
    template = {
        "given": {
            "input": [1, -1],
            "target": [1],
            "inputs": [1, 2],
            "layers": [
                {"weights": [[1, -1], [-1, 1]], "bias": [-1, 2], "activation": "sigmoid",
                 "neurons": [3, 4]},
                {"weights": [[1, 1]], "bias": [-2], "activation": "sigmoid", "neurons": [5]},
            ],
            "loss": "squared_error",
            "learning_rate": 1,
            "steps": 1,
        },
        "ask": ["y5", "E", "delta5", "delta3", "w35.new", "pass2.E"],
    }

    def solve(self, given: MlpGiven, conventions: Mapping[str, str]) -> Derivation:
        network, view = read_network(given)
        descent = conventions["delta"] == "-dE/da"
        if view == "layers":
            from nnsolve.solvers.mlp_layers import build
        else:
            from nnsolve.solvers.mlp_neurons import build
        return build(network, descent=descent)
