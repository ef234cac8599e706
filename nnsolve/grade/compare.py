"""The grader's view of comparison: the rules themselves belong to each kind of value
(`nnsolve.derivation.kinds`), so a plugin's kind is graded by its own comparator."""

from nnsolve.derivation.kinds import Comparison, Tolerance, compare
from nnsolve.derivation.kinds.compare_numbers import digits_written

__all__ = ["Comparison", "Tolerance", "compare", "digits_written"]
