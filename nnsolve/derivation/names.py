"""How quantities are named and how their names are spelled, for solvers, grader and renderers.

A quantity has one name (`a3`, `conv1.out_h`, `step2.h`, `y[1,2]`): the key a student answers
under and the key the grader and the JSON use. Names have parts joined by dots (a layer, a
step, a field); elements of an indexed family add their index in brackets. Symbols are spelled
the way the answer parser reads them: `w_13`, `w_{13}` and `w13` are one name, `ε`, `eps`
and `epsilon` another. Keeping these rules in one module is what lets a student's `δ5` find
the derivation's `delta5`.
"""

from __future__ import annotations

import re
from typing import Iterable

#: the prefix of step k of an iteration (RNN time steps, WL rounds, Hopfield updates,
#: optimiser steps): quantity `h` of step 3 is `step3.h`
STEP = "step"

#: Greek letters as students type them in ASCII
GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon",
    "ϵ": "epsilon", "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta",
    "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi",
    "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi",
    "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta",
    "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Φ": "Phi",
    "Ψ": "Psi", "Ω": "Omega",
}
_ALIASES = {"eps": "epsilon", "lamda": "lambda"}
_ALPHA_PREFIX = re.compile(r"[A-Za-z]+")
_STEP_NAME = re.compile(rf"{STEP}(\d+)\.(.+)\Z")
_ELEMENT = re.compile(r"(?P<family>[^\[\]]+)\[(?P<index>\d+(?:,\d+)*)\]\Z")


def canonical_name(name: str) -> str:
    """The one spelling under which a symbol name is known.

    Students write the same variable as ``w_13``, ``w_{13}`` or ``w13``, and ``ε``, ``eps`` or
    ``epsilon``; one spelling lets the parser, the comparison and the solvers agree on it.
    Trailing apostrophes (derivative marks) are kept.
    """
    stem = name.rstrip("'′")
    primes = "'" * (len(name) - len(stem))
    stem = "".join(GREEK.get(ch, ch) for ch in stem if ch not in "_{}")
    match = _ALPHA_PREFIX.match(stem)
    if match and match.group() in _ALIASES:
        stem = _ALIASES[match.group()] + stem[match.end():]
    return stem + primes


def join(*parts: str) -> str:
    """A dotted name from its parts (`join("conv1", "out_h")` is `conv1.out_h`)."""
    return ".".join(p for p in parts if p)


def step(k: int, name: str) -> str:
    """Quantity `name` at step k of an iteration: `step3.h`."""
    return f"{STEP}{k}.{name}"


def split_step(name: str) -> tuple[int, str] | None:
    """(k, name) for a step's quantity (`step3.h` → (3, "h")); None for any other name."""
    match = _STEP_NAME.match(name)
    return (int(match.group(1)), match.group(2)) if match else None


def element(family: str, index: Iterable[int]) -> str:
    """Element `index` of an indexed family: `y[1,2]` (indices from 1, as courses write)."""
    return f"{family}[{','.join(str(i) for i in index)}]"


def split_element(name: str) -> tuple[str, tuple[int, ...]] | None:
    """(family, index) for an element's name (`y[1,2]` → ("y", (1, 2))); None otherwise."""
    match = _ELEMENT.match(name)
    if not match:
        return None
    return match.group("family"), tuple(int(i) for i in match.group("index").split(","))


def written(name: str) -> str:
    """How the board spells a quantity's name by default: a step's quantity with its step as
    a subscript (`step3.h` is h_3, `step2.W_xh` is W_xh^(2)); any other name as it is."""
    parts = split_step(name)
    if parts is None:
        return name
    k, base = parts
    if base.isidentifier() and "_" not in base:
        return f"{base}_{k}"
    return f"{base}^({k})"
