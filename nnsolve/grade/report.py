"""What grading produces: one record per asked quantity, one result per submission file.

These are plain data with a stable JSON form (`grade --format json`); the terminal, CSV,
Gradescope and feedback writers all read them, and none of them knows a solver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: `partial`: wrong as a whole, with part of the points (right picks of a select-all item,
#: right elements of a vector graded with `partial`)
STATUSES = ("correct", "ecf", "partial", "incorrect", "missing", "invalid")


@dataclass(slots=True)
class GradeRecord:
    problem: str
    part: str
    name: str
    points: float
    awarded: float
    status: str                      # one of STATUSES
    expected: Any = None             # JSON-ready (values.to_json)
    given: Any = None                # JSON-ready, or the raw text when it could not be parsed
    message: str = ""
    misconception: str | None = None  # the misconception's id
    label: str = ""                  # the quantity's human label, for feedback
    #: the message without the key (`grade --reveal hints`); not part of the JSON form, which
    #: carries whichever of the two is revealed as its `message`
    hint: str = ""
    #: False for an answer to a quantity the part does not have (worth nothing, and kept out
    #: of the item analysis): reported so that a misspelt name is not silently ignored
    asked: bool = True

    def to_json(self) -> dict:
        return {"problem": self.problem, "part": self.part, "name": self.name,
                "points": self.points, "awarded": self.awarded, "status": self.status,
                "expected": self.expected, "given": self.given, "message": self.message,
                "misconception": self.misconception} | ({} if self.asked else {"asked": False})


@dataclass(slots=True)
class GradeResult:
    student: str | None
    name: str | None
    problem: str | None
    file: str
    records: list[GradeRecord] = field(default_factory=list)
    error: str | None = None          # why the submission could not be graded at all

    @property
    def score(self) -> float:
        return round(sum(r.awarded for r in self.records), 6)

    @property
    def max_score(self) -> float:
        return round(sum(r.points for r in self.records), 6)

    def _repr_html_(self) -> str:
        """A notebook shows the student's feedback page."""
        from nnsolve.grade.outputs.feedback_page import html

        return html(self)

    def to_json(self) -> dict:
        return {"student": self.student, "name": self.name, "problem": self.problem,
                "file": self.file, "score": self.score, "max_score": self.max_score,
                "error": self.error, "records": [r.to_json() for r in self.records]}
