"""The recurrent solvers against torch.nn.RNN, LSTM and GRU (float64, a batch of one) on random
cells: every hidden state (and every LSTM cell state) agrees to 1e-9, over one to four steps.

The other ways of writing the same cell are checked against torch too: the slides' per-gate
weights with one bias, the concatenated form W [x; h], and the GRU conventions (z weighting
the candidate is torch's GRU with the update gate's weights negated, as σ(−a) = 1 − σ(a)).
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.oracle

from nnsolve.derivation import values as V  # noqa: E402
from nnsolve.solvers.recurrent import GruSolver, LstmSolver, RnnSolver  # noqa: E402

TOLERANCE = 1e-9
SEEDS = range(8)


def solve(solver_class, given: dict, **conventions):
    solver = solver_class()
    return solver.solve(solver.Given(**given), solver.resolve_conventions(conventions))


def floats(value) -> np.ndarray:
    return np.array([V.to_float(v) for v in value])


def random_case(seed: int, module, **options):
    """A torch module with random float64 weights, a random sequence and starting state."""
    rng = np.random.default_rng(seed)
    steps, size, hidden = (int(rng.integers(1, 5)), int(rng.integers(1, 4)),
                           int(rng.integers(1, 4)))
    torch.manual_seed(seed)
    cell = module(size, hidden, batch_first=True, **options).double()
    x = torch.tensor(rng.normal(0, 1, (1, steps, size)))
    h0 = torch.tensor(rng.normal(0, 1, (1, 1, hidden)))
    return cell, x, h0


def torch_layout(cell) -> dict:
    return {"weight_ih": cell.weight_ih_l0.tolist(), "weight_hh": cell.weight_hh_l0.tolist(),
            "bias_ih": cell.bias_ih_l0.tolist(), "bias_hh": cell.bias_hh_l0.tolist()}


def assert_states(d, outputs, base: str = "h") -> None:
    for t in range(outputs.shape[1]):
        mine = floats(d[f"step{t + 1}.{base}"].value)
        assert np.abs(mine - outputs[0, t].detach().numpy()).max() < TOLERANCE, (base, t)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_elman_steps_agree_with_torch_rnn(seed, activation):
    cell, x, h0 = random_case(seed, torch.nn.RNN, nonlinearity=activation)
    out, _ = cell(x, h0)
    given = {"inputs": x[0].tolist(), "h0": h0[0, 0].tolist(), "activation": activation,
             "W_xh": cell.weight_ih_l0.tolist(), "W_hh": cell.weight_hh_l0.tolist(),
             "b_h": (cell.bias_ih_l0 + cell.bias_hh_l0).tolist()}
    assert_states(solve(RnnSolver, given), out)
    # the concatenated form W = [W_xh W_hh] is the same cell
    joined = {k: given[k] for k in ("inputs", "h0", "activation")}
    joined["W"] = torch.cat([cell.weight_ih_l0, cell.weight_hh_l0], dim=1).tolist()
    joined["b"] = given["b_h"]
    assert_states(solve(RnnSolver, joined), out)


@pytest.mark.parametrize("seed", SEEDS)
def test_lstm_gates_cells_and_states_agree_with_torch_lstm(seed):
    cell, x, h0 = random_case(seed, torch.nn.LSTM)
    c0 = torch.tensor(np.random.default_rng(seed + 100).normal(0, 1, h0.shape))
    given = {"inputs": x[0].tolist(), "h0": h0[0, 0].tolist(), "c0": c0[0, 0].tolist(),
             **torch_layout(cell)}
    d = solve(LstmSolver, given)
    out, _ = cell(x, (h0, c0))
    assert_states(d, out)
    # the cell states, one step at a time through torch.nn.LSTMCell with the same weights
    step = torch.nn.LSTMCell(x.shape[2], h0.shape[2]).double()
    step.load_state_dict({k.removesuffix("_l0"): v for k, v in cell.state_dict().items()})
    h, c = h0[0], c0[0]
    for t in range(x.shape[1]):
        h, c = step(x[:, t], (h, c))
        assert np.abs(floats(d[f"step{t + 1}.c"].value) - c[0].detach().numpy()).max() \
            < TOLERANCE


@pytest.mark.parametrize("seed", SEEDS)
def test_lstm_per_gate_weights_as_slides_write_them_are_the_same_cell(seed):
    cell, x, h0 = random_case(seed, torch.nn.LSTM)
    out, _ = cell(x, (h0, torch.zeros_like(h0)))
    H = h0.shape[2]
    given = {"inputs": x[0].tolist(), "h0": h0[0, 0].tolist()}
    bias = cell.bias_ih_l0 + cell.bias_hh_l0
    for j, slide in enumerate("ifco"):          # torch's order i, f, g, o; slides call g c
        rows = slice(j * H, (j + 1) * H)
        given.update({f"W_{slide}": cell.weight_ih_l0[rows].tolist(),
                      f"U_{slide}": cell.weight_hh_l0[rows].tolist(),
                      f"b_{slide}": bias[rows].tolist()})
    assert_states(solve(LstmSolver, given), out)


@pytest.mark.parametrize("seed", SEEDS)
def test_gru_gates_and_states_agree_with_torch_gru(seed):
    cell, x, h0 = random_case(seed, torch.nn.GRU)
    out, _ = cell(x, h0)
    given = {"inputs": x[0].tolist(), "h0": h0[0, 0].tolist(), **torch_layout(cell)}
    d = solve(GruSolver, given)
    assert_states(d, out)
    # z weighting the candidate: torch's GRU whose update gate's weights are negated
    H = h0.shape[2]
    flipped = dict(given)
    for field in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        rows = [list(r) if isinstance(r, list) else r for r in given[field]]
        rows[H:2 * H] = [[-v for v in r] if isinstance(r, list) else -r for r in rows[H:2 * H]]
        flipped[field] = rows
    assert_states(solve(GruSolver, flipped, update_gate="takes-new"), out)


@pytest.mark.parametrize("seed", SEEDS)
def test_gru_with_the_reset_gate_before_the_product_agrees_with_numpy(seed):
    """Cho et al.'s candidate tanh(W x + b_in + W_hn (r ⊙ h) + b_hn), written plainly."""
    cell, x, h0 = random_case(seed, torch.nn.GRU)
    given = {"inputs": x[0].tolist(), "h0": h0[0, 0].tolist(), **torch_layout(cell)}
    d = solve(GruSolver, given, reset="before-product")
    H = h0.shape[2]
    Wi, Wh = cell.weight_ih_l0.detach().numpy(), cell.weight_hh_l0.detach().numpy()
    bi, bh = cell.bias_ih_l0.detach().numpy(), cell.bias_hh_l0.detach().numpy()
    sigma = lambda a: 1 / (1 + np.exp(-a))        # noqa: E731
    h = h0[0, 0].numpy()
    for t, xt in enumerate(x[0].numpy(), 1):
        part = [slice(j * H, (j + 1) * H) for j in range(3)]
        r = sigma(Wi[part[0]] @ xt + bi[part[0]] + Wh[part[0]] @ h + bh[part[0]])
        z = sigma(Wi[part[1]] @ xt + bi[part[1]] + Wh[part[1]] @ h + bh[part[1]])
        n = np.tanh(Wi[part[2]] @ xt + bi[part[2]] + Wh[part[2]] @ (r * h) + bh[part[2]])
        h = (1 - z) * n + z * h
        assert np.abs(floats(d[f"step{t}.h"].value) - h).max() < TOLERANCE


