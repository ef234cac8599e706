"""The `conv` solver family. Only the solver class is named here, for the entry point
`nnsolve.solvers.conv:ConvSolver`."""

from nnsolve.solvers.conv.solver import ConvSolver

__all__ = ["ConvSolver"]
