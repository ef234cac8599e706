"""Exercise E12 and the `losses` solver: the figures worked by hand, exact values, properties,
and the misconceptions the grader names."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import sympy
from hypothesis import given, strategies as st

from nnsolve.solvers.losses import LossesSolver

ROOT = Path(__file__).resolve().parent.parent
E12 = ROOT / "problems" / "e12-generative-losses.yaml"


def solve(given_: dict, **conventions):
    solver = LossesSolver()
    return solver.solve(solver.Given(**given_), solver.resolve_conventions(conventions))


def values(nnsolve, part: str) -> dict:
    result = nnsolve("run", E12, "--part", part, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {q["name"]: q["value"] for q in result.json()["parts"][0]["quantities"]}


# -- E12 by hand ----------------------------------------------------------------------------

def test_e12_vae_by_hand(nnsolve):
    v = values(nnsolve, "vae")
    kl = [0.5 * (0.8 ** 2 + 0.5 ** 2 - 1 - math.log(0.8 ** 2)),
          0.5 * (1.5 ** 2 + 1.0 - 1 - math.log(1.5 ** 2))]
    assert v["kl_terms"] == pytest.approx(kl)                 # 0.1681, 0.7195
    assert v["kl"] == pytest.approx(sum(kl))
    assert v["z"] == pytest.approx([0.5 + 0.8 * 0.2, -1.0 - 1.5 * 0.6])   # 0.66, −1.9
    rec = -(math.log(0.9) + math.log(0.8) + math.log(0.7) + math.log(0.6))
    assert v["reconstruction_loss"] == pytest.approx(rec)    # 1.1960
    assert v["loss"] == pytest.approx(rec + sum(kl))


def test_e12_gan_by_hand(nnsolve):
    v = values(nnsolve, "gan")
    real = -(math.log(0.9) + math.log(0.8) + math.log(0.6)) / 3
    fake = -(math.log(0.7) + math.log(0.9) + math.log(0.6)) / 3
    assert v["d_loss_real"] == pytest.approx(real)
    assert v["d_loss_fake"] == pytest.approx(fake)
    assert v["d_loss"] == pytest.approx(real + fake)
    assert v["g_loss"] == pytest.approx(-(math.log(0.3) + math.log(0.1) + math.log(0.4)) / 3)
    assert v["g_loss_saturating"] == pytest.approx(-fake)


def test_exact_inputs_stay_exact():
    """σ(0) = 1/2, so the BCE of logit 0 against 1 is ln 2 exactly, and 1 bit in base 2;
    softmax of equal logits is exactly 1/n."""
    d = solve({"loss": "bce", "logits": [0], "target": [1]})
    assert d["loss"].value == sympy.log(2)
    assert solve({"loss": "bce", "logits": [0], "target": [1]}, log="2")["loss"].value == 1
    d = solve({"loss": "cross_entropy", "logits": [3, 3, 3, 3], "target": 1})
    assert d["softmax"].value == (sympy.Rational(1, 4),) * 4
    assert d["loss"].value == sympy.log(4)
    d = solve({"loss": "gaussian_kl", "mu": [0, 1], "sigma": [1, 1]})
    assert d["kl"].value == sympy.Rational(1, 2)


def test_mse_conventions():
    given_ = {"loss": "mse", "prediction": [1, 2, 3], "target": [1, 0, 0]}
    assert solve(given_)["loss"].value == sympy.Rational(13, 3)
    assert solve(given_, mse="sum")["loss"].value == 13
    assert solve(given_, mse="half_sum")["loss"].value == sympy.Rational(13, 2)


# -- properties -----------------------------------------------------------------------------

probabilities = st.lists(st.floats(0.01, 1.0), min_size=2, max_size=5).map(
    lambda xs: [x / sum(xs) for x in xs])


@given(probabilities, probabilities)
def test_kl_is_never_negative_and_zero_on_itself(p, q):
    if len(p) != len(q):
        return
    assert solve({"loss": "kl", "p": p, "q": q})["kl"].value >= -1e-12
    assert solve({"loss": "kl", "p": p, "q": p})["kl"].value == pytest.approx(0, abs=1e-12)


@given(st.lists(st.integers(-30, 30), min_size=2, max_size=5), st.integers(-50, 50))
def test_softmax_sums_to_one_and_ignores_a_shift(z, shift):
    d = solve({"loss": "softmax", "logits": z})
    shifted = solve({"loss": "softmax", "logits": [x + shift for x in z]})
    assert sum(float(p) for p in d["softmax"].value) == pytest.approx(1)
    assert [float(p) for p in shifted["softmax"].value] == pytest.approx(
        [float(p) for p in d["softmax"].value])


@given(st.lists(st.floats(-5, 5), min_size=1, max_size=4),
       st.lists(st.floats(0.1, 3), min_size=1, max_size=4))
def test_gaussian_kl_from_sigma_or_log_variance(mu, sigma):
    n = min(len(mu), len(sigma))
    mu, sigma = mu[:n], sigma[:n]
    a = solve({"loss": "gaussian_kl", "mu": mu, "sigma": sigma})["kl"].value
    b = solve({"loss": "gaussian_kl", "mu": mu,
               "log_var": [2 * math.log(s) for s in sigma]})["kl"].value
    assert a == pytest.approx(b, rel=1e-9, abs=1e-12)
    assert a >= -1e-12


# -- misconceptions -------------------------------------------------------------------------

def wrong(d, name: str) -> dict:
    return {m.id: m.apply(d.inputs_of(name)) for m in d[name].misconceptions}


def test_bce_misconceptions():
    d = solve({"loss": "bce", "prediction": [0.8, 0.3], "target": [1, 0]})
    w = wrong(d, "loss")
    assert w["bce-labels-swapped"] == pytest.approx(-(math.log(0.2) + math.log(0.3)) / 2)
    assert w["log-base"] == pytest.approx(d["loss"].value / math.log(2))


def test_kl_sign_and_half(nnsolve, problem_file, tmp_path):
    problem = problem_file("""\
