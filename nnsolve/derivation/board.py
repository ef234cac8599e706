"""A quantity's sides as a TA writes them: its symbol, its general formula, the formula with
the numbers put in. One function per side, with the format (text, latex, mathml) as an
argument, so a derivation holds what was computed and this module says how it reads."""

from __future__ import annotations

from nnsolve.derivation import printing
from nnsolve.derivation.core import Derivation

_PRINTERS = {"text": printing.to_text, "latex": printing.to_latex, "mathml": printing.to_mathml}
_SYMBOLS = {"text": printing.to_text, "latex": printing.symbol_latex,
            "mathml": printing.symbol_mathml}


def symbol(d: Derivation, name: str, fmt: str = "text") -> str:
    return _SYMBOLS[fmt](d[name].symbol)


def formula(d: Derivation, name: str, fmt: str = "text") -> str | None:
    """The general formula (`w13*x1 + w23*x2 + w03`), None for a quantity without one."""
    q = d[name]
    return _PRINTERS[fmt](q.formula) if q.formula is not None else None


def substituted(d: Derivation, name: str, fmt: str = "text", digits: int = 4, *,
                elide: bool = False, grouped: bool = False) -> str | None:
    """The formula with each input's value put in, nothing evaluated (`1*1 + (-1)*(-1)`);
    `grouped`: counts in the text form grouped by thousands, as the terminal shows values
    (LaTeX and MathML always group them)."""
    q = d[name]
    if q.formula is None or not q.inputs:
        return None
    values = {d[n].symbol: d[n].value for n in q.inputs}
    if fmt == "text":
        return printing.to_text(q.formula, values, digits, elide=elide, grouped=grouped)
    return _PRINTERS[fmt](q.formula, values, digits, elide=elide)
