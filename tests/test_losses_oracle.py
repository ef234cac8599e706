"""The losses agree with PyTorch's loss functions on random inputs, in float64 (to 1e-9)."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from nnsolve.solvers.losses import LossesSolver  # noqa: E402

pytestmark = pytest.mark.oracle


def solve(given: dict, **conventions):
    solver = LossesSolver()
    return solver.solve(solver.Given(**given), solver.resolve_conventions(conventions))


def rand(gen, *shape, low=None, high=None):
    x = torch.rand(*shape, generator=gen, dtype=torch.float64) if low is not None else \
        torch.randn(*shape, generator=gen, dtype=torch.float64) * 2
    return (low + (high - low) * x) if low is not None else x


SEEDS = range(4)


@pytest.mark.parametrize("seed", SEEDS)
def test_mse_is_mse_loss_in_each_reduction(seed):
    gen = torch.Generator().manual_seed(seed)
    y, t = rand(gen, 5), rand(gen, 5)
    given = {"loss": "mse", "prediction": y.tolist(), "target": t.tolist()}
    assert solve(given)["loss"].value == pytest.approx(F.mse_loss(y, t).item(), rel=1e-9)
    assert solve(given, mse="sum")["loss"].value == pytest.approx(
        F.mse_loss(y, t, reduction="sum").item(), rel=1e-9)
    assert solve(given, mse="half_sum")["loss"].value == pytest.approx(
        F.mse_loss(y, t, reduction="sum").item() / 2, rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_bce_is_binary_cross_entropy_from_probabilities_and_logits(seed):
    gen = torch.Generator().manual_seed(seed)
    y, t, z = rand(gen, 6, low=0.01, high=0.99), rand(gen, 6, low=0, high=1), rand(gen, 6)
    d = solve({"loss": "bce", "prediction": y.tolist(), "target": t.tolist()})
    assert d["loss"].value == pytest.approx(F.binary_cross_entropy(y, t).item(), rel=1e-9)
    assert d["terms"].value == pytest.approx(
        F.binary_cross_entropy(y, t, reduction="none").tolist(), rel=1e-9)
    d = solve({"loss": "bce", "logits": z.tolist(), "target": t.tolist()})
    assert d["loss"].value == pytest.approx(
        F.binary_cross_entropy_with_logits(z, t).item(), rel=1e-9)
    bits = solve({"loss": "bce", "prediction": y.tolist(), "target": t.tolist()}, log="2")
    assert bits["loss"].value == pytest.approx(
        F.binary_cross_entropy(y, t).item() / math.log(2), rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_and_cross_entropy_are_torchs(seed):
    gen = torch.Generator().manual_seed(seed)
    z = rand(gen, 5) * 10          # large logits: the max subtracted keeps them finite
    c = int(torch.randint(0, 5, (1,), generator=gen))
    probs = torch.softmax(rand(gen, 5), 0)
    d = solve({"loss": "cross_entropy", "logits": z.tolist(), "target": c})
    assert d["softmax"].value == pytest.approx(torch.softmax(z, 0).tolist(), rel=1e-9)
    assert d["log_softmax"].value == pytest.approx(F.log_softmax(z, 0).tolist(), rel=1e-9)
    assert d["loss"].value == pytest.approx(
        F.cross_entropy(z[None], torch.tensor([c])).item(), rel=1e-9)
    d = solve({"loss": "cross_entropy", "logits": z.tolist(), "target": probs.tolist()})
    assert d["loss"].value == pytest.approx(F.cross_entropy(z[None], probs[None]).item(),
                                            rel=1e-9)
    p = torch.softmax(z, 0)
    d = solve({"loss": "cross_entropy", "probabilities": p.tolist(), "target": c})
    assert d["loss"].value == pytest.approx(F.nll_loss(p.log()[None], torch.tensor([c])).item(),
                                            rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_kl_is_kl_div(seed):
    gen = torch.Generator().manual_seed(seed)
    p, q = torch.softmax(rand(gen, 4), 0), torch.softmax(rand(gen, 4), 0)
    d = solve({"loss": "kl", "p": p.tolist(), "q": q.tolist()})
    assert d["kl"].value == pytest.approx(F.kl_div(q.log(), p, reduction="sum").item(),
                                          rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_gaussian_kl_is_the_kl_of_torch_distributions(seed):
    gen = torch.Generator().manual_seed(seed)
    mu, sigma = rand(gen, 3), rand(gen, 3, low=0.2, high=2.0)
    normal = torch.distributions.Normal
    expected = torch.distributions.kl_divergence(normal(mu, sigma), normal(0.0, 1.0))
    d = solve({"loss": "gaussian_kl", "mu": mu.tolist(), "sigma": sigma.tolist()})
    assert d["kl_terms"].value == pytest.approx(expected.tolist(), rel=1e-9, abs=1e-12)
    assert d["kl"].value == pytest.approx(expected.sum().item(), rel=1e-9)
    d = solve({"loss": "gaussian_kl", "mu": mu.tolist(),
               "log_var": (2 * sigma.log()).tolist()})
    assert d["kl"].value == pytest.approx(expected.sum().item(), rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_vae_loss_is_the_pytorch_example_loss(seed):
    """The loss of PyTorch's VAE example: BCE summed + −½Σ(1 + l − μ² − e^l), z = μ + σ ε."""
    gen = torch.Generator().manual_seed(seed)
    mu, lv, eps = rand(gen, 3), rand(gen, 3) / 2, rand(gen, 3)
    x, x_hat = rand(gen, 6, low=0, high=1), rand(gen, 6, low=0.05, high=0.95)
    beta = 0.5
    kld = -0.5 * torch.sum(1 + lv - mu.pow(2) - lv.exp())
    expected = F.binary_cross_entropy(x_hat, x, reduction="sum") + beta * kld
    d = solve({"loss": "vae", "mu": mu.tolist(), "log_var": lv.tolist(),
               "epsilon": eps.tolist(), "x": x.tolist(), "reconstruction": x_hat.tolist(),
               "beta": beta})
    assert d["z"].value == pytest.approx((mu + torch.exp(0.5 * lv) * eps).tolist(), rel=1e-9)
    assert d["loss"].value == pytest.approx(expected.item(), rel=1e-9)
    d = solve({"loss": "vae", "mu": mu.tolist(), "log_var": lv.tolist(), "x": x.tolist(),
               "reconstruction": x_hat.tolist(), "reconstruction_loss": "mse",
               "reduction": "mean"})
    assert d["loss"].value == pytest.approx((F.mse_loss(x_hat, x) + kld).item(), rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_gan_losses_are_bce_with_real_and_fake_labels(seed):
    gen = torch.Generator().manual_seed(seed)
    real, fake = rand(gen, 4, low=0.05, high=0.95), rand(gen, 3, low=0.05, high=0.95)
    d = solve({"loss": "gan", "real": real.tolist(), "fake": fake.tolist()})
    ones, zeros = torch.ones_like(fake), torch.zeros_like(fake)
    assert d["d_loss"].value == pytest.approx(
        (F.binary_cross_entropy(real, torch.ones_like(real))
         + F.binary_cross_entropy(fake, zeros)).item(), rel=1e-9)
    assert d["g_loss"].value == pytest.approx(F.binary_cross_entropy(fake, ones).item(),
                                              rel=1e-9)
    assert d["g_loss_saturating"].value == pytest.approx(
        -F.binary_cross_entropy(fake, zeros).item(), rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_batch_cross_entropy_is_the_mean_over_its_samples(seed):
    gen = torch.Generator().manual_seed(seed)
    z = rand(gen, 3, 4) * 3
    classes = torch.randint(0, 4, (3,), generator=gen)
    d = solve({"loss": "cross_entropy", "logits": z.tolist(), "target": classes.tolist()})
    assert d["loss"].value == pytest.approx(F.cross_entropy(z, classes).item(), rel=1e-9)
    assert d["sample2.log_softmax"].value == pytest.approx(F.log_softmax(z[1], 0).tolist(),
                                                           rel=1e-9)
    soft = torch.softmax(rand(gen, 3, 4), 1)
    d = solve({"loss": "cross_entropy", "logits": z.tolist(), "target": soft.tolist()})
    assert d["loss"].value == pytest.approx(F.cross_entropy(z, soft).item(), rel=1e-9)
    p = torch.softmax(z, 1)
    d = solve({"loss": "cross_entropy", "probabilities": p.tolist(), "target": classes.tolist()})
    assert d["loss"].value == pytest.approx(F.nll_loss(p.log(), classes).item(), rel=1e-9)
