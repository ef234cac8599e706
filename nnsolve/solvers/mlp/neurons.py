"""Backpropagation neuron by neuron, named as in the course: a3, y3, delta5, dw35, w35.new.

Every quantity is a sympy formula over earlier quantities, written in the order a TA writes it
(a3 = w13·x1 + w23·x2 + w03·x0, δ5 = 2(t − y5)·y5(1 − y5), δ3 = y3(1 − y3)·w35·δ5,
Δw35 = ε·δ5·y3), and its rule is substitution into that formula, so the grader can recompute
any step from a student's own earlier values. Common wrong steps are alternative formulas over
the same quantities.

With symbols for numbers (E1(a)) a value is the general expression: net inputs, outputs and
the deltas a delta is built from stay named (g'(a3), y5, δ5) instead of being expanded into
one unreadable expression, while a Δw shows its delta written out (Δw13 = ε·g'(a3)·w35·δ5·x1).
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import sympy

from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation, Misconception, Ref
from nnsolve.derivation.names import canonical_name
from nnsolve.derivation.proven import real_value
from nnsolve.derivation.ordered import difference, grouped, plus, total
from nnsolve.solvers.mlp.activations import PAIRED_ACTIVATION, Activation, loss
from nnsolve.solvers.mlp.network import Network, Step, derivative_slips, overflow_error
from nnsolve.solvers.mlp.optimizer import WeightStep, add_hyperparameters


def build(network: Network, *, descent: bool) -> Derivation:
    """The derivation of `network` (one sample); δ = −∂E/∂a when `descent`, else ∂E/∂a."""
    return _Board(network, descent).build()


def _float(value) -> float:
    """A number as a float, exact ones by `real_value` (not sympy's evalf, which
    cancellation can fool)."""
    if isinstance(value, float) or isinstance(value, sympy.Rational) or \
            isinstance(value, sympy.Float):
        return float(value)
    number = real_value(value)
    if number is None:
        raise ValueError(f"not a real number: {value}")
    return number


def _finite(value) -> bool:
    """False for a value that has become infinite or undefined (a float overflow: inf, oo,
    nan)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, sympy.Basic):
        if value.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan):
            return False
        if value.is_number and value.has(sympy.Float):     # kept as a float: 1e400 is inf
            try:
                return math.isfinite(float(value))
            except (TypeError, ValueError, OverflowError):
                return False
    return True


def _is_number(value) -> bool:
    return isinstance(value, float) or isinstance(value, sympy.Basic) and value.is_number


