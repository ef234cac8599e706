"""How much of the key a student's copy of the grades shows.

An autograder that lets students resubmit must not hand out the answers with the first try.
`answers` shows everything (expected values, the worked step with its numbers); `hints` keeps
what helps without giving the key away (what is wrong in the student's own terms, the
misconception, the step's formula as written); `status` says only right or wrong. The grader
always records both message and hint; this is the one place that chooses, for every output
a student may see (terminal, JSON, feedback pages, Gradescope). The item analysis, for the
teacher, is always made from the full records.
"""

from __future__ import annotations

from dataclasses import replace

from nnsolve.grade.report import GradeResult

REVEALS = ("answers", "hints", "status")


def revealed(result: GradeResult, reveal: str) -> GradeResult:
    """`result` as a student may see it under `reveal` (one of REVEALS)."""
    if reveal not in REVEALS:
        raise ValueError(f"reveal must be one of {', '.join(REVEALS)}, got {reveal!r}")
    if reveal == "answers":
        return result
    if reveal == "hints":
        records = [replace(r, expected=None, message=r.hint) for r in result.records]
    else:
        records = [replace(r, expected=None, message="", hint="", misconception=None)
                   for r in result.records]
    return replace(result, records=records)
