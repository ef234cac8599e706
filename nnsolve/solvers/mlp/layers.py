"""Backpropagation layer by layer with numpy: big networks and mini-batches.

Naming hundreds of weights one by one helps nobody, and sympy would be slow at it; a layer's
net inputs, outputs and deltas are matrices with one row per sample (a vector for a single
sample), its weights a matrix with one row per neuron, as in the given. A mini-batch takes the
mean of the samples' losses, so its gradient is the mean gradient:
ΔW = −ε ∂E/∂W = (ε/N) δᵀ Y (δ = −∂E_n/∂a per sample). Each quantity keeps a numpy rule over
its inputs, so error carried forward works here too.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation, Misconception, Ref
from nnsolve.solvers.mlp.activations import PAIRED_ACTIVATION, Activation
from nnsolve.solvers.mlp.network import Network, Step, derivative_slips, overflow_error



def build(network: Network, *, descent: bool) -> Derivation:
    """The derivation of `network` layer by layer; δ = −∂E/∂a when `descent`, else ∂E/∂a."""
    return _Layers(network, descent).build()


def _array(value) -> np.ndarray:
    return np.array(value, dtype=float)


class _Layers:
    def __init__(self, network: Network, descent: bool):
        self.net = network
        self.sign = 1.0 if descent else -1.0
        self.descent = descent
        self.d = Derivation()

    def _rows(self, value) -> np.ndarray:
        """A value as a matrix with one row per sample."""
        return np.atleast_2d(_array(value))

    def _shaped(self, rows: np.ndarray):
        """Back to what the value is: one row per sample, or a vector for a single sample."""
        return rows if self.net.batch else rows[0]

    def _add(self, name: str, label: str, inputs: tuple[str, ...],
             compute: Callable[..., np.ndarray], group: str, note: str,
             wrong: list[tuple[str, str, Callable[..., np.ndarray]]] = ()) -> None:
        def as_rule(function):
            def rule(values):
                with np.errstate(all="ignore"):     # overflow: inf, refused below when building
                    return function(*[values[n] for n in inputs])

            return rule

        rule = as_rule(compute)
        value = rule({n: self.d[n].value for n in inputs})
        if not np.all(np.isfinite(_array(value))):
            raise overflow_error(name)
        self.d.add(name, label, rule=rule, inputs=inputs, group=group, note=note, value=value,
                   misconceptions=[Misconception(key, text, as_rule(f)) for key, text, f in wrong])

    # -- the board ------------------------------------------------------------------------
    def build(self) -> Derivation:
        net, d = self.net, self.d
        samples = "one row per sample" if net.batch else "the input"
        d.given("x", net.samples if net.batch else net.samples[0], f"input x ({samples})",
                group="given")
        d.given("t", net.targets if net.batch else net.targets[0], "target t", group="given")
        d.given("epsilon", net.learning_rate, "learning rate ε", group="given")
        weights = {}
        for l, layer in enumerate(net.layers, start=1):
            d.given(f"layer{l}.W", layer.weights,
                    f"weights of layer {l} (one row per neuron: {', '.join(layer.neurons)})",
                    kind="matrix", group="given")
            bias = layer.bias if layer.bias is not None else None
            if bias is not None:
                d.given(f"layer{l}.b", bias, f"bias weights of layer {l}", kind="vector",
                        group="given")
            weights[l] = (f"layer{l}.W", f"layer{l}.b" if bias is not None else None)
        for k in range(1, net.steps + 1):
            self._forward(k, weights)
            self._backward(k, weights)
            weights = self._update(k, weights)
        self._forward(net.steps + 1, weights)
        self._notes()
        steps = net.steps
        last = "" if steps == 1 else f"step{steps}."
        d.principal = [f"layer{len(net.layers)}.y", "E"] + \
            [f"layer{l}.delta" for l in range(len(net.layers), 0, -1)] + \
            [n for l in range(1, len(net.layers) + 1)
             for n in (f"{last}layer{l}.W.new", f"{last}layer{l}.b.new") if n in d] + \
            [f"pass{steps + 1}.E"]
        return d

    def _forward(self, k: int, weights: dict) -> None:
        names = Step(k)
        prefix, group, suffix = names.prefix, names.forward, names.forward_suffix
        previous = "x"
        for l, layer in enumerate(self.net.layers, start=1):
            W, b = weights[l]
            inputs = (previous, W) + ((b,) if b else ())

            def net_input(y, w, bias=None):
                a = self._rows(y) @ _array(w).T
                return self._shaped(a + _array(bias) if bias is not None else a)

            self._add(f"{prefix}layer{l}.a", f"net inputs of layer {l}{suffix}", inputs,
                      net_input, group, "a = W y + b for each sample: a_j = Σ_i w_ij y_i + w0j")
            g = layer.activation
            self._add(f"{prefix}layer{l}.y", f"outputs of layer {l}{suffix}",
                      (f"{prefix}layer{l}.a",),
                      lambda a, g=g: self._shaped(g.forward_np(self._rows(a))), group,
                      f"y = {g.name}(a), neuron by neuron" if g.elementwise else
                      "y = softmax(a), over the layer's neurons")
            previous = f"{prefix}layer{l}.y"
        loss = self.net.loss
        mean = " (the mean over the samples)" if self.net.batch else ""
        output = self.net.layers[-1].activation
        stable = loss.from_net_inputs and PAIRED_ACTIVATION[loss.name] == output.name

        def error(t, y, a):
            T, Y, A = self._rows(t), self._rows(y), self._rows(a)
            if stable and np.array_equal(Y, output.forward_np(A)):
                return float(loss.error_from_net_np(T, A).mean())    # y is this a's output
            return float(loss.error_np(T, Y).mean())

        self._add(f"{prefix}E", f"loss E{suffix}", ("t", previous, previous[:-1] + "a"), error,
                  "error" if k == 1 else group, loss.text + mean)

    def _backward(self, k: int, weights: dict) -> None:
        names = Step(k)
        prefix, step, suffix = names.prefix, names.step, names.suffix
        group = names.group("backward pass (deltas)")
        layers = self.net.layers
        top = len(layers)
        output = layers[-1].activation
        loss = self.net.loss
        sign = self.sign
        paired = PAIRED_ACTIVATION.get(loss.name) == output.name

        def output_delta(t, y, a, derivative=output.derivative_np):
            T, Y = self._rows(t), self._rows(y)
            if paired:
                return self._shaped(sign * (T - Y))
            return self._shaped(sign * loss.minus_gradient_np(T, Y) * derivative(self._rows(a), Y))

        wrong = []
        if not paired:
            wrong = self._derivative_slips(
                output, lambda d: (lambda t, y, a: output_delta(t, y, a, d)))
        what = "−∂E/∂a" if self.descent else "∂E/∂a"
        self._add(f"{step}layer{top}.delta", f"deltas of the output layer {top}{suffix}",
                  ("t", f"{prefix}layer{top}.y", f"{prefix}layer{top}.a"), output_delta, group,
                  f"δ = {what} of each sample's loss" +
                  ("; with this loss and output activation it is t − y" if paired else
                   f"; {output.rule_text}"), wrong)
        for l in range(top - 1, 0, -1):
            g = layers[l - 1].activation
            W_above = weights[l + 1][0]
            new_above = f"{step}layer{l + 1}.W.new"

            def hidden_delta(a, y, w, delta, derivative=g.derivative_np):
                A, Y = self._rows(a), self._rows(y)
                return self._shaped(derivative(A, Y) * (self._rows(delta) @ _array(w)))

            wrong = [("updated-weights-in-backprop",
                      "used the updated weights of the layer above; back-propagation uses the "
                      "weights of the forward pass",
                      lambda a, y, w, delta, new=new_above, f=hidden_delta:
                      f(a, y, self.d[new].value, delta))]
            wrong += self._derivative_slips(
                g, lambda d, f=hidden_delta: (lambda a, y, w, delta: f(a, y, w, delta, d)))
            self._add(f"{step}layer{l}.delta", f"deltas of layer {l}{suffix}",
                      (f"{prefix}layer{l}.a", f"{prefix}layer{l}.y", W_above,
                       f"{step}layer{l + 1}.delta"), hidden_delta, group,
                      f"δ = g'(a) ⊙ (δ_above W_above): the chain rule through layer {l + 1}; "
                      f"{g.rule_text}", wrong)

    @staticmethod
    def _derivative_slips(g: Activation, with_derivative):
        """`derivative_slips` with derivatives as functions of the arrays a and y."""
        return derivative_slips(g, with_derivative, lambda a, y: np.ones_like(a),
                                lambda other: other.derivative_np)

    def _update(self, k: int, weights: dict) -> dict:
        names = Step(k)
        prefix, step, suffix = names.prefix, names.step, names.suffix
        group = names.group("weight updates")
        sign = self.sign
        rule = "ε" if self.descent else "−ε"
        mean = "/N · Σ_n" if self.net.batch else " ·"
        new_weights, rows = {}, []
        ascent = "the sign of Δw is flipped: Δw = −ε ∂E/∂w goes down the gradient, this goes up"
        subtracted = ("subtracted Δw: the new weight is w + Δw (the minus of −ε ∂E/∂w is "
                      "already in Δw)")
        def change_W(eps, d, y):
            D = self._rows(d)
            return sign * V.to_float(eps) / len(D) * (D.T @ self._rows(y))

        def change_b(eps, d):
            D = self._rows(d)
            return sign * V.to_float(eps) / len(D) * D.sum(axis=0)

        for l in range(len(self.net.layers), 0, -1):
            W, b = weights[l]
            previous = "x" if l == 1 else f"{prefix}layer{l - 1}.y"
            delta = f"{step}layer{l}.delta"
            self._add(f"{step}layer{l}.dW", f"ΔW of layer {l}{suffix}",
                      ("epsilon", delta, previous), change_W, group,
                      f"ΔW = −ε ∂E/∂W: Δw_ij = {rule}{mean} δ_j y_i",
                      [("gradient-ascent", ascent, lambda eps, d, y: -change_W(eps, d, y))])
            pairs = [(W, f"{step}layer{l}.dW", f"{step}layer{l}.W.new", "weights", f"layer{l}.W")]
            if b and self.net.update_biases:
                self._add(f"{step}layer{l}.db", f"Δb of layer {l}{suffix}", ("epsilon", delta),
                          change_b, group, f"Δw0j = {rule}{mean} δ_j (bias input x0 = 1)",
                          [("gradient-ascent", ascent, lambda eps, d: -change_b(eps, d))])
                pairs.append((b, f"{step}layer{l}.db", f"{step}layer{l}.b.new", "bias weights",
                              f"layer{l}.b"))
            for old, change, new, what, shown in pairs:
                self._add(new, f"new {what} of layer {l}{suffix}", (old, change),
                          lambda w, c: _array(w) + _array(c), group, "w + Δw",
                          [("gradient-ascent", subtracted, lambda w, c: _array(w) - _array(c))])
                rows.append((shown, Ref(old), Ref(change), Ref(new)))
            new_b = (f"{step}layer{l}.b.new" if self.net.update_biases else b) if b else None
            new_weights[l] = (f"{step}layer{l}.W.new", new_b)
        self.d.table(self.net.update_table_title(k), ["weights", "old", "Δ", "new"], rows)
        return new_weights

    def _notes(self) -> None:
        net = self.net
        delta = "δ = −∂E/∂a" if self.descent else "δ = ∂E/∂a"
        notes = [f"Loss: {net.loss.text}" + ("; a mini-batch takes the mean over its "
                                              f"{len(net.samples)} samples" if net.batch else "")
                 + ".",
                 f"Deltas: {delta}, one row per sample; a hidden layer's deltas come from the "
                 "layer above through its weights (those of the forward pass).",
                 "Update (gradient descent): ΔW = −ε ∂E/∂W" +
                 (", the mean gradient over the mini-batch." if net.batch else ".")]
        notes += net.activation_notes()
        self.d.notes.extend(notes)
