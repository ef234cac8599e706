"""What every human-readable format shows, and in which order; the formats decide only how.

A part shows its conventions, its givens in one compact block, then its derived quantities
grouped under their `group` headings (in order of first appearance), its tables and its notes.
Each quantity reads `symbol = formula = formula with numbers = value`, with the exact value
followed by its decimal form where they differ (1/3 ≈ 0.3333). The formats supply a
`ValueWriter` and this module decides which forms a value shows in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import sympy

from nnsolve.derivation import printing
from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation, Quantity, Ref, Table
from nnsolve.derivation.printing import array_cells, is_matrix

#: what `nnsolve run` and `nnsolve key` call the solution of a one-part problem
SOLUTION = "Solution"


class ValueWriter(Protocol):
    """How one format writes values; `exact=False` asks for the decimal form."""

    def scalar(self, value: Any, exact: bool) -> Any: ...

    def array(self, value: tuple, exact: bool) -> Any: ...

    def shape(self, dims: list) -> Any: ...

    def grouped(self, written: Any) -> Any:
        """A written value in parentheses: a sum inside a product such as a shape."""

    def count(self, grouped: str) -> Any: ...

    def other(self, value: Any) -> Any: ...


def value_forms(value: Any, kind: str, writer: ValueWriter) -> list:
    """The forms a value shows in: just one, or its exact form then its decimal form."""
    if kind == "shape" and isinstance(value, tuple) and not is_matrix(value):
        return [writer.shape([writer.grouped(writer.scalar(v, True)) if isinstance(v, sympy.Add)
                              else writer.scalar(v, True) for v in value])]
    if kind == "count" and isinstance(value, sympy.Integer):
        return [writer.count(f"{int(value):,}")]
    if kind == "boolean" and isinstance(value, sympy.Integer) and value in (0, 1):
        return [writer.other("true" if value else "false")]
    if isinstance(value, (str, frozenset)):
        return [writer.other(value)]
    write = writer.array if isinstance(value, tuple) else writer.scalar
    if V.exact_text(value) is None:
        return [write(value, isinstance(value, sympy.Expr) and bool(value.free_symbols))]
    return [write(value, True), write(value, False)]


class PlainValues:
    """Values as plain one-line text: the terminal's form, and what sides are compared by."""

    def scalar(self, value: Any, exact: bool) -> str:
        return printing.text_value(value) if exact else V.format_number(value)

    def array(self, value: tuple, exact: bool) -> str:
        def line(entries) -> str:
            return "[" + ", ".join("…" if v is ... else self.scalar(v, exact)
                                   for v in entries) + "]"

        cells = array_cells(value)
        if is_matrix(value):
            return "[" + ", ".join("…" if row is ... else line(row) for row in cells) + "]"
        return line(cells)

    def shape(self, dims: list) -> str:
        return "×".join(dims)

    def grouped(self, written: str) -> str:
        return f"({written})"

    def count(self, grouped: str) -> str:
        return grouped

    def other(self, value: Any) -> str:
        return V.format_value(value)


PLAIN = PlainValues()


def equation(d: Derivation, q: Quantity, symbol, formula, substituted,
             writer: ValueWriter) -> list[tuple[str, Any]]:
    """`symbol = formula = substituted = value [≈ decimal]` as (relation, side) pairs, the
    first relation empty. A side that reads the same as the one before it in plain text is
    left out (y3 = g(a3), not y3 = g(a3) = g(a3)), and so is the substituted form of a formula
    that is a single symbol: that is the value itself. The exact value is shown only when the
    numbers put in were shown exactly: after 1*0.7311 + 1*1/2 the exact -3/2 + 1/(1 + exp(-1))
    would come from nowhere, so the chain goes straight to ≈ -0.7689."""
    if isinstance(q.formula, (sympy.Symbol, sympy.MatrixSymbol)):
        substituted = None
    forms = value_forms(q.value, q.kind, writer)
    plain = value_forms(q.value, q.kind, PLAIN)
    if len(forms) > 1 and substituted is not None and not all(
            printing.substitutes_exactly(d[name].value) for name in q.inputs):
        forms, plain = [None, forms[-1]], [None, plain[-1]]
    sides = [("", symbol, printing.to_text(q.symbol)),
             ("=", formula, d.formula_text(q.name)),
             ("=", substituted, d.substituted_text(q.name, elide=True)),
             ("=", forms[0], plain[0])]
    if len(forms) > 1:
        sides.append(("=" if V.shown_exactly(q.value, plain[-1]) else "≈", forms[1], plain[-1]))
    out: list[tuple[str, Any]] = []
    last = None
    for relation, side, key in sides:
        if side is None or side == "" or (out and key == last):
            continue
        out.append((relation, side))
        last = key
    return out


