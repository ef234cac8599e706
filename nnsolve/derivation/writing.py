"""Values written in a format chosen by name, and the forms of the kinds that read otherwise
than their bare value: a count grouped by thousands (34,944), a shape as H×W×C, a truth value
as a word.

A kind's `text`, `latex` and `mathml` are the writers every renderer and message goes through;
all three go through the kind's one `write`, and the built-in kinds whose form is not their
value's own call the functions here from it, so the three formats of one form sit side by side
and cannot drift apart.
"""

from __future__ import annotations

from typing import Any, Callable

import sympy

from nnsolve.derivation import layout as L
from nnsolve.derivation import printing

_VALUE: dict[str, Callable[..., str]] = {"text": printing.text_value,
                                         "latex": printing.latex_value,
                                         "mathml": printing.mathml_value}
_TIMES = {"text": "×", "latex": r" \times ", "mathml": "<mo>×</mo>"}


def value(item: Any, fmt: str, digits: int = 4, *, exact: bool | str = True,
          elide: bool = False) -> str:
    """A value as its type writes it (see `printing.latex_value`, `values.format_value`)."""
    return _VALUE[fmt](item, digits, exact=exact, elide=elide)


def count(item: Any, fmt: str, digits: int = 4, *, exact: bool | str = True) -> str:
    """A whole number grouped by thousands, as counts of parameters are printed in papers:
    34,944 (34{,}944 in LaTeX, where a bare comma would add space)."""
    if not isinstance(item, sympy.Integer) or item < 0:
        return value(item, fmt, digits, exact=exact)
    grouped = f"{int(item):,}"
    if fmt == "latex":
        return grouped.replace(",", "{,}")
    if fmt == "mathml":
        return f"<mn>{grouped}</mn>"
    return grouped


def shape(item: Any, fmt: str, digits: int = 4, *, exact: bool | str = True) -> str:
    """Dimensions joined by ×, each in parentheses where it is a sum: (H − F + 1)×W×C."""
    if not isinstance(item, tuple) or L.is_matrix(item):
        return value(item, fmt, digits, exact=exact)
    dims = [_grouped(value(d, fmt, digits), fmt) if isinstance(d, sympy.Add)
            else value(d, fmt, digits) for d in item]
    joined = _TIMES[fmt].join(dims)
    return f"<mrow>{joined}</mrow>" if fmt == "mathml" else joined


def _grouped(written: str, fmt: str) -> str:
    if fmt == "latex":
        return r"\left(" + written + r"\right)"
    if fmt == "mathml":
        return f"<mrow><mo>(</mo>{written}<mo>)</mo></mrow>"
    return f"({written})"


def truth(item: Any, fmt: str, digits: int = 4, *, exact: bool | str = True) -> str:
    """1 and 0 as the words true and false; a word the item was written with as itself."""
    if isinstance(item, sympy.Integer) and item in (0, 1):
        item = "true" if item else "false"
    return value(item, fmt, digits, exact=exact)

