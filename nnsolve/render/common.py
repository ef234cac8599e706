"""What every human-readable format shows, and in which order; the formats decide only how.

A part shows its conventions, its givens in one compact block, then its derived quantities
grouped under their `group` headings (in order of first appearance), its tables and its notes.
Each quantity reads `symbol = formula = formula with numbers = value`, with the exact value
followed by its decimal form where they differ (1/3 ≈ 0.3333). A value is written by its
kind (`ValueKind.text`, `.latex`, `.mathml`): the formats supply a `ValueWriter` that asks the
kind, and this module decides which forms a value shows in. A table value is shown as a real
table below its equation, in each format's own way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

import sympy

from nnsolve.derivation import board, kinds, printing
from nnsolve.derivation import structures as S
from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation, Quantity, Ref, Table
from nnsolve.derivation.kinds import ValueKind

#: what `nnsolve run` and `nnsolve key` call the solution of a one-part problem
SOLUTION = "Solution"


class ValueWriter(Protocol):
    """How one format writes values: by the kind's own form in that format."""

    #: the kinds' method this format writes with: "text", "latex" or "mathml"
    form: str

    def write(self, kind: ValueKind, value: Any, exact: bool) -> Any:
        """A value in this format; `exact=False` asks for the decimal form."""


class KindWriter:
    """The kind writes: a plugin's kind shows in every format without a renderer knowing it.
    Formats with more room than a line (the terminal's matrix blocks) override `write`."""

    form = "text"

    def write(self, kind: ValueKind, value: Any, exact: bool) -> Any:
        return getattr(kind, self.form)(value, exact=exact)


def value_forms(value: Any, kind: str, writer: ValueWriter) -> list:
    """The forms a value shows in: just one, or its exact form then its decimal form."""
    value_kind = kinds.get(kind)
    if V.exact_text(value) is None:
        return [writer.write(value_kind, value, False)]
    return [writer.write(value_kind, value, True), writer.write(value_kind, value, False)]


def plainly_written(kind: ValueKind, value: Any, exact: bool = False) -> bool:
    """Whether a kind writes a value as its bare value reads (an array as an array, a table
    as a table): only then may a format lay it out in blocks or as a real table, since a
    kind with a form of its own is shown in that form."""
    written = kind.text(value, exact=exact)
    return any(written == V.format_value(value, exact=exact, elide=elide)
               for elide in (True, False))


def tabulated(value: Any, kind: str) -> S.TableValue | None:
    """The table a value is shown as, below its quantity's equation, or None."""
    if isinstance(value, S.TableValue) and plainly_written(kinds.get(kind), value):
        return value
    return None


def value_table_cells(table: S.TableValue) -> list[list[tuple[Any, str]]]:
    """A table value's cells as (value, kind), each cell of the kind its value is."""
    return [[(cell, kinds.guess(cell)) for cell in row] for row in table.rows]


def numeric_columns(rows: list[list[tuple[Any, str]]]) -> list[bool]:
    """Which columns hold only numbers (set right-aligned), not labels."""
    if not rows:
        return []
    return [all(not isinstance(row[j][0], str) for row in rows) for j in range(len(rows[0]))]


PLAIN = KindWriter()


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
    if tabulated(q.value, q.kind) is not None:  # the table follows the equation
        forms = plain = [None]
    else:
        forms = value_forms(q.value, q.kind, writer)
        plain = value_forms(q.value, q.kind, PLAIN)
    if len(forms) > 1 and substituted is not None and not all(
            printing.substitutes_exactly(d[name].value) for name in q.inputs):
        forms, plain = [None, forms[-1]], [None, plain[-1]]
    sides = [("", symbol, printing.to_text(q.symbol)),
             ("=", formula, board.formula(d, q.name)),
             ("=", substituted, board.substituted(d, q.name, elide=True)),
             ("≈" if len(forms) == 1 and V.rounded_in(q.value, plain[0]) else "=",
              forms[0], plain[0])]
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
    """A given's value forms; none for a symbolic given that is just its own symbol (x1), nor
    for a table, which the formats show as a table."""
    if (isinstance(q.value, sympy.Basic) and q.value == q.symbol) or \
            tabulated(q.value, q.kind) is not None:
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
    return [q for q in derivation if q.given and q.shown]


def derived_groups(derivation: Derivation) -> list[Group]:
    """Derived quantities under their group headings, groups in order of first appearance."""
    groups: dict[str | None, Group] = {}
    for q in derivation.derived():
        if not q.shown:     # an element of a large map, an element taken out of a matrix
            continue
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


def document_title(solutions, problem_set=None) -> str:
    """What a rendered document is called: its problem set, else its (first) problem."""
    if problem_set is not None:
        return problem_set.title or problem_set.id
    return problem_heading(solutions[0].problem)


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
                cells.append((value, kinds.guess(value)))
        rows.append(cells)
    return rows


def cell_form(value: Any, kind: str, writer: ValueWriter):
    """A table cell shows one form: the decimal one where exact and decimal differ."""
    return value_forms(value, kind, writer)[-1]


def anchor(*names: str) -> str:
    """An id for HTML and LaTeX cross-references, made of safe characters only."""
    text = "-".join(names)
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in text)


#: a one-letter name with a short subscript in prose (t_k, a_j, w_ij, C_in), not an identifier
#: such as per_side: the renderers set it as a subscript, never as a raw underscore
_SUBSCRIPTED = re.compile(r"(?<![A-Za-z0-9_])([A-Za-zΑ-Ωα-ω])_([A-Za-z0-9]{1,3})(?![A-Za-z0-9_])")


def subscripted(text: str) -> list[tuple[str, str]]:
    """`text` as pieces (plain, subscript): "Σ_k t_k" is [("Σ", "k"), (" t", "k"), ("", "")]."""
    pieces, start = [], 0
    for match in _SUBSCRIPTED.finditer(text):
        pieces.append((text[start:match.start(2) - 1], match.group(2)))
        start = match.end()
    pieces.append((text[start:], ""))
    return pieces
