"""Optimiser steps as the board writes them: every moment estimate, the update, the new θ.

Each step's quantities are built from the step before through the derivation (`d.iterate`:
step2.m is computed from step1.m), so a student's wrong m_1 carries forward into their m_2,
m̂_2 and θ_2. The formulas are the scalar rules courses write, worked element by element
(`nnsolve.derivation.pointwise`), in the order torch.optim computes them, so the defaults
reproduce torch exactly; `momentum: textbook` writes SGD's momentum as a velocity with the
learning rate inside (v ← μv − ηg, θ ← θ + v).
"""

from __future__ import annotations

import sympy

from nnsolve.derivation import pointwise as P
from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation
from nnsolve.derivation.ordered import grouped, minus, over, plus, squared, times
from nnsolve.solvers.optim.gradient import Objective
from nnsolve.solvers.optim.given import Run

#: how the board writes each hyperparameter: name, symbol, label, Run field
HYPER = {
    "mu": ("μ", "momentum μ", "momentum"),
    "tau": ("τ", "dampening τ", "dampening"),
    "beta1": ("β1", "decay rate β1 of the first moment", "beta1"),
    "beta2": ("β2", "decay rate β2 of the second moment", "beta2"),
    "epsilon": ("ε", "ε, for numerical stability", "eps"),
    "lambda": ("λ", "weight decay λ", "weight_decay"),
    "alpha": ("α", "smoothing constant α", "alpha"),
    "rho": ("ρ", "decay rate ρ", "rho"),
    "kappa": ("κ", "learning-rate decay κ", "lr_decay"),
}
WRITTEN = {"m_hat": "m̂", "v_hat": "v̂", "velocity": "v", "direction": "d", "lookahead": "θ̃",
           "params": "θ", "grad": "g"}


def build(run: Run) -> Derivation:
    return _Board(run).build()


def _sqrt(x):
    return sympy.sqrt(x, evaluate=False)


def _one_minus(x):
    return plus(sympy.Integer(1), minus(x))


