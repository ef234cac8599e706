"""The attention solver against torch: F.scaled_dot_product_attention (with and without a
causal mask) and nn.MultiheadAttention in float64, its in_proj and out_proj weights given to
the solver in nn.Linear's layout; and the projections' parameter count against the module's."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("nnsolve.solvers.attention")

from nnsolve import solvers  # noqa: E402

pytestmark = pytest.mark.oracle


def solve(given: dict, **conventions):
    solver = solvers.get("attention")()
    return solver.solve(solver.Given(**given), solver.resolve_conventions(conventions))


def array(d, name) -> np.ndarray:
    return np.array(d[name].value, dtype=float)


@pytest.mark.parametrize("n_q, n_k, d_k, d_v, causal", [
    (3, 3, 2, 2, False), (3, 3, 2, 2, True),            # worked exactly, element by element
    (4, 5, 3, 2, False),                                # exact, matrices only
    (12, 12, 20, 7, True), (30, 17, 24, 9, False),      # numpy
])
def test_scaled_dot_product_attention(n_q, n_k, d_k, d_v, causal):
    generator = torch.Generator().manual_seed(n_q * 100 + n_k + causal)
    q, k, v = (torch.randn(n, w, generator=generator, dtype=torch.float64)
               for n, w in ((n_q, d_k), (n_k, d_k), (n_k, d_v)))
    given = {"Q": q.tolist(), "K": k.tolist(), "V": v.tolist()}
    if causal:
        given["mask"] = "causal"
    d = solve(given)
    expected = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal)
    assert np.allclose(array(d, "output"), expected.numpy(), rtol=0, atol=1e-9)
    weights = torch.softmax(q @ k.T / d_k ** 0.5 + (
        torch.full((n_q, n_k), -torch.inf).triu(1) if causal else 0), dim=-1)
    assert np.allclose(array(d, "weights"), weights.numpy(), rtol=0, atol=1e-9)


def test_a_boolean_mask_as_the_function_takes_it():
    generator = torch.Generator().manual_seed(7)
    q, k, v = (torch.randn(4, 3, generator=generator, dtype=torch.float64) for _ in range(3))
    keep = torch.tensor([[1, 0, 1, 1], [0, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1]], dtype=torch.bool)
    d = solve({"Q": q.tolist(), "K": k.tolist(), "V": v.tolist(),
               "mask": keep.int().tolist()}, mask="keep")
    expected = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=keep)
    assert np.allclose(array(d, "output"), expected.numpy(), rtol=0, atol=1e-9)


@pytest.mark.parametrize("n, embed, heads, bias, causal", [
    (3, 4, 2, True, False), (3, 4, 2, False, True),          # exact path
    (10, 12, 3, True, True), (6, 16, 4, True, False),         # numpy path
])
def test_multihead_attention(n, embed, heads, bias, causal):
    torch.manual_seed(n * embed + heads)
    mha = torch.nn.MultiheadAttention(embed, heads, bias=bias, batch_first=True,
                                      dtype=torch.float64)
    with torch.no_grad():
        if bias:                               # torch starts them at 0: make them count
            mha.in_proj_bias.normal_()
            mha.out_proj.bias.normal_()
    x = torch.randn(1, n, embed, dtype=torch.float64)
    mask = torch.ones(n, n, dtype=torch.bool).triu(1) if causal else None   # True: hidden
    expected, weights = mha(x, x, x, attn_mask=mask, need_weights=True,
                            average_attn_weights=False)
    w_q, w_k, w_v = mha.in_proj_weight.detach().chunk(3)
    given = {"X": x[0].tolist(), "W_q": w_q.tolist(), "W_k": w_k.tolist(),
             "W_v": w_v.tolist(), "heads": heads, "W_o": mha.out_proj.weight.detach().tolist()}
    if bias:
        b_q, b_k, b_v = mha.in_proj_bias.detach().chunk(3)
        given.update(b_q=b_q.tolist(), b_k=b_k.tolist(), b_v=b_v.tolist(),
                     b_o=mha.out_proj.bias.detach().tolist())
    if causal:
        given["mask"] = mask.int().tolist()
    d = solve(given, weights="linear", mask="block")
    assert np.allclose(array(d, "output"), expected[0].detach().numpy(), rtol=0, atol=1e-9)
    for h in range(heads):
        assert np.allclose(array(d, f"head{h + 1}.weights"), weights[0, h].detach().numpy(),
                           rtol=0, atol=1e-9)


@pytest.mark.parametrize("embed, heads, bias", [(512, 8, True), (64, 4, False), (6, 3, True)])
def test_parameter_count_of_the_module(embed, heads, bias):
    mha = torch.nn.MultiheadAttention(embed, heads, bias=bias)
    count = sum(p.numel() for p in mha.parameters())
    d = solve({"n": 5, "d_in": embed, "heads": heads}, biases="with" if bias else "without")
    assert d["params"].value == count
    assert d["params.Wq"].value + d["params.Wk"].value + d["params.Wv"].value == \
        mha.in_proj_weight.numel() + (mha.in_proj_bias.numel() if bias else 0)
    assert d["params.Wo"].value == sum(p.numel() for p in mha.out_proj.parameters())


@pytest.mark.parametrize("n_q, n_k, embed, heads", [(2, 3, 4, 2), (7, 11, 12, 3)])
def test_cross_attention_over_a_memory(n_q, n_k, embed, heads):
    """Queries from a decoder's states, keys and values from the encoder's (`memory`)."""
    torch.manual_seed(n_q + n_k)
    mha = torch.nn.MultiheadAttention(embed, heads, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        mha.in_proj_bias.normal_()
    x = torch.randn(1, n_q, embed, dtype=torch.float64)
    memory = torch.randn(1, n_k, embed, dtype=torch.float64)
    expected, _ = mha(x, memory, memory)
    w_q, w_k, w_v = mha.in_proj_weight.detach().chunk(3)
    b_q, b_k, b_v = mha.in_proj_bias.detach().chunk(3)
    d = solve({"X": x[0].tolist(), "memory": memory[0].tolist(), "W_q": w_q.tolist(),
               "W_k": w_k.tolist(), "W_v": w_v.tolist(), "b_q": b_q.tolist(),
               "b_k": b_k.tolist(), "b_v": b_v.tolist(), "heads": heads,
               "W_o": mha.out_proj.weight.detach().tolist(),
               "b_o": mha.out_proj.bias.detach().tolist()}, weights="linear")
    assert np.allclose(array(d, "output"), expected[0].detach().numpy(), rtol=0, atol=1e-9)