nnsolve: 1
id: kl
title: KL
solver: losses
given: {loss: gaussian_kl, mu: [0.5, -1.0], sigma: [0.8, 1.5]}
ask: [kl]
""")
    d = solve({"loss": "gaussian_kl", "mu": [0.5, -1.0], "sigma": [0.8, 1.5]})
    right = d["kl"].value
    for answer, named in ((-right, "kl-sign"), (2 * right, "kl-half")):
        path = tmp_path / "s.yaml"
        path.write_text(json.dumps({"nnsolve": 1, "student": {"id": "s"}, "problem": "kl",
                                    "answers": {"kl": answer}}))
        report = nnsolve("grade", path, "--key", problem, "--format", "json").json()
        record = report["results"][0]["records"][0]
        assert (record["status"], record["misconception"]) == ("incorrect", named)


@pytest.mark.parametrize("given_,field,words", [
    ({"loss": "bce", "prediction": [0.5, 1.0], "target": [1, 0]}, "prediction[1]",
     "strictly between 0 and 1"),
    ({"loss": "bce", "prediction": [0.5], "target": [1, 0]}, "target",
     "as many values as prediction"),
    ({"loss": "cross_entropy", "logits": [1, 2], "target": 2}, "target", "class index"),
    ({"loss": "mse", "prediction": [1], "target": [1], "beta": 2}, "beta", "does not use"),
    ({"loss": "gaussian_kl", "mu": [0], "sigma": [0]}, "sigma[0]", "above 0"),
    ({"loss": "vae", "mu": [0], "sigma": [1], "x": [1]}, "reconstruction", "both"),
    ({"loss": "kl", "p": [0.5, 0.5]}, "q", "needs q"),
    ({"loss": "cross_entropy", "logits": [[1, 2], [3, 4]], "target": [0]}, "target",
     "2 targets"),
    ({"loss": "cross_entropy", "logits": [[1, 2], [3]], "target": [0, 1]}, "logits[1]",
     "2 values"),
    ({"loss": "softmax", "logits": [[1, 2], [3, 4]]}, "logits", "batch of cross_entropy"),
])
def test_unsolvable_givens_name_their_field(nnsolve, problem_file, given_, field, words):
    problem = problem_file(json.dumps({"nnsolve": 1, "id": "bad", "title": "bad",
                                       "solver": "losses", "given": given_}))
    result = nnsolve("check", problem)
    out = result.stderr + result.stdout
    assert result.exit_code == 1
    assert f"given.{field}" in out and words in out and "Traceback" not in out


def test_values_too_large_to_work_with_are_refused():
    from nnsolve.solvers.base import SolverError

    with pytest.raises(SolverError, match="loss is not a finite number"):
        solve({"loss": "mse", "prediction": [1.0e300], "target": [0]})
