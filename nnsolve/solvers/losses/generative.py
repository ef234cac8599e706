"""The losses of generative models: the VAE's KL term, reparameterisation and loss, and the
GAN's discriminator and generator losses.

KL(N(μ, σ²) ‖ N(0, 1)) = ½(σ² + μ² − 1 − ln σ²) per latent dimension, summed; from
log-variances ln σ² = l it is ½(e^l + μ² − 1 − l). The VAE loss is the reconstruction term
plus β·KL. The GAN losses are PyTorch's BCE with labels 1 for real and 0 for generated
samples, means over the batch: the discriminator's −mean ln D(x) − mean ln(1 − D(G(z))), the
generator's non-saturating −mean ln D(G(z)) and the original, saturating mean ln(1 − D(G(z)))
that it minimises.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation.ordered import difference, minus, plus, squared, times
from nnsolve.derivation.pointwise import Mean, Total
from nnsolve.solvers.losses.board import Board, in_units
from nnsolve.solvers.losses.given import LossesGiven
from nnsolve.solvers.losses.logs import NATS
from nnsolve.solvers.losses.regression import SWAPPED, bce_terms, swapped_terms

HALF = sympy.Rational(1, 2)
ONE = sympy.Integer(1)


def _latent(b: Board, given: LossesGiven):
    """μ, and σ (given, or from the log-variances), and the per-dimension KL in nats as a
    function of a factor and the form of ln σ (for the misconceptions)."""
    mu = b.given("mu", given.mu, "means μ", "μ")
    if given.sigma is not None:
        sigma = b.given("sigma", given.sigma, "standard deviations σ", "σ")

        def terms(half=HALF, log_of_var=None):
            log_var = log_of_var if log_of_var is not None else NATS.log(squared(sigma))
            return times(half, plus(squared(sigma), squared(mu), sympy.Integer(-1), minus(log_var)))

        log_sigma = NATS.log(sigma)
    else:
        lv = b.given("log_var", given.log_var, "log-variances l = ln σ²", "l")
        sigma = b.add("sigma", "standard deviation σ = e^(l/2)", sympy.exp(times(HALF, lv)), "σ")

        def terms(half=HALF, log_of_var=None):
            log_var = log_of_var if log_of_var is not None else lv
            return times(half, plus(sympy.exp(lv), squared(mu), sympy.Integer(-1), minus(log_var)))

        log_sigma = times(HALF, lv)
    return mu, sigma, terms, log_sigma


def _kl(b: Board, given: LossesGiven) -> sympy.Symbol:
    mu, sigma, terms, log_sigma = _latent(b, given)
    if given.epsilon is not None:
        eps = b.given("epsilon", given.epsilon, "noise ε ~ N(0, 1)", "ε")
        b.add("z", "reparameterised sample z = μ + σ ⊙ ε", plus(mu, times(sigma, eps)), "z",
              misconceptions=[("reparameterisation-variance",
                               "used the variance σ² where the standard deviation σ belongs",
                               plus(mu, times(squared(sigma), eps)))])

    def wrong(build):
        return [("kl-sign", "the KL divergence is ½(σ² + μ² − 1 − ln σ²) ≥ 0; the sign is "
                            "flipped", build(lambda: minus(terms()))),
                ("kl-half", "the ½ in front of (σ² + μ² − 1 − ln σ²) is missing",
                 build(lambda: terms(ONE))),
                ("kl-log-sigma", "used ln σ where ln σ² = 2 ln σ belongs",
                 build(lambda: terms(log_of_var=log_sigma)))]

    per_dimension = b.add("kl_terms", "KL per latent dimension ½(σ² + μ² − 1 − ln σ²)",
                          in_units(terms(), b.base), "KL_j",
                          misconceptions=wrong(lambda f: in_units(f(), b.base)))
    return b.add("kl", "KL(N(μ, σ²) ‖ N(0, 1)), summed over the dimensions",
                 Total(per_dimension), "KL",
                 misconceptions=wrong(lambda f: Total(in_units(f(), b.base))))


def gaussian_kl(b: Board, given: LossesGiven) -> list[str]:
    _kl(b, given)
    return (["sigma"] if given.log_var is not None else []) + ["kl_terms", "kl"]


def vae(b: Board, given: LossesGiven) -> list[str]:
    kl = _kl(b, given)
    asked = (["sigma"] if given.log_var is not None else []) + \
        (["z"] if given.epsilon is not None else []) + ["kl_terms", "kl"]
    if given.x is None:
        return asked
    x = b.given("x", given.x, "input x", "x")
    x_hat = b.given("reconstruction", given.reconstruction, "reconstruction x̂", "x̂")
    reduce = Total if given.reduction == "sum" else Mean
    wrong = []
    if given.reconstruction_loss == "bce":
        def term(base):
            return reduce(bce_terms(base, x, x_hat))

        wrong = [("bce-labels-swapped", SWAPPED, reduce(swapped_terms(b.base, x, x_hat))),
                 b.other_base(term)]
        label = "reconstruction BCE"
    else:
        def term(base):
            return reduce(squared(difference(x_hat, x)))
        label = "reconstruction squared error"
    recon = b.add("reconstruction_loss", f"{label} ({given.reduction} over the elements)",
                  term(b.base), "L_rec", misconceptions=wrong)
    beta = b.given("beta", given.beta, "weight β of the KL term", "β")
    b.add("loss", "VAE loss: reconstruction + β·KL", plus(recon, times(beta, kl)), "L",
          misconceptions=[("kl-sign", "the KL term is added: the loss is the reconstruction term + β·KL",
                           difference(recon, times(beta, kl)))])
    return asked + ["reconstruction_loss", "loss"]


def gan(b: Board, given: LossesGiven) -> list[str]:
    real = b.given("real", given.real, "discriminator outputs on real samples D(x)", "D(x)")
    fake = b.given("fake", given.fake, "discriminator outputs on generated samples D(G(z))",
                   "D(G(z))")
    log, other = b.base.log, b.base.other.log

    def one_minus(v):
        return plus(ONE, minus(v))

    on_real = b.add("d_loss_real", "discriminator loss on real samples −mean log D(x)",
                    minus(Mean(log(real))), "L_D,real")
    on_fake = b.add("d_loss_fake", "discriminator loss on generated samples "
                                   "−mean log(1 − D(G(z)))", minus(Mean(log(one_minus(fake)))),
                    "L_D,fake")
    b.add("d_loss", "discriminator loss −[log D(x) + log(1 − D(G(z)))], means over the batch",
          plus(on_real, on_fake), "L_D",
          misconceptions=[("gan-labels-swapped", "the labels are swapped: real samples have "
                                                 "label 1 (log D(x)), generated ones 0 "
                                                 "(log(1 − D(G(z))))",
                           plus(minus(Mean(log(one_minus(real)))), minus(Mean(log(fake))))),
                          ("log-base", f"the logarithm is in base {b.base.name} here",
                           plus(minus(Mean(other(real))), minus(Mean(other(one_minus(fake))))))])
    saturating = Mean(log(one_minus(fake)))
    non_saturating = minus(Mean(log(fake)))
    b.add("g_loss", "generator loss, non-saturating: −mean log D(G(z))", non_saturating, "L_G",
          misconceptions=[("gan-generator-sign", "the sign is flipped: the generator minimises "
                                                 "−log D(G(z)), raising D(G(z))",
                           Mean(log(fake))),
                          ("gan-saturating", "this is the saturating loss log(1 − D(G(z))); "
                                             "the non-saturating one is −log D(G(z))",
                           saturating),
                          ("log-base", f"the logarithm is in base {b.base.name} here",
                           minus(Mean(other(fake))))])
    b.add("g_loss_saturating", "generator loss, saturating (minimax): mean log(1 − D(G(z))), "
                               "minimised", saturating, "L_G,sat",
          misconceptions=[("gan-non-saturating", "this is the non-saturating loss "
                                                 "−log D(G(z)); the saturating one is "
                                                 "log(1 − D(G(z)))", non_saturating)])
    return ["d_loss_real", "d_loss_fake", "d_loss", "g_loss", "g_loss_saturating"]
