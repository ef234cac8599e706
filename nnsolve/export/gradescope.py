"""A Gradescope autograder in one zip: nnsolve itself, the problems, and the two scripts.

Gradescope builds an image once with `setup.sh` and runs `run_autograder` for every
submission, with the student's files in /autograder/submission and this zip's in
/autograder/source. The package travels in the zip (not fetched from an index), so the
image grades with exactly the nnsolve the instructor exported with; `setup.sh` only installs
it with its dependencies. `run_autograder` is `nnsolve grade --gradescope` with the export's
course seed, `--reveal` level and visibility baked in; the root comes from
$NNSOLVE_AUTOGRADER_ROOT (default /autograder), so the bundle can be tried out locally.
"""

from __future__ import annotations

import io
import json
import os
import shlex
import zipfile
from pathlib import Path

import nnsolve
from nnsolve.export.questions import problems_of
from nnsolve.solvers import built_in
from nnsolve.spec.problem import Problem, ProblemSet

#: what `pip install` needs besides the package: the dependencies and the built-in solvers
PYPROJECT = """[build-system]
requires = ["setuptools>=68", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "nnsolve"
version = "{version}"
requires-python = ">=3.10"
dependencies = {dependencies}

[project.entry-points."nnsolve.solvers"]
{solvers}

[tool.setuptools.packages.find]
include = ["nnsolve*"]
"""
DEPENDENCIES = ["click>=8.1", "numpy>=1.24", "sympy>=1.12", "rich>=13", "pyyaml>=6",
                "pydantic>=2.5", "markdown-it-py>=2.2"]

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, to build the image every submission is graded in.
set -euo pipefail
if ! command -v python3 >/dev/null || ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update && apt-get install -y python3 python3-pip
fi
python3 -m pip install --break-system-packages /autograder/source/package \\
    || python3 -m pip install /autograder/source/package
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this once per submission: grade the student's files, write results.json.
set -uo pipefail
ROOT="${{NNSOLVE_AUTOGRADER_ROOT:-/autograder}}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
export PYTHONPATH="$ROOT/source/package${{PYTHONPATH:+:$PYTHONPATH}}"
if ! find "$ROOT/submission" -maxdepth 5 \\( -name '*.yaml' -o -name '*.yml' \\) -type f \\
        2>/dev/null | grep -q .; then
    cat > "$RESULTS" <<'JSON'
{{"score": 0, "output": "No answers found: upload your answers as a .yaml file (nnsolve new submission gives a template).", "visibility": "visible", "tests": []}}
JSON
    exit 0
fi
cd "$ROOT/source"
python3 -m nnsolve.cli grade "$ROOT/submission" --key "$ROOT/source/problems/"{key} \\
    --gradescope "$RESULTS" {options}
status=$?
# exit 1 means a file could not be graded: results.json says which, and why
[ "$status" -le 1 ] && [ -s "$RESULTS" ] && exit 0
if [ ! -s "$RESULTS" ]; then
    printf '{{"score": 0, "output": "%s", "visibility": "visible", "tests": []}}\n' \
        "The autograder could not grade this submission (nnsolve exit $status): see the autograder output, or ask your instructor." > "$RESULTS"
fi
exit "$status"
"""


def bundle(path: str | Path, loaded: Problem | ProblemSet, *, seed: str | None, reveal: str,
           visibility: str) -> bytes:
    """The zip to upload as the assignment's autograder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _script(archive, "setup.sh", SETUP)
        files, key = problem_files(path, loaded)
        for name, data in files.items():
            archive.writestr(f"problems/{name}", data)
        options = ["--reveal", reveal, "--gradescope-visibility", visibility]
        course_seed = seed if seed is not None else _seed_of(loaded)
        if course_seed is not None:
            options += ["--seed", course_seed]
        _script(archive, "run_autograder",
                RUN.format(key=shlex.quote(key if key != "." else ""),
                           options=" ".join(shlex.quote(o) for o in options)))
        _package(archive)
    return buffer.getvalue()


def problem_files(path: str | Path, loaded: Problem | ProblemSet) -> tuple[dict[str, bytes], str]:
    """The problem files as they lie, under their nearest common folder, and where the key
    (the file or folder exported) is among them: a set keeps its id, its seed and its
    relative paths (`../problems/x.yaml`), and a folder its set files."""
    path = Path(path).resolve()
    files = {Path(p.file).resolve() for p in problems_of(loaded)}
    if path.is_dir():
        files |= {f.resolve() for f in path.iterdir()
                  if f.suffix in (".yaml", ".yml") and f.is_file()}
    else:
        files.add(path)
    root = Path(os.path.commonpath([str(f.parent) for f in files] +
                                   ([str(path)] if path.is_dir() else [])))
    out = {f.relative_to(root).as_posix(): f.read_bytes() for f in sorted(files)}
    return out, path.relative_to(root).as_posix()


def _seed_of(loaded: Problem | ProblemSet) -> str | None:
    return next((p.seed for p in problems_of(loaded) if p.seed is not None), None)


def _package(archive: zipfile.ZipFile) -> None:
    root = Path(nnsolve.__file__).parent
    for file in sorted(root.rglob("*")):
        if file.is_file() and "__pycache__" not in file.parts and file.suffix != ".pyc":
            archive.write(file, f"package/nnsolve/{file.relative_to(root).as_posix()}")
    solvers = "\n".join(f'{name} = "{target}"' for name, target in built_in().items())
    archive.writestr("package/pyproject.toml", PYPROJECT.format(
        version=nnsolve.__version__, dependencies=json.dumps(DEPENDENCIES), solvers=solvers))


def _script(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = 0o100755 << 16      # executable once unpacked
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)
