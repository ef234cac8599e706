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
from functools import lru_cache
from typing import Any, Callable

import sympy

from nnsolve.derivation import kinds
from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation, Misconception, Quantity
from nnsolve.grade import memo
from nnsolve.grade.compare import Tolerance, compare, remembered_compare


def same(reference: Any, given: Any, tol: Tolerance, kind: str, time_limit: float = 2.0,
         definitions: dict | None = None, simplify_limit: float | None = 0.0) -> bool:
    """True when `given` matches `reference` as an answer would; never raises (a complex
    number, a label where a number belongs: simply no match). Symbolic values are compared at
    random points, without `simplify` unless `simplify_limit` allows it: error carried
    forward and misconceptions are asked about many pairs per answer, and a pair the points
    cannot decide is simply no match there."""
    try:
        return remembered_compare(reference, given, tol, kind=kind, time_limit=time_limit,
                                  definitions=definitions, simplify_limit=simplify_limit).ok
    except Exception:  # values of another type than the rule's: not a match
        return False


#: inputs or results beyond this magnitude are no course's numbers: rules are not run on them
#: (e^(e^800) would take sympy seconds to evaluate, and tell a student nothing)
MAX_MAGNITUDE = 1e15


def run_rule(rule: Callable, inputs: dict) -> Any | None:
    """A solver's rule on student-chosen inputs; None when it cannot be evaluated."""
    if any(out_of_range(v) for v in inputs.values()):
        return None
    return memo.remembered(memo.rule_runs, (rule, inputs), lambda: _run(rule, inputs))


def _run(rule: Callable, inputs: dict) -> Any | None:
    try:
        value = V.normalize(rule(inputs))
    except Exception:  # a rule meeting values it was never meant for: no value
        return None
    return None if out_of_range(value) else value


def apply_misconception(misconception: Misconception, inputs: dict) -> Any:
    """A misconception's rule on inputs (once per process for the same inputs); raises what
    the rule raises."""
    def compute() -> tuple[bool, Any]:
        try:
            return True, misconception.apply(inputs)
        except Exception as exc:  # kept too: the same inputs fail the same way
            return False, exc

    ok, value = memo.remembered(memo.rule_runs, (misconception, inputs), compute)
    if not ok:
        raise value
    return value


def out_of_range(value: Any) -> bool:
    """A number (or an element of an array) that is not finite or is beyond MAX_MAGNITUDE."""
    if isinstance(value, tuple):
        return any(out_of_range(v) for v in value)
    if type(value) is float:
        return not math.isfinite(value) or abs(value) > MAX_MAGNITUDE
    if isinstance(value, bool) or not isinstance(value, (int, float, sympy.Expr)):
        return False
    if isinstance(value, sympy.Expr):
        return _expression_out_of_range(value)
    try:
        if isinstance(value, int):
            return abs(value) > MAX_MAGNITUDE
        magnitude = abs(complex(value))
    except (TypeError, ValueError, OverflowError):
        return True
    return not math.isfinite(magnitude) or magnitude > MAX_MAGNITUDE


@lru_cache(maxsize=4096)
def _expression_out_of_range(value: sympy.Expr) -> bool:
    """`out_of_range` of a sympy number, decided once per process (a key's values are checked
    for every student); a symbolic expression is not a number out of range."""
    if value.free_symbols or not value.is_number:
        return False
    try:
        if isinstance(value, sympy.Integer):
            return abs(int(value)) > MAX_MAGNITUDE
        magnitude = abs(complex(value.evalf(15)))
    except (TypeError, ValueError, OverflowError):
        return True
    return not math.isfinite(magnitude) or magnitude > MAX_MAGNITUDE


