"""The answer key a batch of submissions is graded against.

Solving is the slow part of grading, and it is the same for every student who has the same
variant: a problem without `variables:` is solved once for the whole batch, a problem with
variables once per distinct variant (the variant is a pure function of problem and student id,
so it is drawn, not stored).
"""

from __future__ import annotations

import json
from pathlib import Path

from nnsolve.errors import NnsolveError
from nnsolve.solution import Solution, solve
from nnsolve.spec.problem import Problem, ProblemSet, _closest, load
from nnsolve.spec.variables import draw


class UnknownProblem(NnsolveError, KeyError):
    """A submission names a problem the key does not have: an input error (NnsolveError) for
    the command line, and a failed look-up (KeyError) for code that asks for a problem."""

    def __str__(self) -> str:
        return NnsolveError.__str__(self)   # KeyError would show the message quoted


class Key:
    """The problems to grade against, solved lazily once per (problem id, variant values)."""

    def __init__(self, problems: list[Problem], sets: dict[str, list[str]] | None = None,
                 source: str | None = None, paths: list[str] | None = None,
                 seed: str | None = None):
        self.problems: dict[str, Problem] = {}
        for problem in problems:
            other = self.problems.get(problem.id)
            if other is not None and other.file != problem.file:
                raise NnsolveError(f"problem id {problem.id!r} is used twice (also in {other.file})",
                                   file=problem.file, line=problem.doc.line(("id",)), field="id")
            self.problems[problem.id] = problem
        self.sets: dict[str, list[str] | None] = {}
        for set_id, ids in (sets or {}).items():
            unknown = [i for i in ids or () if i not in self.problems]
            if unknown:
                raise NnsolveError(f"set {set_id!r} names unknown problems: {', '.join(unknown)}")
            self.sets[set_id] = None if ids is None else list(ids)
        self.source = source
        #: the files and directories the key was read from: what a worker process reloads
        self.paths = list(paths or [])
        #: the course seed given on the command line (a worker process loads with it too)
        self.seed = seed
        self._solutions: dict[tuple, Solution | NnsolveError] = {}
        #: why each file of a --key folder that could not be loaded was left out
        self.skipped: list[str] = []

    @classmethod
    def from_path(cls, path: str | Path, seed: str | None = None) -> "Key":
        """A problem file, a set file, or a directory of them (each set file is a set too)."""
        return cls.from_paths([path], seed=seed)

    @classmethod
    def from_paths(cls, paths: list[str | Path], seed: str | None = None) -> "Key":
        """Problems from several places (`--key problems/ --key extra/`); an id may be used
        only once across all of them. A directory is also a set of its problems, by its name."""
        problems: dict[str, Problem] = {}
        sets: dict[str, list[str]] = {}
        skipped: list[str] = []
        for path in map(Path, paths):
            if path.is_dir():
                files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
                if not files:
                    raise NnsolveError("directory holds no .yaml problem files", file=str(path))
            else:
                files = [path]
            found: list[str] = []
            for file in files:
                try:
                    loaded = load(file, seed)
                except NnsolveError as exc:
                    if not path.is_dir():  # a file named on its own is meant to be used
                        raise
                    # one broken file of a folder costs its own problems, not the run
                    skipped.append(str(exc))
                    continue
                members = loaded.problems if isinstance(loaded, ProblemSet) else [loaded]
                if isinstance(loaded, ProblemSet):
                    _add_set(sets, loaded.id, [p.id for p in members], file)
                for problem in members:
                    kept = problems.get(problem.id)
                    if kept is not None and Path(kept.file).resolve() != Path(problem.file).resolve():
                        raise NnsolveError(f"problem id {problem.id!r} is used twice (also in "
                                           f"{kept.file})", file=problem.file,
                                           line=problem.doc.line(("id",)), field="id")
                    if kept is not None and kept.seed != problem.seed:
                        # which one would grade depends on the order files are read in
                        raise NnsolveError(
                            f"problem {problem.id!r} is read with two course seeds "
                            f"({kept.seed or 'none'} and {problem.seed or 'none'}): give "
                            "--seed, or the set file alone as --key", file=str(file))
                    problems.setdefault(problem.id, problem)
                    found.append(problem.id)
            if path.is_dir():
                _add_set(sets, path.resolve().name, list(dict.fromkeys(found)), path, folder=True)
        key = cls(list(problems.values()), sets, ", ".join(map(str, paths)),
                  [str(Path(p).resolve()) for p in paths], seed)
        key.skipped = skipped
        return key

    @classmethod
    def from_problems(cls, problems: list[Problem], sets: dict[str, list[str]] | None = None) -> "Key":
        return cls(list(problems), sets)

    def problems_for(self, submission_problem_id: str) -> list[Problem]:
        """A problem id gives that problem; a set id gives the set's problems, in set order."""
        wanted = str(submission_problem_id)
        if wanted in self.problems:
            return [self.problems[wanted]]
        if wanted in self.sets and self.sets[wanted] is None:
            raise UnknownProblem(f"problem set {wanted!r} is ambiguous: several --key folders "
                                 "have that name; name a problem, or rename a folder")
        if wanted in self.sets:
            return [self.problems[i] for i in self.sets[wanted]]
        known = sorted(self.problems) + sorted(self.sets)
        hint = _closest(wanted, known)
        listed = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
        where = f" in {self.source}" if self.source else ""
        unread = f"; {len(self.skipped)} key file(s) could not be read" if self.skipped else ""
        raise UnknownProblem(f"no problem or problem set {wanted!r}{where}"
                             f"{f' (did you mean {hint!r}?)' if hint else ''} (known: {listed})"
                             f"{unread}")

    def solution(self, problem: Problem, student_id: str | None) -> Solution:
        """The solution of the student's variant, solved at most once per distinct variant."""
        if problem.variables:
            variant = json.dumps(draw(problem, student_id), sort_keys=True, default=str)
            cache_key, student = (problem.id, variant), student_id
        else:
            cache_key, student = (problem.id, None), None
        cached = self._solutions.get(cache_key)
        if cached is None:
            try:
                cached = solve(problem, student=student)
            except NnsolveError as exc:
                cached = exc
            self._solutions[cache_key] = cached
        if isinstance(cached, NnsolveError):
            raise cached
        return cached


def _add_set(sets: dict, set_id: str, members: list[str], where, folder: bool = False) -> None:
    """A set id names one list of problems. Two set files that share an id but not their
    problems are an error; two folders of the same name (both `problems/`) only make that
    name ambiguous (None): their problems are still graded by their own ids."""
    if set_id in sets and sets[set_id] != members:
        if folder:
            sets[set_id] = None
            return
        raise NnsolveError(f"problem set {set_id!r} is defined twice with different problems: "
                           "rename one", file=str(where))
    sets[set_id] = members
