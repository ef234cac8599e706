"""The grader's view of comparison: the rules themselves belong to each kind of value
(`nnsolve.derivation.kinds`), so a plugin's kind is graded by its own comparator."""

from typing import Any

from nnsolve.derivation import kinds
from nnsolve.derivation.kinds import Comparison, Tolerance, compare
from nnsolve.derivation.kinds.compare_numbers import digits_written
from nnsolve.grade import memo

__all__ = ["Comparison", "Tolerance", "compare", "digits_written", "remembered_compare"]


def remembered_compare(expected: Any, given: Any, tol: Tolerance, *, kind: str,
                       time_limit: float = 2.0, given_text: Any = None,
                       definitions: dict | None = None,
                       simplify_limit: float | None = None) -> Comparison:
    """`compare`, each pair decided once per process (see `memo`): a verdict left undecided
    at the time limit is not kept. Raises what `compare` raises."""
    def compute() -> Comparison:
        return compare(expected, given, tol, kind=kind, time_limit=time_limit,
                       given_text=given_text, definitions=definitions,
                       simplify_limit=simplify_limit)

    defined = memo.ByIdentity(definitions) if definitions else None
    try:   # the kind itself, not only its name: a kind registered again compares anew
        judge = memo.ByIdentity(kinds.get(kind)) if kind != "auto" else kind
    except KeyError:
        judge = kind
    # a decided verdict holds whatever simplify was allowed; undecided ones are not kept
    key = (expected, given, tol, judge, given_text, defined)
    return memo.remembered(memo.comparisons, key, compute,
                           keep=lambda result: not result.undecided)