class StudentChain:
    """The student's answers in one part, and what the derivation makes of them.

    The effective value of a quantity is the student's answer when there is one, else the
    quantity recomputed from the effective values of its inputs (so an unanswered step between
    a wrong answer and a later one carries the error forward too), else the derivation's value.
    Each effective value remembers which answers it was computed from: its sources. An answer
    that packs other quantities (a shape 54×54×96, a feature map whose elements are quantities
    of their own) also gives their effective values (H = 54, y[1,1] = 7).
    """

    def __init__(self, derivation: Derivation, answered: dict[str, Any],
                 differs: Callable[[str], bool],
                 tolerance: Callable[[str], Tolerance] | None = None,
                 definitions: dict | None = None):
        self.derivation = derivation
        self.answered = {n: v for n, v in answered.items()
                         if n in derivation and not derivation[n].given}
        self.differs = differs
        #: each quantity's tolerance (for judging an earlier answer in its own right)
        self.tolerance = tolerance or (lambda name: Tolerance())
        #: what a symbolic part's names stand for (see `symbols.definitions`)
        self.definitions = definitions
        self._explained: dict[str, bool] = {}
        self._memo: dict[str, tuple[Any, frozenset]] = {}
        self._order: dict[str, int] | None = None
        self._unpacked: dict[str, tuple[Any, frozenset]] = {}
        for packed, answer in self.answered.items():
            names = derivation[packed].components
            flat = _flat(answer) if names and isinstance(answer, tuple) else None
            if flat is not None and len(flat) == len(names):
                for component, value in zip(names, flat):
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

    def same(self, reference: Any, given: Any, tol: Tolerance, kind: str) -> bool:
        return same(reference, given, tol, kind, definitions=self.definitions)

    def explained(self, name: str) -> bool:
        """Whether the student's wrong answer for `name` is itself accounted for: consistent
        with their own earlier answers (error carried forward, not refused) or a known
        mistake. A zero so explained was honestly derived, and what follows from it is work,
        not a trivial step."""
        if name in self._explained:
            return self._explained[name]
        self._explained[name] = False       # while its own inputs are looked at
        given = self.answered.get(name)
        result = False
        if given is not None and not self.derivation[name].given:
            q = self.derivation[name]
            tol = self.tolerance(name)
            carried = carry_forward(self, name, given, tol, q.kind)
            result = carried is not None and carried.status == "ecf"
            if not result:
                result = find_misconception(self, name, given, tol, q.kind) is not None
        self._explained[name] = result
        return result


def _flat(answer: tuple) -> list:
    """An array's elements in row-major order: a matrix answer stands for the elements of a
    family (y[1,1], y[1,2], …) as a shape's stands for its H, W and C."""
    if all(not isinstance(v, tuple) for v in answer):
        return list(answer)
    return [element for _, element in V.indexed_elements(answer)]


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
    if recomputed is None or not chain.same(recomputed, given, tol, kind):
        return None
    wrong = tuple(chain.ordered(s for s in sources if chain.differs(s)))
    reason = trivial_step(chain, q, given, tol, kind, inputs, wrong)
    if reason:
        return CarriedForward("refused", recomputed, wrong, reason)
    if not wrong:
        return CarriedForward("rounded", recomputed, tuple(chain.ordered(sources)))
    return CarriedForward("ecf", recomputed, wrong)


@dataclass(frozen=True)
class ElementCredit:
    """An answer graded one element at a time, against the key and against what the student's
    own earlier answers give: one wrong element early costs one element, and each later
    element computed from it is credited as error carried forward."""

    total: int
    right: int                       # elements that match the key
    carried: tuple[str, ...]         # positions right only from the student's wrong answers
    rounded: tuple[str, ...]         # positions right from the student's rounded right answers
    wrong: tuple[str, ...]           # "position: what is wrong" for the rest
    sources: tuple[str, ...]         # the earlier answers the carried (or rounded) ones use
    low_precision: bool = False

    def fraction(self, ecf: float) -> float:
        """Right and rounded elements in full, carried ones at the part's ECF share."""
        earned = self.right + len(self.rounded) + ecf * len(self.carried)
        return earned / self.total if self.total else 0.0


