"""The wl solver on exercise E6 and the course's own example, through `nnsolve run` and
`nnsolve grade`, with every figure worked by hand (the working is in the comments).

E6(a): G1 is the square 1–2–3–4 with pendants 5 on 1 and 6 on 2; G2 has its pendants on 1
and 3. Degrees are 3, 3, 2, 2, 1, 1 in both, so iteration 1 cannot tell them apart; in
iteration 2 a corner of G1 sees a pendant, a corner and a side (4,234) while a corner of G2
sees a pendant and two sides (4,233): the colourings split at iteration 2.
E6(b): the 6-cycle and two triangles are both 2-regular: every signature is 1,11, the
colouring is stable after one iteration and WL cannot tell them apart.
"""

from __future__ import annotations

import pytest

from shared_paths import PROBLEMS

E6 = PROBLEMS / "e6-wl-kernel.yaml"
DATA = PROBLEMS.parent / "tests" / "data" / "wl"


def values(result, part: int = 0) -> dict:
    return {q["name"]: q["value"] for q in result.json()["parts"][part]["quantities"]}


def test_e6_a_relabels_both_graphs_with_one_table(nnsolve):
    v = values(nnsolve("run", E6, "--format", "json"))
    # iteration 1: degrees 3, 3, 2, 2, 1, 1 → signatures 1,111 / 1,11 / 1,1, numbered 2, 3, 4
    assert v["step1.G1.signatures"] == {"1": "1,111", "2": "1,111", "3": "1,11", "4": "1,11",
                                        "5": "1,1", "6": "1,1"}
    assert v["step1.table"] == {"1,1": "2", "1,11": "3", "1,111": "4"}
    assert v["step1.G1.labels"] == [["1", "2"], ["3", "4"], ["5", "6"]]
    assert v["step1.G2.labels"] == [["1", "3"], ["2", "4"], ["5", "6"]]
    # iteration 2: G1's corner 1 sees 2 (4), 4 (3), 5 (2) → 4,234; G2's corner 1 sees 2 (3),
    # 4 (3), 5 (2) → 4,233; G2's side 2 sees two corners → 3,44
    assert v["step2.G1.signatures"] == {"1": "4,234", "2": "4,234", "3": "3,34", "4": "3,34",
                                        "5": "2,4", "6": "2,4"}
    assert v["step2.G2.signatures"] == {"1": "4,233", "2": "3,44", "3": "4,233", "4": "3,44",
                                        "5": "2,4", "6": "2,4"}
    assert v["step2.table"] == {"2,4": "5", "3,34": "6", "3,44": "7", "4,233": "8",
                                "4,234": "9"}
    # iteration 3 shares no label between the graphs: until: disjoint stops there
    assert v["step3.table"] == {"5,8": "10", "5,9": "11", "6,69": "12", "7,88": "13",
                                "8,577": "14", "9,569": "15"}
    assert "step4.table" not in v
    # φ: six 1s, then each class of two nodes once per iteration
    assert v["phi.G1"] == {"1": 6, "2": 2, "3": 2, "4": 2, "5": 2, "6": 2, "9": 2, "11": 2,
                           "12": 2, "15": 2}
    assert v["phi.G2"] == {"1": 6, "2": 2, "3": 2, "4": 2, "5": 2, "7": 2, "8": 2, "10": 2,
                           "13": 2, "14": 2}
    # shared: 1 (6·6), 2, 3, 4 (2·2 each), 5 (2·2) → 36 + 12 + 4 = 52; K11 = 36 + 9·4 = 72
    assert v["K.G1.G2"] == 52
    assert v["K"] == [[72, 52], [52, 72]]
    assert v["K_norm"] == [[1, pytest.approx(52 / 72)], [pytest.approx(52 / 72), 1]]
    assert v["verdict.G1.G2"] == "not isomorphic"
    assert v["split.G1.G2"] == 2


def test_e6_b_cycle_and_two_triangles_are_possibly_isomorphic(nnsolve):
    result = nnsolve("run", E6, "--part", "b", "--format", "json")
    v = values(result)
    assert v["step1.table"] == {"1,11": "2"}
    assert "step2.table" not in v                 # iteration 1 splits nothing: stable
    assert v["phi.G1"] == v["phi.G2"] == {"1": 6, "2": 6}
    assert v["K.G1.G2"] == 72
    assert v["verdict.G1.G2"] == "possibly isomorphic"
    assert "split.G1.G2" not in v


def test_e6_c_says_possibly_isomorphic_is_no_proof(nnsolve, tmp_path):
    submission = tmp_path / "s.yaml"
    submission.write_text("nnsolve: 1\nstudent: {id: s1}\nproblem: e6-wl-kernel\n"
                          "answers:\n  c: {answer: a}\n")
    report = nnsolve("grade", submission, "--key", E6, "--format", "json").json()
    record = next(r for r in report["results"][0]["records"] if r["part"] == "c")
    assert record["status"] == "incorrect"
    assert "not a proof" in record["message"]