def given_forms(q: Quantity, writer: ValueWriter) -> list:
    """A given's value forms; none for a symbolic given that is just its own symbol (x1)."""
    if isinstance(q.value, sympy.Basic) and q.value == q.symbol:
        return []
    return value_forms(q.value, q.kind, writer)


def given_label(q: Quantity) -> str:
    """A given's label, unless it is only the default "given x1"."""
    return "" if q.label == f"given {q.name}" else q.label


@dataclass
class Group:
    title: str | None
    quantities: list[Quantity]


def given_quantities(derivation: Derivation) -> list[Quantity]:
    return [q for q in derivation if q.given]


def derived_groups(derivation: Derivation) -> list[Group]:
    """Derived quantities under their group headings, groups in order of first appearance."""
    groups: dict[str | None, Group] = {}
    for q in derivation.derived():
        groups.setdefault(q.group, Group(q.group, [])).quantities.append(q)
    return list(groups.values())


def asked_points(solved) -> dict[str, float]:
    return {a.name: a.points for a in solved.asked}


def points_text(points: float) -> str:
    number = f"{points:g}"
    return f"{number} pt" if points == 1 else f"{number} pts"


def asked_text(points: float) -> str:
    return f"asked, {points_text(points)}"


def conventions_text(solved) -> list[str]:
    return [f"{key}: {value}" for key, value in solved.conventions.items()]


def part_heading(problem, part) -> str:
    """"Part b: tanh" — or "Solution" for a problem of one untitled part."""
    if len(problem.parts) == 1 and not part.title:
        return SOLUTION
    return f"Part {part.id}: {part.title}" if part.title else f"Part {part.id}"


def problem_heading(problem) -> str:
    return problem.title or problem.id


def problem_byline(problem) -> str:
    """The small print under a problem's title: its id, source and the student's variant."""
    items = [problem.id]
    if problem.source:
        items.append(problem.source)
    chosen = ", ".join(f"{k} = {v}" for k, v in problem.variable_values.items())
    if problem.variables and problem.student is not None:
        items.append(f"variant of student {problem.student}" + (f" ({chosen})" if chosen else ""))
    elif problem.variables:
        items.append(f"default variant ({chosen}); --student ID gives a student's own")
    return " · ".join(items)


def table_cells(derivation: Derivation, table: Table) -> list[list[tuple[Any, str]]]:
    """Each cell as (value, kind); references read the quantity's own value and kind."""
    rows = []
    for row in table.rows:
        cells = []
        for cell in row:
            if isinstance(cell, Ref):
                q = derivation[cell.name]
                cells.append((q.value, q.kind))
            elif isinstance(cell, str):
                cells.append((cell, "label"))
            else:
                value = V.normalize(cell)
                cells.append((value, "number"))
        rows.append(cells)
    return rows


def cell_form(value: Any, kind: str, writer: ValueWriter):
    """A table cell shows one form: the decimal one where exact and decimal differ."""
    return value_forms(value, kind, writer)[-1]


def anchor(*names: str) -> str:
    """An id for HTML and LaTeX cross-references, made of safe characters only."""
    text = "-".join(names)
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in text)