def carry_forward_elements(chain: StudentChain, name: str, given: Any, tol: Tolerance,
                           kind: str, given_text: Any = None) -> ElementCredit | None:
    """`given` element by element; None for a kind graded as a whole, or an answer whose
    positions are not the key's (a shape mismatch is graded whole, and may still be carried
    forward whole from an earlier wrong shape)."""
    q = chain.derivation[name]
    try:
        value_kind = kinds.get(kind)
        want = value_kind.elements(q.value)
        got = dict(value_kind.elements(given)) if want is not None else None
    except Exception:  # an answer of another form than the key's has no such elements
        return None
    if not want or got is None or len(got) != len(want) or any(p not in got for p, _ in want):
        return None
    recomputed, sources, wrong_sources = _recomputed_elements(chain, q, given, tol, kind,
                                                              value_kind, set(got))
    texts = _element_texts(given_text, len(want))
    right, carried, rounded, wrong, low = 0, [], [], [], False
    for (where, expected), text in zip(want, texts):
        element = got[where]
        try:
            result = compare(expected, element, tol, kind="auto", given_text=text,
                             definitions=chain.definitions)
        except ValueError as exc:
            result = None
            message = str(exc)
        if result is not None and result.ok:
            right += 1
        elif where in recomputed and same(recomputed[where], element, tol, "auto",
                                          definitions=chain.definitions):
            (carried if wrong_sources else rounded).append(where)
        else:
            low = low or (result is not None and result.low_precision)
            wrong.append(f"{where}: {result.message if result is not None else message}")
    return ElementCredit(len(want), right, tuple(carried), tuple(rounded), tuple(wrong),
                         wrong_sources or sources, low)


def _recomputed_elements(chain: StudentChain, q: Quantity, given: Any, tol: Tolerance,
                         kind: str, value_kind, positions: set):
    """(position -> element of the quantity recomputed from the student's answers, all the
    answers it uses, the wrong ones among them); nothing where the step would earn nothing
    (see `trivial_step`) or the recomputed value has other positions."""
    if q.given or q.rule is None or not q.inputs:
        return {}, (), ()
    inputs, sources = chain.inputs(q.name)
    recomputed = run_rule(q.rule, inputs) if sources else None
    try:
        elements = dict(value_kind.elements(recomputed)) if recomputed is not None else {}
    except Exception:  # the rule gave a value of another form: nothing to credit by element
        elements = {}
    if set(elements) != positions:
        return {}, (), ()
    wrong_sources = tuple(chain.ordered(s for s in sources if chain.differs(s)))
    if trivial_step(chain, q, given, tol, kind, inputs, wrong_sources):
        return {}, (), ()
    return elements, tuple(chain.ordered(sources)), wrong_sources


def _element_texts(given_text: Any, count: int) -> list:
    """What the student typed for each element, in the order of `elements` (row-major)."""
    flat: list = []
    stack = [given_text]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        else:
            flat.append(item if isinstance(item, str) else None)
    return flat if len(flat) == count else [None] * count


