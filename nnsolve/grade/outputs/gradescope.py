"""Gradescope's `results.json`, for running nnsolve as a Gradescope autograder.

Gradescope runs the autograder once per student, with that student's files in
/autograder/submission, so one results.json describes one student: every file of the run is
graded into it (a student may hand in one file per problem). Files of a second student mean
the command was pointed at a class, not at a submission: `MixedStudents` is raised as soon as
that shows, before anything is written.

Shape: top-level `score`, `output`, `output_format`, `visibility`, `tests`; each test has
`name`, `score`, `max_score`, `status` (passed/failed), `output`, `output_format`,
`visibility`. One test per asked quantity. A file that cannot be graded (our `invalid`,
PrairieLearn's `gradable: false`) becomes a failed test worth 0 of 0 points whose output is
the reason, and the top-level output says that it was not graded, so the student knows that
the file and not the answers is at fault.
"""

from __future__ import annotations

import json
from pathlib import Path

from nnsolve.fileio import write_atomic
from nnsolve.grade.outputs.values import show
from nnsolve.grade.outputs.wording import points, quantity_title, record_detail
from nnsolve.grade.report import GradeResult

#: Gradescope's settings for when students see a test's output
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


class MixedStudents(ValueError):
    """The batch holds files of more than one student."""


class GradescopeOutput:
    def __init__(self, path: Path, visibility: str = "visible"):
        """`visibility`: when the student sees the tests (Gradescope's own setting); what
        they see then is chosen by `grade --reveal`."""
        if visibility not in VISIBILITIES:
            raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}")
        self.path = Path(path)
        self.visibility = visibility
        self.student: str | None = None
        self.tests: list[dict] = []
        self.score = 0.0
        self.max_score = 0.0
        self.invalid: list[str] = []

    def add(self, result: GradeResult) -> None:
        if result.student:
            if self.student is None:
                self.student = result.student
            elif result.student != self.student:
                raise MixedStudents(
                    f"--gradescope writes one student's results.json (Gradescope grades one "
                    f"submission per run), but this batch holds {self.student} and "
                    f"{result.student}; grade a class with --csv and --feedback-dir")
        file = Path(result.file).name
        if result.error is not None:
            self.invalid.append(f"{file}: {result.error}")
            self.tests.append(_test(f"{file}: could not be graded", 0, 0, False, result.error,
                                   self.visibility))
            return
        several = len({r.problem for r in result.records}) > 1
        for record in result.records:
            passed = record.status in ("correct", "ecf")
            output = record_detail(record)
            if not passed:
                output += f"\nyour answer: {show(record.given)}"
            self.tests.append(_test(quantity_title(record, problem=several), record.awarded,
                                    record.points, passed, output, self.visibility))
        self.score += result.score
        self.max_score += result.max_score

    def finish(self, summary=None) -> None:
        lines = []
        if self.invalid:
            lines.append("Could not be graded (nothing in these files was scored; fix them "
                         "and submit again):")
            lines.extend(f"  {reason}" for reason in self.invalid)
        if self.max_score:
            lines.append(f"Score: {points(self.score)} / {points(self.max_score)}")
        data = {"score": round(self.score, 6), "output": "\n".join(lines),
                "output_format": "text", "visibility": self.visibility, "tests": self.tests}
        write_atomic(self.path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    def discard(self) -> None:
        """Nothing is written before `finish`."""


def _test(name: str, score: float, max_score: float, passed: bool, output: str,
          visibility: str) -> dict:
    return {"name": name, "score": round(score, 6), "max_score": round(max_score, 6),
            "status": "passed" if passed else "failed", "output": output,
            "output_format": "text", "visibility": visibility}
