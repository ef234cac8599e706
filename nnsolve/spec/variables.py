"""Per-student variants: `variables:` drawn from (course seed, problem id, student id).

The grader regenerates a student's variant from those strings, so no table of who got what
needs to be kept. Without a student the first choice (or the lower bound) is used: that is the
variant an instructor sees with `nnsolve run`. A draw that breaks a `require:` condition is
drawn again from the same generator, so the variant a student gets is still a pure function of
the three strings; `let:` values are computed from each draw, in the order written, before the
conditions are checked (a condition may use them).
"""

from __future__ import annotations

import copy
import hashlib
import random
import re
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from typing import Any

from nnsolve.spec.conditions import ConditionError, Expression
from nnsolve.spec.problem import Problem

_REFERENCE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
KINDS = ("choice", "int", "float")
#: draws tried before a problem's conditions count as unmeetable: enough for conditions that
#: hold one draw in a hundred, few enough that `nnsolve check` answers at once
MAX_DRAWS = 1000
#: decimals a float variable (and a `let:` value that is not whole) keeps unless told
DECIMALS = 6


def draw(problem: Problem, student: str | None) -> dict[str, Any]:
    """The value of every variable and `let:` value for `student` (validated; errors name
    file:line, and an unmeetable condition is named with how often it failed)."""
    doc = problem.doc
    specs = [(name, _checked(doc, name, problem.variables[name]))
             for name in sorted(problem.variables)]
    lets = _lets(problem, {name for name, _ in specs})
    known = {name for name, _ in specs} | {name for name, _, _ in lets}
    requires = _requires(problem, known)
    rng = random.Random(_seed(problem.seed, problem.id, student)) if student is not None else None
    failed: Counter = Counter()
    for _ in range(MAX_DRAWS):
        values = {name: _one(spec, rng) for name, spec in specs}
        for name, expression, path in lets:
            values[name] = _derived(doc, path, expression, values)
        broken = [path for expression, path in requires
                  if not _holds(doc, path, expression, values)]
        if not broken:
            return values
        failed.update(broken)
        if rng is None:     # the instructor's variant breaks a condition: draw as for a student
            rng = random.Random(_seed(problem.seed, problem.id, ""))
    path, count = failed.most_common(1)[0]
    text = dict((p, e.text) for e, p in requires)[path]
    if count == MAX_DRAWS:
        raise doc.error(path, f"no draw of the variables meets {text!r} ({MAX_DRAWS} tried)")
    raise doc.error(path, f"no draw of the variables meets every condition ({MAX_DRAWS} "
                          f"tried); {text!r} is broken most often, by {count} of them")


def _checked(doc, name, spec) -> dict:
    path = ("variables", name)
    if not _NAME.fullmatch(str(name)):
        raise doc.error(path, "a variable name is letters, digits and _")
    if not isinstance(spec, dict) or len([k for k in spec if k in KINDS]) != 1:
        raise doc.error(path, "give exactly one of choice: [...], int: [lo, hi], float: [lo, hi]")
    unknown = set(spec) - set(KINDS) - {"step", "decimals"}
    if unknown:
        raise doc.error(path + (sorted(unknown)[0],), "unknown field")
    out = dict(spec)
    if "choice" in spec:
        if not isinstance(spec["choice"], list) or not spec["choice"]:
            raise doc.error(path + ("choice",), "must be a non-empty list")
    elif "int" in spec:
        out["int"] = _bounds(doc, path + ("int",), spec["int"], int)
    else:
        lo, hi = out["float"] = _bounds(doc, path + ("float",), spec["float"], (int, float))
        step = spec.get("step")
        if step is not None:
            if isinstance(step, bool) or not isinstance(step, (int, float)) or step <= 0:
                raise doc.error(path + ("step",), "must be a number > 0")
            out["count"] = int((Decimal(str(hi)) - Decimal(str(lo))) / Decimal(str(step)))
        decimals = spec.get("decimals", DECIMALS)
        if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 12:
            raise doc.error(path + ("decimals",), "must be a whole number from 0 to 12")
        out["decimals"] = decimals
    return out


