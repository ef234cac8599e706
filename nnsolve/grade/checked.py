"""`nnsolve check SUBMISSION --key …`: a submission read against its problem before grading.

Grading never stops for a misspelt name or an unreadable answer: it records them. A student
(or a teacher collecting files) wants to hear of them before the deadline, located in the file,
so this grades the submission and reports its `invalid` records (answers that cannot be read,
answers to quantities the problem does not have, with did-you-mean) as errors, and the
questions left out as warnings. Nothing of the key is shown.
"""

from __future__ import annotations

from pathlib import Path

from nnsolve.errors import Issue, NnsolveError, field_path
from nnsolve.grade.key import Key
from nnsolve.grade.report import GradeRecord
from nnsolve.grade.submission import Submission


def check_submission(submission: Submission, key: Key) -> tuple[list[Issue], list[Issue]]:
    """(errors, warnings) of `submission` against the problems of `key`; NnsolveError when the
    key has no problem of that id."""
    from nnsolve.grade.grader import grade_submission

    result = grade_submission(submission, key)
    resolved = submission.resolve(key.problems_for(submission.problem))
    errors, warnings = [], []
    for record in result.records:
        if record.status == "invalid":
            errors.append(_located(resolved, record))
        elif record.status == "missing":
            warnings.append(_located(resolved, record))
    return errors, warnings


def _located(submission: Submission, record: GradeRecord) -> Issue:
    path = submission.answer_path(record.problem, record.part, record.name)
    line = submission.doc.line(path) if record.status != "missing" else None
    above = path[:-1]
    while line is None and above:      # the nearest mapping that is written
        line, above = submission.doc.line(above), above[:-1]
    return Issue(record.hint or record.message, submission.file, line, field_path(path))


def check_with_key(path: Path, key: Key, echo) -> str:
    """One submission's warnings through `echo`, its errors raised (NnsolveError), else a summary."""
    from nnsolve.grade.submission import load_submission

    submission = load_submission(path)
    errors, warnings = check_submission(submission, key)
    for issue in warnings:
        echo(f"warning: {issue}", err=True)
    if errors:
        raise NnsolveError(issues=errors)
    answered = "every question answered" if not warnings else \
        f"{len(warnings)} question{'s' if len(warnings) != 1 else ''} left out"
    return f"submission of {submission.student_id} for {submission.problem}: {answered}"
