"""The `losses` solver family. Only the solver class is named here, for the entry point
`nnsolve.solvers.losses:LossesSolver`."""

from nnsolve.solvers.losses.solver import LossesSolver

__all__ = ["LossesSolver"]
