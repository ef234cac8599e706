"""Solving a problem: each part's given goes through its solver's schema, then its solver.

A Solution is what renderers show and what the grader grades against: the problem, and per
part the derivation with the asked quantities resolved.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from nnsolve import solvers
from nnsolve.derivation.core import Derivation
from nnsolve.errors import Issue, NnsolveError
from nnsolve.spec.problem import Ask, Part, Problem, ProblemSet
from nnsolve.spec.variables import instantiate


@dataclass
class SolvedPart:
    part: Part
    derivation: Derivation
    asked: list[Ask]
    conventions: dict[str, str]

    @property
    def id(self) -> str:
        return self.part.id

    @property
    def asked_names(self) -> set[str]:
        return {a.name for a in self.asked}


@dataclass
class Solution:
    problem: Problem
    parts: list[SolvedPart]

    def part(self, part_id: str) -> SolvedPart:
        for part in self.parts:
            if part.id == part_id:
                return part
        raise KeyError(part_id)

    @property
    def max_score(self) -> float:
        return sum(a.points for p in self.parts for a in p.asked)

    def _repr_html_(self) -> str:
        """A notebook shows the derivation as the HTML key does, with its statement."""
        from nnsolve.render import render

        return render([self], "html", statements=True)


def solve(problem: Problem, *, student: str | None = None, part_id: str | None = None) -> Solution:
    """Solve every part (or one) of the student's variant of `problem`."""
    problem = instantiate(problem, student)
    parts = [problem.part(part_id)] if part_id else problem.parts
    issues: list[Issue] = []
    solved = []
    for part in parts:
        try:
            solved.append(solve_part(problem, part))
        except NnsolveError as exc:
            issues.extend(exc.issues)
    if issues:
        raise NnsolveError(issues=issues)
    return Solution(problem, solved)


def solve_loaded(loaded: Problem | ProblemSet, *, student: str | None = None,
                 part_id: str | None = None) -> tuple[ProblemSet | None, list[Solution]]:
    """What `load` gave, solved for `student`: the set (None for one problem) and a solution
    per problem, so `run`, `key`, `variant` and the roster handouts solve alike."""
    if isinstance(loaded, ProblemSet):
        if part_id:
            raise NnsolveError("a part (--part) applies to a single problem, not a problem set",
                               file=loaded.file)
        return loaded, [solve(p, student=student) for p in loaded.problems]
    return None, [solve(loaded, student=student, part_id=part_id)]


def solve_part(problem: Problem, part: Part) -> SolvedPart:
    doc = problem.doc
    try:
        solver_class = solvers.get(part.solver)
    except KeyError:
        known = ", ".join(solvers.names())
        raise doc.error(part.path + ("solver",),
                        f"unknown solver {part.solver!r} (known: {known})") from None
    given = validate_given(solver_class, part, doc)
    conventions = _conventions(solver_class, part, doc)
    from nnsolve.solvers.base import SolverError

    try:
        derivation = solver_class().solve(given, conventions)
    except SolverError as exc:
        raise doc.error(part.given_path + exc.path, str(exc)) from None
    shown = {**conventions, **derivation.conventions}
    derivation.conventions = shown
    principal = derivation.principal or solver_class.principal
    asked = part.ask if part.ask is not None else [Ask(n) for n in principal if n in derivation]
    issues = []
    for ask in asked:
        if ask.name not in derivation:
            names = [q.name for q in derivation]
            hint = difflib.get_close_matches(ask.name, names, n=3)
            hint_text = f" (did you mean {', '.join(hint)}?)" if hint else \
                f" (`nnsolve schema {part.solver}` lists them)"
            issues.extend(doc.error(ask.path, f"{part.solver} does not produce "
                                              f"{ask.name!r}{hint_text}").issues)
    if issues:   # every bad name at once, not one per run of `nnsolve check`
        raise NnsolveError(issues=issues)
    return SolvedPart(part, derivation, list(asked), shown)


def validate_given(solver_class, part: Part, doc) -> Any:
    import pydantic

    if part.given is None:
        raise doc.error(part.path, "missing required field 'given'")
    try:
        return solver_class.Given.model_validate(part.given)
    except pydantic.ValidationError as exc:
        issues = []
        seen = set()
        for err in exc.errors():
            path = _existing_path(part.given, err["loc"])
            message = _message(err)
            if err.get("type") == "extra_forbidden" and err["loc"]:
                message += _closest_field(str(err["loc"][-1]), solver_class.Given)
            key = (path, message)
            if key in seen:
                continue
            seen.add(key)
            issues.extend(doc.error(part.given_path + path, message).issues)
        raise NnsolveError(issues=issues) from None


def _existing_path(data: Any, loc: tuple) -> tuple:
    """The longest prefix of a pydantic location that is really in the data (union branch
    names such as 'int' or 'function-after' are pydantic's, not the user's)."""
    path = []
    for key in loc:
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        elif isinstance(data, dict) and isinstance(key, str) and key not in data and \
                len(loc) == len(path) + 1:
            path.append(key)  # a missing or unknown field: name it
            break
        else:
            break
        path.append(key)
    return tuple(path)


def _closest_field(name: str, model) -> str:
    """` (did you mean 'stride'?)` for a misspelt field: the closest name among the fields of
    the given and of every model nested in it (a layer's options are fields of their own)."""
    close = difflib.get_close_matches(name, sorted(_field_names(model, set())), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _field_names(annotation, seen: set) -> set[str]:
    import typing

    import pydantic

    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        if annotation in seen:
            return set()
        seen.add(annotation)
        names = set()
        for field_name, info in annotation.model_fields.items():
            names.add(info.alias or field_name)
            names |= _field_names(info.annotation, seen)
        return names
    names = set()
    for arg in typing.get_args(annotation):
        names |= _field_names(arg, seen)
    return names


def _message(err: dict) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "missing required field"
    message = err.get("msg", "invalid value")
    return message[len("Value error, "):] if message.startswith("Value error, ") else message


def _conventions(solver_class, part: Part, doc) -> dict[str, str]:
    """Validate the stated conventions; problem-wide ones may concern other parts' solvers."""
    declared = solver_class.conventions
    in_part = _stated_in_part(doc, part)
    for key, value in part.conventions.items():
        path = (part.path if key in in_part else ()) + ("conventions", key)
        if key not in declared:
            if key in in_part:
                known = ", ".join(sorted(declared)) or "none"
                raise doc.error(path, f"{part.solver} has no convention {key!r} (it has: {known})")
            continue
        choices = declared[key].choices
        if choices and value not in choices:
            raise doc.error(path, f"{value!r} is not one of {', '.join(choices)}")
    return solver_class.resolve_conventions(
        {k: v for k, v in part.conventions.items() if k in declared})


def _stated_in_part(doc, part: Part) -> set:
    data = doc.data
    for step in part.path:
        data = data[step]
    if part.path == () or not isinstance(data, dict):
        return set(part.conventions) if part.path == () else set()
    return set(data.get("conventions") or {})
