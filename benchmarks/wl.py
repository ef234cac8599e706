"""Weisfeiler-Lehman relabelling of a large graph: nnsolve's array engine against networkx,
on the same graph in the same process.

    python benchmarks/wl.py [--nodes 100000] [--edges 500000] [--iterations 5] [--runs 3]

A random simple graph (all labels 1) is relabelled `--iterations` times by
`nnsolve.solvers.wl.refine` and by networkx's `weisfeiler_lehman_subgraph_hashes` (which
computes every node's label of every iteration, as the solver does); the table shows the
median wall and CPU time of each (runs interleaved: both see the same load on a shared
machine) and the ratio of CPU times, checks that both find the same partition of the nodes
at every iteration, and times the whole solver (given checked, graph read, kernels and WL test
of the summary view) on the same graph. Then `nnsolve run` end to end, in a fresh interpreter,
on a YAML file holding the largest graph of 10⁵ nodes whose edge list fits the YAML loader's
limits (2 MB): a ring with a chord every 1,000 nodes, beside a triangle.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnsolve.solvers.wl import WlSolver, refine  # noqa: E402
from nnsolve.solvers.wl.given import WlGiven  # noqa: E402


def random_edges(nodes: int, edges: int, seed: int = 0) -> np.ndarray:
    """`edges` distinct undirected edges without self-loops, nodes 0 … nodes − 1."""
    rng = np.random.default_rng(seed)
    found = np.zeros((0, 2), dtype=np.int64)
    while len(found) < edges:
        pairs = np.sort(rng.integers(0, nodes, (edges, 2)), axis=1)
        pairs = pairs[pairs[:, 0] != pairs[:, 1]]
        found = np.unique(np.concatenate([found, pairs]), axis=0)
    return found[rng.permutation(len(found))[:edges]]


def timed(function) -> tuple[float, float, object]:
    """Wall and CPU seconds of one call (CPU time barely moves with the load of a shared
    machine, wall time does), and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def classes_per_iteration(labels_per_iteration) -> list[int]:
    return [len(set(labels)) for labels in labels_per_iteration]


def same_partitions(ours: list[np.ndarray], hashes: dict, nodes: int) -> bool:
    """Equal partitions: each of our classes maps to one hash and back (pairs are unique)."""
    for k in range(1, len(ours)):
        theirs = np.unique(np.array([hashes[v][k - 1] for v in range(nodes)]),
                           return_inverse=True)[1].reshape(-1)
        pairs = np.unique(ours[k] * (theirs.max() + 1) + theirs).size
        if not pairs == np.unique(ours[k]).size == np.unique(theirs).size:
            return False
    return True


def ring_problem(path: Path, nodes: int = 100_000) -> None:
    edges = [[i, i % nodes + 1] for i in range(1, nodes + 1)]
    edges += [[i, i + 500] for i in range(1, nodes, 1000)]
    path.write_text("nnsolve: 1\nid: wl-ring\ntitle: WL on a ring of 100,000 nodes\nsolver: wl\n"
                    "given:\n  graphs:\n    G1: {edges: " + str(edges).replace(" ", "") + "}\n"
                    "    G2: {edges: [[1,2],[2,3],[3,1]]}\n  iterations: 5\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=500_000)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import networkx as nx

    n, h = args.nodes, args.iterations
    edges = random_edges(n, args.edges)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges.tolist())

    def ours():
        union = refine.union([n], [edges])
        return refine.refine([union], np.zeros(n, dtype=np.int64), h)

    def theirs():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return nx.weisfeiler_lehman_subgraph_hashes(graph, iterations=h)

    given = WlGiven.model_validate({"graphs": {"G1": {"edges": (edges + 1).tolist(),
                                                      "nodes": list(range(1, n + 1))}},
                                    "iterations": h})

    def solver():
        return WlSolver().solve(given, WlSolver.resolve_conventions({}))

    # interleaved, so that both see the same load on a shared machine
    ours_times, theirs_times = [], []
    for _ in range(args.runs):
        *seconds, history = timed(ours)
        ours_times.append(seconds)
        *seconds, hashes = timed(theirs)
        theirs_times.append(seconds)
    ours_s = [statistics.median(t[i] for t in ours_times) for i in (0, 1)]
    theirs_s = [statistics.median(t[i] for t in theirs_times) for i in (0, 1)]
    solver_s = timed(solver)[:2]
    with tempfile.TemporaryDirectory() as folder:
        problem = Path(folder) / "ring.yaml"
        ring_problem(problem)
        size = problem.stat().st_size
        command = [sys.executable, "-m", "nnsolve", "run", str(problem), "--format", "json"]
        before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        run_s = [time.perf_counter() - start, after.ru_utime - before.ru_utime
                 + after.ru_stime - before.ru_stime]

    print(f"random graph: {n:,} nodes, {len(edges):,} edges, {h} iterations "
          f"(colours per iteration: {classes_per_iteration(history)})")
    rows = [("nnsolve.solvers.wl.refine (arrays)", ours_s),
            ("networkx weisfeiler_lehman_subgraph_hashes", theirs_s),
            ("WlSolver.solve (read, refine, kernels, WL test)", solver_s),
            (f"nnsolve run, {size / 1e6:.1f} MB YAML ring of 100,000 nodes", run_s)]
    print(f"{'':<52} {'wall s':>8} {'CPU s':>8} {'CPU × refine':>13}")
    for name, (wall, cpu) in rows:
        print(f"{name:<52} {wall:>8.3f} {cpu:>8.3f} {cpu / ours_s[1]:>13.1f}")
    print(f"networkx is {theirs_s[1] / ours_s[1]:.1f}× slower in CPU time "
          f"({theirs_s[0] / ours_s[0]:.1f}× in wall time); same partition at every iteration: "
          f"{'yes' if same_partitions(history, hashes, n) else 'NO'}")


if __name__ == "__main__":
    main()
