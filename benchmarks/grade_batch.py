"""How fast `nnsolve grade` gets through a class, and what the answer-key cache is worth.

    python benchmarks/grade_batch.py [-n 500] [--broken 50] [--key problems/alexnet-conv1.yaml]

Writes N submissions for exercise E2 (AlexNet's first convolutional layer) into a temporary
directory: right answers, common mistakes (bias forgotten, units of one slice), answers that
are wrong but consistent with an earlier wrong one, missing answers, and `--broken` files broken
in twenty ways (bad YAML, an alias bomb, binary bytes, an empty file, a 10 MB file, a FIFO, a
link to /dev/zero, a loop of links, ESC sequences, a 5,000-digit integer, ...).
Then it times, each in a fresh process so that peak memory is its own:

  load YAML only     reading and checking every submission, no grading (the floor)
  no key cache       grading each submission against a freshly loaded and solved key
  grade, workers=1   `nnsolve grade` in-process, with gradebook, JSON and feedback files
  grade, workers=2   the same with a pool of two worker processes

and prints submissions per second, milliseconds per submission, peak RSS (this process plus
its workers) and each run's time relative to `grade, workers=1`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KEY = ROOT / "problems" / "alexnet-conv1.yaml"

#: part a answers questions (a)–(c) of E2, part d question (d)
RIGHT = {"a": {"output_shape": [55, 55, 96], "units": 290400, "params": 34944},
         "d": {"params": 39574528}}


def in_a(**answers) -> dict:
    """RIGHT with some of part a's answers replaced."""
    return {**RIGHT, "a": {**RIGHT["a"], **answers}}


#: (answers, what they show): mistakes students make on E2
VARIANTS = [
    (RIGHT, "all right"),
    (in_a(params=34848), "bias forgotten in (c)"),
    (in_a(units=3025), "units of one slice"),
    (in_a(output_shape=[54, 54, 96], units=279936), "the +1 forgotten"),
    ({**RIGHT, "d": {"params": 39574272}}, "bias forgotten in (d)"),
    ({"a": {"output_shape": [55, 55, 96], "params": 34944}}, "(b) and (d) not answered"),
    ({**in_a(params="11*11*3*96 + 96"), "d": {"params": "227*227*3*256 + 256"}},
     "arithmetic written out"),
    (in_a(output_shape="55x55x96"), "shape written as 55x55x96"),
]


def submission(student: str | None, name: str | None, answers, problem: str = "alexnet-conv1",
               version: int = 1) -> dict:
    data: dict = {"nnsolve": version}
    if student is not None:
        data["student"] = {"id": student, "name": name}
    return {**data, "problem": problem, "answers": answers}


def as_yaml(data: dict) -> str:
    """The way a student writes it: block mappings, short flow lists and mappings."""
    import yaml

    return yaml.safe_dump(data, default_flow_style=None, sort_keys=False, allow_unicode=True)


