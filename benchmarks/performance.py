"""nnsolve's performance figures, each beside the floor it is judged against, in one run.

    python benchmarks/performance.py [--runs 7] [--classes 1000,3000,10000] [--quick]

Three tables, every figure measured side by side with its floor on the same machine in the
same minutes (the median of `--runs` interleaved runs), so a busy machine slows both alike:

  start-up   each command in a fresh interpreter, against `python -c "import numpy"` and
             `python -c "import sympy"` (and sympy doing its first sum, which loads
             sympy.tensor and sympy.combinatorics: any derivation pays that; and that with a
             pydantic model, as validating a given needs: the floor of a numeric `run`)
  classes    `nnsolve grade DIR --key KEY --csv FILE > results.txt` on generated classes of
             an MLP exercise (10 questions: forward pass, error, deltas of a 2-2-1 tanh
             network) with right, wrong, error-carried-forward and broken files, with
             `--workers 1` and `--workers 2`; wall time, time per 1,000 submissions against
             the smallest class (linear is 1.00), the CPU time of all processes (and divided
             by the workers: the wall time cores of their own would give, which a busy
             machine's wall time does not show), and the peak memory of all processes
             together (the grader and its workers: their proportional set sizes, sampled
             from /proc every 50 ms)
  big file   a submission of 999,000 numbers (just under the 2 MB cap): the time and memory
             grading it takes once the key is loaded, and the whole `nnsolve grade` process

Bytecode is compiled first (`compileall`), as an installed package has it; the example
perceptron plugin is measured from this repository. `--quick` runs a 300-submission class and
three runs of each command. (`grade_batch.py` grades AlexNet answers and files broken twenty
ways, and measures what the answer key's cache is worth.)
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBLEM = ROOT / "problems" / "e1-backprop-tanh.yaml"
PLUGIN = ROOT / "examples" / "plugins" / "nnsolve-perceptron"
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(PLUGIN)]),
       "NO_COLOR": "1"}
PY = sys.executable

#: the 10 questions of the class benchmark
ASKED = "[a3, y3, a4, y4, a5, y5, E, delta5, delta3, delta4]"
RIGHT = dict(a3=1, y3=0.762, a4=0, y4=0, a5=-1.238, y5=-0.845, E=3.404, delta5=1.055,
             delta3=0.442, delta4=1.055)
WRONG = dict(RIGHT, y3=0.5, E=1.2, delta3=0.3)
#: a3 = 2 by a slip; y3, a5, y5 and E computed right from it (error carried forward)
CARRIED = dict(RIGHT, a3=2, y3=0.964, a5=-1.036, y5=-0.776, E=3.154)
BROKEN = [
    "nnsolve: 1\nstudent: {{id: {id}}}\nproblem: bench-mlp\nanswers: {{a3: [1, 2\n",
    "nnsolve: 1\nproblem: bench-mlp\nanswers: {{a3: 1}}\n",
    "nnsolve: 1\nstudent: {id}\nproblem: bench-mlp\nanswers: 42\n",
    "nnsolve: 1\nnnsolve: 1\nstudent: {id}\nproblem: bench-mlp\nanswers: {{a3: 1}}\n",
    "- 1\n- 2\n",
    "",
    "nnsolve: 1\nstudent: {id}\nproblem: bench-mlp\nanswers: {{a3: " + "9" * 2000 + "}}\n",
    "nnsolve: 1\nstudent: {id}\nproblem: bench-mlp\nanswers: {{y3: \"tanh(1\"}}\n",
]


def write_class(directory: Path, n: int) -> tuple[Path, Path]:
    """n submissions: half right, a fifth wrong, a fifth with a slip carried forward, a tenth
    broken (eight ways). Returns (submissions folder, key folder)."""
    subs, key = directory / "subs", directory / "key"
    subs.mkdir(parents=True)
    key.mkdir()
    text = PROBLEM.read_text(encoding="utf-8").split("\nask:")[0]
    text = text.replace("id: e1-backprop-tanh", "id: bench-mlp")
    (key / "bench-mlp.yaml").write_text(f"{text}\nask: {ASKED}\n", encoding="utf-8")
    for i in range(n):
        sid = f"s{i:05d}"
        kind = i % 10
        if kind == 9:
            body = BROKEN[(i // 10) % len(BROKEN)].format(id=sid)
        else:
            answers = RIGHT if kind < 5 else WRONG if kind < 7 else CARRIED
            lines = "".join(f"  {name}: {value}\n" for name, value in answers.items())
            body = (f"nnsolve: 1\nstudent: {{id: {sid}, name: Student {i}}}\n"
                    f"problem: bench-mlp\nanswers:\n{lines}")
        (subs / f"{sid}.yaml").write_text(body, encoding="utf-8")
    return subs, key


def write_big(path: Path, numbers: int = 999_000) -> None:
    """A submission whose one answer lists `numbers` numbers: 2 bytes each, under 2 MB."""
    path.write_text("nnsolve: 1\nstudent: {id: big, name: Big}\nproblem: bench-mlp\nanswers:\n"
                    "  a3: [" + ",".join("1" * numbers) + "]\n", encoding="utf-8")


# --- measuring ------------------------------------------------------------------------------

def _memory_of_tree(root: int) -> int:
    """Memory (bytes) of `root` and every process descended from it: the sum of their
    proportional set sizes, so pages a forked worker shares with its parent count once."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                parents[int(entry)] = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(line.split()[1]) * 1024 for line in f
                              if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total


