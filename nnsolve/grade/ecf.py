"""Error carried forward, misconceptions, and why a suspiciously easy step earns nothing.

Every quantity of a derivation keeps the rule that computed it, so "what would this be from the
student's own earlier answers?" and "what would a student who forgot the bias have written?"
are the same question for every solver: run a rule on other inputs. This module asks it.

Rules come from solvers and are run here on values a student chose; a rule that cannot cope
(a shape of the wrong length, a label where a number belongs) simply means "no match".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import sympy

from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation, Misconception, Quantity
from nnsolve.grade.compare import Tolerance, compare


def same(reference: Any, given: Any, tol: Tolerance, kind: str, time_limit: float = 2.0) -> bool:
    """True when `given` matches `reference` as an answer would; never raises."""
    try:
        return compare(reference, given, tol, kind=kind, time_limit=time_limit).ok
    except Exception:  # values of another type than the rule's: not a match
        return False


#: inputs or results beyond this magnitude are no course's numbers: rules are not run on them
#: (e^(e^800) would take sympy seconds to evaluate, and tell a student nothing)
MAX_MAGNITUDE = 1e15


def run_rule(rule: Callable, inputs: dict) -> Any | None:
    """A solver's rule on student-chosen inputs; None when it cannot be evaluated."""
    if any(out_of_range(v) for v in inputs.values()):
        return None
    try:
        value = V.normalize(rule(inputs))
    except Exception:  # a rule meeting values it was never meant for: no value
        return None
    return None if out_of_range(value) else value


def out_of_range(value: Any) -> bool:
    """A number (or an element of an array) that is not finite or is beyond MAX_MAGNITUDE."""
    if isinstance(value, tuple):
        return any(out_of_range(v) for v in value)
    if isinstance(value, bool) or not isinstance(value, (int, float, sympy.Expr)):
        return False
    if isinstance(value, sympy.Expr) and (value.free_symbols or not value.is_number):
        return False
    try:
        if isinstance(value, (int, sympy.Integer)):
            return abs(int(value)) > MAX_MAGNITUDE
        magnitude = abs(complex(value.evalf(15) if isinstance(value, sympy.Expr) else value))
    except (TypeError, ValueError, OverflowError):
        return True
    return not math.isfinite(magnitude) or magnitude > MAX_MAGNITUDE


class StudentChain:
    """The student's answers in one part, and what the derivation makes of them.

    The effective value of a quantity is the student's answer when there is one, else the
    quantity recomputed from the effective values of its inputs (so an unanswered step between
    a wrong answer and a later one carries the error forward too), else the derivation's value.
    Each effective value remembers which answers it was computed from: its sources. An answer
    that packs other quantities (a shape 54×54×96) also gives their effective values (H = 54).
    """

    def __init__(self, derivation: Derivation, answered: dict[str, Any],
                 differs: Callable[[str], bool]):
        self.derivation = derivation
        self.answered = {n: v for n, v in answered.items()
                         if n in derivation and not derivation[n].given}
        self.differs = differs
        self._memo: dict[str, tuple[Any, frozenset]] = {}
        self._order: dict[str, int] | None = None
        self._unpacked: dict[str, tuple[Any, frozenset]] = {}
        for packed, answer in self.answered.items():
            names = derivation[packed].components
            if names and isinstance(answer, tuple) and len(answer) == len(names):
                for component, value in zip(names, answer):
                    if component is not None and component not in self.answered:
                        self._unpacked.setdefault(component, (value, frozenset({packed})))

    def effective(self, name: str) -> tuple[Any, frozenset]:
        memo, d = self._memo, self.derivation
        stack = [name]
        while stack:
            current = stack[-1]
            if current in memo:
                stack.pop()
                continue
            if current in self.answered:
                memo[current] = (self.answered[current], frozenset({current}))
                stack.pop()
                continue
            if current in self._unpacked:
                memo[current] = self._unpacked[current]
                stack.pop()
                continue
            q = d[current]
            if q.given or q.rule is None or not q.inputs:
                memo[current] = (q.value, frozenset())
                stack.pop()
                continue
            pending = [i for i in q.inputs if i not in memo]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            memo[current] = self._recomputed(current)   # its inputs are all in memo by now
        return memo[name]

    def inputs(self, name: str) -> tuple[dict[str, Any], frozenset]:
        """The effective inputs of a quantity and the answers they come from.

        A shape's elements are not taken from the shape itself (nor from an answer that is the
        same shape under another name, as the stack's output and its last layer's are): they
        are recomputed from what comes before, so the shape is checked against earlier work.
        """
        d = self.derivation
        packed = d[name].components
        values, sources = {}, frozenset()
        for i in d[name].inputs:
            value, from_answers = self.effective(i)
            if packed and from_answers and all(d[s].components == packed for s in from_answers):
                value, from_answers = self._recomputed(i)
            values[i] = value
            sources |= from_answers
        return values, sources

    def _recomputed(self, name: str) -> tuple[Any, frozenset]:
        """The quantity's rule on the effective values of its inputs (its own value when no
        answer of the student's is among them)."""
        q = self.derivation[name]
        if q.given or q.rule is None or not q.inputs:
            return q.value, frozenset()
        effective = {i: self.effective(i) for i in q.inputs}
        sources = frozenset().union(*(s for _, s in effective.values()))
        value = run_rule(q.rule, {i: v for i, (v, _) in effective.items()}) if sources else None
        return (q.value, frozenset()) if value is None else (value, sources)

    def ordered(self, names) -> list[str]:
        if self._order is None:
            self._order = {n: i for i, n in enumerate(self.derivation.quantities)}
        return sorted(names, key=self._order.__getitem__)