class _Board:
    def __init__(self, network: Network, descent: bool):
        self.net = network
        self.descent = descent
        self.d = Derivation()
        self.sep = network.weight_separator
        self.forward: set[str] = set()
        self.deltas: set[str] = set()
        #: symbolic exercises: each delta with the deltas it is built from written out
        self.expanded: dict[sympy.Symbol, sympy.Expr] = {}
        self.weights_of_pass: dict[int, dict[tuple[str, str], str]] = {}
        #: the optimiser's hyperparameters, when a step is not plain gradient descent
        self.optimizer: dict[str, sympy.Basic] | None = None

    # -- names ----------------------------------------------------------------------------
    def _symbol(self, name: str, written: str | None = None) -> sympy.Symbol:
        """The symbol of quantity `name` (created once, as it is written on the board)."""
        return self.d.symbol(name, written or canonical_name(name))

    def _pair(self, source: str, neuron: str) -> str:
        return f"{source}{self.sep}{neuron}"

    def _new_weight(self, base: str, step: int) -> str:
        """The name of weight `base` after update `step`, its symbol registered."""
        name = ("" if step == 1 else f"step{step}.") + base + ".new"
        mark = "new" if self.net.steps == 1 else f"({step + 1})"
        self._symbol(name, f"{base}^{mark}")
        return name

    def _target(self, index: int) -> str:
        outputs = self.net.outputs
        return "t" if len(outputs) == 1 else f"t{outputs[index]}"

    # -- adding quantities ----------------------------------------------------------------
    def _add(self, name: str, written: str, label: str, formula: sympy.Expr, group: str, *,
             note: str = "", misconceptions: Iterable[tuple[str, str, sympy.Expr]] = (),
             keeps_deltas: bool = False, accept: Iterable[sympy.Expr] = (),
             rule=None) -> sympy.Symbol:
        keep = self._kept(keeps_deltas)
        wrong = [Misconception(key, text, alt) for key, text, alt in misconceptions]
        symbol = self._symbol(name, written)
        rule = rule or self.d.rule_for(formula, keep=keep)
        value = rule({})
        if not _finite(value):
            raise overflow_error(name)
        self.d.add(name, label, formula, rule=rule, value=value,
                   inputs=self.d.inputs_in(formula, keep), keep=keep,
                   symbol=symbol, misconceptions=wrong,
                   group=group, note=note, accept=tuple(accept))
        return symbol

    def _kept(self, deltas: bool) -> frozenset[str]:
        """The outputs, net inputs (and deltas) that stay named in a symbolic value: those
        without a number for a value."""
        if not self.net.symbolic:
            return frozenset()
        names = self.forward | (self.deltas if deltas else set())
        return frozenset(n for n in names if not _is_number(self.d[n].value))

    def _s(self, name: str) -> sympy.Symbol:
        return self.d.symbol(name)

    # -- the board ------------------------------------------------------------------------
    def build(self) -> Derivation:
        self._givens()
        if self.net.optimizer is not None:
            self.optimizer = add_hyperparameters(self, self.net.optimizer)
        weights = {}
        for layer in self.net.layers:
            for j in layer.neurons:
                for i in layer.sources + (("0",) if layer.bias is not None else ()):
                    weights[(i, j)] = "w" + self._pair(i, j)
        steps = self.net.steps
        for k in range(1, steps + 1):
            self.weights_of_pass[k] = weights
            self._forward(k, weights)
            self._backward(k, weights)
            weights = self._update(k, weights)
        if not self.net.symbolic:
            self.weights_of_pass[steps + 1] = weights
            self._forward(steps + 1, weights)
        self._notes()
        self.d.principal = self._principal()
        return self.d

    def _givens(self) -> None:
        net, d = self.net, self.d
        for i, value in zip(net.inputs, net.samples[0]):
            d.given(f"x{i}", value, f"input x{i}", symbol=self._symbol(f"x{i}"), group="given")
        if net.has_bias:
            d.given("x0", 1, "bias input x0", symbol=self._symbol("x0"), group="given")
        for index, value in enumerate(net.targets[0]):
            name = self._target(index)
            what = "target" if name == "t" else f"target of output neuron {net.outputs[index]}"
            d.given(name, value, what, symbol=self._symbol(name), group="given")
        d.given("epsilon", net.learning_rate, "learning rate ε", symbol=self._symbol("epsilon"),
                group="given")
        for layer in net.layers:
            for r, j in enumerate(layer.neurons):
                for i, value in zip(layer.sources, layer.weights[r]):
                    name = "w" + self._pair(i, j)
                    d.given(name, value, f"weight {i}→{j}", symbol=self._symbol(name),
                            group="given")
                if layer.bias is not None:
                    name = "w" + self._pair("0", j)
                    d.given(name, layer.bias[r], f"bias weight of neuron {j}",
                            symbol=self._symbol(name), group="given")

    def _source(self, i: str, prefix: str) -> str:
        """The quantity that carries what comes out of `i` into the next layer."""
        if i == "0":
            return "x0"
        return f"x{i}" if i in self.net.inputs else f"{prefix}y{i}"

    # forward pass k (k = 1 before any update)
    def _forward(self, k: int, weights: dict) -> None:
        names = Step(k)
        prefix, mark, group, suffix = names.prefix, names.mark, names.forward, names.forward_suffix
        old = self.weights_of_pass.get(k - 1)
        for layer in self.net.layers:
            sources = layer.sources + (("0",) if layer.bias is not None else ())

            def net_input(chosen: dict, j: str) -> sympy.Expr:
                return total([grouped(self._s(chosen[(i, j)]), self._s(self._source(i, prefix)))
                              for i in sources])

            def add_net_input(j: str) -> sympy.Symbol:
                wrong = []
                if old is not None:
                    wrong.append(("old-weights", "used the old weights: this forward pass uses "
                                                 "the weights after the update", net_input(old, j)))
                symbol = self._add(f"{prefix}a{j}", f"a{j}{mark}",
                                   f"net input of neuron {j}{suffix}", net_input(weights, j),
                                   group, misconceptions=wrong)
                self.forward.add(f"{prefix}a{j}")
                return symbol

            def add_output(j: str, formula: sympy.Expr) -> None:
                self._add(f"{prefix}y{j}", f"y{j}{mark}", f"output of neuron {j}{suffix}",
                          formula, group)
                self.forward.add(f"{prefix}y{j}")

            g = layer.activation
            if g.elementwise:       # a3, y3, a4, y4: neuron by neuron
                for j in layer.neurons:
                    add_output(j, g.output(add_net_input(j)))
            else:                   # softmax needs every net input of the layer first
                nets = [add_net_input(j) for j in layer.neurons]
                for r, j in enumerate(layer.neurons):
                    add_output(j, g.output(nets, r))
        targets = [self._s(self._target(r)) for r in range(len(self.net.outputs))]
        outputs = [self._s(f"{prefix}y{j}") for j in self.net.outputs]
        self._add(f"{prefix}E", f"E{mark}", f"loss E{suffix}",
                  self.net.loss.error(targets, outputs), "error" if k == 1 else group,
                  note=self.net.loss.text,
                  misconceptions=self._loss_slips(targets, outputs),
                  rule=self._loss_rule(targets, outputs, prefix))

    def _loss_rule(self, targets, outputs, prefix: str):
        """E worked out as written, with two guards for outputs that floats have rounded to 0
        or 1 (a saturated σ or softmax): a term t·ln y with t = 0 is 0, and when the outputs
        are floats that their net inputs give, bce and cross-entropy are worked out from the
        net inputs (−ln(1 − σ(60)) = ln(1 + e^60) = 60, not −ln 0)."""
        loss_, net = self.net.loss, self.net
        if net.symbolic:
            return None
        formula = loss_.error(targets, outputs, zero_safe=True)
        output = net.layers[-1].activation
        if not (loss_.from_net_inputs and PAIRED_ACTIVATION[loss_.name] == output.name):
            return self.d.rule_for(formula)
        written = self.d.rule_for(formula, settle=False)
        y_names = [self.d.name_of(y) for y in outputs]
        a_names = [f"{prefix}a{j}" for j in net.outputs]
        t_names = [self.d.name_of(t) for t in targets]

        def rule(values):
            def get(name):
                return values[name] if name in values else self.d[name].value

            result = written(values)
            exact = not any(isinstance(v, float) or v.has(sympy.Float)
                            for v in (get(n) for n in y_names))
            if exact and real_value(result) is not None:
                return V.normalize(result)          # exact outputs: exact E
            try:
                t, y, a = (np.array([[_float(get(n)) for n in names]])
                           for names in (t_names, y_names, a_names))
            except (TypeError, ValueError, OverflowError):
                return V.normalize(result)
            if not np.allclose(output.forward_np(a), y, rtol=1e-12, atol=0):
                return V.normalize(result)          # outputs of other net inputs (a student's)
            return float(loss_.error_from_net_np(t, a)[0])

        return rule

    def _loss_slips(self, targets, outputs):
        name, count = self.net.loss.name, len(outputs)
        squares = loss("squared_error").error(targets, outputs)
        if name == "squared_error":
            return [("loss-factor", "used E = ½Σ(t − y)²; this problem's loss has no ½",
                     loss("half_squared_error").error(targets, outputs))]
        if name == "half_squared_error":
            return [("loss-factor", "the ½ of E = ½Σ(t − y)² is missing", squares)]
        if name == "mse" and count > 1:
            return [("loss-mean", "summed the squared errors; mse is their mean over the "
                                  f"{count} outputs", squares)]
        return []

    # deltas of step k, from the values of forward pass k
    def _backward(self, k: int, weights: dict) -> None:
        names = Step(k)
        prefix, step, mark, suffix = names.prefix, names.step, names.mark, names.suffix
        group = names.group("backward pass (deltas)")
        sign = "−" if self.descent else ""
        layers = self.net.layers
        output_layer = layers[-1]
        for r, j in enumerate(output_layer.neurons):
            y, a = self._s(f"{prefix}y{j}"), self._s(f"{prefix}a{j}")
            formula, wrong = self._output_delta(self._s(self._target(r)), y, a,
                                                output_layer.activation)
            self._add(f"{step}delta{j}", f"delta{j}{mark}", f"δ of output neuron {j}{suffix}",
                      formula, group, misconceptions=wrong, keeps_deltas=True,
                      note=f"δ{j} = {sign}∂E/∂a{j} = {sign}∂E/∂y{j} · g'(a{j}); "
                           f"{output_layer.activation.rule_text}")
            self._delta_added(f"{step}delta{j}")
        for index in range(len(layers) - 2, -1, -1):
            layer, above = layers[index], layers[index + 1]
            g = layer.activation
            for j in layer.neurons:
                y, a = self._s(f"{prefix}y{j}"), self._s(f"{prefix}a{j}")

                def back(chosen: dict, j=j) -> sympy.Expr:
                    return total([grouped(self._s(chosen[(j, m)]), self._s(f"{step}delta{m}"))
                                  for m in above.neurons])

                derivative = g.derivative(a, y)
                new = {(j, m): self._new_weight("w" + self._pair(j, m), k)
                       for m in above.neurons}
                wrong = [("updated-weights-in-backprop",
                          "used the updated weights of the layer above; back-propagation uses "
                          "the weights of the forward pass", grouped(derivative, back(new)))]
                wrong += self._derivative_slips(g, a, y,
                                                lambda other: grouped(other, back(weights)))
                self._add(f"{step}delta{j}", f"delta{j}{mark}",
                          f"δ of hidden neuron {j}{suffix}", grouped(derivative, back(weights)),
                          group, misconceptions=wrong, keeps_deltas=True,
                          note=f"δ{j} = {sign}∂E/∂a{j} = g'(a{j}) · Σ_k w{j}k δk over the "
                               f"neurons k it feeds; {g.rule_text}")
                self._delta_added(f"{step}delta{j}")

    def _delta_added(self, name: str) -> None:
        self.deltas.add(name)
        value = self.d[name].value
        if self.net.symbolic and not _is_number(value):
            self.expanded[self._s(name)] = value.xreplace(self.expanded)

    def _written_forms(self, formula: sympy.Expr) -> list[sympy.Expr]:
        """Symbolic exercises: the other right ways to write a Δw, with the neuron's own δ
        (ε·δ3·x1) or with every δ written out down to the loss."""
        if not self.net.symbolic:
            return []
        own = self.d.rule_for(formula, keep=self._kept(deltas=True))({})
        forms = [own, own.xreplace(self.expanded)]
        expected = self.d.rule_for(formula, keep=self._kept(deltas=False))({})
        return [f for i, f in enumerate(forms) if f != expected and f not in forms[:i]]

    def _output_delta(self, t, y, a, g: Activation):
        loss_ = self.net.loss
        error = difference(t, y) if self.descent else difference(y, t)
        flipped = difference(y, t) if self.descent else difference(t, y)
        sign_slip = ("delta-sign", "δ has the opposite sign: here δ = "
                     + ("−∂E/∂a, positive when the output is below the target" if self.descent
                        else "∂E/∂a, negative when the output is below the target"))
        if not loss_.squared:        # bce with sigmoid, cross-entropy with softmax: g' cancels
            return error, [sign_slip + (flipped,)]
        count = len(self.net.outputs)
        c = loss_.delta_factor(count)
        derivative = g.derivative(a, y)
        wrong = [sign_slip + (grouped(c, flipped, derivative),)]
        if loss_.name == "half_squared_error":
            wrong.append(("loss-factor", "the ½ of E = ½(t − y)² cancels the 2 of the "
                                         "derivative: δ has no factor 2 here",
                          grouped(2 * c, error, derivative)))
        else:
            wrong.append(("loss-factor", "the factor 2 from differentiating (t − y)² is missing",
                          grouped(c / 2, error, derivative)))
        if loss_.name == "mse" and count > 1:
            wrong.append(("loss-mean", f"the 1/{count} of the mean over the outputs is missing",
                          grouped(2, error, derivative)))
        wrong += self._derivative_slips(g, a, y, lambda other: grouped(c, error, other))
        return grouped(c, error, derivative), wrong

    @staticmethod
    def _derivative_slips(g: Activation, a, y, with_derivative):
        """`derivative_slips` with derivatives as expressions in the neuron's a and y."""
        return derivative_slips(g, with_derivative, sympy.Integer(1),
                                lambda other: other.derivative(a, y))

    # Δw and new weights of step k
    def _update(self, k: int, weights: dict) -> dict:
        names = Step(k)
        prefix, step, mark, suffix = names.prefix, names.step, names.mark, names.suffix
        group = names.group("weight updates")
        eps = self._s("epsilon")
        new_weights, rows = {}, []
        for layer in reversed(self.net.layers):
            sources = self.net.updated_sources(layer)
            if layer.bias is not None and not self.net.update_biases:
                new_weights.update({("0", j): weights[("0", j)] for j in layer.neurons})
            for j in layer.neurons:
                delta = self._s(f"{step}delta{j}")
                rule = f"ε δ{j}" if self.descent else f"−ε δ{j}"
                for i in sources:
                    pair = self._pair(i, j)
                    source = self._s(self._source(i, prefix))
                    change = grouped(eps, delta, source)
                    if not self.descent:
                        change = sympy.Mul(-1, change, evaluate=False)
                    name = f"{step}dw{pair}"
                    what = f"bias weight of neuron {j}" if i == "0" else f"weight {i}→{j}"
                    written = self._written_forms(change)
                    old = self._s(weights[(i, j)])
                    wrong = []
                    if self.optimizer is not None:
                        name, wrong = WeightStep(self, self.net.optimizer, self.optimizer, k,
                                                 pair, group).take(old, delta, source,
                                                                   self.descent)
                    else:
                        self._add(name, f"Δw{pair}{mark}",
                                  f"Δw{pair}: change of the {what}{suffix}", change, group,
                                  note=f"Δw{pair} = −ε ∂E/∂w{pair} = {rule} "
                                       f"{self._source(i, '')}",
                                  accept=written,
                                  misconceptions=[("gradient-ascent",
                                                   "the sign of Δw is flipped: Δw = −ε ∂E/∂w "
                                                   "goes down the gradient, this goes up",
                                                   sympy.Mul(-1, change, evaluate=False))])
                    new = self._new_weight("w" + pair, k)
                    old_value = self.d[weights[(i, j)]].value
                    self._add(new, "", f"new {what}{suffix}",
                              sympy.Add(old, self._s(name), evaluate=False), group,
                              accept=[old_value + form for form in written],
                              misconceptions=[("gradient-ascent",
                                               "subtracted Δw: the new weight is w + Δw (the minus "
                                               "of −ε ∂E/∂w is already in Δw)",
                                               difference(old, self._s(name)))]
                              + [(key, text, plus(old, f)) for key, text, f in wrong])
                    new_weights[(i, j)] = new
                    rows.append(("w" + pair, Ref(weights[(i, j)]), Ref(name), Ref(new)))
        self.d.table(self.net.update_table_title(k), ["weight", "old w", "Δw", "new w"], rows)
        return new_weights

    def _notes(self) -> None:
        net = self.net
        delta = "δ_j = −∂E/∂a_j" if self.descent else "δ_j = ∂E/∂a_j"
        update = "ε δ_j y_i" if self.descent else "−ε δ_j y_i"
        notes = [f"Loss: {net.loss.text}.",
                 f"Deltas: {delta}; an output neuron's δ comes from the loss, a hidden neuron's "
                 "from the deltas above it: δ_j = g'(a_j) Σ_k w_jk δ_k, with the weights of the "
                 "forward pass.",
                 f"Update (gradient descent): Δw_ij = −ε ∂E/∂w_ij = {update}, where y_i is the "
                 "input x_i for the first layer" + (" and x0 = 1 for a bias weight w0j."
                                                    if net.has_bias else ".")]
        notes += net.activation_notes()
        if net.symbolic:
            notes.append("Symbolic values: a_j, y_j and the deltas of the layer above stay named; "
                         "there is no second forward pass.")
        self.d.notes.extend(notes)

    def _principal(self) -> list[str]:
        steps = self.net.steps
        outputs = [f"y{j}" for j in self.net.outputs]
        deltas = [q.name for q in self.d if q.name.startswith("delta")]
        changes = [q.name for q in self.d if q.name.startswith("dw")]
        last = "" if steps == 1 else f"step{steps}."
        new = [q.name for q in self.d if q.name.startswith(last + "w") and q.name.endswith(".new")]
        if self.net.symbolic:
            return deltas + changes + new
        return outputs + ["E"] + deltas + new + [f"pass{steps + 1}.E"]