@pytest.mark.parametrize("seed", SEEDS)
def test_pooling_logits_and_probabilities_agree_with_torch(seed):
    cell, x, h0 = random_case(seed, torch.nn.RNN)
    out, _ = cell(x, h0)
    rng = np.random.default_rng(seed)
    classes = int(rng.integers(2, 5))
    W_hy = torch.tensor(rng.normal(0, 1, (classes, h0.shape[2])))
    b_y = torch.tensor(rng.normal(0, 1, classes))
    pools = {"last": out[0, -1], "mean": out[0].mean(0), "max": out[0].max(0).values}
    for pooling, h in pools.items():
        given = {"inputs": x[0].tolist(), "h0": h0[0, 0].tolist(),
                 "W_xh": cell.weight_ih_l0.tolist(), "W_hh": cell.weight_hh_l0.tolist(),
                 "b_h": (cell.bias_ih_l0 + cell.bias_hh_l0).tolist(),
                 "W_hy": W_hy.tolist(), "b_y": b_y.tolist(), "pooling": pooling}
        d = solve(RnnSolver, given)
        logits = W_hy @ h + b_y
        probabilities = torch.softmax(logits, 0)
        assert np.abs(floats(d["h"].value) - h.detach().numpy()).max() < TOLERANCE
        assert np.abs(floats(d["logits"].value) - logits.detach().numpy()).max() < TOLERANCE
        assert np.abs(floats(d["probabilities"].value) -
                      probabilities.detach().numpy()).max() < TOLERANCE
        assert d["class"].value == int(torch.argmax(probabilities))


@pytest.mark.parametrize("module, solver_class", [(torch.nn.LSTM, LstmSolver),
                                                  (torch.nn.GRU, GruSolver)])
def test_the_unknown_word_dropped_is_the_same_cell_run_without_it(module, solver_class):
    """The misconception's value is what torch computes on the sentence without the word."""
    cell, _, h0 = random_case(3, module)
    size, hidden = cell.input_size, cell.hidden_size
    rng = np.random.default_rng(7)
    vocabulary = {w: rng.normal(0, 1, size).tolist() for w in ("the", "film", "<UNK>")}
    given = {"sentence": "the film was dull", "vocabulary": vocabulary,
             "h0": h0[0, 0].tolist(), "pooling": "mean", **torch_layout(cell)}
    d = solve(solver_class, given)
    full = torch.tensor([[vocabulary[w] for w in ("the", "film", "<UNK>", "<UNK>")]],
                        dtype=torch.float64)
    kept = torch.tensor([[vocabulary[w] for w in ("the", "film")]], dtype=torch.float64)
    start = h0 if module is torch.nn.GRU else (h0, torch.zeros(1, 1, hidden, dtype=h0.dtype))
    right, dropped = (cell(x, start)[0][0].mean(0).detach().numpy() for x in (full, kept))
    assert np.abs(floats(d["h"].value) - right).max() < TOLERANCE
    (slip,) = [m for m in d["h"].misconceptions if m.id == "unknown-word-dropped"]
    assert np.abs(floats(slip.apply(d.inputs_of("h"))) - dropped).max() < TOLERANCE
