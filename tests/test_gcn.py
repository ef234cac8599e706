"""Graph convolutional layers: the four-node exercise by hand, random graphs against numpy,
and the properties of the normalised adjacency Â.

Â is checked exactly where the inputs are exact (entries 1/√(d̃_i d̃_j) stay square roots), and
every layer against a dense numpy computation written from the formula H' = σ(Â H W + b).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from nnsolve.derivation import values as V
from nnsolve.solution import solve
from nnsolve.spec.problem import load, parse_problem
from nnsolve.spec.yamlsafe import load_text

ROOT = Path(__file__).resolve().parent.parent
GCN = ROOT / "problems" / "gcn-layer.yaml"

# the exercise: nodes A … D, edges A–B, A–C, B–C, C–D
ADJACENCY = np.array([[0, 1, 1, 0],
                      [1, 0, 1, 0],
                      [1, 1, 0, 1],
                      [0, 0, 1, 0]], dtype=float)
FEATURES = np.array([[1, 0], [0, 1], [1, 1], [2, 0]], dtype=float)
W1 = np.array([[1, -1], [1, 2]], dtype=float)
W2 = np.array([[1], [-1]], dtype=float)


def array(value) -> np.ndarray:
    return np.array(V.to_array(value), dtype=float)


@pytest.fixture(scope="module")
def exercise():
    return solve(load(GCN)).parts[0].derivation


def test_the_normalised_adjacency_by_hand(exercise):
    d = exercise
    # degrees of A + I: A, B have 2 neighbours + itself = 3; C has 3 + 1 = 4; D has 1 + 1 = 2
    assert [d["D_tilde"].value[i][i] for i in range(4)] == [3, 3, 4, 2]
    # Â_ij = 1/√(d̃_i d̃_j): A–B 1/3, A–C 1/√12 = √3/6, C–C 1/4, C–D 1/√8 = √2/4, D–D 1/2
    A_hat = d["A_hat"].value
    assert sympy.simplify(V.to_sympy(A_hat[0][1]) - sympy.Rational(1, 3)) == 0
    assert sympy.simplify(V.to_sympy(A_hat[0][2]) - sympy.sqrt(3) / 6) == 0
    assert sympy.simplify(V.to_sympy(A_hat[2][2]) - sympy.Rational(1, 4)) == 0
    assert sympy.simplify(V.to_sympy(A_hat[2][3]) - sympy.sqrt(2) / 4) == 0
    assert A_hat[0][3] == 0 and A_hat[3][3] == sympy.Rational(1, 2)
    assert d["D_tilde_inv_sqrt"].value[2][2] == sympy.Rational(1, 2)
    # node A: Â H row 1 = 1/3·(1, 0) + 1/3·(0, 1) + √3/6·(1, 1) = (1/3 + √3/6) (1, 1)
    AH = d["layer1.AH"].value
    assert sympy.simplify(V.to_sympy(AH[0][0]) - (sympy.Rational(1, 3) + sympy.sqrt(3) / 6)) == 0


def dense_gcn(A, H, layers, aggregation="symmetric"):
    """H' = σ(Â H W + b), written with numpy from the formula alone."""
    A_tilde = A + np.eye(len(A))
    degrees = A_tilde.sum(axis=1)
    if aggregation == "symmetric":
        A_hat = A_tilde / np.sqrt(np.outer(degrees, degrees))
    elif aggregation == "mean":
        A_hat = A_tilde / degrees[:, None]
    else:
        A_hat = A_tilde
    activations = {"relu": lambda z: np.maximum(z, 0), "linear": lambda z: z,
                   "tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
    outputs = []
    for W, b, activation in layers:
        AH = A_hat @ H
        AHW = AH @ W
        Z = AHW + (b if b is not None else 0)
        H = activations[activation](Z)
        outputs.append((AH, AHW, H))
    return A_tilde, np.diag(degrees), A_hat, outputs


def test_both_layers_match_a_dense_computation(exercise):
    d = exercise
    _, _, A_hat, [(AH1, AHW1, H1), (AH2, AHW2, H2)] = dense_gcn(
        ADJACENCY, FEATURES, [(W1, None, "relu"), (W2, None, "linear")])
    assert np.allclose(array(d["A_hat"].value), A_hat, atol=1e-12)
    for name, expected in (("layer1.AH", AH1), ("layer1.AHW", AHW1), ("layer1.H", H1),
                           ("layer2.AH", AH2)):
        assert np.allclose(array(d[name].value), expected, atol=1e-12), name
    # one output feature: the scores are a vector, one per node
    assert np.allclose(array(d["layer2.H"].value), H2[:, 0], atol=1e-12)
    # the ReLU cuts node C's and D's second feature: node D's is −1 + √2/4 < 0
    assert float(d["layer1.AHW"].value[3][1]) == pytest.approx(-1 + 2 ** 0.5 / 4)
    assert d["layer1.H"].value[2][1] == 0 and d["layer1.H"].value[3][1] == 0


# -- random graphs ---------------------------------------------------------------------------

@st.composite
def graphs(draw, max_nodes=7):
    n = draw(st.integers(2, max_nodes))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    edges = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs))) \
        if pairs else []
    width = draw(st.integers(1, 3))
    small = st.integers(-3, 3)
    features = draw(st.lists(st.lists(small, min_size=width, max_size=width),
                             min_size=n, max_size=n))
    layers = []
    for _ in range(draw(st.integers(1, 2))):
        out = draw(st.integers(1, 3))
        weights = draw(st.lists(st.lists(small, min_size=out, max_size=out),
                                min_size=width, max_size=width))
        bias = draw(st.none() | st.lists(small.map(lambda v: v / 2), min_size=out,
                                         max_size=out))
        activation = draw(st.sampled_from(["relu", "linear", "tanh", "sigmoid"]))
        layers.append({"weights": weights, "bias": bias, "activation": activation})
        width = out
    return n, edges, features, layers


