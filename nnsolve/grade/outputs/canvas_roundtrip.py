"""Grades into the gradebook Canvas exported: the same file back, with the scores filled in.

Canvas's import changes what differs from the gradebook, so the export is read as written
(see `canvas_csv`) and only the cells of the mapped assignments change: every other cell,
row, quote and line ending stays, and an instructor can diff the two files before uploading.
A problem goes into the column `--assignment PROBLEM="Title (id)"` names, else into a column
headed by the problem's title (an existing one, with or without its `(id)`, or a new one,
which Canvas creates as an assignment). A student is found by `SIS User ID`, then `SIS Login
ID`, then `ID`: whichever the id in the submission is. Students without a submission and
submissions without a student are reported, never guessed at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from nnsolve.errors import NnsolveError
from nnsolve.fileio import read_regular, write_atomic
from nnsolve.grade.outputs.canvas_csv import parse
from nnsolve.grade.outputs.gradebook import cell, part_scores
from nnsolve.grade.report import GradeResult

MAX_BYTES = 20_000_000
#: the columns a student is looked up in, in order
MATCH_COLUMNS = ("SIS User ID", "SIS Login ID", "ID")
_ASSIGNMENT_ID = re.compile(r"\s*\(\d+\)\s*$")


def parse_assignments(pairs: tuple[str, ...]) -> dict[str, str]:
    """`PROBLEM=Title (id)` options as problem id → column title."""
    out = {}
    for pair in pairs:
        problem, sep, title = pair.partition("=")
        if not sep or not problem.strip() or not title.strip():
            raise NnsolveError(f"{pair!r}: write PROBLEM=\"Assignment title (id)\"",
                               field="--assignment")
        taken = next((p for p, t in out.items() if t == title.strip()), None)
        if taken is not None and taken != problem.strip():
            raise NnsolveError(f"{problem.strip()} and {taken} both go into {title.strip()!r}: "
                               "a column holds one problem's scores", field="--assignment")
        out[problem.strip()] = title.strip()
    return out


class CanvasRoundTrip:
    def __init__(self, export: Path, output: Path, titles: dict[str, str],
                 assignments: dict[str, str], warn: Callable[[str], None]):
        self.export, self.output, self.warn = Path(export), Path(output), warn
        self.titles, self.assignments = titles, assignments
        data = read_regular(self.export, MAX_BYTES)
        self.bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
        try:
            self.records = parse(data[len(self.bom):].decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise NnsolveError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                               file=str(self.export)) from None
        except ValueError as exc:
            raise NnsolveError(str(exc), file=str(self.export)) from None
        if not self.records:
            raise NnsolveError("the gradebook is empty", file=str(self.export))
        self.header = [v.strip() for v in self.records[0].values]
        self.match = [self.header.index(c) for c in MATCH_COLUMNS if c in self.header]
        if not self.match:
            raise NnsolveError(f"no {', '.join(MATCH_COLUMNS)} column: not a Canvas gradebook "
                               "export", file=str(self.export), line=1)
        for problem, title in assignments.items():
            if title not in self.header:
                listed = ", ".join(repr(h) for h in self.header if _ASSIGNMENT_ID.search(h))
                raise NnsolveError(f"no column {title!r} for {problem} (assignment columns: "
                                   f"{listed or 'none'})", file=str(self.export), line=1,
                                   field="--assignment")
        self.students = [r for r in self.records[1:] if any(r.get(i) for i in self.match)]
        self.scores: dict[tuple[int, str], tuple[float, str]] = {}   # (row, problem)
        self.possible: dict[str, float] = {}
        self.unmatched: list[str] = []

    def add(self, result: GradeResult) -> None:
        if result.error is not None:
            return          # not graded: the cell keeps what it had (the summary says why)
        row = self._row(result.student)
        if row is None:
            self.unmatched.append(f"{result.student or '(no id)'} ({result.file})")
            return
        points: dict[str, float] = {}
        for record in result.records:
            points[record.problem] = points.get(record.problem, 0.0) + record.points
        for problem, score in part_scores(result).items():
            if ":" in problem:
                continue
            if (row, problem) in self.scores:
                self.warn(f"{result.student} has several submissions for {problem}; the "
                          f"gradebook keeps {result.file}")
            self.scores[(row, problem)] = (score, result.file)
            self.possible[problem] = max(self.possible.get(problem, 0.0), points[problem])

    def _row(self, student: str | None) -> int | None:
        if not student:
            return None
        for column in self.match:
            for index, record in enumerate(self.students):
                if record.get(column) == student:
                    return index
        return None

    def finish(self, summary=None) -> None:
        possible_row = next((r for r in self.records[1:3]
                             if r.get(0).casefold() == "points possible"), None)
        columns = {}
        for problem in self.possible:
            column = columns[problem] = self._column(problem)
            if column >= len(self.header):       # a new assignment: the whole column
                # a title is the instructor's text: a leading = must not become a formula
                self.header.append(cell(self.titles.get(problem) or problem))
                for record in self.records:
                    record.set(column, "")
                self.records[0].set(column, self.header[column])
                if possible_row is not None:
                    possible_row.set(column, cell(self.possible[problem]))
            elif possible_row is not None and _number(possible_row.get(column)) not in \
                    (None, self.possible[problem]):
                self.warn(f"{self.header[column]} is worth {possible_row.get(column)} points "
                          f"in Canvas, {problem} {cell(self.possible[problem])}: the scores "
                          "are nnsolve's points")
        for (row, problem), (score, _) in self.scores.items():
            self.students[row].set(columns[problem], cell(score))
        graded = {row for row, _ in self.scores}
        missing = [r.get(0) or r.get(self.match[0]) for i, r in enumerate(self.students)
                   if i not in graded]
        if missing:
            self.warn(f"{len(missing)} student(s) of the gradebook have no graded submission "
                      f"(their cells are left as they were): {_some(missing)}")
        if self.unmatched:
            self.warn(f"{len(self.unmatched)} submission(s) match no student of "
                      f"{self.export.name} by {', '.join(MATCH_COLUMNS)} and are left out: "
                      f"{_some(self.unmatched)}")
        text = "".join(r.text() for r in self.records)
        write_atomic(self.output, self.bom + text.encode("utf-8"))

    def _column(self, problem: str) -> int:
        wanted = self.assignments.get(problem)
        if wanted is not None:
            return self.header.index(wanted)
        title = self.titles.get(problem) or problem
        for index, header in enumerate(self.header):
            if index >= 5 and _ASSIGNMENT_ID.sub("", header) == title:
                return index
        return len(self.header)

    def discard(self) -> None:
        """Nothing is written before `finish`."""


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _some(items: list[str]) -> str:
    return ", ".join(items[:5]) + (", ..." if len(items) > 5 else "")
