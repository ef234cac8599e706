"""A perceptron solver for nnsolve, found through the entry point `nnsolve.solvers`.

Only the solver class is named here: the entry point loads it, and importing it registers
the functions students may type (`hardlim`, `hardlims`).
"""

from nnsolve_perceptron.solver import PerceptronSolver

__all__ = ["PerceptronSolver"]
