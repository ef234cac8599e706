"""One document per student of a roster: the handout sheets, or the keys that grade them.

Both are the same loop (load once, solve each student's variant, write a file named by the
student's id), so the sheet a student gets and the key their answers are graded against can
never be drawn differently. Files are staged and moved into the folder only when every student
is done: a roster with one unsolvable variant leaves the folder as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from nnsolve.errors import NnsolveError, for_student
from nnsolve.fileio import StagedDir
from nnsolve.roster import Student
from nnsolve.solution import Solution, solve_loaded
from nnsolve.spec.problem import ProblemSet, load

#: what a document of one student is made from: the set (or None), the solutions, the student
#: and the format
Document = Callable[[ProblemSet | None, list[Solution], Student, str], str]


def write_for_roster(problem: str | Path, students: list[Student], out_dir: str | Path,
                     formats: tuple[str, ...], document: Document,
                     seed: str | None = None) -> int:
    """Write `<id>.<format>` for every student and format; the number of files written."""
    loaded = load(problem, seed)
    staged = StagedDir(Path(out_dir))
    try:
        for student in students:
            try:
                problem_set, solutions = solve_loaded(loaded, student=student.id)
            except NnsolveError as exc:
                raise for_student(exc, student.id) from None
            for fmt in formats:
                staged.write(f"{student.file_stem}.{fmt}",
                             document(problem_set, solutions, student, fmt))
        staged.commit()
    except BaseException:
        staged.discard()
        raise
    return len(students) * len(formats)


def sheet_document(problem_set, solutions, student: Student, fmt: str) -> str:
    from nnsolve.render.sheets import sheet

    return sheet(solutions, problem_set, student.name, student.id, fmt)


def key_document(problem_set, solutions, student: Student, fmt: str) -> str:
    """Exactly what `nnsolve key --student ID` prints for the student."""
    from nnsolve.render import render

    return render(solutions, fmt, problem_set=problem_set, statements=True)