def _one(spec: dict, rng: random.Random | None) -> Any:
    """One variable's value; a float is rounded to the decimals shown before anything uses it."""
    if "choice" in spec:
        return spec["choice"][0] if rng is None else rng.choice(spec["choice"])
    if "int" in spec:
        lo, hi = spec["int"]
        return lo if rng is None else rng.randint(lo, hi)
    lo, hi = spec["float"]
    if "step" not in spec:
        return float(lo) if rng is None else round(rng.uniform(lo, hi), spec["decimals"])
    k = 0 if rng is None else rng.randint(0, spec["count"])
    return float(Decimal(str(lo)) + k * Decimal(str(spec["step"])))


def _lets(problem: Problem, drawn: set[str]) -> list[tuple[str, Expression, tuple]]:
    doc, raw = problem.doc, problem.let
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise doc.error(("let",), 'must be a mapping of names to expressions, e.g. '
                                  'pad: "(k - 1) / 2"')
    out, known = [], set(drawn)
    for name, text in raw.items():
        path = ("let", name)
        if not _NAME.fullmatch(str(name)):
            raise doc.error(path, "a name is letters, digits and _")
        if name in drawn:
            raise doc.error(path, f"{name!r} is already a variable")
        out.append((name, _expression(doc, path, text, known), path))
        known.add(name)
    return out


def _requires(problem: Problem, known: set[str]) -> list[tuple[Expression, tuple]]:
    doc, raw = problem.doc, problem.require
    if raw is None:
        return []
    if isinstance(raw, str):
        return [(_expression(doc, ("require",), raw, known), ("require",))]
    if not isinstance(raw, list):
        raise doc.error(("require",), 'must be a list of conditions, e.g. ["k <= n"]')
    return [(_expression(doc, ("require", i), text, known), ("require", i))
            for i, text in enumerate(raw)]


def _expression(doc, path: tuple, text: Any, known: set[str]) -> Expression:
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = str(text)
    try:
        return Expression(text, known)
    except ConditionError as exc:
        raise doc.error(path, str(exc)) from None


def _derived(doc, path: tuple, expression: Expression, values: dict) -> Any:
    """A `let:` value: whole numbers stay whole, others keep DECIMALS decimals, so the number
    a statement shows is the one the key is computed from."""
    value = _evaluated(doc, path, expression, values)
    if isinstance(value, bool):
        raise doc.error(path, "gives true or false: a condition belongs in `require:`")
    return value if isinstance(value, int) else round(float(value), DECIMALS)


def _holds(doc, path: tuple, expression: Expression, values: dict) -> bool:
    value = _evaluated(doc, path, expression, values)
    if not isinstance(value, bool):
        raise doc.error(path, "must be a condition, such as k <= n, not a number")
    return value


def _evaluated(doc, path: tuple, expression: Expression, values: dict) -> Any:
    try:
        return expression.evaluate(values)
    except ConditionError as exc:
        shown = ", ".join(f"{n} = {_text(values[n])}" for n in sorted(expression.names))
        raise doc.error(path, f"{exc} (with {shown})") from None


def instantiate(problem: Problem, student: str | None) -> Problem:
    """The problem as `student` sees it: every `$name` in givens and statements replaced."""
    if not (problem.variables or problem.let or problem.require):
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
        return _REFERENCE.sub(lambda m: _text(values[m.group(1)]) if m.group(1) in values
                              else m.group(0), data)
    if isinstance(data, list):
        return [substitute(v, values) for v in data]
    if isinstance(data, dict):
        return {k: substitute(v, values) for k, v in data.items()}
    return data


def _text(value: Any) -> str:
    """A value as a statement shows it: a float with the digits it has (0.00001, not 1e-05),
    which are all the digits the key is computed with."""
    if isinstance(value, float):
        written = repr(value)
        return format(Decimal(written), "f") if "e" in written else written
    return str(value)


def _bounds(doc, path, value, types):
    if (not isinstance(value, list) or len(value) != 2
            or any(isinstance(v, bool) or not isinstance(v, types) for v in value)
            or value[0] > value[1]):
        raise doc.error(path, "must be [low, high] with low ≤ high")
    return value[0], value[1]


def _seed(course: str | None, problem_id: str, student: str) -> int:
    """Without a course seed, the generator of the first release: no student's numbers move."""
    text = f"{problem_id}\x00{student}" if course is None else \
        f"{course}\x00{problem_id}\x00{student}"
    digest = hashlib.sha256(text.encode()).digest()
    return int.from_bytes(digest[:8], "big")
