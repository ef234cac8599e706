"""The `wl` solver family: Weisfeiler-Lehman relabelling, the WL subtree kernel and the WL
isomorphism test. Only the solver class is named here, for the entry point
`nnsolve.solvers.wl:WlSolver`; the given (WlGiven) is in nnsolve.solvers.wl.given."""

from nnsolve.solvers.wl.solver import WlSolver

__all__ = ["WlSolver"]
