"""Plugins' entry points, read once per process for every group.

Finding entry points means reading the metadata of every installed distribution; nnsolve asks
for two groups (`nnsolve.solvers`, `nnsolve.kinds`) on most commands, so they are read in one
scan and kept.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _all() -> dict:
    from importlib.metadata import entry_points

    found: dict = {}
    for entry in entry_points():
        found.setdefault(entry.group, []).append(entry)
    return found


def group(name: str) -> list:
    """The entry points of group `name` (EntryPoint objects), in the order installed."""
    return list(_all().get(name, ()))
