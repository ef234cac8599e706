"""Activations and losses of the mlp solver, each in the two forms the solver needs.

The sympy form is what a TA writes on the board: the activation's derivative written out with
the neuron's output (σ'(a) = y(1 − y), tanh'(a) = 1 − y²), so the chain rule reads step by step
and a student's slip (sigmoid' used for tanh) can be recognised. The numpy form does the same
arithmetic for big networks and mini-batches. Keeping both next to each other is what keeps
them in agreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy

from nnsolve.derivation.functions import (leaky_relu, leaky_relu_prime, relu, relu_prime, sigmoid,
                                          xlogy)
from nnsolve.derivation.ordered import difference, grouped, minus, total
from nnsolve.solvers.mlp.given import LOSSES


class _Numpy:
    """numpy, imported the first time a numeric form is run: only the layer view (big
    networks, mini-batches) uses arrays, and a 2-2-1 exercise is solved without loading it."""

    def __getattr__(self, name: str):
        import numpy

        return getattr(numpy, name)


np = _Numpy()


# -- activations ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Activation:
    """One activation function g: its output, and its derivative written out."""

    name: str
    #: g(a), or for softmax the j-th output from all the layer's net inputs
    output: Callable[..., sympy.Expr]
    #: g'(a) written with the net input a and the output y, as on the board
    derivative: Callable[[sympy.Expr, sympy.Expr], sympy.Expr] | None
    #: the derivative rule shown in the derivation
    rule_text: str
    forward_np: Callable[[np.ndarray], np.ndarray] | None = None
    derivative_np: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    #: softmax mixes the layer's neurons; every other activation acts neuron by neuron
    elementwise: bool = True
    #: an unspecified g: formulas only, no numbers
    generic: bool = False

    @property
    def numeric(self) -> bool:
        return self.forward_np is not None


def _xlogy_np(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x·ln y, 0 where x = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x * np.log(np.where(x == 0, 1.0, y)))


def _sigmoid_np(a):
    return np.exp(-np.logaddexp(0.0, -a))


def _softmax_output(net_inputs: list[sympy.Expr], index: int) -> sympy.Expr:
    exps = [sympy.exp(a) for a in net_inputs]
    return exps[index] / total(exps)


def _softmax_np(a):
    shifted = np.exp(a - a.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _one_minus(expr: sympy.Expr) -> sympy.Expr:
    return difference(sympy.Integer(1), expr)


ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax")
#: the letters that stand for an unspecified, differentiable activation g (symbolic exercises)
GENERIC = ("g", "f", "h")


def activation(name: str, slope: float | sympy.Expr = 0.01) -> Activation:
    """The activation called `name` (one of ACTIVATIONS or GENERIC); KeyError otherwise."""
    if name == "sigmoid":
        return Activation(
            "sigmoid", sigmoid, lambda a, y: grouped(y, _one_minus(y)),
            "σ'(a) = σ(a)(1 − σ(a)) = y(1 − y)", _sigmoid_np, lambda a, y: y * (1 - y))
    if name == "tanh":
        return Activation(
            "tanh", sympy.tanh, lambda a, y: _one_minus(sympy.Pow(y, 2, evaluate=False)),
            "tanh'(a) = 1 − tanh²(a) = 1 − y²", lambda a: np.tanh(a), lambda a, y: 1 - y * y)
    if name == "relu":
        return Activation(
            "relu", relu, lambda a, y: relu_prime(a), "ReLU'(a) = 1 if a > 0, else 0",
            lambda a: np.maximum(a, 0.0), lambda a, y: (a > 0).astype(float))
    if name == "leaky_relu":
        s = sympy.Float(slope, 17) if isinstance(slope, float) else sympy.Integer(slope)
        return Activation(
            "leaky_relu", lambda a: leaky_relu(a, s), lambda a, y: leaky_relu_prime(a, s),
            f"LeakyReLU'(a) = 1 if a > 0, else {slope} (the slope)",
            lambda a: np.where(a > 0, a, float(slope) * a),
            lambda a, y: np.where(a > 0, 1.0, float(slope)))
    if name == "linear":
        return Activation("linear", lambda a: a, lambda a, y: sympy.Integer(1),
                          "g(a) = a, g'(a) = 1", lambda a: a, lambda a, y: np.ones_like(a))
    if name == "softmax":
        return Activation("softmax", _softmax_output, None,
                          "with cross-entropy, δ = t − y (the softmax Jacobian cancels)",
                          _softmax_np, None, elementwise=False)
    if name in GENERIC:
        g, g_prime = sympy.Function(name), sympy.Function(name + "'")
        return Activation(name, g, lambda a, y: g_prime(a),
                          f"{name}'(a): the derivative of the activation {name}", generic=True)
    raise KeyError(name)


# -- losses ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Loss:
    """A loss over one sample's outputs; a mini-batch takes the mean over its samples."""

    name: str
    text: str

    def error(self, targets: list[sympy.Expr], outputs: list[sympy.Expr], *,
              zero_safe: bool = False) -> sympy.Expr:
        """E written out for one sample (outputs y_k, targets t_k); `zero_safe`: for working
        it out, a term t·ln y with t = 0 is 0 even where y is (a float) 0."""
        pairs = list(zip(targets, outputs))
        if zero_safe and not self.squared:
            if self.name == "bce":
                terms = [sympy.Add(xlogy(t, y), xlogy(_one_minus(t), _one_minus(y)),
                                   evaluate=False) for t, y in pairs]
            else:
                terms = [xlogy(t, y) for t, y in pairs]
            return minus(total(terms))
        if self.name in ("squared_error", "half_squared_error", "mse"):
            squares = total([sympy.Pow(difference(t, y), 2, evaluate=False) for t, y in pairs])
            scale = self.error_scale(len(pairs))
            return squares if scale == 1 else sympy.Mul(scale, squares, evaluate=False)
        if self.name == "bce":
            terms = [sympy.Add(sympy.Mul(t, sympy.log(y), evaluate=False),
                               sympy.Mul(_one_minus(t), sympy.log(_one_minus(y)), evaluate=False),
                               evaluate=False) for t, y in pairs]
        else:
            terms = [sympy.Mul(t, sympy.log(y), evaluate=False) for t, y in pairs]
        return minus(total(terms))

    def error_scale(self, outputs: int) -> sympy.Expr:
        """The constant in front of Σ(t − y)²: 1, ½ or 1/K."""
        return {"squared_error": sympy.Integer(1), "half_squared_error": sympy.Rational(1, 2),
                "mse": sympy.Rational(1, outputs)}.get(self.name, sympy.Integer(1))

    @property
    def squared(self) -> bool:
        return self.name in ("squared_error", "half_squared_error", "mse")

    def delta_factor(self, outputs: int) -> sympy.Expr:
        """The constant c of −∂E/∂y_k = c·(t_k − y_k) for the squared losses (2, 1 or 2/K)."""
        return 2 * self.error_scale(outputs)

    # numpy: rows are samples
    def error_np(self, targets: np.ndarray, outputs: np.ndarray) -> np.ndarray:
        """E of each sample (a term t·ln y with t = 0 is 0, even where y is 0)."""
        if self.squared:
            return float(self.error_scale(targets.shape[-1])) * ((targets - outputs) ** 2).sum(-1)
        if self.name == "bce":
            return -(_xlogy_np(targets, outputs) + _xlogy_np(1 - targets, 1 - outputs)).sum(-1)
        return -_xlogy_np(targets, outputs).sum(-1)

    @property
    def from_net_inputs(self) -> bool:
        """Whether E can be worked out from the output layer's net inputs (bce, cross-entropy)."""
        return self.name in PAIRED_ACTIVATION

    def error_from_net_np(self, targets: np.ndarray, net: np.ndarray) -> np.ndarray:
        """E of each sample from the output layer's net inputs a, for bce (sigmoid outputs) and
        cross-entropy (softmax outputs): the same E, but without forming ln y or ln(1 − y)
        from a y that floats have rounded to 1 (σ(60) is 1.0 in floats, 1 − y is 0 and
        −ln(1 − y) infinite; E = ln(1 + e^a) = 60)."""
        if self.name == "bce":       # −ln σ(a) = ln(1 + e^−a), −ln(1 − σ(a)) = ln(1 + e^a)
            return (targets * np.logaddexp(0.0, -net) +
                    (1 - targets) * np.logaddexp(0.0, net)).sum(-1)
        top = net.max(axis=-1, keepdims=True)      # ln y_k = a_k − ln Σ e^a
        log_y = net - top - np.log(np.exp(net - top).sum(axis=-1, keepdims=True))
        return -(targets * log_y).sum(-1)

    def minus_gradient_np(self, targets: np.ndarray, outputs: np.ndarray) -> np.ndarray:
        """−∂E/∂y of each sample, for the squared losses (the others pair with their activation)."""
        return float(self.delta_factor(targets.shape[-1])) * (targets - outputs)


#: the output activation each non-squared loss is paired with: its derivative cancels to t − y
PAIRED_ACTIVATION = {"bce": "sigmoid", "cross_entropy": "softmax"}


def loss(name: str) -> Loss:
    return Loss(name, LOSSES[name])
