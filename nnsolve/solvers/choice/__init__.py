"""The `choice` solver family. Only the solver class is named here, for the entry point
`nnsolve.solvers.choice:ChoiceSolver`."""

from nnsolve.solvers.choice.solver import ChoiceSolver

__all__ = ["ChoiceSolver"]
