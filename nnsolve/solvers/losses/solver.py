"""The `losses` solver: loss functions worked by hand, element by element.

MSE, binary and categorical cross-entropy, softmax and log-softmax (with the largest logit
subtracted), KL between distributions, and the losses of generative models: the VAE's
closed-form Gaussian KL, reparameterisation and loss, the GAN's discriminator and generator
losses. Values agree with PyTorch's loss functions; exact where the inputs are (a BCE of
y = 1/2 is ln 2). given.py checks the exercise; build.py dispatches to the builders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from nnsolve.solvers.base import Convention, Solver, SolverError
from nnsolve.solvers.losses.given import LossesGiven

if TYPE_CHECKING:
    from nnsolve.derivation.core import Derivation


class LossesSolver(Solver):
    name = "losses"
    summary = "loss functions: MSE, BCE, cross-entropy, softmax, KL, VAE and GAN losses"
    Given = LossesGiven
    quantities = {
        "error, loss": "mse: the errors y − t and the loss (mean, sum or ½ sum: convention mse)",
        "prediction, terms, loss": "bce: σ(z) when logits are given, the per-element terms "
                                   "−[t log y + (1 − t) log(1 − y)] and their mean",
        "max, shifted, exp, sum, softmax, log_softmax": "softmax: max z, s = z − max z, e^s, "
                                                       "Σ e^s, e^s / Σ e^s, s − ln Σ e^s",
        "loss (cross_entropy)": "−Σ t log p, from logits (via log-softmax) or probabilities; "
                                "for a batch, the mean of sample<n>.loss",
        "sample<n>.…": "cross_entropy on a batch: sample n's z, softmax, log_softmax, t, loss",
        "kl": "kl: Σ p log(p/q); gaussian_kl and vae: Σ of kl_terms",
        "kl_terms": "½(σ² + μ² − 1 − ln σ²) per latent dimension",
        "sigma": "from log-variances: σ = e^(l/2)",
        "z": "vae with epsilon: z = μ + σ ⊙ ε",
        "reconstruction_loss, loss (vae)": "the reconstruction term, and L_rec + β·KL",
        "d_loss_real, d_loss_fake, d_loss": "gan: −mean log D(x), −mean log(1 − D(G(z))), "
                                            "their sum",
        "g_loss, g_loss_saturating": "gan: −mean log D(G(z)) and mean log(1 − D(G(z)))",
    }
    principal = ("loss", "kl", "d_loss", "g_loss")
    conventions = {
        "log": Convention("e", ("e", "2"), "the base of the logarithms: e (nats, as PyTorch) or "
                                           "2 (bits)"),
        "mse": Convention("mean", ("mean", "sum", "half_sum"),
                          "mean: over all elements, as PyTorch's MSELoss; sum: Σ(y − t)²; "
                          "half_sum: ½Σ(y − t)²"),
    }
    template = {
        "given": {"loss": "bce", "prediction": [0.9, 0.2, 0.5], "target": [1, 0, 1]},
        "ask": ["terms", "loss"],
    }

    def solve(self, given: LossesGiven, conventions: Mapping[str, str]) -> "Derivation":
        from nnsolve.derivation.pointwise import NotFinite
        from nnsolve.solvers.losses.build import build

        try:
            return build(given, conventions)
        except NotFinite as exc:
            raise SolverError(f"{exc}: the given values are too large (or small) to work "
                              "with", ()) from None
