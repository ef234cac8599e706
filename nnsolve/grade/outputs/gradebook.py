"""Gradebook CSVs: the plain one (a row per submission file, per-part columns) and Canvas's.

The plain gradebook suits spreadsheets and LMSs that map columns themselves (Moodle refuses
columns it did not export, so it gets one identifier column and picks the score columns):

    student, name, file, problem, status, reason, total, max, <problem>, <problem>:<part>, ...

`status` is `graded` or `invalid` (the submission could not be graded: PrairieLearn's
`gradable: false`); an invalid row has its `reason` and empty scores, because "could not be
graded" is not a zero.

The score columns are only known once the submissions have been read, so rows are spooled to
an anonymous temporary file (it vanishes by itself, even on a crash) and the CSV with its header
is written at the end, staged beside the destination and renamed over it.
"""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path
from typing import Callable

from nnsolve.fileio import StagedFile
from nnsolve.grade.outputs.values import show
from nnsolve.grade.report import GradeResult

FIXED = ["student", "name", "file", "problem", "status", "reason", "total", "max"]
CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """A text cell that a spreadsheet will not run as a formula (a student picks the name)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return show(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def part_scores(result: GradeResult) -> dict[str, float]:
    """Awarded points per problem and per `problem:part` column."""
    awarded: dict[str, float] = {}
    for record in result.records:
        for column in (record.problem, f"{record.problem}:{record.part}"):
            awarded[column] = awarded.get(column, 0.0) + record.awarded
    return {k: round(v, 6) for k, v in awarded.items()}


class PlainGradebook:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.spool = tempfile.TemporaryFile("w+", encoding="utf-8", dir=self.path.parent)
        self.columns: dict[str, None] = {}

    def add(self, result: GradeResult) -> None:
        graded = result.error is None
        awarded = part_scores(result)
        for column in awarded:
            self.columns.setdefault(column)
        if not graded:
            awarded = {}
        row = {"student": result.student, "name": result.name, "file": result.file,
               "problem": result.problem, "status": "graded" if graded else "invalid",
               "reason": result.error, "total": result.score if graded else None,
               "max": result.max_score if graded else None, "scores": awarded}
        self.spool.write(json.dumps(row, ensure_ascii=False) + "\n")

    def finish(self, summary=None) -> None:
        columns = list(self.columns)
        self.spool.seek(0)
        with StagedFile(self.path) as out:
            writer = csv.writer(out.file)
            writer.writerow(FIXED + columns)
            for line in self.spool:
                row = json.loads(line)
                writer.writerow([cell(row[c]) for c in FIXED]
                                + [cell(row["scores"].get(c)) for c in columns])
        self.spool.close()

    def discard(self) -> None:
        self.spool.close()


class CanvasGradebook:
    """Canvas's import format: one row per student, one column per assignment.

    An assignment is what a submission names (`problem:` in it, a problem or a problem set),
    headed by its id: Canvas creates the assignment on the first import (its exported
    gradebook then heads it `Title (assignment id)`). The second row is `Points Possible`.
    Students are matched by `SIS User ID` (the submission's student id). Canvas needs one
    row per student, so this writer keeps each student's scores (a few numbers each) until
    the end; a student with several files for one assignment keeps the last graded one.
    Only assignments graded at least once get a column (an unknown problem id is not one),
    and a submission without a readable student id cannot be placed: both are warned about.
    """

    def __init__(self, path: Path, warn: Callable[[str], None] = lambda message: None):
        self.path = Path(path)
        self.warn = warn
        self.students: dict[str, list] = {}          # id -> [name, {assignment: (score, file)}]
        self.possible: dict[str, float] = {}         # assignments graded at least once
        self.anonymous: list[str] = []               # files without a student id

    def add(self, result: GradeResult) -> None:
        if not result.student:
            self.anonymous.append(result.file)
            return
        entry = self.students.setdefault(result.student, [result.name, {}])
        entry[0] = entry[0] or result.name
        if not result.problem:
            return
        scores = entry[1]
        graded = result.error is None
        previous = scores.get(result.problem)
        if previous is not None:
            if previous[0] is not None and not graded:
                return
            self.warn(f"{result.student} has several submissions for {result.problem}; "
                      f"the Canvas gradebook keeps {result.file}")
        scores[result.problem] = (result.score if graded else None, result.file)
        entry[0] = result.name or entry[0]     # the name written in the file that is kept
        if graded:
            self.possible[result.problem] = max(self.possible.get(result.problem, 0.0),
                                                result.max_score)

    def finish(self, summary=None) -> None:
        if self.anonymous:
            shown = ", ".join(self.anonymous[:3]) + (", ..." if len(self.anonymous) > 3 else "")
            self.warn(f"{len(self.anonymous)} file(s) without a readable student id are left "
                      f"out of the Canvas gradebook: {shown}")
        assignments = list(self.possible)
        with StagedFile(self.path) as out:
            writer = csv.writer(out.file)
            writer.writerow(CANVAS_FIXED + assignments)
            writer.writerow(["Points Possible", "", "", "", ""]
                            + [cell(self.possible[a]) for a in assignments])
            for student, (name, scores) in self.students.items():
                writer.writerow([cell(name or student), "", cell(student), "", ""]
                                + [cell(scores.get(a, (None,))[0]) for a in assignments])

    def discard(self) -> None:
        """Nothing is staged before `finish`."""
