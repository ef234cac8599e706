"""What a solver plugin is.

A solver turns a part's validated `given` into a Derivation. It declares everything the rest of
nnsolve needs to know about it, so the command line, the grader and the renderers never need
to know a particular solver: its given schema (a pydantic model), its conventions with their
defaults, the quantity names it produces, the ones asked by default, and a template problem.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Mapping

if TYPE_CHECKING:
    import pydantic

    from nnsolve.derivation.core import Derivation

    class Given(pydantic.BaseModel):
        """Base of every solver's given schema (built on first import: see `__getattr__`)."""


@dataclass(frozen=True)
class Convention:
    """A point courses disagree on, with the default nnsolve uses when a spec is silent."""

    default: str
    choices: tuple[str, ...]
    doc: str


#: layers one problem part may have, blocks written out (DenseNet-121 is 433): tens of
#: thousands take minutes to build and gigabytes to hold
MAX_LAYERS = 1000


def at_most_max_layers(layers: Any) -> Any:
    """A `before` validator for a solver's list of layers: too many are refused before each
    one is validated (20,000 layers cost seconds in validation alone)."""
    if isinstance(layers, list) and len(layers) > MAX_LAYERS:
        raise ValueError(f"{len(layers):,} layers; the limit is {MAX_LAYERS:,} layers")
    return layers


def _given_base() -> type:
    import pydantic

    class Given(pydantic.BaseModel):
        """Base of every solver's given schema: unknown fields are errors, not silently
        ignored."""

        model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    Given.__module__ = __name__
    return Given


def __getattr__(name: str) -> Any:
    """`Given` (the pydantic base of every solver's given) is built the first time it is
    imported: listing solvers (`nnsolve solvers`, `nnsolve new`) never loads pydantic."""
    if name == "Given":
        base = globals()["Given"] = _given_base()
        return base
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class GivenFrom:
    """A solver's `Given` named by where it is ("package.module:Class") and imported the first
    time it is read, so that the solver's module loads without its pydantic models:

        Given = GivenFrom("nnsolve.solvers.mlp.given:MlpGiven")
    """

    def __init__(self, target: str):
        self.target = target
        self._model: type | None = None

    def __get__(self, instance: Any, owner: type | None = None) -> type:
        if self._model is None:
            from importlib import import_module

            module, _, name = self.target.partition(":")
            self._model = getattr(import_module(module), name)
        return self._model


class Solver(ABC):
    #: the name used in `solver:` fields and in the entry point
    name: ClassVar[str]
    #: one line for `nnsolve solvers`
    summary: ClassVar[str]
    #: the pydantic model that validates `given`
    Given: ClassVar[type[Given]]
    #: documented quantity names (patterns such as `<layer>.params` allowed) and their meaning
    quantities: ClassVar[Mapping[str, str]] = {}
    #: the quantities asked when a part has no `ask`
    principal: ClassVar[tuple[str, ...]] = ()
    conventions: ClassVar[Mapping[str, Convention]] = {}
    #: a part (`given` and `ask`) that solves as is, for `nnsolve new`
    template: ClassVar[Mapping[str, Any]] = {}

    @abstractmethod
    def solve(self, given: Given, conventions: Mapping[str, str]) -> Derivation:
        """Build the derivation. `conventions` holds every declared convention, resolved."""

    # -- shared by all solvers --------------------------------------------------------------
    @classmethod
    def given_schema(cls) -> dict:
        """The JSON Schema of `given`. A solver package may ship it beside its module as
        `<name>.given.json` (nnsolve's own do: `python -m nnsolve.reference` writes them and a
        test keeps them current), so that `schema` and `new` answer without building the
        pydantic model; without that file the model makes it."""
        import json

        path = cls.shipped_schema_path()
        if path is not None:
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                pass
        return cls.Given.model_json_schema()

    @classmethod
    def shipped_schema_path(cls):
        """Where the solver's package keeps its given schema, if it is a directory on disk."""
        import sys
        from pathlib import Path

        module_file = getattr(sys.modules.get(cls.__module__), "__file__", None)
        return Path(module_file).with_name(f"{cls.name}.given.json") if module_file else None

    @classmethod
    def resolve_conventions(cls, stated: Mapping[str, str]) -> dict[str, str]:
        """Every declared convention with the stated value or the default (validated earlier)."""
        return {key: stated.get(key, c.default) for key, c in cls.conventions.items()}


class SolverError(ValueError):
    """The given values are well-formed but cannot be solved (a kernel larger than its input).

    `path` locates the offending field inside `given`, so the error names file:line.
    """

    def __init__(self, message: str, path: tuple = ()):
        super().__init__(message)
        self.path = tuple(path)