def test_e6_terminal_states_conventions_stop_and_verdict(nnsolve):
    out = nnsolve("run", E6).stdout
    assert "T2 = {2,4: 5, 3,34: 6, 3,44: 7, 4,233: 8, 4,234: 9}" in out
    assert "disjoint: no label of iteration 3 occurs in two graphs" in out
    assert "stable: iteration 1 splits no colour class of iteration 0" in out
    assert "differ at iteration 2" in out


def test_the_course_example_with_words_for_labels(nnsolve, problem_file):
    """G1 of the course: triangle 1–2–3 with 4 on 3, labels A, A, B, A. New labels count on
    from 0 (no label is a number): signatures A,AB (nodes 1, 2), A,B (4), B,AAA (3) become
    1, 2, 3 in sorted order."""
    path = problem_file("""\
nnsolve: 1
id: wl-course
title: WL
solver: wl
given:
  graphs:
    G1: {edges: [[1, 2], [2, 3], [3, 1], [3, 4]], labels: {1: A, 2: A, 3: B, 4: A}}
    G2: {edges: [[1, 2], [2, 3], [3, 4], [4, 1]], labels: {1: A, 2: A, 3: B, 4: A}}
  iterations: 1
""")
    v = values(nnsolve("run", path, "--format", "json"))
    assert v["step1.G1.signatures"] == {"1": "A,AB", "2": "A,AB", "3": "B,AAA", "4": "A,B"}
    # G2 is a 4-cycle: 1 sees 2 and 4 (A, A), 2 and 4 see A and B, 3 sees two As
    assert v["step1.G2.signatures"] == {"1": "A,AA", "2": "A,AB", "3": "B,AA", "4": "A,AB"}
    assert v["step1.table"] == {"A,AA": "1", "A,AB": "2", "A,B": "3", "B,AA": "4",
                                "B,AAA": "5"}
    # φ(G1) = A:3, B:1, 2:2, 3:1, 5:1; φ(G2) = A:3, B:1, 1:1, 2:2, 4:1 → 9 + 1 + 4 = 14
    assert v["K.G1.G2"] == 14
    assert v["verdict.G1.G2"] == "not isomorphic" and v["split.G1.G2"] == 1


def test_first_seen_numbering_and_iteration0_excluded(nnsolve, problem_file):
    path = problem_file("""\
nnsolve: 1
id: wl-conventions
title: WL
solver: wl
conventions: {numbering: first_seen, iteration0: excluded}
given:
  graphs:
    G1: {edges: [[1, 2], [2, 3], [3, 1], [3, 4]]}
    G2: {edges: [[1, 2], [2, 3], [3, 4]]}
  iterations: 1
""")
    v = values(nnsolve("run", path, "--format", "json"))
    # node 1 of G1 comes first (1,11 → 2), node 3 next (1,111 → 3), node 4 (1,1 → 4)
    assert v["step1.table"] == {"1,11": "2", "1,111": "3", "1,1": "4"}
    # iteration 1 only: G1 {2: 2, 3: 1, 4: 1}, G2 {4: 2, 2: 2} → 2·2 + 1·2 = 6
    assert v["phi.G1"] == {"2": 2, "3": 1, "4": 1}
    assert v["K.G1.G2"] == 6


def test_directed_graphs_by_the_neighbours_convention(nnsolve, problem_file):
    text = """\
nnsolve: 1
id: wl-directed
title: WL
solver: wl
conventions: {neighbours: %s}
given:
  graphs:
    G1: {edges: [[1, 2], [1, 3], [2, 3]]}
  directed: true
  iterations: 1
"""
    # 1 → 2, 1 → 3, 2 → 3: successors 1: {2, 3}, 2: {3}, 3: {}; predecessors 3: {1, 2}
    out = values(nnsolve("run", problem_file(text % "out"), "--format", "json"))
    assert out["step1.G1.signatures"] == {"1": "1,11", "2": "1,1", "3": "1,"}
    inward = values(nnsolve("run", problem_file(text % "in", "in.yaml"), "--format", "json"))
    assert inward["step1.G1.signatures"] == {"1": "1,", "2": "1,1", "3": "1,11"}
    both = values(nnsolve("run", problem_file(text % "both", "both.yaml"), "--format", "json"))
    assert both["step1.G1.signatures"] == {"1": "1,11,", "2": "1,1,1", "3": "1,,11"}
    assert both["step1.table"] == {"1,,11": "2", "1,1,1": "3", "1,11,": "4"}


