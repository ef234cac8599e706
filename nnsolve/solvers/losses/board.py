"""What the loss builders share: the derivation, the log base, and adding vectors and
element-wise quantities under the symbols the board writes (y, t, z, μ, σ, D(x))."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from nnsolve.derivation import pointwise as P
from nnsolve.derivation.core import Derivation
from nnsolve.derivation.ordered import over
from nnsolve.solvers.losses.logs import Base


@dataclass
class Board:
    base: Base
    mse: str
    d: Derivation = field(default_factory=Derivation)

    def given(self, name: str, value, label: str, written: str) -> sympy.Symbol:
        return P.given(self.d, name, value, label, written=written, group="given")

    def add(self, name: str, label: str, formula, written: str, *, misconceptions=(),
            group: str | None = None) -> sympy.Symbol:
        return P.add(self.d, name, label, formula, written=written, group=group,
                     misconceptions=[m for m in misconceptions if m is not None])

    def other_base(self, build, text: str = "") -> tuple[str, str, sympy.Basic]:
        """The misconception of a loss worked in the other log base: `build(base)` is the
        loss's formula in a base."""
        other = self.base.other
        return ("log-base", f"the logarithm is in base {self.base.name} here ({self.base.unit}); "
                            f"this is the value in base {other.name} ({other.unit}){text}",
                build(other))



def in_units(nats, base: Base) -> sympy.Basic:
    """A loss written in nats (a closed form with ln inside) in the unit of `base`."""
    return nats if base.name == "e" else over(nats, sympy.log(2))