def solved(n, edges, features, layers, aggregation="symmetric"):
    given = {"nodes": list(range(n)), "edges": [list(e) for e in edges],
             "features": features,
             "layers": [{k: v for k, v in layer.items() if v is not None} for layer in layers]}
    text = json.dumps({"nnsolve": 1, "id": "g", "title": "g", "solver": "gcn", "given": given,
                       "conventions": {"aggregation": aggregation}})
    return solve(parse_problem(load_text(text, "g.yaml"))).parts[0].derivation


def adjacency_of(n, edges) -> np.ndarray:
    A = np.zeros((n, n))
    for i, j in edges:
        A[i, j] = A[j, i] = 1
    return A


def shaped(value, like: np.ndarray) -> np.ndarray:
    return array(value).reshape(like.shape)


@settings(max_examples=30)
@given(graphs(), st.sampled_from(["symmetric", "mean", "sum"]))
def test_random_graphs_match_numpy(graph, aggregation):
    n, edges, features, layers = graph
    d = solved(n, edges, features, layers, aggregation)
    plain = [(np.array(l["weights"], float), None if l["bias"] is None else
              np.array(l["bias"], float), l["activation"]) for l in layers]
    A_tilde, D_tilde, A_hat, outputs = dense_gcn(adjacency_of(n, edges),
                                                 np.array(features, float), plain, aggregation)
    assert np.allclose(shaped(d["A_tilde"].value, A_tilde), A_tilde, atol=1e-9)
    assert np.allclose(shaped(d["D_tilde"].value, D_tilde), D_tilde, atol=1e-9)
    assert np.allclose(shaped(d["A_hat"].value, A_hat), A_hat, atol=1e-9)
    for l, (AH, AHW, H) in enumerate(outputs, 1):
        assert np.allclose(shaped(d[f"layer{l}.AH"].value, AH), AH, atol=1e-9)
        assert np.allclose(shaped(d[f"layer{l}.AHW"].value, AHW), AHW, atol=1e-9)
        assert np.allclose(shaped(d[f"layer{l}.H"].value, H), H, atol=1e-9)


# -- properties of Â -------------------------------------------------------------------------

