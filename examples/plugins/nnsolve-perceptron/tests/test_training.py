"""The solver's numbers against Rosenblatt's rule written out plainly with numpy.

The reference below shares nothing with the plugin but the rule itself: a loop over the
samples, one dot product, one comparison, one update. Random problems use small integers and
learning rates such as 0.5, whose floats are exact, so the reference's a ≥ 0 decisions are the
exact ones too.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("nnsolve_perceptron",
                    reason="not installed: pip install -e examples/plugins/nnsolve-perceptron")

from hypothesis import given, settings, strategies as st  # noqa: E402

from nnsolve.solvers.base import SolverError  # noqa: E402
from nnsolve.spec.problem import load  # noqa: E402
from nnsolve.solution import solve  # noqa: E402


def train_with_numpy(samples, targets, weights, eta, epochs, *, bias=None, bipolar=False,
                     until_converged=False):
    """Each step's a, y, error, w (and b), and each epoch's mistakes, by the textbook loop."""
    X = np.array(samples, dtype=float)
    separate = bias is not None
    if not separate:
        X = np.hstack([np.ones((len(X), 1)), X])
    w, b = np.array(weights, dtype=float), float(bias or 0)
    steps, mistakes = [], []
    for _ in range(epochs):
        wrong = 0
        for x, t in zip(X, targets):
            a = w @ x + (b if separate else 0.0)
            y = 1 if a >= 0 else (-1 if bipolar else 0)
            w = w + eta * (t - y) * x
            b = b + eta * (t - y)
            steps.append({"a": a, "y": y, "error": t - y, "w": w.copy(), "b": b})
            wrong += t != y
        mistakes.append(wrong)
        if until_converged and wrong == 0:
            break
    return steps, mistakes


def solve_given(given: dict, conventions: dict | None = None):
    from nnsolve import solvers

    solver = solvers.get("perceptron")()
    model = solver.Given.model_validate(given)
    return solver.solve(model, solver.resolve_conventions(conventions or {}))


def assert_matches(d, steps, mistakes, *, separate=False):
    for k, step in enumerate(steps, 1):
        assert float(d[f"step{k}.a"].value) == pytest.approx(step["a"], abs=1e-9), k
        assert d[f"step{k}.y"].value == step["y"], k
        assert d[f"step{k}.error"].value == step["error"], k
        assert np.allclose(np.array(d[f"step{k}.w"].value, dtype=float), step["w"]), k
        if separate:
            assert float(d[f"step{k}.b"].value) == pytest.approx(step["b"]), k
    assert f"step{len(steps) + 1}.a" not in d
    for e, wrong in enumerate(mistakes, 1):
        assert d[f"epoch{e}.mistakes"].value == wrong, e
    assert np.allclose(np.array(d["w"].value, dtype=float), steps[-1]["w"])


def test_the_and_problem_matches_the_textbook_loop(problems):
    (part,) = solve(load(problems / "perceptron-and.yaml")).parts
    steps, mistakes = train_with_numpy([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1],
                                       [0.2, -0.1, 0.4], 0.5, 2)
    assert_matches(part.derivation, steps, mistakes)
    assert part.derivation["step1.w"].value == pytest.approx((-0.3, -0.1, 0.4))


def test_the_bipolar_problem_trains_until_an_epoch_without_mistakes(problems):
    (part,) = solve(load(problems / "perceptron-bipolar.yaml")).parts
    steps, mistakes = train_with_numpy([[2, 2], [-1, 1], [1, -1], [-2, -1]], [1, 1, -1, -1],
                                       [1, -1], 1, 20, bias=0, bipolar=True,
                                       until_converged=True)
    assert mistakes[-1] == 0 and len(mistakes) == 2
    assert_matches(part.derivation, steps, mistakes, separate=True)
    assert float(part.derivation["b"].value) == steps[-1]["b"] == -2


@st.composite
def exercises(draw):
    inputs = draw(st.integers(1, 3))
    count = draw(st.integers(1, 4))
    bipolar = draw(st.booleans())
    separate = draw(st.booleans())
    small = st.integers(-3, 3)
    samples = draw(st.lists(st.lists(small, min_size=inputs, max_size=inputs),
                            min_size=count, max_size=count))
    targets = draw(st.lists(st.sampled_from([-1, 1] if bipolar else [0, 1]),
                            min_size=count, max_size=count))
    weights = draw(st.lists(st.sampled_from([-1.5, -1, -0.5, 0, 0.5, 1, 2]),
                            min_size=inputs + (0 if separate else 1),
                            max_size=inputs + (0 if separate else 1)))
    given = {"samples": samples, "targets": targets, "weights": weights,
             "learning_rate": draw(st.sampled_from([0.25, 0.5, 1, 2]))}
    if separate:
        given["bias"] = draw(st.sampled_from([-1, -0.5, 0, 0.5, 1]))
    if draw(st.booleans()):
        given["epochs"] = draw(st.integers(1, 3))
    else:
        given.update(until="converged", max_epochs=draw(st.integers(1, 5)))
    conventions = {"output": "bipolar" if bipolar else "binary",
                   "bias": "separate" if separate else "input"}
    return given, conventions


@settings(max_examples=50, deadline=None)
@given(exercises())
def test_random_small_problems_match_the_textbook_loop(exercise):
    given, conventions = exercise
    converge = given.get("until") == "converged"
    steps, mistakes = train_with_numpy(
        given["samples"], given["targets"], given["weights"], given["learning_rate"],
        given["max_epochs"] if converge else given["epochs"], bias=given.get("bias"),
        bipolar=conventions["output"] == "bipolar", until_converged=converge)
    d = solve_given(given, conventions)
    assert_matches(d, steps, mistakes, separate=conventions["bias"] == "separate")


def test_xor_never_converges_and_says_so():
    d = solve_given({"samples": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [0, 1, 1, 0],
                     "weights": [0, 0, 0], "until": "converged", "max_epochs": 3})
    assert "step12.w" in d and "step13.a" not in d
    assert all(d[f"epoch{e}.mistakes"].value > 0 for e in (1, 2, 3))
    assert any(note.startswith("not converged within 3 epochs") for note in d.notes)


def test_a_decimal_net_input_that_is_zero_on_paper_fires():
    # 0.3 − 0.1 − 0.2 is −2.8e-17 in floats; a TA writing decimals gets 0, and step(0) = 1
    d = solve_given({"samples": [[1, 1]], "targets": [1], "weights": [0.3, -0.1, -0.2],
                     "epochs": 1})
    assert float(d["step1.a"].value) == pytest.approx(0, abs=1e-12)
    assert d["step1.y"].value == 1 and d["step1.error"].value == 0


def test_the_weight_update_is_one_vector_formula_of_the_previous_weights():
    d = solve_given({"samples": [[1, 2]], "targets": [1], "weights": [0.2, -0.1],
                     "learning_rate": 0.5, "epochs": 1}, {"bias": "separate"})
    from nnsolve.derivation import board

    assert d["step1.w"].inputs[0] == "step0.w"
    assert board.formula(d, "step1.w") == "w_0 + η*(t^(1) - y_1)*x^(1)"
    # the rule recomputes from a student's own weights: error carried forward
    assert d.recompute("step1.w", {"step0.w": (1, 1), "step1.y": 0}) == pytest.approx((1.5, 2))


@pytest.mark.parametrize("given, conventions, path, message", [
    ({"samples": [[0, 0], [1]], "targets": [0, 1], "weights": [0, 0, 0], "epochs": 1}, {},
     ("samples", 1), "sample 2 has 1 input, sample 1 has 2 inputs"),
    ({"samples": [[0], [1]], "targets": [0], "weights": [0, 0], "epochs": 1}, {},
     ("targets",), "1 target for 2 samples"),
    ({"samples": [[0], [1]], "targets": [0, 1], "weights": [0, 0], "epochs": 1},
     {"output": "bipolar"}, ("targets", 0), "a target is -1 or 1"),
    ({"samples": [[0], [1]], "targets": [0, 1], "weights": [0], "epochs": 1}, {},
     ("weights",), "1 weight for 2 inputs"),
    ({"samples": [[0], [1]], "targets": [0, 1], "weights": [0, 0], "bias": 1, "epochs": 1}, {},
     ("bias",), "bias: separate"),
    ({"samples": [[0], [1]], "targets": [0, 1], "weights": [0, 0]}, {}, (),
     "either epochs"),
])
def test_well_formed_but_unsolvable_givens_name_the_field(given, conventions, path, message):
    with pytest.raises(SolverError) as caught:
        solve_given(given, conventions)
    assert caught.value.path == path
    assert message in str(caught.value)
