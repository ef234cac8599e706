"""Errors a user can act on.

Every problem with an input file is reported as `file:line: field: message` so an instructor
can jump straight to it; the command line turns these into exit code 1, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Issue:
    """One thing wrong with an input file, located as precisely as the file allows."""

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [p for p in (where, self.field) if p]
        return ": ".join(parts + [self.message])


class NnsolveError(Exception):
    """Invalid input: carries one or more located issues."""

    def __init__(self, message: str | None = None, *, file: str | None = None,
                 line: int | None = None, field: str | None = None,
                 issues: list[Issue] | None = None):
        self.issues = list(issues or [])
        if message is not None:
            self.issues.insert(0, Issue(message, file, line, field))
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(i) for i in self.issues)


def for_student(error: NnsolveError, student: str) -> NnsolveError:
    """The same issues, each naming whose variant it is: a problem that solves for most of a
    class is fixed from the one student's numbers that break it."""
    return NnsolveError(issues=[replace(i, message=f"variant of student {student}: {i.message}")
                                for i in error.issues])


def field_path(path: tuple) -> str:
    """Render a path into a document as the user wrote it: parts[0].given.layers[1].conv."""
    out = ""
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            out += ("." if out else "") + str(key)
    return out