@settings(max_examples=30)
@given(graphs(max_nodes=8))
def test_symmetric_normalisation_is_symmetric_with_eigenvalues_in_minus_one_to_one(graph):
    n, edges, features, layers = graph
    A_hat = shaped(solved(n, edges, features, layers)["A_hat"].value, np.zeros((n, n)))
    assert np.allclose(A_hat, A_hat.T, atol=1e-12)
    eigenvalues = np.linalg.eigvalsh(A_hat)
    assert eigenvalues.min() > -1 + 1e-9 and eigenvalues.max() <= 1 + 1e-9
    # the largest is exactly 1 (eigenvector √d̃)
    assert eigenvalues.max() == pytest.approx(1, abs=1e-9)


@settings(max_examples=30)
@given(graphs(max_nodes=8))
def test_mean_aggregation_rows_sum_to_one(graph):
    n, edges, features, layers = graph
    A_hat = solved(n, edges, features, layers, "mean")["A_hat"].value
    # exactly: every row of D̃^(−1) Ã is 1/d̃_i repeated d̃_i times
    assert all(sum(V.to_sympy(a) for a in row) == 1 for row in A_hat)


# -- oracles ---------------------------------------------------------------------------------

@pytest.mark.oracle
@settings(max_examples=20)
@given(graphs())
def test_networkx_normalised_laplacian_of_a_plus_i(graph):
    nx = pytest.importorskip("networkx")
    n, edges, features, layers = graph
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges)
    G.add_edges_from((i, i) for i in range(n))          # Ã = A + I
    # L_sym = I − D̃^(−1/2) Ã D̃^(−1/2), so Â = I − L_sym
    expected = np.eye(n) - nx.normalized_laplacian_matrix(G, nodelist=range(n)).toarray()
    d = solved(n, edges, features, layers)
    assert np.allclose(shaped(d["A_hat"].value, expected), expected, atol=1e-9)


@pytest.mark.oracle
@settings(max_examples=20)
@given(graphs())
def test_torch_gcn_layers(graph):
    torch = pytest.importorskip("torch")
    n, edges, features, layers = graph
    A = torch.zeros(n, n, dtype=torch.float64)
    for i, j in edges:
        A[i, j] = A[j, i] = 1
    A_tilde = A + torch.eye(n, dtype=torch.float64)
    inv_sqrt = A_tilde.sum(dim=1).pow(-0.5)
    A_hat = inv_sqrt[:, None] * A_tilde * inv_sqrt[None, :]
    H = torch.tensor(features, dtype=torch.float64)
    activations = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
                   "linear": lambda z: z}
    d = solved(n, edges, features, layers)
    for l, layer in enumerate(layers, 1):
        linear = torch.nn.Linear(len(layer["weights"]), len(layer["weights"][0]),
                                 bias=layer["bias"] is not None, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(layer["weights"], dtype=torch.float64).T)
            if layer["bias"] is not None:
                linear.bias.copy_(torch.tensor(layer["bias"], dtype=torch.float64))
            H = activations[layer["activation"]](linear(A_hat @ H))
        expected = H.numpy()
        assert np.allclose(shaped(d[f"layer{l}.H"].value, expected), expected, atol=1e-9)


# -- grading ---------------------------------------------------------------------------------

def grade(nnsolve, tmp_path, answers: dict) -> dict:
    path = tmp_path / "s.yaml"
    path.write_text(json.dumps({"nnsolve": 1, "student": {"id": "s1"}, "problem": "gcn-layer",
                                "answers": answers}), encoding="utf-8")
    result = nnsolve("grade", path, "--key", GCN, "--format", "json")
    return {r["name"]: r for r in result.json()["results"][0]["records"]}


def test_forgotten_self_loops_are_named(nnsolve, tmp_path):
    degrees = ADJACENCY.sum(axis=1)
    without = ADJACENCY / np.sqrt(np.outer(degrees, degrees))     # D^(−1/2) A D^(−1/2)
    record = grade(nnsolve, tmp_path, {"A_hat": without.round(4).tolist()})["A_hat"]
    assert record["status"] == "incorrect"
    assert record["misconception"] == "self-loops-forgotten"


