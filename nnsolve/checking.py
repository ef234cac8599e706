"""`nnsolve check`: validate problems and submissions, reporting every error with file:line.

A problem is checked by solving it, so a kernel larger than its input or an asked quantity the
solver does not produce is caught here, not in front of a class. With students (`--variants N`,
`--roster`), a problem with variables is solved for each of them too: a variant that only fails
for the one student who draws a kernel larger than the input is found before that student is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from nnsolve.errors import NnsolveError, for_student


def check_files(paths: list[Path], echo: Callable[..., None], seed: str | None = None,
                students: list[str] | None = None, keys: list[Path] | None = None) -> bool:
    """`keys`: the problems submissions are read against (their answers, names and
    questions left out); without them a submission is only checked as a file. `students`:
    whose variants of each problem are solved too."""
    ok = True
    key = None
    if keys:
        from nnsolve.grade.key import Key

        try:
            key = Key.from_paths(keys, seed=seed)
        except NnsolveError as exc:
            for line in str(exc).splitlines():
                echo(f"error: {line}", err=True)
            return False
    for path in _expand(paths):
        try:
            echo(f"ok: {path}: {_check_one(path, seed, students or [], key, echo)}")
        except NnsolveError as exc:
            ok = False
            for line in str(exc).splitlines():
                echo(f"error: {line}", err=True)
    return ok


def _expand(paths: list[Path]) -> list[Path]:
    out = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        else:
            out.append(path)
    return out


def _check_one(path: Path, seed: str | None, students: list[str], key=None, echo=None) -> str:
    from nnsolve.spec.yamlsafe import load_file

    doc = load_file(path)
    if isinstance(doc.data, dict) and "answers" in doc.data:
        if key is not None:
            from nnsolve.grade.checked import check_with_key

            return check_with_key(path, key, echo)
        from nnsolve.grade.submission import parse_submission

        submission = parse_submission(doc)
        return f"submission of {submission.student_id} for {submission.problem}"
    from nnsolve.solution import solve
    from nnsolve.spec.problem import ProblemSet, load

    try:
        loaded = load(path, seed)
    except NnsolveError as exc:
        exc.issues.extend(_issues_of_sound_parts(*getattr(exc, "sound_parts", (None, []))))
        raise NnsolveError(issues=exc.issues) from None
    problems = loaded.problems if isinstance(loaded, ProblemSet) else [loaded]
    issues = []
    parts = 0
    for problem in problems:
        try:
            parts += len(solve(problem).parts)
            issues.extend(_variant_issues(problem, students))
        except NnsolveError as exc:
            issues.extend(exc.issues)
    if issues:
        raise NnsolveError(issues=issues)
    variants = f", the variants of {len(students)} students" if students else ""
    if isinstance(loaded, ProblemSet):
        return f"problem set {loaded.id}: {len(problems)} problems, {parts} parts{variants}"
    return f"problem {problems[0].id}: {parts} part{'s' if parts != 1 else ''}{variants}"


def _variant_issues(problem, students: list[str]) -> list:
    """What fails in each student's variant, each issue naming the student; a variant drawn
    for several students is solved once."""
    import json

    from nnsolve.solution import solve
    from nnsolve.spec.variables import draw

    if not (problem.variables or problem.let):
        return []
    issues = []
    outcome: dict[str, NnsolveError | None] = {}
    for student in students:
        try:
            drawn = json.dumps(draw(problem, student), sort_keys=True, default=str)
            if drawn not in outcome:
                try:
                    solve(problem, student=student)
                    outcome[drawn] = None
                except NnsolveError as exc:
                    outcome[drawn] = exc
            failure = outcome[drawn]
        except NnsolveError as exc:
            failure = exc
        if failure is not None:
            issues.extend(for_student(failure, student).issues)
    return issues


def _issues_of_sound_parts(problem, sound: list) -> list:
    """What solving finds in the parts of a problem whose file has errors elsewhere, so one
    run of `nnsolve check` lists every error, not the first layer of them."""
    from nnsolve.solution import solve_part
    from nnsolve.spec.variables import instantiate

    if problem is None or not sound:
        return []
    try:
        problem = instantiate(problem, None)
    except NnsolveError:
        return []   # the variables themselves are broken: already reported
    paths = {part.path for part in sound}
    issues = []
    for part in problem.parts:
        if part.path in paths:
            try:
                solve_part(problem, part)
            except NnsolveError as exc:
                issues.extend(exc.issues)
    return issues
