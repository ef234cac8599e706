"""`nnsolve export`: load the problems, draw the variants, hand them to a platform's writer.

Every format is written whole or not at all (staged, then renamed over the -o file), so a
variant that cannot be solved leaves the previous export in place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from nnsolve.errors import NnsolveError
from nnsolve.fileio import write_atomic
from nnsolve.spec.problem import ProblemSet, load

FORMATS = ("moodle", "qti", "prairielearn", "gradescope")
NAMES = {"moodle": "Moodle XML", "qti": "Canvas QTI", "prairielearn": "PrairieLearn"}


def export_command(path: str, to: str, output: str, *, students: list[str] | None,
                   seed: str | None, reveal: str, visibility: str,
                   warn: Callable[[str], None]) -> str:
    """Write the export; what to tell the user about it."""
    loaded = load(path, seed)
    if to == "gradescope":
        from nnsolve.export.gradescope import bundle

        write_atomic(Path(output), bundle(path, loaded, seed=seed, reveal=reveal,
                                          visibility=visibility))
        return f"wrote the Gradescope autograder {output}"
    from nnsolve.export.questions import problems_of, questions

    problems = problems_of(loaded)
    varying = [p.id for p in problems if p.variables]
    if varying and not students:
        raise NnsolveError(f"{', '.join(varying)} draw(s) numbers per student: give "
                           "--variants N or --roster CSV", file=str(path))
    quiz = [q for problem in problems for q in questions(problem, students, warn)]
    if not quiz:
        raise NnsolveError("no problem has an asked value a quiz can take", file=str(path))
    if to == "moodle":
        from nnsolve.export.moodle import moodle_xml

        write_atomic(Path(output), moodle_xml(quiz))
    elif to == "prairielearn":
        from nnsolve.export.prairielearn import prairielearn_zip

        write_atomic(Path(output), prairielearn_zip(quiz))
    else:
        from nnsolve.export.qti import qti_zip

        title = loaded.title if isinstance(loaded, ProblemSet) else problems[0].title
        write_atomic(Path(output), qti_zip(quiz, title or problems[0].id))
    return (f"wrote {len(quiz)} question(s) of {len(problems)} problem(s) to {output} "
            f"({NAMES[to]})")
