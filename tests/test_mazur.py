"""Mazur's "A Step by Step Backpropagation Example": a 2-2-2 sigmoid network whose biases are
not updated (`update_biases: false`), worked exactly.

His figures before the update agree to the nine digits he prints. After the update he prints
a total error of 0.291027924. Worked exactly, his own procedure gives 0.291027774 (and so do
his own printed new weights, put through a forward pass): his figure is off by 1.5e-7, which
no rounding of nine-digit intermediates explains. It is, to all nine digits, what one gets
when the hidden deltas are computed with the already-updated output weights w5 … w8, the
slip the solver knows as `updated-weights-in-backprop`; the last test shows this.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from nnsolve.solution import solve
from nnsolve.spec.problem import load

PROBLEM = Path(__file__).resolve().parent.parent / "problems" / "mazur-backprop.yaml"


@pytest.fixture(scope="module")
def d():
    return solve(load(PROBLEM)).parts[0].derivation


def test_the_forward_pass_is_mazurs(d):
    assert round(d["yh1"].value, 9) == 0.593269992
    assert round(d["yh2"].value, 9) == 0.596884378
    assert round(d["yo1"].value, 9) == 0.751365070
    assert round(d["yo2"].value, 9) == 0.772928465
    assert round(d["E"].value, 9) == 0.298371109


def test_the_new_weights_are_mazurs(d):
    printed = {"wh1_o1.new": 0.35891648, "wh2_o1.new": 0.408666186, "wh1_o2.new": 0.511301270,
               "wh2_o2.new": 0.561370121, "wi1_h1.new": 0.149780716, "wi2_h1.new": 0.19956143,
               "wi1_h2.new": 0.24975114, "wi2_h2.new": 0.29950229}
    for name, value in printed.items():
        assert d[name].value == pytest.approx(value, abs=5e-9), name


def test_the_biases_are_not_updated(d):
    for neuron in ("h1", "h2", "o1", "o2"):
        assert f"dw0_{neuron}" not in d and f"w0_{neuron}.new" not in d
    assert "w0_h1" in d["pass2.ah1"].inputs and "w0_o1" in d["pass2.ao1"].inputs


def test_the_error_after_the_update_worked_exactly(d):
    assert round(d["pass2.E"].value, 9) == 0.291027774


def _forward_error(w1, w2):
    """The error of Mazur's network with hidden weights w1 and output weights w2 (rows per
    neuron), written plainly."""
    x, t = (0.05, 0.10), (0.01, 0.99)
    sigma = lambda a: 1 / (1 + math.exp(-a))  # noqa: E731
    h = [sigma(sum(w * xi for w, xi in zip(row, x)) + 0.35) for row in w1]
    o = [sigma(sum(w * hi for w, hi in zip(row, h)) + 0.60) for row in w2]
    return sum(0.5 * (ti - oi) ** 2 for ti, oi in zip(t, o))


def test_mazurs_printed_weights_give_the_exact_figure_too():
    w1 = [[0.149780716, 0.19956143], [0.24975114, 0.29950229]]
    w2 = [[0.35891648, 0.408666186], [0.511301270, 0.561370121]]
    assert round(_forward_error(w1, w2), 9) == 0.291027774


def test_mazurs_printed_error_is_backpropagation_through_the_updated_weights(d):
    """Take the solver's own `updated-weights-in-backprop` deltas for h1 and h2, work the
    rest of the step from them, and the second pass gives his 0.291027924."""
    overrides = {}
    for q in d:
        if q.name in ("deltah1", "deltah2"):
            slip = next(m for m in q.misconceptions if m.id == "updated-weights-in-backprop")
            overrides[q.name] = slip.apply(d.inputs_of(q.name))
        elif not q.given and any(n in overrides for n in q.inputs):
            overrides[q.name] = d.recompute(q.name, overrides)
    assert round(overrides["pass2.E"], 9) == 0.291027924
