"""The `optim` solver family. Only the solver class is named here, for the entry point
`nnsolve.solvers.optim:OptimSolver`."""

from nnsolve.solvers.optim.solver import OptimSolver

__all__ = ["OptimSolver"]