class _Board:
    def __init__(self, run: Run):
        self.run = run
        self.d = Derivation()
        self.s: dict[str, sympy.Basic] = {}
        self.objective: Objective | None = None

    # -- givens -----------------------------------------------------------------------
    def _hyper(self, name: str) -> None:
        written, label, field = HYPER[name]
        self.s[name] = self.d.given(name, V.normalize(getattr(self.run, field)), label,
                                    symbol=sympy.Symbol(written), group="given")

    def _givens(self) -> dict[str, str]:
        run, d = self.run, self.d
        self.s["eta"] = d.given("eta", V.normalize(run.lr), "learning rate η",
                                symbol=sympy.Symbol("η"), group="given")
        wanted = {"sgd": ["mu", "tau"], "momentum": ["mu", "tau"], "nesterov": ["mu"],
                  "adagrad": ["epsilon", "kappa"], "rmsprop": ["alpha", "epsilon", "mu"],
                  "adam": ["beta1", "beta2", "epsilon"], "adamw": ["beta1", "beta2", "epsilon"],
                  "adadelta": ["rho", "epsilon"]}[run.optimizer] + ["lambda"]
        for name in wanted:
            if name in ("mu", "tau", "kappa", "lambda") and getattr(run, HYPER[name][2]) == 0:
                continue
            self._hyper(name)
        P.given(d, "step0.params", run.params, "initial parameters θ_0", written="θ_0",
                group="given")
        if run.function is not None:
            self.objective = Objective(d, run)
        zeros = tuple(0 for _ in run.params)
        start = {"params": "step0.params"}
        for base in self._state():
            value = zeros
            if base == "s":
                value = tuple(run.initial_accumulator_value for _ in run.params)
            name = f"step0.{base}"
            P.given(d, name, value, f"starting {base}", written=self._written(base, 0),
                    group="given")
            start[base] = name
        return start

    def _state(self) -> list[str]:
        """The running buffers that start at step 0 (SGD's torch buffer starts at step 1)."""
        run = self.run
        return {"adagrad": ["s"],
                "rmsprop": ["v"] + (["g_avg"] if run.centered else []) +
                           (["b"] if run.momentum else []),
                "adam": ["m", "v"] + (["v_max"] if run.amsgrad else []),
                "adadelta": ["v", "u"]}.get("adam" if run.optimizer == "adamw" else
                                            run.optimizer, ["velocity"] if run.textbook else [])

    @staticmethod
    def _written(base: str, k: int) -> str:
        stem = WRITTEN.get(base, base)
        return f"{stem}_{k}" if "_" not in stem else f"{stem}^({k})"

    # -- the board --------------------------------------------------------------------
    def build(self) -> Derivation:
        start = self._givens()
        for step in self.d.iterate(steps=self.run.steps, start=start):
            self.step = step
            self._one_step()
        self.d.principal = [q.name for q in self.d if not q.given and q.name.startswith("step")
                            and not q.name.endswith(".grad")]
        return self.d

    def _add(self, base: str, label: str, formula, misconceptions=()):
        k = self.step.k
        return P.add(self.d, self.step.name(base), label, formula,
                     misconceptions=misconceptions, written=self._written(base, k),
                     group=f"step {k}")

    def _prev(self, base: str):
        return self.d.symbol(self.step.prev(base))

    def _gradient(self, theta):
        """g_k: given, or the objective's gradient at θ_{k−1} (at the look-ahead point for
        textbook Nesterov); with weight decay (not AdamW's), g_k + λθ_{k−1}."""
        run, step, k = self.run, self.step, self.step.k
        name = step.name("grad")
        if self.objective is None:
            grad = P.given(self.d, name, run.gradients[k - 1], f"gradient g_{k} (given)",
                           written=self._written("grad", k), group=f"step {k}")
        else:
            at = theta
            if run.textbook and run.nesterov:
                at = self._add("lookahead", "look-ahead point θ_{k−1} + μ v_{k−1}",
                               plus(theta, times(self.s["mu"], self._prev("velocity"))))
            grad = self.objective.gradient_at(name, at, self._written("grad", k),
                                              "gradient ∇f at θ_{k−1}", f"step {k}")
        if run.weight_decay != 0 and run.optimizer != "adamw":
            return self._add("g", "gradient with L2 weight decay g + λθ",
                             plus(grad, times(self.s["lambda"], theta)))
        return grad

    def _one_step(self) -> None:
        theta = self._prev("params")
        g = self._gradient(theta)
        method = {"sgd": self._sgd, "momentum": self._sgd, "nesterov": self._sgd,
                  "adagrad": self._adagrad, "rmsprop": self._rmsprop, "adam": self._adam,
                  "adamw": self._adam, "adadelta": self._adadelta}[self.run.optimizer]
        method(theta, g)
        if self.objective is not None:
            self.objective.value_at(self.step.name("f"), self.d.symbol(self.step.name("params")),
                                    self.step.k)

    def _params(self, theta, update, misconceptions=()):
        self._add("params", "new parameters θ", plus(theta, update), misconceptions)

    def _sgd(self, theta, g) -> None:
        run, s, k = self.run, self.s, self.step.k
        if run.momentum == 0:
            update = self._add("update", "update −η g", minus(times(s["eta"], g)))
            return self._params(theta, update)
        mu = s["mu"]
        if run.textbook:
            v_prev = self._prev("velocity")
            velocity = self._add("velocity", "velocity v ← μ v − η g",
                                 plus(times(mu, v_prev), minus(times(s["eta"], g))),
                                 [("momentum-lr-outside",
                                   "the learning rate belongs inside the velocity here "
                                   "(v ← μv − ηg, θ ← θ + v); μv + g is torch's buffer",
                                   plus(times(mu, v_prev), g))])
            return self._params(theta, velocity)
        damped = g if run.dampening == 0 else times(_one_minus(s["tau"]), g)
        buffer_formula = g if k == 1 else plus(times(mu, self._prev("b")), damped)
        textbook = minus(times(s["eta"], g)) if k == 1 else \
            plus(times(mu, self._prev("b")), minus(times(s["eta"], g)))
        b = self._add("b", "momentum buffer b ← μ b + (1 − τ) g (b_1 = g_1)", buffer_formula,
                      [("momentum-lr-inside",
                        "torch's buffer has no learning rate (b ← μb + g, θ ← θ − ηb); "
                        "μv − ηg is the textbook velocity", textbook)])
        direction = b
        if run.nesterov:
            direction = self._add("direction", "Nesterov direction g + μ b", plus(g, times(mu, b)))
        update = self._add("update", "update −η (g + μ b)" if run.nesterov else "update −η b",
                           minus(times(s["eta"], direction)))
        self._params(theta, update)

    def _adagrad(self, theta, g) -> None:
        s, k = self.s, self.step.k
        total = self._add("s", "sum of squared gradients s ← s + g²",
                          plus(self._prev("s"), squared(g)))
        rate = s["eta"]
        if "kappa" in s:
            rate = self._add("lr", "decayed learning rate η / (1 + (k − 1) κ)",
                             over(s["eta"], plus(1, times(k - 1, s["kappa"]))))
        update = self._add("update", "update −η g / (√s + ε)",
                           minus(times(rate, over(g, plus(_sqrt(total), s["epsilon"])))))
        self._params(theta, update)

    def _rmsprop(self, theta, g) -> None:
        run, s = self.run, self.s
        alpha = s["alpha"]
        v = self._add("v", "running mean of squares v ← α v + (1 − α) g²",
                      plus(times(alpha, self._prev("v")), times(_one_minus(alpha), squared(g))))
        spread = v
        if run.centered:
            mean = self._add("g_avg", "running mean of gradients ḡ ← α ḡ + (1 − α) g",
                             plus(times(alpha, self._prev("g_avg")), times(_one_minus(alpha), g)))
            spread = plus(v, minus(squared(mean)))
        scaled = over(g, plus(_sqrt(spread), s["epsilon"]))
        if run.momentum:
            scaled = self._add("b", "momentum buffer b ← μ b + g / (√v + ε)",
                               plus(times(s["mu"], self._prev("b")), scaled))
        update = self._add("update", "update −η g / (√v + ε)", minus(times(s["eta"], scaled)))
        self._params(theta, update)

    def _moments(self, g):
        """Adam's m_k and v_k from gradient g and the previous step's moments."""
        s = self.s
        m = plus(times(s["beta1"], self._prev("m")), times(_one_minus(s["beta1"]), g))
        v = plus(times(s["beta2"], self._prev("v")),
                 times(_one_minus(s["beta2"]), squared(g)))
        return m, v

    def _adam_step(self, m, v):
        s, k = self.s, self.step.k
        m_hat = over(m, _one_minus(sympy.Pow(s["beta1"], k, evaluate=False)))
        v_hat = over(v, _one_minus(sympy.Pow(s["beta2"], k, evaluate=False)))
        return minus(times(s["eta"], over(m_hat, plus(_sqrt(v_hat), s["epsilon"]))))

    def _adam(self, theta, g) -> None:
        run, s, k = self.run, self.s, self.step.k
        m_formula, v_formula = self._moments(g)
        m = self._add("m", "first moment m ← β1 m + (1 − β1) g", m_formula)
        v = self._add("v", "second moment v ← β2 v + (1 − β2) g²", v_formula)
        if run.amsgrad:
            v = self._add("v_max", "running maximum of v (AMSGrad)",
                          sympy.Max(self._prev("v_max"), v, evaluate=False))
        m_hat = self._add("m_hat", "bias-corrected first moment m̂ = m / (1 − β1^k)",
                          over(m, _one_minus(sympy.Pow(s["beta1"], k, evaluate=False))))
        v_hat = self._add("v_hat", "bias-corrected second moment v̂ = v / (1 − β2^k)",
                          over(v, _one_minus(sympy.Pow(s["beta2"], k, evaluate=False))))
        raw = minus(times(s["eta"], over(m, plus(_sqrt(v), s["epsilon"]))))
        no_correction = ("no-bias-correction",
                         "m and v were used without the bias correction m̂ = m / (1 − β1^k), "
                         "v̂ = v / (1 − β2^k)")
        update = self._add("update", "update −η m̂ / (√v̂ + ε)",
                           minus(times(s["eta"], over(m_hat, plus(_sqrt(v_hat), s["epsilon"])))),
                           [no_correction + (raw,)])
        decay = None
        if run.optimizer == "adamw" and run.weight_decay != 0:
            decay = minus(times(s["eta"], s["lambda"], theta))
        wrong = [no_correction + (plus(theta, decay, raw),)]
        if run.weight_decay != 0 and not run.amsgrad:
            grad = self.d.symbol(self.step.name("grad"))
            if run.optimizer == "adamw":
                coupled = self._adam_step(*self._moments(plus(grad, times(s["lambda"], theta))))
                wrong.append(("coupled-weight-decay",
                              "AdamW decays the weights directly, θ ← θ − ηλθ; adding λθ to "
                              "the gradient (Adam's L2) is coupled weight decay",
                              plus(theta, coupled)))
            else:
                decoupled = self._adam_step(*self._moments(grad))
                wrong.append(("decoupled-weight-decay",
                              "Adam adds λθ to the gradient before the moments (L2, coupled); "
                              "θ ← θ − ηλθ after them is AdamW's decoupled decay",
                              plus(theta, minus(times(s["eta"], s["lambda"], theta)),
                                   decoupled)))
        self._add("params", "new parameters θ", plus(theta, decay, update), wrong)

    def _adadelta(self, theta, g) -> None:
        s = self.s
        rho, eps = s["rho"], s["epsilon"]
        v = self._add("v", "running mean of squared gradients v ← ρ v + (1 − ρ) g²",
                      plus(times(rho, self._prev("v")), times(_one_minus(rho), squared(g))))
        delta = self._add("delta", "rescaled step Δx = √(u + ε) / √(v + ε) · g",
                          grouped(over(_sqrt(plus(self._prev("u"), eps)), _sqrt(plus(v, eps))),
                                  g))
        self._add("u", "running mean of squared steps u ← ρ u + (1 − ρ) Δx²",
                  plus(times(rho, self._prev("u")), times(_one_minus(rho), squared(delta))))
        update = self._add("update", "update −η Δx", minus(times(s["eta"], delta)))
        self._params(theta, update)
