"""The `hopfield` solver family. Only the solver class is named here, for the entry point
`nnsolve.solvers.hopfield:HopfieldSolver`; the given is in nnsolve.solvers.hopfield.given."""

from nnsolve.solvers.hopfield.solver import HopfieldSolver

__all__ = ["HopfieldSolver"]
