"""Per-student variants: `variables:` drawn from (problem id, student id), nothing else.

The grader regenerates a student's variant from the same two strings, so no table of who got
what needs to be kept. Without a student the first choice (or the lower bound) is used: that is
the variant an instructor sees with `nnsolve run`.
"""

from __future__ import annotations

import copy
import hashlib
import random
import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from nnsolve.spec.problem import Problem

_REFERENCE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
KINDS = ("choice", "int", "float")


def draw(problem: Problem, student: str | None) -> dict[str, Any]:
    """The value of every variable for `student` (validated; errors name file:line)."""
    doc = problem.doc
    rng = random.Random(_seed(problem.id, student)) if student is not None else None
    values: dict[str, Any] = {}
    for name in sorted(problem.variables):
        spec = problem.variables[name]
        path = ("variables", name)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(name)):
            raise doc.error(path, "a variable name is letters, digits and _")
        if not isinstance(spec, dict) or len([k for k in spec if k in KINDS]) != 1:
            raise doc.error(path, "give exactly one of choice: [...], int: [lo, hi], float: [lo, hi]")
        unknown = set(spec) - set(KINDS) - {"step"}
        if unknown:
            raise doc.error(path + (sorted(unknown)[0],), "unknown field")
        if "choice" in spec:
            options = spec["choice"]
            if not isinstance(options, list) or not options:
                raise doc.error(path + ("choice",), "must be a non-empty list")
            values[name] = options[0] if rng is None else rng.choice(options)
        elif "int" in spec:
            lo, hi = _bounds(doc, path + ("int",), spec["int"], int)
            values[name] = lo if rng is None else rng.randint(lo, hi)
        else:
            lo, hi = _bounds(doc, path + ("float",), spec["float"], (int, float))
            step = spec.get("step")
            if step is None:
                values[name] = float(lo) if rng is None else round(rng.uniform(lo, hi), 6)
            else:
                if isinstance(step, bool) or not isinstance(step, (int, float)) or step <= 0:
                    raise doc.error(path + ("step",), "must be a number > 0")
                count = int((Decimal(str(hi)) - Decimal(str(lo))) / Decimal(str(step)))
                k = 0 if rng is None else rng.randint(0, count)
                values[name] = float(Decimal(str(lo)) + k * Decimal(str(step)))
    return values


def instantiate(problem: Problem, student: str | None) -> Problem:
    """The problem as `student` sees it: every `$name` in givens and statements replaced."""
    if not problem.variables:
        return replace(problem, student=student)
    values = draw(problem, student)
    parts = [replace(part, given=substitute(copy.deepcopy(part.given), values),
                     statement=substitute(part.statement, values),
                     title=substitute(part.title, values)) for part in problem.parts]
    return replace(problem, parts=parts, student=student, variable_values=values,
                   statement=substitute(problem.statement, values),
                   title=substitute(problem.title, values))


def substitute(data: Any, values: dict[str, Any]) -> Any:
    """`"$k"` becomes the value itself (a number stays a number); `"k=$k"` becomes text."""
    if isinstance(data, str):
        whole = _REFERENCE.fullmatch(data)
        if whole and whole.group(1) in values:
            return values[whole.group(1)]
        return _REFERENCE.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values
                              else m.group(0), data)
    if isinstance(data, list):
        return [substitute(v, values) for v in data]
    if isinstance(data, dict):
        return {k: substitute(v, values) for k, v in data.items()}
    return data


def _bounds(doc, path, value, types):
    if (not isinstance(value, list) or len(value) != 2
            or any(isinstance(v, bool) or not isinstance(v, types) for v in value)
            or value[0] > value[1]):
        raise doc.error(path, "must be [low, high] with low ≤ high")
    return value[0], value[1]


def _seed(problem_id: str, student: str) -> int:
    digest = hashlib.sha256(f"{problem_id}\x00{student}".encode()).digest()
    return int.from_bytes(digest[:8], "big")
