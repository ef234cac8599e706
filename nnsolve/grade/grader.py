"""Grading one submission: one record per asked quantity, whatever the student wrote.

For each asked quantity the answer is parsed according to the quantity's kind (never run as
code), compared with the key's value under the quantity's tolerance, and, when wrong, explained:
recomputed from the student's own earlier answers (error carried forward, unless those answers
make the step trivial) and matched against the quantity's known misconceptions.

`grade_file` never raises for a bad submission: whatever cannot be read still yields a result
with its reason, so one broken file never stops a batch.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnsolve.derivation import kinds
from nnsolve.derivation import values as V
from nnsolve.derivation.core import Quantity
from nnsolve.errors import NnsolveError
from nnsolve.grade import feedback_text as text
from nnsolve.grade.answers import AnswerError, AnswerReader
from nnsolve.grade.compare import Comparison, Tolerance, remembered_compare
from nnsolve.derivation.kinds.compare_collections import MAX_LISTED, listed_wrong
from nnsolve.grade.ecf import (ElementCredit, StudentChain, carry_forward,
                               carry_forward_elements, find_misconception, repeated_input, same)
from nnsolve.grade.key import Key, UnknownProblem
from nnsolve.grade.keyfacts import KeyFacts, SimplifyBudget, definitions_of, facts_of
from nnsolve.grade.report import GradeRecord, GradeResult
from nnsolve.grade.unreadable import echo, identity_from_data, identity_from_file, not_graded
from nnsolve.grade.written import without_unit
from nnsolve.grade.symbols import answer_symbols, fixed_numbers
from nnsolve.grade.submission import MAX_SUBMISSION_NODES, Submission, parse_submission
from nnsolve.solution import SolvedPart
from nnsolve.spec.problem import Ask, Problem
from nnsolve.spec.yamlsafe import load_file

#: seconds one symbolic comparison may take
SYMBOLIC_TIME_LIMIT = 2.0
def grade_file(path, key: Key) -> GradeResult:
    """Grade a submission file; a file that cannot be read gives a result with its reason."""
    path = Path(path)
    file = str(path)
    try:
        doc = load_file(path, max_nodes=MAX_SUBMISSION_NODES)
    except NnsolveError as exc:
        student, name, problem = identity_from_file(path)
        return not_graded(file, str(exc), student, name, problem, key)
    try:
        submission = parse_submission(doc)
    except NnsolveError as exc:
        student, name, problem = identity_from_data(doc.data)
        return not_graded(file, str(exc), student, name, problem, key)
    try:
        return grade_submission(submission, key)
    except UnknownProblem as exc:  # the student's own line is what to look at
        return GradeResult(submission.student_id, submission.name, submission.problem, file,
                           records=[], error=str(doc.error(("problem",), str(exc))))
    except NnsolveError as exc:
        return GradeResult(submission.student_id, submission.name, submission.problem, file,
                           records=[], error=str(exc))


def grade_submission(submission: Submission, key: Key) -> GradeResult:
    """Grade against the key; NnsolveError when the key has no such problem or cannot solve it."""
    problems = key.problems_for(submission.problem)
    solutions = {p.id: key.solution(p, submission.student_id) for p in problems}

    def whole(problem_id: str, part_id: str, name: str) -> bool:
        """Whether the answer to `name` is itself a mapping (a colouring, a histogram)."""
        for solved in solutions[problem_id].parts:
            if solved.id == part_id and name in solved.derivation:
                return kinds.get(solved.derivation[name].kind).mapping_answer
        return False

    resolved = submission.resolve(problems, whole)
    records: list[GradeRecord] = []
    budget = SimplifyBudget()
    for problem in problems:
        for solved in solutions[problem.id].parts:
            records.extend(_PartGrader(problem, solved, resolved, budget).grade())
    return GradeResult(submission.student_id, submission.name, submission.problem,
                       submission.file, records=records)


# -- one part ---------------------------------------------------------------------------------

@dataclass
class _Answer:
    raw: Any
    typed: Any = None           # the text typed, for digit counts and messages
    value: Any = None
    error: str | None = None


@dataclass
class _PartGrader:
    problem: Problem
    solved: SolvedPart
    submission: Submission
    budget: SimplifyBudget = field(default_factory=SimplifyBudget)
    _answers: dict[str, _Answer] = field(default_factory=dict)
    _symbols: dict | None = None
    _definitions: dict | None = None
    _tolerances: dict = field(default_factory=dict)
    _verdicts: dict = field(default_factory=dict)
    _differs: dict = field(default_factory=dict)
    _chain: StudentChain | None = None
    _asks: dict[str, Ask] = field(default_factory=dict)

    @property
    def derivation(self):
        return self.solved.derivation

    @property
    def facts(self) -> KeyFacts:
        return facts_of(self.solved)

    def grade(self) -> list[GradeRecord]:
        raw = self.submission.answers.get(self.problem.id, {}).get(self.solved.id, {})
        for name, value in raw.items():
            if name in self.derivation and value is not None:
                self._answers[name] = self._read(name, value)
        self._asks = {a.name: a for a in self.solved.asked}
        records = [self._grade_one(ask) for ask in self.solved.asked]
        asked = [a.name for a in self.solved.asked]
        for name in raw:
            if name not in self.derivation:
                message = text.unknown_name(name, self.solved.id, asked, list(self.derivation.quantities))
                records.append(GradeRecord(self.problem.id, self.solved.id, name, 0.0, 0.0,
                                           "invalid", given=echo(raw[name]), message=message,
                                           hint=message, asked=False))
        return records

    # reading answers
    def _read(self, name: str, raw: Any) -> _Answer:
        q = self.derivation[name]
        answer = _Answer(raw)
        kind = kinds.get(q.kind)
        symbolic = self.facts.symbolic(q.name)
        typed = self.submission.given_text(self.problem.id, self.solved.id, name)
        reader = AnswerReader(symbols=self._part_symbols() if symbolic else None, written=typed)
        try:
            answer.value = kind.read(without_unit(raw, q), reader, q.value)
            if symbolic:
                answer.value = fixed_numbers(self.derivation, answer.value, q.value)
        except AnswerError as exc:
            answer.error = str(exc)
        except (RecursionError, MemoryError, OverflowError, ValueError, TypeError) as exc:
            answer.error = f"the answer cannot be read as a value ({type(exc).__name__})"
        else:
            answer.typed = without_unit(typed, q)
        return answer

    def _part_symbols(self) -> dict:
        if self._symbols is None:
            self._symbols = answer_symbols(self.derivation)
        return self._symbols

    def definitions(self, name: str) -> dict | None:
        """What the names of a symbolic answer stand for (None for a numeric quantity)."""
        if not self.facts.symbolic(name):
            return None
        if self._definitions is None:
            self._definitions = definitions_of(self.derivation)
        return self._definitions

    def verdict(self, name: str) -> Comparison:
        """The comparison of the student's answer for `name` with the key, made once per
        submission (grading it and judging later steps ask the same question) and within the
        submission's simplify budget. Raises ValueError for a value not of the kind asked."""
        if name not in self._verdicts:
            q, answer = self.derivation[name], self._answers[name]
            symbolic = self.facts.symbolic(q.name)
            start = time.monotonic()
            try:
                self._verdicts[name] = remembered_compare(
                    q.value, answer.value, self.tolerance(name), kind=q.kind,
                    time_limit=SYMBOLIC_TIME_LIMIT, given_text=answer.typed,
                    definitions=self.definitions(name),
                    simplify_limit=self.budget.left if symbolic else None)
            except ValueError as exc:
                self._verdicts[name] = exc
            finally:
                if symbolic:
                    self.budget.spend(time.monotonic() - start)
        found = self._verdicts[name]
        if isinstance(found, ValueError):
            raise found
        return found

    # tolerances
    def tolerance(self, name: str) -> Tolerance:
        if name not in self._tolerances:
            self._tolerances[name] = self.facts.tolerance(self.problem, name,
                                                          self._asks.get(name))
        return self._tolerances[name]

    def differs(self, name: str) -> bool:
        """Whether the student's answer for an earlier quantity is wrong.

        An answer off the key only because it was computed from the student's own rounded,
        right earlier answers is not wrong: rounding as you go must not turn every later
        step into error carried forward.
        """
        if name not in self._differs:
            q = self.derivation[name]
            answer = self._answers.get(name)
            wrong = answer is not None and answer.error is None and not self._verdict_ok(name)
            if wrong:
                self._differs[name] = True  # while its own inputs are being looked at
                carried = carry_forward(self.chain, name, answer.value, self.tolerance(name),
                                        q.kind)
                wrong = carried is None or carried.status != "rounded"
            self._differs[name] = wrong
        return self._differs[name]

    def _verdict_ok(self, name: str) -> bool:
        try:
            return self.verdict(name).ok
        except Exception:  # a value of another kind than the key's: not the same
            return False

    @property
    def chain(self) -> StudentChain:
        if self._chain is None:
            answered = {n: a.value for n, a in self._answers.items() if a.error is None}
            symbolic = self.facts.any_symbolic()
            self._chain = StudentChain(self.derivation, answered, self.differs, self.tolerance,
                                       definitions_of(self.derivation) if symbolic else None)
        return self._chain

    # grading one asked quantity
    def _record(self, ask: Ask, q: Quantity, status: str, awarded: float, message: str,
                given: Any = None, misconception: str | None = None,
                hint: str | None = None) -> GradeRecord:
        """`hint`: the message without the key, where `message` gives it away."""
        return GradeRecord(self.problem.id, self.solved.id, ask.name, ask.points,
                           round(awarded, 6), status, expected=self.facts.expected(q.name), given=given,
                           message=message, misconception=misconception, label=q.label,
                           hint=message if hint is None else hint)

    def _grade_one(self, ask: Ask) -> GradeRecord:
        q = self.derivation[ask.name]
        broken = self.submission.broken.get((self.problem.id, self.solved.id))
        if broken:
            return self._record(ask, q, "invalid", 0.0, text.invalid(q, broken))
        answer = self._answers.get(ask.name)
        if answer is None:
            return self._record(ask, q, "missing", 0.0, self._missing_message(q))
        if answer.error is not None:
            return self._record(ask, q, "invalid", 0.0, text.invalid(q, answer.error),
                                given=echo(answer.raw))
        given = _given_json(answer)
        tol = self.tolerance(ask.name)
        try:
            comparison = self.verdict(ask.name)
        except ValueError as exc:
            return self._record(ask, q, "invalid", 0.0, text.invalid(q, str(exc)), given=given,
                                hint=text.invalid(q, "it is not a value of the kind asked"))
        if comparison.ok or any(same(alt, answer.value, tol, q.kind,
                                     simplify_limit=self.budget.left) for alt in q.accept):
            return self._record(ask, q, "correct", ask.points, comparison.note, given=given)
        if comparison.undecided:  # never "undecided means wrong": it cannot be graded here
            return self._record(ask, q, "invalid", 0.0, text.join(comparison.message), given=given,
                                hint=text.join("this answer is left for your teacher to check"))

        partial = comparison.fraction if ask.partial else 0.0
        credit = carry_forward_elements(self.chain, ask.name, answer.value, tol, q.kind,
                                        answer.typed)
        if credit is not None and (credit.carried or credit.rounded):
            return self._by_element(ask, q, answer, credit, given)
        carried = carry_forward(self.chain, ask.name, answer.value, tol, q.kind)
        if carried is not None and carried.status == "rounded":
            sources = self._shown_sources(carried.sources)
            return self._record(ask, q, "correct", ask.points, text.rounded(sources), given=given)
        if carried is not None and carried.status == "ecf":
            fraction = ask.ecf if ask.ecf is not None else self.solved.part.ecf
            sources = self._shown_sources(carried.sources)
            awarded = max(ask.points * fraction, ask.points * partial)
            return self._record(ask, q, "ecf", awarded, text.ecf(q, sources, fraction), given=given,
                                hint=text.hint(self.derivation, q, sources=sources))

        found = find_misconception(self.chain, ask.name, answer.value, tol, q.kind)
        # a named mistake explains the answer better than "it repeats an input" does
        repeats = repeated_input(self.chain, q, answer.value, tol, q.kind) \
            if carried is None and found is None else None
        low_precision = comparison.low_precision and not (found or carried or repeats)
        message = text.incorrect(
            self.derivation, q, comparison.message if low_precision or not comparison.low_precision
            else "", text.shown(answer.value, answer.typed), low_precision=low_precision,
            misconception=(found.misconception.description, found.from_student_inputs)
            if found else None,
            trivial=carried.reason if carried is not None else "", repeats=repeats,
            accepted_fraction=partial, scoring=comparison.scoring if ask.partial else "")
        hint = text.hint(
            self.derivation, q, wrong=_keyless(comparison, low_precision),
            misconception=(found.misconception.description, found.from_student_inputs)
            if found else None, reason=carried.reason if carried is not None else "",
            credit=f"partial credit: {partial:.0%}" if partial > 0 else "")
        return self._record(ask, q, _wrong_status(partial), ask.points * partial, message,
                            given=given, misconception=found.misconception.id if found else None,
                            hint=hint)

    def _by_element(self, ask: Ask, q: Quantity, answer: _Answer, credit: ElementCredit,
                    given: Any) -> GradeRecord:
        """An array (or mapping, or table) some of whose elements follow from the student's own
        earlier answers: those earn error carried forward one by one (or count as right, from
        right answers the student rounded), and only the elements wrong even so cost credit."""
        share = ask.ecf if ask.ecf is not None else self.solved.part.ecf
        fraction = credit.fraction(share)
        sources = self._shown_sources(credit.sources)
        carried = _positions(credit.carried)
        if not credit.wrong and not credit.carried:
            return self._record(ask, q, "correct", ask.points, text.rounded(sources), given=given)
        if not credit.wrong:
            right = credit.total - len(credit.carried)
            which = f"{len(credit.carried)} of {credit.total} elements ({carried}) " \
                    f"{_follow(credit.carried)} from your earlier answers; " \
                    f"{'the other one is' if right == 1 else f'the other {right} are'} right" \
                if right else ""
            message = text.join(text.ecf(q, sources, fraction), which)
            return self._record(ask, q, "ecf", ask.points * fraction, message, given=given,
                                hint=text.hint(self.derivation, q, sources=sources))
        found = find_misconception(self.chain, ask.name, answer.value, self.tolerance(ask.name),
                                   q.kind)
        follows = [listed_wrong(list(credit.wrong), credit.total)]
        if credit.carried:
            listed = ", ".join(f"{n} = {v}" for n, v in sources)
            reduced = "" if share >= 1 else f" ({share:.0%} of their points)"
            follows.append(f"{_elements(len(credit.carried))} ({carried}) "
                           f"{_follow(credit.carried)} from your {listed} and "
                           f"{'earns' if len(credit.carried) == 1 else 'earn'} error carried "
                           f"forward{reduced}")
        if credit.rounded:
            follows.append(f"{_elements(len(credit.rounded))} ({_positions(credit.rounded)}) "
                           f"{_follow(credit.rounded)} from your rounded earlier answers and "
                           f"{'counts' if len(credit.rounded) == 1 else 'count'} as right")
        scoring = ""
        if ask.partial:
            times = f" × {share:.0%}" if share < 1 else ""
            scoring = f"({credit.right + len(credit.rounded)} right + {len(credit.carried)} " \
                      f"carried forward{times}) / {credit.total} elements = {fraction:.0%}"
        message = text.incorrect(
            self.derivation, q, "; ".join(follows), text.shown(answer.value, answer.typed),
            low_precision=credit.low_precision and not found,
            misconception=(found.misconception.description, found.from_student_inputs)
            if found else None, accepted_fraction=fraction if ask.partial else 0.0,
            scoring=scoring)
        share = fraction if ask.partial else 0.0
        where = _positions(tuple(w.split(":", 1)[0] for w in credit.wrong))
        hint = text.hint(
            self.derivation, q, wrong=f"{len(credit.wrong)} of {credit.total} elements wrong "
                                      f"({where})",
            misconception=(found.misconception.description, found.from_student_inputs)
            if found else None, credit=f"partial credit: {share:.0%}" if share > 0 else "")
        return self._record(ask, q, _wrong_status(share), ask.points * share, message,
                            given=given, misconception=found.misconception.id if found else None,
                            hint=hint)

    def _shown_sources(self, names) -> list[tuple[str, str]]:
        out = []
        for name in names:
            answer = self._answers[name]
            out.append((name, text.shown(answer.value, answer.typed)))
        return out

    def _missing_message(self, q: Quantity) -> str:
        part_answers = self.submission.answers.get(self.problem.id, {}).get(self.solved.id)
        strays = [n for n in (part_answers or {}) if n not in self.derivation]
        elsewhere = ""
        if q.name in self.submission.strays.get((self.problem.id,), []):
            return text.ungrouped(q, self.solved.id)
        if self.submission.strays.get((self.problem.id,)):
            elsewhere = "parts " + ", ".join(self.submission.strays[(self.problem.id,)])
        elif self.submission.strays.get(()):
            elsewhere = "problems " + ", ".join(self.submission.strays[()])
        return text.missing(q, self.solved.id, strays, bool(part_answers), elsewhere)


