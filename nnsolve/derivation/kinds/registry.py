"""The registry of kinds: the built-in ones, those plugins declare as entry points in the
group `nnsolve.kinds` (a ValueKind instance or class), and those registered by a call to
`register` (a solver package registering its own kind when it is imported)."""

from __future__ import annotations

from typing import Any, Iterable

from nnsolve.derivation.kinds.base import ValueKind
from nnsolve.derivation.kinds.builtin import BUILTIN, guess_kind

#: entry point group for kinds that plugins bring
ENTRY_POINTS = "nnsolve.kinds"

_KINDS: dict[str, ValueKind] = {}
_loaded = False


def register(kind: ValueKind) -> ValueKind:
    """Make a kind known by its name; registering the same name again replaces it (a plugin
    reloaded in a test)."""
    if not isinstance(kind, ValueKind) or not kind.name:
        raise TypeError(f"{kind!r} is not a named ValueKind")
    _load()     # the built-ins first, so a plugin's kind registered early is not replaced
    _KINDS[kind.name] = kind
    return kind


def _load() -> None:
    """The built-in kinds, then those plugins declare as entry points (once)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    from importlib.metadata import entry_points

    for kind in BUILTIN:
        _KINDS.setdefault(kind.name, kind)
    for entry in entry_points(group=ENTRY_POINTS):
        kind = entry.load()
        register(kind() if isinstance(kind, type) else kind)


def get(name: str) -> ValueKind:
    _load()
    try:
        return _KINDS[name]
    except KeyError:
        raise KeyError(f"unknown kind {name!r}; known: {', '.join(sorted(_KINDS))}") from None


def names() -> list[str]:
    _load()
    return sorted(_KINDS)


def all_kinds() -> Iterable[ValueKind]:
    _load()
    return list(_KINDS.values())


def guess(value: Any) -> str:
    """The kind of a normalized value when a solver names none."""
    return guess_kind(value)
