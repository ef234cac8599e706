"""`nnsolve selftest PROBLEM|SET|DIR`: does a problem grade as intended, before students see it?

For every part the cases of `selftest_cases` are graded by the real grader, and every record
whose status is not one of those meant for it is a deviation, reported with the grader's own
message: a tolerance so wide that a slip passes as right, or a slip's consequences as right
instead of carried forward, a misconception that is not recognised, a right answer refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from nnsolve.errors import NnsolveError
from nnsolve.grade.grader import grade_submission
from nnsolve.grade.keyfacts import tolerance_for
from nnsolve.grade.key import Key
from nnsolve.grade.selftest_cases import Case, cases
from nnsolve.grade.submission import parse_submission
from nnsolve.spec.yamlsafe import load_text

#: the student id the cases are graded as (it picks the variant of a problem with variables)
STUDENT = "selftest"


@dataclass(frozen=True)
class Deviation:
    problem: str
    part: str
    name: str
    scenario: str
    got: str
    meant: str
    message: str

    def __str__(self) -> str:
        return (f"{self.problem} {self.part}.{self.name}: {self.scenario}: graded {self.got}, "
                f"meant {self.meant}" + (f" ({self.message})" if self.message else ""))


@dataclass
class Report:
    problems: int = 0
    cases: int = 0
    records: int = 0
    deviations: list[Deviation] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.problems} problems, {self.cases} submissions, {self.records} answers "
                f"graded; {len(self.deviations)} not as intended")


def selftest(paths: list[Path], echo=lambda line: None, *, variants: int = 1,
             seed: str | None = None) -> Report:
    """Grade every case of every problem under `paths`, for `variants` students' variants of
    a problem with variables (a tolerance right for one student's numbers can be too lax for
    another's); NnsolveError for a problem that cannot even be solved (`nnsolve check` says
    why)."""
    key = Key.from_paths(paths, seed=seed)
    report = Report()
    for problem in key.problems.values():
        report.problems += 1
        students = [STUDENT] if not (problem.variables or problem.let) else \
            [STUDENT] + [f"{STUDENT}{k}" for k in range(2, variants + 1)]
        for student in students:
            _test_variant(key, problem, student, report, echo)
    return report


def _test_variant(key: Key, problem, student: str, report: Report, echo) -> None:
    solution = key.solution(problem, student)
    for solved in solution.parts:
        def tolerance(name, solved=solved):
            ask = next((a for a in solved.asked if a.name == name), None)
            return tolerance_for(problem, solved, ask, solved.derivation[name])

        for case in cases(solved, tolerance):
            graded, found = _grade(key, problem, case, student)
            report.cases += 1
            report.records += graded
            for deviation in found:
                report.deviations.append(deviation)
                echo(str(deviation))


def _grade(key: Key, problem, case: Case, student: str) -> tuple[int, list[Deviation]]:
    """(records graded, deviations among them) of one case, as `student`'s submission."""
    text = yaml.safe_dump({"nnsolve": 1, "student": {"id": student}, "problem": problem.id,
                           "answers": {case.part: case.answers}}, allow_unicode=True)
    try:
        submission = parse_submission(load_text(text, f"<selftest {problem.id}>"))
        result = grade_submission(submission, key)
    except NnsolveError as exc:
        return 0, [Deviation(problem.id, case.part, "*", f"{case.scenario} ({student})",
                             "not graded", "graded", str(exc))]
    out, graded = [], 0
    for record in result.records:
        if record.part != case.part or record.name not in case.meant:
            continue
        graded += 1
        meant = case.meant[record.name]
        wanted = case.misconception.get(record.name)
        if record.status not in meant:
            out.append(Deviation(problem.id, record.part, record.name, _who(case, student),
                                 record.status, " or ".join(sorted(meant)), record.message))
        elif wanted and record.misconception not in wanted:
            named = " or ".join(sorted(wanted))
            out.append(Deviation(problem.id, record.part, record.name, _who(case, student),
                                 f"{record.status} without naming {named}",
                                 f"{record.status} naming {named}", record.message))
    return graded, out


def _who(case: Case, student: str) -> str:
    """The scenario, with the variant it was graded in when that is not the default one."""
    return case.scenario if student == STUDENT else f"{case.scenario} (variant of {student})"
