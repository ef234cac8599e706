"""The submissions `nnsolve selftest` grades: built from a problem's own derivation.

Each case is what a kind of student hands in (all right; rounded as they went; truncated; one
slip carried through every later step; a known misconception; an answer nobody can read),
with the verdict a fair grader gives each asked quantity. The verdicts are set here, from the
derivation alone, and never from the grader: that is what lets the self-test catch a problem
whose tolerances make the grader disagree (a slip's consequences passing as right).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from nnsolve.derivation import kinds
from nnsolve.derivation import values as V
from nnsolve.derivation.kinds.compare_numbers import exact_fraction, is_symbolic
from nnsolve.grade.compare import Tolerance, compare
from nnsolve.solution import SolvedPart

#: what a teacher sees as a different number whatever the tolerance: more than 1% and 0.01
VISIBLE_REL, VISIBLE_ABS = Fraction(1, 100), Fraction(1, 100)
#: an answer the answer parser cannot read
UNREADABLE = "0.7.1 #?"
#: kinds whose values a slip can be made in
_SCALARS = ("number", "count")


@dataclass
class Case:
    """One submission: `answers` by quantity, and the statuses each asked quantity may get."""

    scenario: str
    part: str
    answers: dict[str, Any]
    meant: dict[str, frozenset] = field(default_factory=dict)
    #: the misconceptions a quantity's record may name (one of them it must)
    misconception: dict[str, frozenset] = field(default_factory=dict)


def written(q, value: Any) -> Any:
    """A value as a student writes it in YAML: the exact form where there is one (1/3), the
    kind's JSON otherwise (floats in full, shapes and vectors as lists)."""
    exact = V.exact_text(value) if not isinstance(value, tuple) else None
    return exact if exact is not None else kinds.get(q.kind).to_json(value)


def cases(solved: SolvedPart, tolerance) -> list[Case]:
    """Every case of one solved part; `tolerance(name)` is the tolerance it is graded with."""
    d = solved.derivation
    asked = [a.name for a in solved.asked]
    key = {n: written(d[n], d[n].value) for n in asked}
    right = frozenset({"correct"})
    out = [Case("correct", solved.id, dict(key), {n: right for n in asked})]
    # a word is a readable answer to a label or a choice, only wrong
    read = [n for n in asked
            if kinds.get(d[n].kind).expect not in ("label", "labels", "set", "auto")]
    if read:
        out.append(Case("unreadable", solved.id, dict(key) | dict.fromkeys(read, UNREADABLE),
                        {n: frozenset({"invalid"} if n in read else {"correct"})
                         for n in asked}))
    numeric = [n for n in asked if _numeric(d[n])]
    digits = {n: tolerance(n) for n in numeric
              if tolerance(n).decimals is not None or tolerance(n).sigfigs is not None}
    if digits:
        truncated = dict(key) | {n: _cut(d[n].value, digits[n], math.floor) for n in digits}
        out.append(Case("truncated", solved.id, truncated, {n: right for n in asked}))
        rounded = _as_you_go(d, digits)
        out.append(Case("rounded as you go", solved.id,
                        dict(key) | {n: written(d[n], rounded[n]) for n in asked if n in rounded},
                        {n: right for n in asked}))
    for name in asked:
        out.extend(_slip(solved, name, key, tolerance))
        out.extend(_misconceptions(solved, name, key, tolerance))
    return out


def _numeric(q) -> bool:
    return q.kind in _SCALARS and exact_fraction(q.value) is not None and not q.given


def _cut(value: Any, tol: Tolerance, how) -> str:
    """`value` cut (math.floor) or rounded (round) to the digits `tol` asks for, as text."""
    x = exact_fraction(value)
    if tol.decimals is not None:
        places = tol.decimals
    else:
        places = tol.sigfigs - 1 - (math.floor(math.log10(abs(x))) if x else 0)
    scaled = abs(x) * Fraction(10) ** places
    whole = how(scaled) if how is math.floor else round(scaled)
    digits = Fraction(whole) / Fraction(10) ** places * (1 if x >= 0 else -1)
    return f"{float(digits):.{max(places, 0)}f}"


