"""The quiz questions of a problem, platform by platform the same: one per student variant.

A quiz platform draws a question per student; nnsolve draws a variant per student. Export
therefore solves the variants once, here, and every writer (Moodle, QTI) only spells the
same questions in its own format, so their answers cannot disagree with `nnsolve key`.
A question is a whole problem (all its parts), so that a student's numbers agree from one
part to the next; each asked value is a blank of it. Students whose draws coincide share
one question.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

from nnsolve.derivation import values as V
from nnsolve.derivation.kinds.tolerance import Tolerance
from nnsolve.errors import NnsolveError, for_student
from nnsolve.solution import Solution, solve
from nnsolve.spec.problem import Problem, ProblemSet
from nnsolve.spec.variables import draw

#: more elements than this and a vector or matrix is not a quiz blank but a worksheet
MAX_ELEMENTS = 16
#: digits an answer is written with: enough for any tolerance a course sets
DIGITS = 12


@dataclass
class Blank:
    """One answer box. `kind` is number, choice (one option), select (several) or text."""

    part: str
    name: str
    label: str
    points: Fraction
    kind: str
    answer: Any                      # number: its text; choice: option id; select: ids; text
    tolerance: float = 0.0           # numbers: ± around the answer, absolute
    options: dict[str, str] = field(default_factory=dict)
    accept: tuple[str, ...] = ()     # text: other spellings that count
    joiner: str = ""                 # written after this blank when the next one continues it


@dataclass
class Question:
    problem: Problem
    solution: Solution
    variant: int                     # 1, 2, ... in the order the students were given
    student: str | None              # whose draw it is (None: a problem without variables)
    blanks: list[Blank]

    @property
    def title(self) -> str:
        if self.student is None:
            return self.problem.id
        return f"{self.problem.id}, variant {self.variant} ({self.student})"

    @property
    def points(self) -> Fraction:
        return sum((b.points for b in self.blanks), Fraction(0))


def problems_of(loaded: Problem | ProblemSet) -> list[Problem]:
    return loaded.problems if isinstance(loaded, ProblemSet) else [loaded]


def questions(problem: Problem, students: list[str] | None,
              warn: Callable[[str], None]) -> list[Question]:
    """The problem's questions: one per distinct variant among `students` (one in all for a
    problem without variables)."""
    if not problem.variables or not students:
        drawn: list[str | None] = [None]
    else:
        seen: dict[str, str] = {}
        for student in students:
            seen.setdefault(json.dumps(draw(problem, student), sort_keys=True, default=str),
                            student)
        drawn = list(seen.values())
    out = []
    for number, student in enumerate(drawn, start=1):
        try:
            solution = solve(problem, student=student)
        except NnsolveError as exc:
            raise (for_student(exc, student) if student else exc) from None
        blanks = []
        for solved in solution.parts:
            for ask in solved.asked:
                blanks += _blanks(problem, solved, ask, warn if number == 1 else _quiet)
        if not blanks:
            if number == 1:
                warn(f"{problem.id}: no asked value a quiz can take; left out")
            return []
        out.append(Question(problem, solution, number, student, blanks))
    return out


def _quiet(message: str) -> None:
    """Every variant leaves out the same values: the first one says so."""


def _blanks(problem: Problem, solved, ask, warn) -> list[Blank]:
    from nnsolve.grade.keyfacts import tolerance_for

    d = solved.derivation
    q = d[ask.name]
    points = Fraction(ask.points).limit_denominator(1000)
    part = solved.part.id
    if q.kind in ("label", "boolean", "set"):
        blank = _choice(d, part, q, points)
        if blank is None:
            warn(f"{problem.id} ({part}) {q.name}: a set of free labels is not a quiz "
                 "question; left out")
            return []
        return [blank]
    value = q.value
    if q.kind not in ("number", "count", "shape", "vector", "matrix") or isinstance(value, str):
        warn(f"{problem.id} ({part}) {q.name}: a value of kind {q.kind} is not a quiz "
             "blank; left out")
        return []
    tolerance = tolerance_for(problem, solved, ask, q)
    if not isinstance(value, tuple):
        return [_number(part, q.name, q.label, points, value, tolerance)]
    rows = value if V.rank(value) == 2 else (value,)
    elements = [x for row in rows for x in (row if isinstance(row, tuple) else (row,))]
    if len(elements) > MAX_ELEMENTS or any(isinstance(x, tuple) for x in elements):
        warn(f"{problem.id} ({part}) {q.name}: more than {MAX_ELEMENTS} numbers for one "
             "answer; left out")
        return []
    share = points / len(elements)
    out = []
    for index, element in enumerate(elements):
        blank = _number(part, f"{q.name}[{index}]", q.label, share, element, tolerance)
        last_of_row = rows is not value or (index + 1) % len(value[0]) == 0
        blank.joiner = " × " if q.kind == "shape" else ("; " if last_of_row else ", ")
        out.append(blank)
    out[-1].joiner = ""
    return out


def _number(part: str, name: str, label: str, points: Fraction, value: Any,
            tolerance: Tolerance) -> Blank:
    return Blank(part, name, label, points, "number", V.format_number(value, DIGITS),
                 band(tolerance, V.to_float(value)))


def band(tolerance: Tolerance, expected: float) -> float:
    """The grader's tolerance as a platform takes it: ± an absolute amount around this
    variant's answer (a relative tolerance scales with the answer, so it differs per
    variant). sigfigs and decimals are the grader's ±0.51 units of the last place."""
    if tolerance.exact:
        return 0.0
    widths = []
    if tolerance.sigfigs is not None and expected != 0:
        order = math.floor(math.log10(abs(expected)))
        widths.append(0.51 * 10.0 ** (order - tolerance.sigfigs + 1))
    if tolerance.decimals is not None:
        widths.append(0.51 * 10.0 ** -tolerance.decimals)
    if not widths:
        widths.append(tolerance.abs + tolerance.rel * abs(expected))
    return float(f"{max(widths):.6g}")


def _choice(d, part: str, q, points: Fraction) -> Blank | None:
    options = {name.removeprefix("option."): str(d[name].value) for name in
               (x.name for x in d) if name.startswith("option.")}
    if options:
        if isinstance(q.value, frozenset):
            return Blank(part, q.name, q.label, points, "select", tuple(sorted(q.value)),
                         options=options)
        return Blank(part, q.name, q.label, points, "choice", str(q.value), options=options)
    if q.kind == "boolean":
        return Blank(part, q.name, q.label, points, "choice", str(q.value),
                     options={"true": "true", "false": "false"})
    if isinstance(q.value, frozenset):
        return None
    accept = tuple(str(a) for a in (getattr(q, "accept", None) or ()))
    return Blank(part, q.name, q.label, points, "text", str(q.value), accept=accept)


def weights(question: Question) -> list[int]:
    """The blanks' points as whole numbers in the same proportion (Cloze weights are
    integers)."""
    scale = math.lcm(*(blank.points.denominator for blank in question.blanks))
    return [int(blank.points * scale) for blank in question.blanks]
