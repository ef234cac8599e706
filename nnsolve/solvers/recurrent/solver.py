"""The recurrent solvers: an Elman RNN, an LSTM and a GRU worked step by step over a sequence,
then read off by an output layer.

    given:
      sentence: "This was horrible"
      vocabulary: {This: [0, -1, 2], horrible: [-2, -2, 1], <UNK>: [0, 0, 0]}
      W_xh: [[0, -1, 2], [1, -2, 0]]
      W_hh: [[1, 0], [0, 1]]
      activation: relu
      W_hy: [[0, 1], [1, 0], [2, -1]]
      pooling: mean

Every step is its own quantities (step<k>.h, and for the gated cells each gate), built from
the step before with `d.iterate`: a student's wrong h_1 is carried into their h_2, their
logits and their class. The defaults compute what torch.nn.RNN, LSTM and GRU compute.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from nnsolve.solvers.base import Convention, Solver
from nnsolve.solvers.recurrent.given import GruGiven, LstmGiven, RnnGiven

if TYPE_CHECKING:
    from nnsolve.derivation.core import Derivation

SHARED_CONVENTIONS = {
    "classes": Convention("from-0", ("from-0", "from-1"),
                          "from-0: the classes (rows of W_hy) are numbered 0, 1, 2, … as "
                          "arg max in numpy and torch (three classes: class 2 is the third); "
                          "from-1: numbered 1, 2, 3, …"),
    "case": Convention("exact", ("exact", "fold"),
                       "exact: a word is in the vocabulary only as written (This ≠ this); "
                       "fold: upper and lower case are one word"),
}

READOUT_QUANTITIES = {
    "x<t>": "the input at time t (a sentence's word t read through the vocabulary)",
    "h0": "the starting state (zeros unless given)",
    "step<k>.h": "the hidden state h_k after step k",
    "h": "the state the output layer reads: h_T (pooling: last), the mean or the element-wise "
         "max of h_1 … h_T (pooling: mean, max)",
    "logits": "W_hy h + b_y, one score per class",
    "probabilities": "softmax(logits)",
    "class": "the arg max class, numbered as the `classes` convention says",
    "class_name": "the name of that class (with `classes:` given)",
    "step<k>.logits, .probabilities, .class, .class_name":
        "pooling: each (a decoder): the output read off h_k, e.g. the output word of step k",
}

_SENTENCE = {"This": [0, -1, 2], "horrible": [-2, -2, 1], "<UNK>": [0, 0, 0]}


class RnnSolver(Solver):
    name = "rnn"
    summary = "an Elman RNN step by step: h_t = g(W_xh x_t + W_hh h_{t−1} + b_h), then the output"
    Given = RnnGiven
    quantities = {
        **READOUT_QUANTITIES,
        "step<k>.a": "the sum before the activation: W_xh x_k + W_hh h_{k−1} + b_h (or "
                     "W [x_k; h_{k−1}] + b in the concatenated form; W_hh h_{k−1} + b_h for a "
                     "decoder)",
    }
    principal = ("step<k>.h", "logits", "probabilities", "class")
    conventions = dict(SHARED_CONVENTIONS)
    template = {
        "given": {"sentence": "This was horrible", "vocabulary": _SENTENCE,
                  "W_xh": [[0, -1, 2], [1, -2, 0]], "W_hh": [[1, 0], [0, 1]],
                  "activation": "relu", "W_hy": [[0, 1], [1, 0], [2, -1]],
                  "classes": ["positive", "neutral", "negative"]},
        "ask": ["step1.h", "step2.h", "step3.h", "logits", "probabilities", "class"],
    }

    def solve(self, given: RnnGiven, conventions: Mapping[str, str]) -> "Derivation":
        from nnsolve.solvers.recurrent.build import assemble
        from nnsolve.solvers.recurrent.elman import build_steps, read_cell

        return assemble(given, conventions, decoder=True, read_cell=read_cell,
                        build_steps=build_steps, bases=("a", "h"))


class LstmSolver(Solver):
    name = "lstm"
    summary = "an LSTM step by step: every gate, the candidate, the cell and the hidden state"
    Given = LstmGiven
    quantities = {
        **READOUT_QUANTITIES,
        "c0": "the starting cell state (zeros unless given)",
        "step<k>.i": "the input gate at step k: σ(W_ii x_k + b_ii + W_hi h_{k−1} + b_hi) in "
                     "PyTorch's names, σ(W_i x_k + U_i h_{k−1} + b_i) in the slides'",
        "step<k>.f": "the forget gate, σ(W_if x_k + b_if + W_hf h_{k−1} + b_hf)",
        "step<k>.g": "the candidate cell, tanh(W_ig x_k + b_ig + W_hg h_{k−1} + b_hg) (c̃, "
                     "with W_c, U_c, b_c, on slides)",
        "step<k>.o": "the output gate, σ(W_io x_k + b_io + W_ho h_{k−1} + b_ho)",
        "step<k>.c": "the cell state c_k = f_k ⊙ c_{k−1} + i_k ⊙ g_k",
        "step<k>.h": "the hidden state h_k = o_k ⊙ tanh(c_k)",
        "W_ii, W_hi, b_ii, b_hi, …": "PyTorch's layout cut into its gates (i, f, g, o), as the "
                                     "torch documentation names them",
        "W_i, U_i, b_i, …": "the gates' weights given per gate (slides' names: W_c for g)",
    }
    principal = ("step<k>.i", "step<k>.f", "step<k>.g", "step<k>.o", "step<k>.c", "step<k>.h")
    conventions = dict(SHARED_CONVENTIONS)
    template = {
        "given": {"inputs": [[1, 0], [0, 1]],
                  "W_i": [[1, 0]], "U_i": [[0]], "W_f": [[0, 1]], "U_f": [[1]],
                  "W_c": [[1, -1]], "U_c": [[1]], "W_o": [[1, 1]], "U_o": [[0]]},
        "ask": ["step1.c", "step1.h", "step2.c", "step2.h"],
    }

    def solve(self, given: LstmGiven, conventions: Mapping[str, str]) -> "Derivation":
        from nnsolve.solvers.recurrent.build import assemble
        from nnsolve.solvers.recurrent.gated import lstm_steps
        from nnsolve.solvers.recurrent.gates import read_lstm

        return assemble(given, conventions, decoder=False, read_cell=read_lstm,
                        build_steps=lstm_steps, bases=("i", "f", "g", "o", "c", "h"),
                        cell_state=True, asked=("i", "f", "g", "o", "c", "h"))


class GruSolver(Solver):
    name = "gru"
    summary = "a GRU step by step: reset and update gates, the candidate and the hidden state"
    Given = GruGiven
    quantities = {
        **READOUT_QUANTITIES,
        "step<k>.r": "the reset gate at step k, σ(W_ir x_k + b_ir + W_hr h_{k−1} + b_hr)",
        "step<k>.z": "the update gate, σ(W_iz x_k + b_iz + W_hz h_{k−1} + b_hz)",
        "step<k>.h": "the hidden state (1 − z_k) ⊙ n_k + z_k ⊙ h_{k−1} (convention "
                     "`update_gate`)",
        "step<k>.n": "the candidate tanh(W_in x_k + b_in + r_k ⊙ (W_hn h_{k−1} + b_hn))",
        "W_ir, W_hr, b_ir, b_hr, …": "PyTorch's layout cut into its gates (r, z, n)",
        "W_r, U_r, b_r, …": "the gates' weights given per gate",
    }
    principal = ("step<k>.r", "step<k>.z", "step<k>.n", "step<k>.h")
    conventions = {
        **SHARED_CONVENTIONS,
        "update_gate": Convention(
            "keeps-old", ("keeps-old", "takes-new"),
            "keeps-old: h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}, as torch.nn.GRU; takes-new: "
            "h_t = z ⊙ n + (1 − z) ⊙ h_{t−1}, as some textbooks write it"),
        "reset": Convention(
            "after-product", ("after-product", "before-product"),
            "after-product: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), as torch.nn.GRU; "
            "before-product: n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn), as Cho et al. "
            "(2014)"),
    }
    template = {
        "given": {"inputs": [[1, 0], [0, 1]],
                  "W_r": [[1, 0]], "U_r": [[0]], "W_z": [[0, 1]], "U_z": [[1]],
                  "W_n": [[1, -1]], "U_n": [[1]]},
        "ask": ["step1.z", "step1.h", "step2.h"],
    }

    def solve(self, given: GruGiven, conventions: Mapping[str, str]) -> "Derivation":
        from nnsolve.solvers.recurrent.build import assemble
        from nnsolve.solvers.recurrent.gated import gru_steps
        from nnsolve.solvers.recurrent.gates import read_gru

        return assemble(given, conventions, decoder=False, read_cell=read_gru,
                        build_steps=gru_steps, bases=("r", "z", "n", "h"),
                        asked=("r", "z", "n", "h"))
