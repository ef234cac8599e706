"""The `mlp` solver: backpropagation on a feed-forward network, as a TA works it on the board.

Forward pass (net inputs a_j, outputs y_j), the loss E, the deltas from the output down, every
Δw = −ε ∂E/∂w and new weight, then the next forward pass with the new weights. Small networks
are worked neuron by neuron in the course's notation (a3, y3, delta5, dw35, w35.new,
pass2.a3); big networks and mini-batches are worked layer by layer with numpy
(layer1.a, layer1.delta, layer1.dW). Weights, inputs, targets or the learning rate may be symbol
names and the activation an unspecified `g`: the derivation then gives the general expressions
(Δw13 = ε·g'(a3)·w35·δ5·x1).

network.py reads and checks the given; neurons.py and layers.py build the derivation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from nnsolve.solvers.base import Convention, GivenFrom, Solver

if TYPE_CHECKING:
    from nnsolve.derivation.core import Derivation
    from nnsolve.solvers.mlp.given import MlpGiven

DELTA_CONVENTIONS = ("-dE/da", "dE/da")


class MlpSolver(Solver):
    name = "mlp"
    summary = "backpropagation on a feed-forward network: forward pass, deltas, Δw, next pass"
    Given = GivenFrom("nnsolve.solvers.mlp.given:MlpGiven")
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
        from nnsolve.solvers.mlp.network import read_network

        network, view = read_network(given)
        descent = conventions["delta"] == "-dE/da"
        # each view is imported when it is used: `nnsolve solvers` lists this solver without
        # numpy, and a neuron-by-neuron exercise never loads it
        if view == "layers":
            from nnsolve.solvers.mlp.layers import build
        else:
            from nnsolve.solvers.mlp.neurons import build
        return build(network, descent=descent)
