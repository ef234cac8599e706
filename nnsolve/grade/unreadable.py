"""Submissions, and answers, that cannot be read: what is echoed back and what is at stake.

A file that cannot be read still yields a result, so that one broken file never stops a batch
and the gradebook still shows the student and what they would have been graded on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nnsolve.derivation import values as V
from nnsolve.errors import NnsolveError
from nnsolve.fileio import read_regular
from nnsolve.grade import feedback_text as text
from nnsolve.grade.key import Key
from nnsolve.grade.report import GradeRecord, GradeResult
from nnsolve.grade.submission import identity_from_text

#: a raw answer too big to echo back is summarised instead
MAX_ECHO_ITEMS = 100


def echo(raw: Any) -> Any:
    """The raw answer, JSON-ready, for a record whose answer could not be read."""
    if isinstance(raw, str):
        return raw if len(raw) <= 200 else raw[:200] + "…"
    if isinstance(raw, bool) or raw is None or isinstance(raw, int) and raw.bit_length() < 64:
        return raw
    if isinstance(raw, float):
        return raw if raw == raw and raw not in (float("inf"), float("-inf")) else str(raw)
    if isinstance(raw, int):
        return f"a number of {len(str(raw))} digits"
    if isinstance(raw, list):
        if _size(raw) > MAX_ECHO_ITEMS:
            return f"a list of {len(raw):,} items"
        return [echo(v) for v in raw]
    if isinstance(raw, dict):
        if _size(raw) > MAX_ECHO_ITEMS:
            return f"a mapping of {len(raw):,} entries"
        return {str(k): echo(v) for k, v in raw.items()}
    return str(raw)[:200]


def _size(raw: Any, limit: int = MAX_ECHO_ITEMS) -> int:
    """Items in a nested structure, counted up to just past `limit`."""
    count, stack = 0, [raw]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, list):
            stack.extend(item[:limit + 1])
            count += max(0, len(item) - limit - 1)
        elif isinstance(item, dict):
            stack.extend(list(item.values())[:limit + 1])
            count += max(0, len(item) - limit - 1)
    return count


def identity_from_file(path: str | Path) -> tuple[str | None, str | None, str | None]:
    """Who a file says it is from, read as a regular file only (never a FIFO or a device)."""
    try:
        head = read_regular(path, 65536, head=True)
    except NnsolveError:
        return None, None, None
    return identity_from_text(head.decode("utf-8", "replace"))


def identity_from_data(data: Any) -> tuple[str | None, str | None, str | None]:
    if not isinstance(data, dict):
        return None, None, None
    student = data.get("student")
    name = None
    if isinstance(student, dict):
        student, name = student.get("id"), student.get("name")
    student = str(student).strip() if isinstance(student, (str, int)) and \
        not isinstance(student, bool) and str(student).strip() else None
    name = str(name) if isinstance(name, (str, int, float)) and not isinstance(name, bool) else None
    problem = data.get("problem")
    problem = str(problem) if isinstance(problem, (str, int)) and not isinstance(problem, bool) \
        else None
    return student, name, problem


def not_graded(file: str, reason: str, student: str | None, name: str | None,
                problem: str | None, key: Key) -> GradeResult:
    """A result for a file that cannot be read: every asked quantity of its problem (when that
    can be told) is `invalid`, so the row still shows what was at stake."""
    records: list[GradeRecord] = []
    if problem is not None:
        try:
            problems = key.problems_for(problem)
        except (NnsolveError, KeyError):
            problems = []
        message = text.unreadable(reason)
        for item in problems:
            try:
                solution = key.solution(item, student)
            except NnsolveError:
                continue
            for solved in solution.parts:
                for ask in solved.asked:
                    q = solved.derivation[ask.name]
                    records.append(GradeRecord(item.id, solved.id, ask.name, ask.points, 0.0,
                                               "invalid", expected=V.to_json(q.value),
                                               message=message, label=q.label,
                                               hint=message))
    return GradeResult(student, name, problem, file, records=records, error=reason)