def trivial_step(chain: StudentChain, q: Quantity, given: Any, tol: Tolerance, kind: str,
                 inputs: dict[str, Any], wrong: tuple[str, ...]) -> str:
    """Why `given` shows no work even if the student's inputs lead to it ('' if it does).

    Consistency with one's own earlier answers is worth credit only when the step was done:
    an answer that repeats one of its inputs (where the right answer does not repeat that
    input), or that is 0 because an earlier answer was 0 (or equal to another input, as
    y5 = t makes t − y5 vanish), is consistent with anything. Unless that earlier answer is
    itself explained (carried forward, or a known mistake such as σ' used for tanh'): then
    the zero, or the step it made do nothing, was honestly arrived at.
    """
    d = chain.derivation
    what = q.label or q.name
    if is_zero(given) and not is_zero(q.value):
        zeros = [s for s in wrong if is_zero(chain.answered.get(s)) and not chain.explained(s)]
        if zeros:
            listed = ", ".join(f"{s} = 0" for s in zeros)
            return f"your {listed} makes {what} trivially 0, so there is no step to credit"
        for s in (s for s in wrong if s in q.inputs and s in chain.answered):
            for i in q.inputs:
                if i != s and i in inputs and same(inputs[i], chain.answered[s], tol, "number") \
                        and _zero_when_equal(q, inputs, s, i) and not chain.explained(s):
                    return f"your {s} = {V.format_value(chain.answered[s])} equals {i}, which " \
                           f"makes {what} trivially 0, so there is no step to credit"
    for i in q.inputs:
        value = inputs.get(i, d[i].value)
        if chain.same(value, given, tol, kind) and not chain.same(d[i].value, q.value, tol, kind):
            causes = [s for s in wrong if s != i]
            if causes and all(chain.explained(s) for s in causes):
                continue    # an honest zero upstream (Δw = 0) made w + Δw = w: that is the step
            if is_zero(value) and i in wrong and chain.explained(i):
                continue    # 0·x = 0 and tanh(0) = 0 repeat an honest zero: so judged above
            whose = f"your {i}" if i in chain.answered else i
            cause = f" (your {', '.join(wrong)} made the step do nothing)" \
                if wrong and wrong != (i,) else ""
            return f"your answer just repeats {whose} = {V.format_value(value)}{cause}, " \
                   f"and {what} is not simply {i}"
    return ""


#: values tried for two inputs made equal, to see whether that alone makes a step vanish
_TRIALS = (0.4172, -1.3391, 2.0713)


def _zero_when_equal(q: Quantity, inputs: dict[str, Any], s: str, i: str) -> bool:
    """Whether the rule of `q` is 0 whenever inputs `s` and `i` are equal (t − y5 with
    y5 = t), and not when they differ: only then does s = i make the step trivially 0.
    w14·x1 + w24·x2 + w04 is not 0 because w14 happens to equal x2."""
    def value(vs: float, vi: float) -> Any:
        return run_rule(q.rule, {**inputs, s: vs, i: vi})

    def near_zero(x: Any) -> bool:
        try:
            return x is not None and abs(complex(x)) <= 1e-12
        except (TypeError, ValueError):
            return False

    if not all(near_zero(value(v, v)) for v in _TRIALS):
        return False
    apart = value(_TRIALS[0] + 0.61, _TRIALS[0])
    return apart is not None and not near_zero(apart)


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
    or from the student's own ones. A mistake is only named where it makes a difference: on
    inputs where it gives what the right rule gives (½·0² = 0², −0 = 0), matching it says
    nothing about how the student worked."""
    d = chain.derivation
    q = d[name]
    if not q.misconceptions:
        return None
    attempts = [(d.inputs_of(name), q.value, False)]
    student_inputs, sources = chain.inputs(name)
    if sources:
        right = run_rule(q.rule, student_inputs) if q.rule is not None else None
        attempts.append((student_inputs, q.value if right is None else right, True))
    for misconception in q.misconceptions:
        for inputs, right, from_student in attempts:
            if any(out_of_range(v) for v in inputs.values()):
                continue
            try:
                value = apply_misconception(misconception, inputs)
            except Exception:  # the wrong computation does not apply to these inputs
                continue
            if chain.same(value, given, tol, kind) and not chain.same(q.value, value, tol, kind) \
                    and not chain.same(right, value, tol, kind):
                return MisconceptionMatch(misconception, from_student)
    return None


def repeated_input(chain: StudentChain, q: Quantity, given: Any, tol: Tolerance,
                   kind: str) -> str | None:
    """An earlier answer of the student's that `given` merely copies, if any."""
    d = chain.derivation
    for i in q.inputs:
        if i in chain.answered and chain.same(chain.answered[i], given, tol, kind) \
                and not chain.same(d[i].value, q.value, tol, kind):
            return i
    return None