def alias_bomb() -> str:
    """Nine levels of YAML aliases, each nine of the one below: a few hundred bytes that a
    loader expanding aliases turns into 9^9 strings (tests/test_batch.py uses it too)."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(8):
        before, name = chr(97 + i), chr(98 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{before}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _link_to(target: str):
    def make(path: Path) -> None:
        path.symlink_to(target)
    return make


def _loop(path: Path) -> None:
    path.symlink_to(path.name)


def broken_files(student: str) -> list[tuple[str, bytes | Callable[[Path], None]]]:
    """(kind, content) of every way a submission file can be broken: its bytes, or what makes
    it (a FIFO, a link to a device, a loop of links)."""
    good = as_yaml(submission(student, "Broken", RIGHT))
    deep = submission(student, "Broken", {"a": {"units": 290400}})
    deep["answers"]["a"]["params"] = json.loads("[" * 200 + "]" * 200)
    return [
        ("YAML syntax error",
         f"nnsolve: 1\nstudent: {{id: {student}}}\nanswers: {{a: [1, 2\n".encode()),
        ("alias bomb", alias_bomb().encode()),
        ("missing student", as_yaml(submission(None, None, RIGHT)).encode()),
        ("unknown problem",
         as_yaml(submission(student, "Broken", RIGHT, "alexnet-conv9")).encode()),
        ("binary garbage", random.Random(student).randbytes(4096)),
        ("empty file", b""),
        ("10 MB file", b"# " + b"x" * (10 * 1024 * 1024) + b"\n" + good.encode()),
        ("nested too deep", as_yaml(deep).encode()),
        ("format 2", as_yaml(submission(student, "Broken", RIGHT, version=2)).encode()),
        ("answers not a mapping", as_yaml(submission(student, "Broken", 42)).encode()),
        ("a list, not a mapping", b"- 1\n- 2\n"),
        ("key written twice",
         f"nnsolve: 1\nnnsolve: 1\nstudent: {student}\nproblem: alexnet-conv1\n"
         f"answers: {{a: {{units: 290400}}}}\n".encode()),
        ("a FIFO", os.mkfifo),
        ("a link to /dev/zero", _link_to("/dev/zero")),
        ("a loop of links", _loop),
        ("a long student line with an open quote",
         f"nnsolve: 1\nstudent: {student}{' ' * 60_000}\"\nanswers: {{a: [1\n".encode()),
        ("an integer of 5,000 digits",
         good.replace("34944", "9" * 5000).encode()),
        ("200,000 junk keys", "".join(f"{i:x}: 0\n" for i in range(200_000)).encode()),
        ("ESC sequences in the id and name",
         good.replace(f"id: {student}", f'id: "{student}\\e[2J"').replace(
             "name: Broken", 'name: "\\e]0;pwned\\a"').encode()),
        ("a division by an exact zero",
         as_yaml(submission(student, "Broken", in_a(
             params="1/(sin(10^99)^2 + cos(10^99)^2 - 1)"))).encode()),
    ]


def write_batch(directory: Path, n: int = 500, broken: int = 50, seed: int = 1) -> dict[str, str]:
    """Write n submissions (`broken` of them broken) to directory; file name -> what it is."""
    rng = random.Random(seed)
    broken_at = set(rng.sample(range(n), broken)) if broken else set()
    kinds: dict[str, str] = {}
    k = 0
    for i in range(n):
        student = f"s{i:04d}"
        file = directory / f"{student}.yaml"
        if i in broken_at:
            hostile = broken_files(student)
            kind, content = hostile[k % len(hostile)]
            k += 1
            if callable(content):
                content(file)
            else:
                file.write_bytes(content)
        else:
            answers, kind = VARIANTS[rng.randrange(len(VARIANTS))] if rng.random() < 0.6 \
                else VARIANTS[0]
            file.write_text(as_yaml(submission(student, f"Student {i}", answers)), encoding="utf-8")
        kinds[file.name] = kind
    return kinds


# --- the scenarios, each run in its own process ------------------------------------------

def _load_only(directory: Path, key: Path) -> None:
    from nnsolve.errors import NnsolveError
    from nnsolve.grade.batch import submission_files
    from nnsolve.grade.submission import load_submission

    for file in submission_files([directory]):
        try:
            load_submission(file)
        except NnsolveError:
            pass


def _no_cache(directory: Path, key: Path) -> None:
    from nnsolve.grade.batch import grade_safely, submission_files
    from nnsolve.grade.key import Key

    for file in submission_files([directory]):
        grade_safely(str(file), Key.from_path(key))


def _grade(workers: int):
    def run(directory: Path, key: Path) -> None:
        from nnsolve.grade.command import grade_command

        out = Path(tempfile.mkdtemp(prefix="nnsolve-bench-out-"))
        with redirect_stdout(io.StringIO()) as printed:
            code = grade_command([directory], keys=[key], fmt="json",
                                 csv_path=str(out / "grades.csv"),
                                 feedback_dir=str(out / "feedback"), workers=workers)
        return {"exit": code, "rows": len(json.loads(printed.getvalue())["results"])}
    return run


SCENARIOS = {"load YAML only": _load_only, "no key cache": _no_cache,
             "grade, workers=1": _grade(1), "grade, workers=2": _grade(2)}
REFERENCE = "grade, workers=1"


def run_scenario(name: str, directory: Path, key: Path) -> dict:
    import nnsolve.grade.grader  # noqa: F401  (imports are not what is measured)
    import nnsolve.grade.outputs.feedback  # noqa: F401
    import nnsolve.solution  # noqa: F401

    os.environ.pop("NO_COLOR", None)
    start = time.perf_counter()
    outcome = SCENARIOS[name](directory, key) or {}
    seconds = time.perf_counter() - start
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "rss_mb": rss_kb / 1024, "children_rss_mb": children_kb / 1024,
            **outcome}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="submissions (default 500)")
    parser.add_argument("--broken", type=int, default=50,
                        help="broken ones among them (default 50)")
    parser.add_argument("--key", type=Path, default=DEFAULT_KEY)
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(run_scenario(args.scenario, args.dir, args.key)))
        return

    with tempfile.TemporaryDirectory(prefix="nnsolve-bench-") as tmp:
        directory = Path(tmp) / "submissions"
        directory.mkdir()
        write_batch(directory, args.n, args.broken)
        print(f"{args.n} submissions ({args.broken} broken), key {args.key}, "
              f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n")
        figures = {}
        for name in SCENARIOS:
            done = subprocess.run([sys.executable, __file__, "--scenario", name, "--dir",
                                   str(directory), "--key", str(args.key)],
                                  capture_output=True, text=True, check=True)
            figures[name] = json.loads(done.stdout.strip().splitlines()[-1])
    reference = figures[REFERENCE]["seconds"]
    print(f"{'run':<18} {'seconds':>8} {'subs/s':>8} {'ms/sub':>8} {'peak RSS MB':>12} "
          f"{'vs workers=1':>13} {'rows':>5} {'exit':>4}")
    for name, f in figures.items():
        rss = f["rss_mb"] + f["children_rss_mb"]
        seconds = f["seconds"]
        print(f"{name:<18} {seconds:>8.2f} {args.n / seconds:>8.0f} "
              f"{1000 * seconds / args.n:>8.2f} {rss:>12.0f} {seconds / reference:>12.2f}× "
              f"{f.get('rows', ''):>5} {f.get('exit', ''):>4}")


if __name__ == "__main__":
    main()