def run_measured(cmd: list[str], stdout=subprocess.DEVNULL) -> tuple[float, float, int, float]:
    """(wall seconds, peak MB of the process tree, exit code, CPU seconds of the tree: user
    and system time of the process and every worker it waited for)."""
    cpu_before = _children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(cmd, env=ENV, cwd=ROOT, stdout=stdout,
                               stderr=subprocess.DEVNULL)
    peak, done = 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _memory_of_tree(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return seconds, peak / 2**20, code, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def startup(runs: int) -> list[tuple]:
    e1 = str(PROBLEM)
    sub = str(ROOT / "tests" / "data" / "e1c-slip.yaml")
    commands = {
        "python -c 'import numpy'": [PY, "-c", "import numpy"],
        "python -c 'import sympy'": [PY, "-c", "import sympy"],
        "sympy's first sum": [PY, "-c", "import sympy; sympy.Symbol('x') + 1"],
        "... and a pydantic model": [
            PY, "-c", "import sympy, pydantic; sympy.Symbol('x') + 1\n"
                      "class M(pydantic.BaseModel):\n    x: int = 1"],
        "nnsolve --help": [PY, "-m", "nnsolve", "--help"],
        "nnsolve solvers": [PY, "-m", "nnsolve", "solvers"],
        "nnsolve schema mlp": [PY, "-m", "nnsolve", "schema", "mlp"],
        "nnsolve schema problem": [PY, "-m", "nnsolve", "schema", "problem"],
        "nnsolve new mlp": [PY, "-m", "nnsolve", "new", "mlp"],
        "nnsolve check SUBMISSION": [PY, "-m", "nnsolve", "check", sub],
        "nnsolve run e1 --format json": [PY, "-m", "nnsolve", "run", e1, "--format", "json"],
        "nnsolve run e1 (text)": [PY, "-m", "nnsolve", "run", e1],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):   # interleaved: a busy minute slows every command alike
        for name, cmd in commands.items():
            start = time.perf_counter()
            subprocess.run(cmd, env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(t) for name, t in times.items()}
    numpy, sympy = medians["python -c 'import numpy'"], medians["python -c 'import sympy'"]
    return [(name, f"{s * 1000:.0f} ms", f"{s / numpy:.2f}", f"{s / sympy:.2f}")
            for name, s in medians.items()]


def classes(sizes: list[int], runs: int) -> list[tuple]:
    rows, per_1k = [], {}
    with tempfile.TemporaryDirectory(prefix="nnsolve-perf-") as tmp:
        for n in sizes:
            subs, key = write_class(Path(tmp) / f"class{n}", n)
            measured: dict[int, list[tuple]] = {1: [], 2: []}
            for _ in range(runs):
                for workers in (1, 2):
                    out = Path(tmp) / f"out{n}-{workers}"
                    out.mkdir(exist_ok=True)
                    with open(out / "results.txt", "w") as stdout:
                        measured[workers].append(run_measured(
                            [PY, "-m", "nnsolve", "grade", str(subs), "--key", str(key),
                             "--csv", str(out / "grades.csv"), "--workers", str(workers)],
                            stdout))
            for workers in (1, 2):
                seconds = statistics.median(m[0] for m in measured[workers])
                cpu = statistics.median(m[3] for m in measured[workers])
                peak = max(m[1] for m in measured[workers])
                codes = {m[2] for m in measured[workers]}
                per_1k.setdefault(workers, seconds * 1000 / n)
                rows.append((f"{n:,} × 10, workers={workers}", f"{seconds:.2f} s",
                             f"{seconds * 1000 / n:.2f} s",
                             f"{seconds * 1000 / n / per_1k[workers]:.2f}",
                             f"{seconds / statistics.median(m[0] for m in measured[1]):.2f}",
                             f"{cpu:.2f} s", f"{cpu / min(workers, os.cpu_count() or 1):.2f} s",
                             f"{peak:.0f} MB", ",".join(map(str, sorted(codes)))))
    return rows


_BIG_PROBE = """
import json, resource, sys, time
from nnsolve.grade.grader import grade_file
from nnsolve.grade.key import Key
key = Key.from_paths([sys.argv[1]])
grade_file(sys.argv[3], key)            # the key solved, the grading modules loaded
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
result = grade_file(sys.argv[2], key)
seconds = time.perf_counter() - start
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"seconds": seconds, "grown_mb": grown / 1024, "error": result.error}))
"""


def big_file(runs: int) -> list[tuple]:
    with tempfile.TemporaryDirectory(prefix="nnsolve-perf-") as tmp:
        subs, key = write_class(Path(tmp) / "one", 1)
        big = Path(tmp) / "big.yaml"
        write_big(big)
        probes = [json.loads(subprocess.run(
            [PY, "-c", _BIG_PROBE, str(key), str(big), str(next(subs.iterdir()))], env=ENV,
            cwd=ROOT, capture_output=True, text=True, check=True).stdout) for _ in range(runs)]
        whole = [run_measured([PY, "-m", "nnsolve", "grade", str(big), "--key", str(key)])
                 for _ in range(runs)]
        small = [run_measured([PY, "-m", "nnsolve", "grade", str(next(subs.iterdir())),
                               "--key", str(key)]) for _ in range(runs)]
        size = big.stat().st_size
    error = probes[0]["error"] or ""
    return [
        (f"{size:,} bytes, 999,000 numbers: grading it (key loaded)",
         f"{statistics.median(p['seconds'] for p in probes) * 1000:.0f} ms",
         f"+{max(p['grown_mb'] for p in probes):.0f} MB", error.split(": ", 1)[-1]),
        ("`nnsolve grade big.yaml` (whole process)",
         f"{statistics.median(w[0] for w in whole) * 1000:.0f} ms",
         f"{max(w[1] for w in whole):.0f} MB", f"exit {whole[0][2]}"),
        ("`nnsolve grade one-right.yaml` (the same process, one small file)",
         f"{statistics.median(s[0] for s in small) * 1000:.0f} ms",
         f"{max(s[1] for s in small):.0f} MB", f"exit {small[0][2]}"),
    ]


def table(title: str, header: tuple, rows: list[tuple]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)  # noqa: E731
                               for i, (c, w) in enumerate(zip(r, widths))).rstrip()
    return "\n".join([title, line(header), line(tuple("-" * w for w in widths)),
                      *map(line, rows)]) + "\n"


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "?")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
            f"load average {load}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each start-up command")
    parser.add_argument("--class-runs", type=int, default=3, help="runs of each class")
    parser.add_argument("--classes", default="1000,3000,10000",
                        help="class sizes (default 1000,3000,10000)")
    parser.add_argument("--quick", action="store_true", help="300 submissions, 3 runs")
    parser.add_argument("--only", choices=["startup", "classes", "big"], help="one table")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.class_runs, args.classes = 3, 1, "300"
    compileall.compile_dir(ROOT / "nnsolve", quiet=1)
    compileall.compile_dir(PLUGIN, quiet=1)
    print(machine(), "\n")
    if args.only in (None, "startup"):
        print(table(f"Start-up (median of {args.runs} interleaved runs)",
                    ("command", "median", "× numpy", "× sympy"), startup(args.runs)))
    if args.only in (None, "classes"):
        sizes = [int(n) for n in args.classes.split(",")]
        print(table(f"Grading a class (median of {args.class_runs} runs; peak: all processes)",
                    ("class", "wall", "per 1,000", "× smallest", "× workers=1", "CPU",
                     "CPU / workers", "peak", "exit"), classes(sizes, args.class_runs)))
    if args.only in (None, "big"):
        print(table("A file of 999,000 numbers",
                    ("what", "time", "memory", "outcome"), big_file(3)))
    print("after:", machine())


if __name__ == "__main__":
    main()