def _as_you_go(d, digits: dict) -> dict[str, Any]:
    """Every quantity recomputed from the earlier ones as the student wrote them down: rounded
    to the digits asked of them (the others in full)."""
    values: dict[str, Any] = {}
    for q in d:
        if q.given or q.rule is None:
            continue
        try:
            value = d.recompute(q.name, {i: values[i] for i in q.inputs if i in values})
        except Exception:   # a rule that does not take rounded inputs: keep the key's value
            continue
        if q.name in digits and exact_fraction(value) is not None:
            value = float(_cut(value, digits[q.name], round))
        values[q.name] = value
    return values


def _visible(key: Any, other: Any) -> bool:
    e, g = exact_fraction(key), exact_fraction(other)
    if e is None or g is None:
        return False
    return abs(g - e) > VISIBLE_ABS and abs(g - e) > VISIBLE_REL * abs(e)


def _slip(solved: SolvedPart, name: str, key: dict, tolerance) -> list[Case]:
    """One wrong value, and every later step worked correctly from it: the slip is
    `incorrect`, what follows from it `ecf` (or right, where it makes no visible difference)."""
    d = solved.derivation
    q = d[name]
    if not _numeric(q):
        wrong = _wrong_whole(q)
        if wrong is None:
            return []
        return [Case(f"wrong {name}", solved.id, key | {name: wrong},
                     {n: frozenset({"incorrect", "partial"} if n == name else {"correct"})
                      for n in key})]
    x = exact_fraction(q.value)
    shift = abs(x) / 10 + Fraction(1, 10)      # never nothing, whatever the sign of x
    slipped: Any = int(x + shift) + 1 if q.kind == "count" else float(x + shift)
    values = {name: slipped}
    for later in d:
        if later.rule is None or later.given or later.name == name:
            continue
        if any(i in values for i in later.inputs):
            try:
                values[later.name] = d.recompute(
                    later.name, {i: values[i] for i in later.inputs if i in values})
            except Exception:   # the slip takes a later step out of its domain: stop there
                return []
    answers, meant = dict(key), {}
    for n in key:
        if n == name:
            answers[n], meant[n] = written(q, slipped), frozenset({"incorrect"})
        elif n in values:
            answers[n] = written(d[n], values[n])
            meant[n] = frozenset({"ecf"}) if _visible(d[n].value, values[n]) \
                else frozenset({"ecf", "correct"})
        else:
            meant[n] = frozenset({"correct"})
    return [Case(f"slip in {name}, carried forward", solved.id, answers, meant)]


def _wrong_whole(q) -> Any:
    """A wrong answer for a quantity no slip can be carried forward from: another word for a
    label, the first element one more for a shape or an array of numbers; None otherwise."""
    if q.given:
        return None
    if q.kind == "label" and isinstance(q.value, str):
        return "not-an-answer"
    if q.kind in ("shape", "vector", "matrix", "tensor") and isinstance(q.value, tuple):
        flat = kinds.get(q.kind).to_json(q.value)
        first = flat
        while isinstance(first, list) and first and isinstance(first[0], list):
            first = first[0]
        if isinstance(first, list) and first and isinstance(first[0], (int, float)):
            first[0] += 1
            return flat
    return None


def _misconceptions(solved: SolvedPart, name: str, key: dict, tolerance) -> list[Case]:
    """Each known mistake of a quantity, on the right inputs: `incorrect`, and named (by any
    of the mistakes that give the same wrong value here: the answer cannot tell them apart)."""
    d = solved.derivation
    q = d[name]
    tol = tolerance(name) if q.misconceptions else None
    values = []
    for m in q.misconceptions:
        try:
            value = m.apply(d.inputs_of(name))
            if compare(q.value, value, tol, kind=q.kind).ok or \
                    is_symbolic(value) != is_symbolic(q.value):
                continue     # on these numbers the mistake gives the right answer
            values.append((m.id, value, written(q, value)))
        except Exception:    # the mistake does not apply to this problem's numbers
            continue
    out = []
    for m_id, value, answer in values:
        alike = frozenset(other for other, v, _ in values
                          if other == m_id or compare(v, value, tol, kind=q.kind).ok)
        meant = {n: frozenset({"incorrect", "partial"} if n == name else {"correct"})
                 for n in key}
        out.append(Case(f"misconception {m_id} in {name}", solved.id, key | {name: answer},
                        meant, {name: alike}))
    return out