def test_edge_labels_pair_with_the_neighbours_labels(nnsolve, problem_file):
    """Triangles whose edges are labelled a, b, a (G1), a, a, b (G2: G1 renamed) and b, b, b
    (G3). Iteration 1: in G1 node 1 has two a-edges (1,a:1 a:1), nodes 2 and 3 an a- and a
    b-edge (1,a:1 b:1); sorted, a:1 a:1 < a:1 b:1 < b:1 b:1 → 2, 3, 4."""
    path = problem_file("""\
nnsolve: 1
id: wl-edges
title: WL
solver: wl
given:
  graphs:
    G1: {edges: [[1, 2, a], [2, 3, b], [3, 1, a]]}
    G2: {edges: [[1, 2, a], [2, 3, a], [3, 1, b]]}
    G3: {edges: [[1, 2, b], [2, 3, b], [3, 1, b]]}
  iterations: 2
""")
    nodes = values(nnsolve("run", path, "--format", "json"))
    assert nodes["step1.G1.signatures"] == {"1": "1,a:1 a:1", "2": "1,a:1 b:1",
                                            "3": "1,a:1 b:1"}
    assert nodes["step1.table"] == {"1,a:1 a:1": "2", "1,a:1 b:1": "3", "1,b:1 b:1": "4"}
    path.write_text(path.read_text().replace("iterations: 2", "iterations: 2\n  view: summary"))
    summary = values(nnsolve("run", path, "--format", "json"))
    for v in (nodes, summary):
        # G1, G2: 9 at iteration 0, then 1·1 + 2·2 at iterations 1 and 2 → 19; G3 shares
        # only iteration 0 with them (9) and has 9 at each iteration with itself (27)
        assert v["K"] == [[19, 19, 9], [19, 19, 9], [9, 9, 27]]
        assert v["verdict.G1.G2"] == "possibly isomorphic"
        assert v["verdict.G1.G3"] == "not isomorphic" and v["split.G1.G3"] == 1


def test_an_adjacency_matrix_is_the_same_graph_as_its_edges(nnsolve, problem_file):
    text = """\
nnsolve: 1
id: wl-adjacency
title: WL
solver: wl
given:
  graphs:
    G1: %s
    G2: {edges: [[1, 2], [2, 3], [3, 4]]}
  iterations: 2
"""
    edges = values(nnsolve("run", problem_file(
        text % "{edges: [[1, 2], [2, 3], [3, 1], [3, 4]]}"), "--format", "json"))
    matrix = values(nnsolve("run", problem_file(
        text % "{adjacency: [[0, 1, 1, 0], [1, 0, 1, 0], [1, 1, 0, 1], [0, 0, 1, 0]]}",
        "m.yaml"), "--format", "json"))
    # by hand (GraKeL agrees, see the oracle tests): K = [[28, 22], [22, 32]]
    assert edges["K"] == matrix["K"] == [[28, 22], [22, 32]]


def test_a_student_who_does_not_sort_is_named_and_carried_forward(nnsolve):
    report = nnsolve("grade", DATA / "e6-unsorted.yaml", "--key", E6, "--format", "json").json()
    records = {r["name"]: r for r in report["results"][0]["records"] if r["part"] == "a"}
    for name in ("step2.G1.signatures", "step2.G2.signatures"):
        assert records[name]["status"] == "incorrect"
        assert records[name]["misconception"] == "unsorted-neighbours"
    # the table numbers the student's own six signatures 5 … 10, and G1's colouring follows
    assert records["step2.table"]["status"] == "ecf"
    assert records["step2.G1.labels"]["status"] == "ecf"
    # colourings written as groups, or with colours a, b, c, are right when they group alike
    assert records["step1.G1.labels"]["status"] == "correct"
    assert records["step1.G2.labels"]["status"] == "correct"
    assert records["step2.G2.labels"]["status"] == "correct"


def test_forgotten_iteration_0_and_left_out_own_label_are_named(nnsolve):
    report = nnsolve("grade", DATA / "e6-slips.yaml", "--key", E6, "--format", "json").json()
    records = {(r["part"], r["name"]): r for r in report["results"][0]["records"]}
    assert records[("b", "phi.G1")]["misconception"] == "iteration0-forgotten"
    assert records[("b", "step1.G1.signatures")]["misconception"] == "own-label-left-out"
    # the kernel from the student's own φ without iteration 0 (6·6 = 36) is carried forward
    assert records[("b", "K.G1.G2")]["status"] == "ecf"


