"""The `mlp` solver family. Only the solver class is named here, for the entry point
`nnsolve.solvers.mlp:MlpSolver`; the given (MlpGiven) is in nnsolve.solvers.mlp.network."""

from nnsolve.solvers.mlp.solver import MlpSolver

__all__ = ["MlpSolver"]
