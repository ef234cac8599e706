"""What grading needs to know of the key, the same for every student: tolerances, whether a
value is symbolic, expected values as records hold them, what symbols stand for; and the time
`simplify` has for one submission. Worked out once per solved part and process."""

from __future__ import annotations

from typing import Any

from nnsolve.derivation import values as V
from nnsolve.derivation.core import Quantity
from nnsolve.grade.compare import Tolerance
from nnsolve.grade.symbols import definitions, has_symbols
from nnsolve.solution import SolvedPart
from nnsolve.spec.problem import Ask, Problem

#: seconds `simplify` may take over a whole submission, all its symbolic answers together
#: (each is tried at random points first; simplify is for the rare pair they cannot decide)
SIMPLIFY_BUDGET = 2.0


class SimplifyBudget:
    """The time `simplify` has left for one submission: a file of adversarial expressions
    costs this once, not once per answer and per question asked about it."""

    def __init__(self, seconds: float = SIMPLIFY_BUDGET):
        self.left = seconds

    def spend(self, seconds: float) -> None:
        self.left = max(0.0, self.left - seconds)


class KeyFacts:
    """What the grader needs to know of one solved part of the key, the same for every student
    and worked out once per process: whether a value is symbolic, a quantity's tolerance, the
    expected value as records hold it."""

    def __init__(self, solved: SolvedPart):
        self.solved = solved
        self._symbolic: dict[str, bool] = {}
        self._any_symbolic: bool | None = None
        self._tolerances: dict[str, Tolerance] = {}
        self._expected: dict[str, Any] = {}

    def symbolic(self, name: str) -> bool:
        if name not in self._symbolic:
            self._symbolic[name] = has_symbols(self.solved.derivation[name].value)
        return self._symbolic[name]

    def any_symbolic(self) -> bool:
        if self._any_symbolic is None:
            self._any_symbolic = any(self.symbolic(q.name) for q in self.solved.derivation)
        return self._any_symbolic

    def tolerance(self, problem: Problem, name: str, ask: Ask | None) -> Tolerance:
        if name not in self._tolerances:   # an error (a bad tolerance) is raised every time
            self._tolerances[name] = tolerance_for(problem, self.solved, ask,
                                                   self.solved.derivation[name])
        return self._tolerances[name]

    def expected(self, name: str) -> Any:
        """The key's value as JSON; a list or mapping is made anew for each record."""
        found = self._expected.get(name)
        if found is None:
            found = V.to_json(self.solved.derivation[name].value)
            if isinstance(found, (list, dict)):
                return found
            self._expected[name] = found
        return found


def facts_of(solved: SolvedPart) -> KeyFacts:
    found = _FACTS.get(id(solved))
    if found is None or found.solved is not solved:
        found = _FACTS[id(solved)] = KeyFacts(solved)
        if len(_FACTS) > 256:
            _FACTS.pop(next(iter(_FACTS)))
    return found


_FACTS: dict[int, KeyFacts] = {}


def definitions_of(derivation) -> dict:
    """What the derivation's names stand for, worked out once per derivation (the key's
    derivations are graded against for the whole batch): one dict, so that comparisons
    remembered across submissions (see `memo`) know it by identity."""
    found = _DEFINITIONS.get(id(derivation))
    if found is None or found[0] is not derivation:
        found = (derivation, definitions(derivation))
        _DEFINITIONS[id(derivation)] = found
        if len(_DEFINITIONS) > 256:
            _DEFINITIONS.pop(next(iter(_DEFINITIONS)))
    return found[1]


_DEFINITIONS: dict[int, tuple] = {}


# -- tolerances -------------------------------------------------------------------------------

def tolerance_for(problem: Problem, solved: SolvedPart, ask: Ask | None,
                  q: Quantity) -> Tolerance:
    """Ask > part > problem > defaults; counts, shapes, labels and booleans exact unless the
    ask says otherwise. A tolerance compare cannot use is the problem's error, located."""
    part = solved.part
    in_parts = len(part.path) >= 2 and part.path[-2] == "parts"
    base = part.path[:-2] if in_parts else part.path      # where the problem sits in its file
    steps = [(problem.tolerance or None, base + ("tolerance",))]
    if in_parts:
        steps.append((_part_tolerance(problem, part.path), part.path + ("tolerance",)))
    if ask is not None and ask.tolerance is not None:
        steps.append((ask.tolerance, ask.path + ("tolerance",)))
    elif q.exact_by_default:
        return Tolerance(exact=True)
    tolerance = Tolerance()
    for spec, path in steps:
        try:
            tolerance = Tolerance.from_spec(spec, tolerance)
        except ValueError as exc:
            raise problem.doc.error(path, str(exc)) from None
    return tolerance


def _part_tolerance(problem: Problem, path: tuple) -> dict | None:
    data = problem.doc.data
    try:
        for step in path:
            data = data[step]
    except (KeyError, IndexError, TypeError):
        return None
    own = data.get("tolerance") if isinstance(data, dict) else None
    return own if isinstance(own, dict) else None
