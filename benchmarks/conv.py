"""How fast the conv solver computes a large feature map, next to PyTorch on the same CPU.

    python benchmarks/conv.py [--runs 7] [--threads N]

A 3×224×224 input through 64 filters of 3×3 (stride 1, padding 1, with biases), as the first
layer of VGG: the solver's vectorised numpy path (im2col and one matrix product) is timed side
by side, in one process, with torch's `F.conv2d` on the CPU, in float64 and float32, after
checking that the two agree. Then the whole solver (`ConvSolver.solve`: the given read, the
sizes with their formulas, the map, ReLU and 2×2 max pooling as tensor quantities) and
`nnsolve run` of such a problem with a generated input, end to end in a fresh process.

Prints the median of `--runs` timings of each, and the ratio numpy / torch.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnsolve.solvers.conv import numeric  # noqa: E402

SHAPE, FILTERS, K = (3, 224, 224), 64, 3

PROBLEM = f"""\
nnsolve: 1
id: conv-benchmark
title: "A VGG-sized first layer"
solver: conv
given:
  input: {{random: {{shape: {list(SHAPE)}, seed: 0}}}}
  kernel: {{random: {{shape: [{FILTERS}, {SHAPE[0]}, {K}, {K}], seed: 1}}}}
  bias: {{random: {{shape: [{FILTERS}], seed: 2}}}}
  padding: 1
  activation: relu
  pool: {{type: max, size: 2}}
"""


def median_seconds(run, runs: int) -> float:
    run()                                   # warm up: first-touch allocations, BLAS threads
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--threads", type=int, default=None,
                        help="torch's intra-op threads (default: torch's own choice)")
    args = parser.parse_args()
    import torch
    import torch.nn.functional as F

    if args.threads:
        torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    rows = []
    for dtype in (np.float64, np.float32):
        x = rng.standard_normal(SHAPE).astype(dtype)
        kernel = rng.standard_normal((FILTERS, SHAPE[0], K, K)).astype(dtype)
        bias = rng.standard_normal(FILTERS).astype(dtype)
        tx, tk, tb = torch.from_numpy(x)[None], torch.from_numpy(kernel), torch.from_numpy(bias)

        def ours():
            return numeric.correlate(x, kernel, bias, (1, 1), (1, 1, 1, 1), (1, 1))

        def theirs():
            with torch.no_grad():
                return F.conv2d(tx, tk, tb, padding=1)

        gap = np.max(np.abs(ours() - theirs()[0].numpy()))
        limit = 1e-9 if dtype == np.float64 else 1e-3
        assert gap < limit, f"numpy and torch differ by {gap}"
        t_ours, t_theirs = median_seconds(ours, args.runs), median_seconds(theirs, args.runs)
        name = np.dtype(dtype).name
        rows.append((f"numpy im2col + matmul, {name}", t_ours, t_ours / t_theirs))
        rows.append((f"torch F.conv2d (CPU), {name}", t_theirs, 1.0))

    from nnsolve.solvers.conv import ConvSolver

    solver = ConvSolver()
    import yaml

    given = solver.Given(**yaml.safe_load(PROBLEM)["given"])
    conventions = solver.resolve_conventions({})
    t_solve = median_seconds(lambda: solver.solve(given, conventions), max(1, args.runs // 3))
    rows.append(("ConvSolver.solve (map, ReLU, max pool)", t_solve, None))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "conv-benchmark.yaml"
        path.write_text(PROBLEM, encoding="utf-8")
        for fmt in ("text", "html"):
            command = [sys.executable, "-m", "nnsolve", "run", str(path), "--format", fmt]

            def run_command(command=command):
                subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               check=True, cwd=ROOT)

            rows.append((f"nnsolve run --format {fmt} (fresh process)",
                         median_seconds(run_command, max(1, args.runs // 3)), None))

    print(f"{SHAPE[0]}×{SHAPE[1]}×{SHAPE[2]} input, {FILTERS} filters {K}×{K}, padding 1 "
          f"(torch {torch.__version__}, {torch.get_num_threads()} threads; numpy {np.__version__})")
    print(f"{'what':<46} {'median ms':>10} {'× torch':>8}")
    for name, seconds, ratio in rows:
        print(f"{name:<46} {seconds * 1000:>10.1f} {'' if ratio is None else f'{ratio:.2f}':>8}")


if __name__ == "__main__":
    main()
