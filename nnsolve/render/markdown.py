"""Markdown with LaTeX math (`$…$`, `$$…$$`), as GitHub, Jupyter, pandoc and LMSs read it.

Also the students' view of a problem (`statement_markdown`): the statement and what each part
asks, with points and the quantity names a submission uses.
"""

from __future__ import annotations

import re
from typing import Any

from nnsolve.derivation import board
from nnsolve.derivation.core import Quantity
from nnsolve.render import common
from nnsolve.render.latex import LatexValues, equation_sides

_VALUES = LatexValues()
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!$])")


def escape(text: str) -> str:
    """Plain text that Markdown shows as written (no emphasis, links, HTML or math)."""
    return _SPECIAL.sub(r"\\\1", text)


def _cell(text: str) -> str:
    """Table cells may not hold a bare `|` or a line break."""
    return text.replace("|", r"\|").replace("\n", " ")


def _math(latex: str) -> str:
    return f"${latex}$"


def quantity_latex(d, q: Quantity) -> str:
    return " ".join(f"{relation} {side}".strip() for relation, side in equation_sides(d, q))


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |",
             "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def part_markdown(problem, solved) -> list[str]:
    d = solved.derivation
    out = [f"## {escape(common.part_heading(problem, solved.part))}", ""]
    if solved.part.statement:
        out += [solved.part.statement.strip(), ""]
    conventions = common.conventions_text(solved)
    if conventions:
        out += ["**Conventions:** " + escape("; ".join(conventions)), ""]
    givens = common.given_quantities(d)
    if givens:
        rows = [[_math(board.symbol(d, q.name, "latex")), _given_value(q),
                 escape(common.given_label(q))] for q in givens]
        out += ["**Given**", ""] + _table(["quantity", "value", "meaning"], rows) + [""]
    asked = common.asked_points(solved)
    for group in common.derived_groups(d):
        if group.title:
            out += [f"### {escape(group.title)}", ""]
        for q in group.quantities:
            header = f"**{escape(q.label)}**"
            if q.name in asked:
                header = f"★ {header} — *{common.asked_text(asked[q.name])}*"
            table = common.tabulated(q.value, q.kind)
            if table is None:
                out += [header, "", "$$", quantity_latex(d, q), "$$", ""]
            else:  # the chain as a line of its own, then the table
                out += [header, "", _math(quantity_latex(d, q)), ""] + value_table(table) + [""]
            if q.note:
                out += [f"> {escape(q.note)}", ""]
    for table in d.tables:
        rows = [[_table_cell(value, kind) for value, kind in row]
                for row in common.table_cells(d, table)]
        out += [f"**{escape(table.title)}**", ""] + _table(list(map(escape, table.header)), rows)
        out += [""]
    if d.notes:
        out += ["**Notes**", ""] + [f"- {escape(note)}" for note in d.notes] + [""]
    return out


def _given_value(q: Quantity) -> str:
    """A given's value in one table cell: a table value as its kind's LaTeX array, since a
    Markdown table cannot hold a table."""
    if common.tabulated(q.value, q.kind) is not None:
        return _math(q.value_kind.latex(q.value))
    forms = common.given_forms(q, _VALUES)
    return _math(r" \approx ".join(forms)) if forms else ""


def value_table(table) -> list[str]:
    """A table value as a Markdown table, each cell written by its kind."""
    rows = [[_table_cell(value, kind) for value, kind in row]
            for row in common.value_table_cells(table)]
    return _table(list(map(escape, table.header)), rows)


def _table_cell(value: Any, kind: str) -> str:
    if isinstance(value, str):
        return escape(value)
    return _math(common.cell_form(value, kind, _VALUES))


def solution_markdown(solution, *, statements: bool = False, level: int = 1) -> list[str]:
    problem = solution.problem
    out = [f"{'#' * level} {escape(common.problem_heading(problem))}", "",
           f"*{escape(common.problem_byline(problem))}*", ""]
    if statements and problem.statement:
        out += [problem.statement.strip(), ""]
    for solved in solution.parts:
        out += _demote(part_markdown(problem, solved), level - 1)
    return out


def _demote(lines: list[str], levels: int) -> list[str]:
    """Headings one level deeper when a problem sits inside a set."""
    if not levels:
        return lines
    return ["#" * levels + line if re.match(r"#+ ", line) else line for line in lines]


def render(solutions, *, problem_set=None, statements: bool = False) -> str:
    out: list[str] = []
    level = 1
    if problem_set is not None:
        level = 2
        out += [f"# {escape(common.document_title(solutions, problem_set))}", ""]
        out += [f"- [{escape(common.problem_heading(s.problem))}](#{_slug(s.problem)})"
                for s in solutions] + [""]
    for solution in solutions:
        if problem_set is not None:
            out += [f'<a id="{_slug(solution.problem)}"></a>', ""]
        out += solution_markdown(solution, statements=statements, level=level)
    return "\n".join(out).rstrip("\n") + "\n"


def _slug(problem) -> str:
    return common.anchor("problem", problem.id)


def statement_markdown(solution) -> str:
    """The problem as a student sees it: statement, parts, and each quantity asked (the names
    the solver resolved, w13.new rather than a pattern) with its points."""
    problem = solution.problem
    out = [f"# {escape(common.problem_heading(problem))}", ""]
    if problem.source:
        out += [f"*{escape(problem.source)}*", ""]
    if problem.statement:
        out += [problem.statement.strip(), ""]
    for solved in solution.parts:
        part = solved.part
        heading = common.part_heading(problem, part)
        if heading != common.SOLUTION:
            out += [f"## {escape(heading)}", ""]
        if part.statement:
            out += [part.statement.strip(), ""]
        out += ["**Asked:** " + ", ".join(f"`{a.name}` ({common.points_text(a.points)})"
                                          for a in solved.asked), ""]
    return "\n".join(out).rstrip("\n") + "\n"


