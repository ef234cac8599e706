"""Problem specs (format 1): reading and validating what an instructor wrote.

Only the structure is checked here (ids, parts, asks, tolerances, variables); each solver's
`given` is validated by that solver's own schema when the part is solved, with errors still
located in the file through the same Document.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnsolve.errors import Issue, NnsolveError
from nnsolve.spec.yamlsafe import Document, load_file

FORMAT = 1
ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]+$")
TOLERANCE_KEYS = {"rel", "abs", "sigfigs", "decimals", "exact"}
ASK_KEYS = {"points", "tolerance", "partial", "ecf"}
PROBLEM_KEYS = {"nnsolve", "id", "title", "statement", "source", "tolerance", "ecf",
                "conventions", "variables", "require", "let", "parts", "solver", "given", "ask"}
SET_KEYS = {"nnsolve", "id", "title", "seed", "problems"}
#: where a course seed comes from when neither `--seed` nor the set file gives one
SEED_VARIABLE = "NNSOLVE_SEED"
PART_KEYS = {"id", "title", "statement", "solver", "given", "ask", "conventions", "tolerance",
             "ecf"}


@dataclass(frozen=True)
class Ask:
    """One asked quantity: how many points, how it is compared."""

    name: str
    points: float = 1.0
    tolerance: dict | None = None
    partial: bool = False
    ecf: float | None = None
    path: tuple = ()


@dataclass
class Part:
    id: str
    solver: str
    given: Any
    ask: list[Ask] | None          # None: the solver's principal quantities
    conventions: dict[str, str]
    tolerance: dict
    ecf: float
    title: str = ""
    statement: str = ""
    path: tuple = ()               # where the part sits in its file

    @property
    def given_path(self) -> tuple:
        return self.path + ("given",)


@dataclass
class Problem:
    id: str
    title: str
    statement: str
    source: str
    tolerance: dict
    ecf: float
    conventions: dict[str, str]
    variables: dict[str, dict]
    parts: list[Part]
    doc: Document = field(repr=False)
    student: str | None = None     # the student whose variant this is, if any
    variable_values: dict[str, Any] = field(default_factory=dict)
    require: Any = None            # conditions every draw meets (checked by spec.variables)
    let: Any = None                # values derived from the drawn ones
    seed: str | None = None        # the course seed: a new one gives every student new numbers

    @property
    def file(self) -> str:
        return self.doc.file

    def part(self, part_id: str) -> Part:
        for part in self.parts:
            if part.id == part_id:
                return part
        known = ", ".join(p.id for p in self.parts)
        raise NnsolveError(f"no part {part_id!r} (parts: {known})", file=self.file)


@dataclass
class ProblemSet:
    id: str
    title: str
    problems: list[Problem]
    file: str


class _Checker:
    """Collects every issue of a document instead of stopping at the first."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.issues: list[Issue] = []

    def fail(self, path: tuple, message: str) -> None:
        self.issues.extend(self.doc.error(path, message).issues)

    def mapping(self, value, path: tuple, what: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(path, f"{what} must be a mapping, not {_type_name(value)}")
            return {}
        return value

    def unknown_keys(self, data: dict, allowed: set, path: tuple) -> None:
        for key in data:
            if key not in allowed:
                hint = _closest(str(key), allowed)
                self.fail(path + (key,), f"unknown field{f' (did you mean {hint!r}?)' if hint else ''}")

    def string(self, data: dict, key: str, path: tuple, *, required=False, default="") -> str:
        if key not in data or data[key] is None:
            if required:
                self.fail(path, f"missing required field {key!r}")
            return default
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(path + (key,), f"must be text, not {_type_name(value)}")
            return default
        return str(value)

    def identifier(self, data: dict, key: str, path: tuple, *, required=True) -> str:
        value = self.string(data, key, path, required=required)
        if value and not ID_PATTERN.match(value):
            self.fail(path + (key,), f"{value!r} may hold only letters, digits and . _ -")
        return value

    def fraction(self, data: dict, key: str, path: tuple, default: float) -> float:
        if key not in data:
            return default
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            self.fail(path + (key,), "must be a number from 0 to 1")
            return default
        return float(value)

    def tolerance(self, value, path: tuple) -> dict:
        value = self.mapping(value, path, "tolerance")
        self.unknown_keys(value, TOLERANCE_KEYS, path)
        out = {}
        for key, v in value.items():
            if key not in TOLERANCE_KEYS:
                continue
            if key == "exact":
                if not isinstance(v, bool):
                    self.fail(path + (key,), "must be true or false")
                    continue
            elif key in ("sigfigs", "decimals"):
                if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 15:
                    self.fail(path + (key,), "must be a whole number from 0 to 15")
                    continue
            elif isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                self.fail(path + (key,), "must be a number ≥ 0")
                continue
            out[key] = v
        if "sigfigs" in out and "decimals" in out:
            self.fail(path, "give sigfigs or decimals, not both")
        return out

    def conventions(self, value, path: tuple) -> dict[str, str]:
        value = self.mapping(value, path, "conventions")
        out = {}
        for key, v in value.items():
            if isinstance(v, bool):
                v = "true" if v else "false"
            if not isinstance(v, (str, int, float)):
                self.fail(path + (key,), f"must be a single value, not {_type_name(v)}")
                continue
            out[str(key)] = str(v)
        return out

    def asks(self, value, path: tuple) -> list[Ask] | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            out = []
            for i, name in enumerate(value):
                if not isinstance(name, str) or not name:
                    self.fail(path + (i,), "must be a quantity name")
                    continue
                out.append(Ask(name, path=path + (i,)))
            return self._unique(out)
        if not isinstance(value, dict):
            self.fail(path, f"ask must be a list of names or a mapping, not {_type_name(value)}")
            return None
        out = []
        for name, spec in value.items():
            where = path + (name,)
            if isinstance(spec, (int, float)) and not isinstance(spec, bool):
                spec = {"points": spec}
            spec = self.mapping(spec, where, "an asked quantity")
            self.unknown_keys(spec, ASK_KEYS, where)
            points = spec.get("points", 1)
            if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
                self.fail(where + ("points",), "must be a number ≥ 0")
                points = 1
            partial = spec.get("partial", False)
            if not isinstance(partial, bool):
                self.fail(where + ("partial",), "must be true or false")
                partial = False
            tolerance = self.tolerance(spec["tolerance"], where + ("tolerance",)) \
                if "tolerance" in spec else None
            ecf = self.fraction(spec, "ecf", where, -1.0)
            out.append(Ask(str(name), float(points), tolerance, partial,
                           None if ecf < 0 else ecf, where))
        return out

    def _unique(self, asks: list[Ask]) -> list[Ask]:
        seen = set()
        for ask in asks:
            if ask.name in seen:
                self.fail(ask.path, f"{ask.name!r} is asked twice")
            seen.add(ask.name)
        return asks


def parse_problem(doc: Document, base: tuple = ()) -> Problem:
    """Validate the structure of the problem at `base` in `doc` (every issue is reported)."""
    check = _Checker(doc)
    data = doc.data
    for key in base:
        data = data[key]
    if not isinstance(data, dict):
        raise doc.error(base, f"a problem must be a mapping, not {_type_name(data)}")
    check.unknown_keys(data, PROBLEM_KEYS, base)
    if "nnsolve" not in data:
        check.fail(base, "missing required field 'nnsolve' (the format version: nnsolve: 1)")
    elif data["nnsolve"] != FORMAT or isinstance(data["nnsolve"], bool):
        check.fail(base + ("nnsolve",), f"unsupported format {data['nnsolve']!r}; this nnsolve reads format {FORMAT}")
    problem_id = check.identifier(data, "id", base)
    title = check.string(data, "title", base, default=problem_id)
    tolerance = check.tolerance(data.get("tolerance"), base + ("tolerance",))
    ecf = check.fraction(data, "ecf", base, 1.0)
    conventions = check.conventions(data.get("conventions"), base + ("conventions",))
    variables = check.mapping(data.get("variables"), base + ("variables",), "variables")

    parts: list[Part] = []
    broken: list[Part] = []
    if "parts" in data:
        for key in ("solver", "given", "ask"):
            if key in data:
                check.fail(base + (key,), "goes inside a part when the problem has `parts`")
        raw_parts = data["parts"]
        if not isinstance(raw_parts, list) or not raw_parts:
            check.fail(base + ("parts",), "must be a non-empty list of parts")
            raw_parts = []
        for i, raw in enumerate(raw_parts):
            before = len(check.issues)
            part = _parse_part(check, raw, base + ("parts", i), tolerance, ecf, conventions, i)
            if part:
                parts.append(part)
                if len(check.issues) > before:
                    broken.append(part)
        ids = [p.id for p in parts]
        for part in parts:
            if ids.count(part.id) > 1:
                check.fail(part.path + ("id",), f"part id {part.id!r} is used twice")
    else:
        shorthand = {k: data[k] for k in ("solver", "given", "ask") if k in data}
        if "solver" not in shorthand:
            check.fail(base, "missing 'parts' (or 'solver' and 'given' for a one-part problem)")
        else:
            shorthand["id"] = "a"
            before = len(check.issues)
            part = _parse_part(check, shorthand, base, tolerance, ecf, conventions, 0, shorthand=True)
            if part:
                parts.append(part)
                if len(check.issues) > before:
                    broken.append(part)

    problem = Problem(problem_id, title, check.string(data, "statement", base),
                      check.string(data, "source", base), tolerance, ecf, conventions,
                      variables, parts, doc, require=data.get("require"), let=data.get("let"))
    if check.issues:
        error = NnsolveError(issues=check.issues)
        # what is sound still gets checked by `nnsolve check`, so one run lists every error
        error.sound_parts = (problem, [p for p in parts if p not in broken])
        raise error
    return problem


def _parse_part(check: _Checker, raw, path: tuple, tolerance: dict, ecf: float,
                conventions: dict, index: int, shorthand: bool = False) -> Part | None:
    if not isinstance(raw, dict):
        check.fail(path, f"a part must be a mapping, not {_type_name(raw)}")
        return None
    if not shorthand:
        check.unknown_keys(raw, PART_KEYS, path)
    part_id = check.identifier(raw, "id", path, required=False) or chr(ord("a") + index)
    solver = check.string(raw, "solver", path, required=True)
    if "given" not in raw:
        check.fail(path, "missing required field 'given'")
    part_tolerance = dict(tolerance)
    part_tolerance.update(check.tolerance(raw.get("tolerance"), path + ("tolerance",)))
    part_conventions = dict(conventions)
    part_conventions.update(check.conventions(raw.get("conventions"), path + ("conventions",)))
    return Part(part_id, solver, raw.get("given"), check.asks(raw.get("ask"), path + ("ask",)),
                part_conventions, part_tolerance, check.fraction(raw, "ecf", path, ecf),
                check.string(raw, "title", path), check.string(raw, "statement", path), path)


def load(path: str | Path, seed: str | None = None) -> Problem | ProblemSet:
    """A problem file, a problem-set file (`problems:`) or a directory of problem files.

    The course seed of every problem is `seed` (`--seed`), else $NNSOLVE_SEED, else the set
    file's `seed:`: given the same one, `run`, `key`, `variant` and the grader draw the same
    numbers for a student, and a new semester's seed draws new ones.
    """
    loaded = _load(Path(path))
    seed = seed if seed is not None else os.environ.get(SEED_VARIABLE) or None
    if seed is not None:
        for problem in loaded.problems if isinstance(loaded, ProblemSet) else [loaded]:
            problem.seed = str(seed)
    return loaded


def _load(path: Path) -> Problem | ProblemSet:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        if not files:
            raise NnsolveError("directory holds no .yaml problem files", file=str(path))
        problems, seen, sets = [], set(), []
        for f in files:
            loaded = _load(f)
            if isinstance(loaded, ProblemSet):
                sets.append(loaded)
            for problem in loaded.problems if isinstance(loaded, ProblemSet) else [loaded]:
                # a set file beside the problem files it names brings the same problems again
                where = (Path(problem.file).resolve(), problem.parts[0].path)
                if where not in seen:
                    seen.add(where)
                    problems.append(problem)
        # a course folder whose one set file names all its problems is titled as that set
        # (its id stays the folder's name, which JSON readers already rely on)
        name = path.resolve().name
        whole = len(sets) == 1 and {p.id for p in sets[0].problems} == {p.id for p in problems}
        return _check_set(ProblemSet(name, sets[0].title if whole else name, problems, str(path)))
    doc = load_file(path)
    if isinstance(doc.data, dict) and "problems" in doc.data:
        return _load_set(doc, path)
    return parse_problem(doc)


def _load_set(doc: Document, path: Path) -> ProblemSet:
    data = doc.data
    check = _Checker(doc)
    check.unknown_keys(data, SET_KEYS, ())
    seed = check.string(data, "seed", (), default="") or None
    set_id = check.identifier(data, "id", (), required=False) or path.stem
    title = check.string(data, "title", (), default=set_id)
    entries = data["problems"]
    if not isinstance(entries, list) or not entries:
        check.fail(("problems",), "must be a non-empty list of problems or file paths")
        entries = []
    if check.issues:
        raise NnsolveError(issues=check.issues)
    problems: list[Problem] = []
    for i, entry in enumerate(entries):
        if isinstance(entry, str):
            target = (path.parent / entry)
            if not target.is_file():
                raise doc.error(("problems", i), f"no such problem file {entry!r}")
            loaded = _load(target)
            problems.extend(loaded.problems if isinstance(loaded, ProblemSet) else [loaded])
        elif isinstance(entry, dict):
            problems.append(parse_problem(doc, ("problems", i)))
        else:
            raise doc.error(("problems", i), "must be a problem or a relative file path")
    for problem in problems if seed is not None else ():
        problem.seed = seed
    return _check_set(ProblemSet(set_id, title, problems, str(path)))


def _check_set(problem_set: ProblemSet) -> ProblemSet:
    seen: dict[str, str] = {}
    for problem in problem_set.problems:
        if problem.id in seen:
            raise NnsolveError(f"problem id {problem.id!r} is used twice (also in {seen[problem.id]})",
                               file=problem.file, line=problem.doc.line(("id",)), field="id")
        seen[problem.id] = problem.file
    return problem_set


def _type_name(value) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _closest(word: str, options) -> str | None:
    import difflib

    match = difflib.get_close_matches(word, [str(o) for o in options], n=1, cutoff=0.6)
    return match[0] if match else None