@pytest.mark.parametrize("given, where, message", [
    ("graphs: {G1: {edges: [[1, 2]], nodes: [1, 2], labels: {1: A, 2: A, 3: A}}}\n"
     "  iterations: 1", "given.graphs.G1.labels", "a label for node 3, which is not in the graph"),
    ("graphs: {G1: {edges: [[1, 2]], labels: {1: A}}}\n  iterations: 1",
     "given.graphs.G1.labels", "no label for node 2"),
    ("graphs: {G1: {edges: [[1, 2], [2, 1]]}}\n  iterations: 1",
     "given.graphs.G1.edges[1]", "the edge 2–1 is given twice"),
    ("graphs: {G1: {edges: [[a, b], [b, a]]}}\n  iterations: 1",
     "given.graphs.G1.edges[1]", "the edge b–a is given twice"),
    ("graphs: {G1: {edges: [[1, 2], [2, 3]], nodes: [1, 2]}}\n  iterations: 1",
     "given.graphs.G1.edges[1]", "node 3 is not among the listed nodes"),
    ("graphs: {G1: {edges: [[x, y], [y, z]], nodes: [x, y]}}\n  iterations: 1",
     "given.graphs.G1.edges[1]", "node z is not among the listed nodes"),
    ("graphs: {G1: {edges: [[1, 2]], nodes: [1, 2, 1]}}\n  iterations: 1",
     "given.graphs.G1.nodes", "node 1 is listed twice"),
    ("graphs: {G1: {adjacency: [[0, 1], [0, 0]]}}\n  iterations: 1",
     "given.graphs.G1.adjacency", "symmetric"),
    ("graphs: {G1: {edges: [[1, 2]]}}\n  iterations: 1\n  until: stable",
     "given.iterations", "either iterations"),
    ("graphs: {'1x': {edges: [[1, 2]]}}\n  iterations: 1",
     "given.graphs.1x", "a graph's name"),
    ("graphs: {phi: {edges: [[1, 2]]}}\n  iterations: 1",
     "given.graphs.phi", "not a word of the quantity names"),
    ("graphs: {G1: {edges: [[1, 2]], labels: {1: 'a,b', 2: A}}}\n  iterations: 1",
     "given.graphs.G1.labels", "without commas"),
    ("graphs: {G1: {edges: [[1, 2, a], [2, 3]]}}\n  iterations: 1",
     "given.graphs.G1.edges[1]", "an edge without a label among labelled ones"),
    ("graphs: {G1: {edges: [[1, 2, a]]}, G2: {edges: [[1, 2]]}}\n  iterations: 1",
     "given.graphs.G2.edges", "edge labels in one graph and not in another"),
    ("graphs: {G1: {edges: [[1, 2, 'a:b']]}}\n  iterations: 1",
     "given.graphs.G1.edges[0]", "without commas, colons or spaces"),
    ("graphs: {G1: {edges: [[1, 2]]}}\n  iterations: 51",
     "given.iterations", "less than or equal to 50"),
])
def test_bad_graphs_are_errors_naming_file_line_and_field(nnsolve, problem_file, given, where,
                                                           message):
    path = problem_file(f"nnsolve: 1\nid: bad\ntitle: bad\nsolver: wl\ngiven:\n  {given}\n")
    result = nnsolve("run", path)
    assert result.exit_code == 1
    assert "problem.yaml:" in result.stderr and where in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_a_100000_node_graph_in_yaml_is_summarised(nnsolve, tmp_path):
    """A ring of 10⁵ nodes with a chord every 1,000 nodes: the largest graph whose edge list
    fits the YAML limits (2 MB). The summary has no per-node quantity: the JSON stays small."""
    n = 100_000
    edges = [[i, i % n + 1] for i in range(1, n + 1)] + [[i, i + 500] for i in range(1, n, 1000)]
    path = tmp_path / "ring.yaml"
    path.write_text("nnsolve: 1\nid: ring\ntitle: ring\nsolver: wl\ngiven:\n  graphs:\n"
                    "    G1: {edges: " + str(edges).replace(" ", "") + "}\n"
                    "    G2: {edges: [[1,2],[2,3],[3,1]]}\n  iterations: 3\n")
    result = nnsolve("run", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout) < 20_000
    v = values(result)
    # iteration 1: 200 chord ends have degree 3, the rest degree 2; G2 is a triangle
    assert v["step1.G1.class_sizes"] == {"200": 1, str(n - 200): 1}
    # the triangle's 3 nodes match the ring nodes that are farther than k − 1 from every
    # chord end (chord ends are 500 apart): all n at iteration 0, then all but the 200 ends,
    # all but ends and their 400 neighbours, all but those and 400 more
    assert v["K.G1.G2"] == 3 * (n + (n - 200) + (n - 600) + (n - 1000)) == 1_194_600
    assert v["verdict.G1.G2"] == "not isomorphic" and v["split.G1.G2"] == 0
