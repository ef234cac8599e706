"""The `gcn` solver family. Only the solver class is named here, for the entry point
`nnsolve.solvers.gcn:GcnSolver`; the given is in nnsolve.solvers.gcn.given."""

from nnsolve.solvers.gcn.solver import GcnSolver

__all__ = ["GcnSolver"]
