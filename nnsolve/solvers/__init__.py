"""Finding solver plugins.

Solvers are registered under the entry point group `nnsolve.solvers` (nnsolve's own ones
included), so a course can ship its own solver as a separate package. Nothing is imported until
a solver is asked for by name: listing names costs no solver import.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points

GROUP = "nnsolve.solvers"


@lru_cache(maxsize=1)
def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def names() -> list[str]:
    return sorted(_entry_points())


def built_in() -> dict[str, str]:
    """The solvers nnsolve itself ships, name → entry point target, as its own metadata
    declares them: a new solver package is added by its entry point alone."""
    return {name: ep.value for name, ep in sorted(_entry_points().items())
            if ep.value.startswith(__name__ + ".")}


@lru_cache(maxsize=None)
def get(name: str):
    """The solver class registered as `name`; KeyError when there is none."""
    eps = _entry_points()
    if name not in eps:
        raise KeyError(name)
    solver = eps[name].load()
    if getattr(solver, "name", None) != name:
        raise TypeError(f"entry point {name!r} loads {solver!r}, whose name is not {name!r}")
    return solver
