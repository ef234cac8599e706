"""A class list as an LMS exports it: a CSV with a header, one student a row.

Canvas, Moodle and Blackboard all export a CSV, each with its own column names, so the id and
name columns are found by their headers (or named with `--id-column`/`--name-column`). The id
is what a student writes in a submission, so it is what draws the student's variant; the name
is only shown on the sheet. Rows without an id (Canvas's "Points Possible" line) are skipped.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from nnsolve.errors import NnsolveError
from nnsolve.fileio import read_regular

#: headers an id column goes by, most specific first (compared without case, spaces or _)
ID_HEADERS = ("sis user id", "student id", "student number", "id number", "studentid", "id",
              "username", "login id", "sis login id", "user id", "email", "email address")
NAME_HEADERS = ("student", "name", "full name", "student name", "display name")
FIRST_HEADERS = ("first name", "given name", "firstname")
LAST_HEADERS = ("last name", "surname", "family name", "lastname")
MAX_BYTES = 5_000_000
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class Student:
    id: str
    name: str
    line: int

    @property
    def file_stem(self) -> str:
        """The id as a file name: anything but letters, digits and . _ - becomes _."""
        return _UNSAFE.sub("_", self.id).lstrip(".") or "_"


def read_roster(path: str | Path, id_column: str | None = None,
                name_column: str | None = None) -> list[Student]:
    path = Path(path)
    file = str(path)
    try:
        text = read_regular(path, MAX_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NnsolveError(f"cannot read the roster: {exc}", file=file) from None
    # a quoted name may span lines: the csv module reads records, and says where each ends
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, starts, end = [], [], 0
    for row in reader:
        rows.append(row)
        starts.append(end + 1)
        end = reader.line_num
    if not rows:
        raise NnsolveError("the roster is empty", file=file)
    header = [cell.strip() for cell in rows[0]]
    ids = _column(header, id_column, ID_HEADERS, file, "id")
    first = last = None
    names = _column(header, name_column, NAME_HEADERS, file, "name", required=False)
    if names is None:
        first = _column(header, None, FIRST_HEADERS, file, "first name", required=False)
        last = _column(header, None, LAST_HEADERS, file, "last name", required=False)
    students: list[Student] = []
    seen: dict[str, int] = {}
    stems: dict[str, str] = {}
    for line, row in zip(starts[1:], rows[1:]):
        student_id = _cell(row, ids)
        if not student_id:
            continue
        if student_id in seen:
            raise NnsolveError(f"student id {student_id!r} is listed twice (also on line "
                               f"{seen[student_id]})", file=file, line=line, field=header[ids])
        seen[student_id] = line
        name = _cell(row, names) if names is not None else \
            " ".join(n for n in (_cell(row, first), _cell(row, last)) if n)
        student = Student(student_id, name or student_id, line)
        other = stems.setdefault(student.file_stem, student_id)
        if other != student_id:
            raise NnsolveError(f"ids {other!r} and {student_id!r} would write the same file "
                               f"{student.file_stem!r}", file=file, line=line, field=header[ids])
        students.append(student)
    if not students:
        raise NnsolveError(f"no student has an id in column {header[ids]!r}", file=file, line=1)
    return students


def _key(header: str) -> str:
    return re.sub(r"[\s_]+", " ", header.strip().lower())


def _column(header: list[str], chosen: str | None, candidates: tuple[str, ...], file: str,
            what: str, required: bool = True) -> int | None:
    keys = [_key(h) for h in header]
    wanted = (_key(chosen),) if chosen else candidates
    for candidate in wanted:
        if candidate in keys:
            return keys.index(candidate)
    if not required and not chosen:
        return None
    columns = ", ".join(repr(h) for h in header)
    hint = f"no column {chosen!r}" if chosen else f"no {what} column"
    raise NnsolveError(f"{hint} (the columns: {columns}); name it with --{what.replace(' ', '-')}"
                       "-column", file=file, line=1)


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""
