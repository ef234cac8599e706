"""The `layers` solver family. Only the solver class is named here, for the entry point
`nnsolve.solvers.layers:LayersSolver`; the modules inside import one another directly."""

from nnsolve.solvers.layers.solver import LayersSolver

__all__ = ["LayersSolver"]
