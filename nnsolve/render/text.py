"""The terminal view: one panel per part, each quantity with its label, formula, numbers, value.

The views are rich renderables (`__rich_console__`), so they lay themselves out at whatever
width the console has; `render` prints them into a plain-text console for `-o FILE`, and
`print_solutions` into the real one, which drops colour when stdout is not a terminal or
NO_COLOR is set.
"""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.markdown import Markdown
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from nnsolve.derivation import printing
from nnsolve.derivation.core import Quantity
from nnsolve.derivation.printing import array_cells, is_matrix
from nnsolve.render import common

#: the width of plain-text output written to a file
FILE_WIDTH = 100

ASKED_STYLE = "bold yellow"
GAPS = {"row": "⋯", "column": "⋮", "both": "⋱"}


class TextValues(common.PlainValues):
    """Values as terminal text: matrices as aligned bracketed blocks."""

    def array(self, value: tuple, exact: bool):
        if not is_matrix(value):
            return super().array(value, exact)
        return matrix_block(array_cells(value), lambda v: self.scalar(v, exact))


def matrix_block(cells: list, write) -> Text:
    """Rows of cells (`...` marking elided ones) as right-aligned columns in tall brackets."""
    columns = cells[0]
    grid = []
    for row in cells:
        if row is ...:
            grid.append([GAPS["both"] if c is ... else GAPS["column"] for c in columns])
        else:
            grid.append([GAPS["row"] if v is ... else write(v) for v in row])
    widths = [max(cell_len(row[j]) for row in grid) for j in range(len(columns))]
    lines = ["  ".join(" " * (w - cell_len(c)) + c for c, w in zip(row, widths)) for row in grid]
    if len(lines) == 1:
        return Text(f"[ {lines[0]} ]")
    brackets = [("⎡", "⎤")] + [("⎢", "⎥")] * (len(lines) - 2) + [("⎣", "⎦")]
    return Text("\n".join(f"{left} {line} {right}" for (left, right), line in zip(brackets, lines)))


_VALUES = TextValues()


def quantity_equation(derivation, q: Quantity):
    """`y3 = σ(a3) = σ(1) = 1/(1 + exp(-1)) ≈ 0.7311`, one line or with matrix blocks."""
    sides = common.equation(derivation, q, printing.to_text(q.symbol),
                            derivation.formula_text(q.name),
                            derivation.substituted_text(q.name, elide=True), _VALUES)
    items = []
    for relation, side in sides:
        items += [relation, side] if relation else [side]
    return _line(items)


def quantity_value(forms: list):
    """A value's forms joined by ≈."""
    items = [forms[0]] if forms else []
    for form in forms[1:]:
        items += ["≈", form]
    return _line(items)


def _line(items: list):
    """Items on one line of text, or side by side in a grid when one is a matrix block."""
    if all(isinstance(item, str) for item in items):
        return Text(" ".join(items))
    grid = Table.grid(padding=(0, 1))
    for _ in items:
        grid.add_column(vertical="middle")
    grid.add_row(*(item if isinstance(item, Text) else Text(item) for item in items))
    return grid


class PartView:
    """One solved part as a panel: conventions, givens, derived quantities, tables, notes."""

    def __init__(self, problem, solved, *, statements: bool = False):
        self.problem = problem
        self.solved = solved
        self.statements = statements

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        part = self.solved.part
        title = Text(common.part_heading(self.problem, part), style="bold")
        yield Panel(Group(*self._body()), title=title, title_align="left",
                    border_style="blue", padding=(0, 1))

    def _body(self):
        solved, d = self.solved, self.solved.derivation
        if solved.part.statement:
            yield Markdown(solved.part.statement)
        conventions = common.conventions_text(solved)
        if conventions:
            yield Text.assemble(("Conventions  ", "bold"), ("  ·  ".join(conventions), "dim"))
        givens = common.given_quantities(d)
        if givens:
            yield Text("Given", style="bold")
            yield Padding(self._givens(givens), (0, 0, 0, 2))
        asked = common.asked_points(solved)
        for group in common.derived_groups(d):
            if group.title:
                yield Rule(Text(group.title, style="bold"), align="left", style="dim")
            for q in group.quantities:
                yield from self._quantity(d, q, asked.get(q.name))
        for table in d.tables:
            yield self._table(d, table)
        if d.notes:
            yield Text("Notes", style="bold")
            for note in d.notes:
                yield Padding(Text(f"• {note}"), (0, 0, 0, 2))

    def _givens(self, givens: list[Quantity]) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold")
        grid.add_column()
        grid.add_column(vertical="middle")
        grid.add_column(style="dim", vertical="middle")
        for q in givens:
            forms = common.given_forms(q, _VALUES)
            grid.add_row(Text(printing.to_text(q.symbol)), Text("=" if forms else ""),
                         quantity_value(forms), Text(common.given_label(q)))
        return grid

    def _quantity(self, d, q: Quantity, points):
        header = Text()
        if points is not None:
            header.append("★ ", style=ASKED_STYLE)
        header.append(q.label, style="bold")
        if points is not None:
            header.append(f"  ({common.asked_text(points)})", style=ASKED_STYLE)
        yield header
        yield Padding(quantity_equation(d, q), (0, 0, 0, 4))
        if q.note:
            yield Padding(Text(q.note, style="italic dim"), (0, 0, 0, 4))

    def _table(self, d, table) -> Table:
        out = Table(title=Text(table.title, style="bold"), title_justify="left",
                    show_edge=False, header_style="bold")
        for i, name in enumerate(table.header):
            out.add_column(name, justify="left" if i == 0 else "right")
        for row in common.table_cells(d, table):
            out.add_row(*(_cell(value, kind) for value, kind in row))
        return out


def _cell(value, kind):
    form = common.cell_form(value, kind, _VALUES)
    return form if isinstance(form, Text) else Text(form)


class SolutionView:
    """A problem: its title and byline, its statement in answer keys, then its parts."""

    def __init__(self, solution, *, statements: bool = False):
        self.solution = solution
        self.statements = statements

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        problem = self.solution.problem
        yield Text(common.problem_heading(problem), style="bold underline")
        yield Text(common.problem_byline(problem), style="dim")
        if self.statements and problem.statement:
            yield Markdown(problem.statement)
        for solved in self.solution.parts:
            yield PartView(problem, solved, statements=self.statements)


class SetView:
    """A problem set: its title, then each problem."""

    def __init__(self, problem_set, solutions, *, statements: bool = False):
        self.problem_set = problem_set
        self.solutions = solutions
        self.statements = statements

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.problem_set is not None:
            yield Rule(Text(self.problem_set.title or self.problem_set.id, style="bold"))
        for i, solution in enumerate(self.solutions):
            if i:
                yield Text("")
            yield SolutionView(solution, statements=self.statements)


def print_solutions(solutions, *, problem_set=None, statements: bool = False,
                    console: Console | None = None) -> None:
    """Show solutions on stdout (colour only on a terminal without NO_COLOR)."""
    console = console or Console(highlight=False)
    console.print(SetView(problem_set, solutions, statements=statements))


def render(solutions, *, problem_set=None, statements: bool = False) -> str:
    """The same view as plain text, no escape codes."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=FILE_WIDTH, force_terminal=False, color_system=None,
                      no_color=True, highlight=False, emoji=False, legacy_windows=False)
    print_solutions(solutions, problem_set=problem_set, statements=statements, console=console)
    return buffer.getvalue()
