"""Start-up time of the command line, against peers run on the same machine in the same way.

    python benchmarks/startup.py [--runs 15]

Each command runs in a fresh interpreter; the table shows the median wall time and its ratio
to a bare interpreter start (the floor nothing can beat) and to importing sympy (what
`nnsolve --help` would cost if it loaded the solvers' mathematics).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = {
    "python -c pass (floor)": [sys.executable, "-c", "pass"],
    "python -c 'import sympy' (peer)": [sys.executable, "-c", "import sympy"],
    "nnsolve --help": [sys.executable, "-m", "nnsolve", "--help"],
    "nnsolve solvers": [sys.executable, "-m", "nnsolve", "solvers"],
    "nnsolve run alexnet-conv1 --format json": [
        sys.executable, "-m", "nnsolve", "run", str(ROOT / "problems/alexnet-conv1.yaml"),
        "--format", "json"],
}


def median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    results = {name: median_seconds(cmd, args.runs) for name, cmd in COMMANDS.items()}
    floor = results["python -c pass (floor)"]
    peer = results["python -c 'import sympy' (peer)"]
    print(f"{'command':<44} {'median ms':>10} {'× floor':>8} {'× sympy import':>15}")
    for name, seconds in results.items():
        print(f"{name:<44} {seconds * 1000:>10.1f} {seconds / floor:>8.2f} {seconds / peer:>15.2f}")


if __name__ == "__main__":
    main()