@dataclass(frozen=True)
class CarriedForward:
    """What the student's own earlier answers make of a wrong-looking answer."""

    status: str                 # "ecf", "rounded" (consistent with right, rounded inputs), "refused"
    recomputed: Any
    sources: tuple[str, ...]    # the answers it was computed from (the wrong ones, for "ecf")
    reason: str = ""            # why an ECF match earns nothing ("refused")


def carry_forward(chain: StudentChain, name: str, given: Any, tol: Tolerance,
                  kind: str) -> CarriedForward | None:
    """Recompute `name` from the student's answers; None when that does not explain `given`."""
    d = chain.derivation
    q = d[name]
    if q.given or q.rule is None or not q.inputs:
        return None
    inputs, sources = chain.inputs(name)
    if not sources:
        return None
    recomputed = run_rule(q.rule, inputs)
    if recomputed is None or not same(recomputed, given, tol, kind):
        return None
    wrong = tuple(chain.ordered(s for s in sources if chain.differs(s)))
    reason = trivial_step(chain, q, given, tol, kind, inputs, wrong)
    if reason:
        return CarriedForward("refused", recomputed, wrong, reason)
    if not wrong:
        return CarriedForward("rounded", recomputed, tuple(chain.ordered(sources)))
    return CarriedForward("ecf", recomputed, wrong)


def trivial_step(chain: StudentChain, q: Quantity, given: Any, tol: Tolerance, kind: str,
                 inputs: dict[str, Any], wrong: tuple[str, ...]) -> str:
    """Why `given` shows no work even if the student's inputs lead to it ('' if it does).

    Consistency with one's own earlier answers is worth credit only when the step was done:
    an answer that repeats one of its inputs (where the right answer does not repeat that
    input), or that is 0 because an earlier answer was 0, is consistent with anything.
    """
    d = chain.derivation
    what = q.label or q.name
    if is_zero(given) and not is_zero(q.value):
        zeros = [s for s in wrong if is_zero(chain.answered.get(s))]
        if zeros:
            listed = ", ".join(f"{s} = 0" for s in zeros)
            return f"your {listed} makes {what} trivially 0, so there is no step to credit"
        for s in (s for s in wrong if s in q.inputs):
            for i in q.inputs:
                if i != s and i in inputs and same(inputs[i], chain.answered.get(s), tol, "number"):
                    return f"your {s} = {V.format_value(chain.answered[s])} equals {i}, which " \
                           f"makes {what} trivially 0, so there is no step to credit"
    for i in q.inputs:
        value = inputs.get(i, d[i].value)
        if same(value, given, tol, kind) and not same(d[i].value, q.value, tol, kind):
            whose = f"your {i}" if i in chain.answered else i
            cause = f" (your {', '.join(wrong)} made the step do nothing)" \
                if wrong and wrong != (i,) else ""
            return f"your answer just repeats {whose} = {V.format_value(value)}{cause}, " \
                   f"and {what} is not simply {i}"
    return ""


def is_zero(value: Any) -> bool:
    """0, or an array of zeros (a zero matrix turns every product into zeros)."""
    if isinstance(value, tuple):
        return bool(value) and all(is_zero(v) for v in value)
    if isinstance(value, bool) or isinstance(value, (str, frozenset)) or value is None:
        return False
    if isinstance(value, (int, float)):
        return value == 0
    if isinstance(value, sympy.Expr) and value.is_number:
        return bool(value.is_zero)
    return False


@dataclass(frozen=True)
class MisconceptionMatch:
    misconception: Misconception
    from_student_inputs: bool


def find_misconception(chain: StudentChain, name: str, given: Any, tol: Tolerance,
                       kind: str) -> MisconceptionMatch | None:
    """The first known mistake of the quantity that reproduces `given`, from the right inputs
    or from the student's own ones."""
    d = chain.derivation
    q = d[name]
    if not q.misconceptions:
        return None
    attempts = [(d.inputs_of(name), False)]
    student_inputs, sources = chain.inputs(name)
    if sources:
        attempts.append((student_inputs, True))
    for misconception in q.misconceptions:
        for inputs, from_student in attempts:
            if any(out_of_range(v) for v in inputs.values()):
                continue
            try:
                value = misconception.apply(inputs)
            except Exception:  # the wrong computation does not apply to these inputs
                continue
            if same(value, given, tol, kind) and not same(q.value, value, tol, kind):
                return MisconceptionMatch(misconception, from_student)
    return None


def repeated_input(chain: StudentChain, q: Quantity, given: Any, tol: Tolerance,
                   kind: str) -> str | None:
    """An earlier answer of the student's that `given` merely copies, if any."""
    d = chain.derivation
    for i in q.inputs:
        if i in chain.answered and same(chain.answered[i], given, tol, kind) \
                and not same(d[i].value, q.value, tol, kind):
            return i
    return None