def test_mean_for_symmetric_and_transposed_weights_are_named(nnsolve, tmp_path):
    A_tilde = ADJACENCY + np.eye(4)
    mean = A_tilde / A_tilde.sum(axis=1)[:, None]
    _, _, _, [(AH1, _, _), _] = dense_gcn(ADJACENCY, FEATURES, [(W1, None, "relu"),
                                                                (W2, None, "linear")])
    records = grade(nnsolve, tmp_path, {"A_hat": mean.round(4).tolist(),
                                        "layer1.AH": AH1.round(4).tolist(),
                                        "layer1.AHW": (AH1 @ W1.T).round(4).tolist()})
    assert records["A_hat"]["misconception"] == "mean-for-symmetric"
    assert records["layer1.AH"]["status"] == "correct"
    assert records["layer1.AHW"]["misconception"] == "weights-transposed"


def test_a_wrong_degree_matrix_is_carried_into_the_normalisation(nnsolve, tmp_path):
    # the student counts C's degree as 3 (not 4): D̃^(−1/2) and Â follow from it
    degrees = np.array([3, 3, 3, 2], dtype=float)
    A_tilde = ADJACENCY + np.eye(4)
    records = grade(nnsolve, tmp_path, {
        "D_tilde": np.diag(degrees).tolist(),
        "D_tilde_inv_sqrt": np.diag(degrees ** -0.5).round(4).tolist(),
        "A_hat": (A_tilde / np.sqrt(np.outer(degrees, degrees))).round(4).tolist()})
    assert records["D_tilde"]["status"] == "incorrect"
    assert records["D_tilde_inv_sqrt"]["status"] == "ecf"
    assert records["A_hat"]["status"] == "ecf"


# -- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("given, message", [
    ("edges: [[1, 1]]\n  features: [[1]]", "given.edges[0]: a self-loop on 1"),
    ("edges: [[1, 2], [2, 1]]\n  features: [[1], [2]]", "given.edges[1]: the edge 2–1 appears"),
    ("edges: [[1, 2]]\n  features: [[1], [2], [3]]", "given.features: 3 rows of features for 2"),
    ("adjacency: [[0, 1], [0, 0]]\n  features: [[1], [2]]", "given.adjacency[0][1]: A is "
     "symmetric"),
    ("edges: [[1, 2]]\n  features: [[1, 2], [3, 4]]\n  layers: [{weights: [[1, 2, 3]]}]",
     "given.layers[0].weights: W has 1 rows for 2 input features"),
    ("edges: [[1, 2]]\n  adjacency: [[0, 1], [1, 0]]\n  features: [[1], [2]]",
     "give the graph as edges or as an adjacency matrix"),
    ("edges: [[1, 2]]\n  features: [[.nan], [2]]", "given.features[0][0]: nan is not a number"),
    ("edges: [[1, 2]]\n  features: [[1.0e+308], [1.0e+308]]\n  layers: [{weights: [[1.0e+308]]}]",
     "given.features[0][0]: 1e+308 is too large for an exercise"),
    ("edges: [[1, 2]]\n  features: [[1], [2]]\n  layers: [{weights: [[1%s]]}]" % ("0" * 400),
     "given.layers[0].weights[0][0]: a number of 401 digits is too large"),
])
def test_bad_givens_name_their_field(nnsolve, problem_file, given, message):
    if "layers" not in given:
        given += "\n  layers: [{weights: [[1]]}]"
    path = problem_file(f"nnsolve: 1\nid: g\ntitle: g\nsolver: gcn\ngiven:\n  {given}\n")
    result = nnsolve("check", path)
    assert result.exit_code == 1
    assert message in result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout


def test_a_huge_graph_is_refused_before_it_is_built(nnsolve, problem_file):
    edges = ", ".join(f"[{i}, {i + 1}]" for i in range(200))
    path = problem_file(f"nnsolve: 1\nid: g\ntitle: g\nsolver: gcn\ngiven:\n  edges: [{edges}]"
                        "\n  features: [[1]]\n  layers: [{weights: [[1]]}]\n")
    result = nnsolve("check", path)
    assert result.exit_code == 1 and "201 nodes; the limit is 30" in result.stderr
