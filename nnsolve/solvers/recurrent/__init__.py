"""The recurrent solvers: the Elman cell (`rnn`), `lstm` and `gru`, step by step. Only the
solver classes are named here, for the entry points."""

from nnsolve.solvers.recurrent.solver import GruSolver, LstmSolver, RnnSolver

__all__ = ["RnnSolver", "LstmSolver", "GruSolver"]