# -- answers graded element by element -------------------------------------------------------

def _keyless(comparison: Comparison, low_precision: bool) -> str:
    """What is wrong with an answer, in words that do not give the key away."""
    if low_precision:
        return re.sub(r" \(expected [^)]*\)", "", comparison.message)
    if 0 < comparison.fraction < 1:
        return f"partly right: {comparison.fraction:.0%} of it"
    return "not right"


def _wrong_status(share: float) -> str:
    """A wrong answer that still earns part of its points is `partial`, not `incorrect`."""
    return "partial" if share > 0 else "incorrect"


def _elements(n: int) -> str:
    return f"{n} element" + ("" if n == 1 else "s")


def _follow(positions: tuple[str, ...]) -> str:
    return "follows" if len(positions) == 1 else "follow"


def _positions(positions: tuple[str, ...]) -> str:
    """`row 1, column 2; row 3, column 1 and 4 more`: where, without drowning the message."""
    shown = "; ".join(positions[:MAX_LISTED])
    more = len(positions) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


# -- values -----------------------------------------------------------------------------------

def _labels(value: Any) -> bool:
    """A set of labels (the option ids of a select-all question)."""
    return isinstance(value, frozenset) and bool(value) and all(isinstance(v, str) for v in value)


def _given_json(answer: _Answer) -> Any:
    """The student's value for the record; never an exception for an exotic value."""
    try:
        return V.to_json(answer.value)
    except Exception:  # a value JSON cannot hold still gets a row: as the student wrote it
        return echo(answer.raw)
