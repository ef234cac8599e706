"""Where the shipped problems and benchmarks are, and a clean-up the symbolic tests share:
imported by name from test modules (conftest.py is not importable by name once plugins bring
their own)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"
BENCHMARKS = ROOT / "benchmarks"


def benchmark(name: str) -> ModuleType:
    """The script benchmarks/<name>.py as a module (it runs nothing when imported): a test
    that needs the hostile inputs a benchmark builds takes them from it, so the benchmark
    stays on its own and the two cannot drift apart."""
    spec = importlib.util.spec_from_file_location(f"benchmarks.{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def finish_abandoned_simplify() -> None:
    """Wait for simplify threads a test left running, so the next test starts with none."""
    import threading

    for thread in threading.enumerate():
        if thread.name == "nnsolve-simplify":
            thread.join(5)
