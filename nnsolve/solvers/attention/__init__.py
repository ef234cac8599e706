"""The `attention` solver family. Only the solver class is named here, for the entry point
`nnsolve.solvers.attention:AttentionSolver`; the given (AttentionGiven) is in
nnsolve.solvers.attention.given."""

from nnsolve.solvers.attention.solver import AttentionSolver

__all__ = ["AttentionSolver"]
