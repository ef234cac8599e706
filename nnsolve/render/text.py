"""The terminal view: one panel per part, each quantity with its label, formula, numbers, value.

The views are rich renderables (a part's panel, and groups of them for a problem and a set),
so they lay themselves out at whatever width the console has (a long equation breaks before
a relation, not inside a formula); `render` prints them into a plain-text console for
`-o FILE`, and `print_solutions` into the real one, which drops colour when stdout is not a
terminal or NO_COLOR is set.
"""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.columns import Columns
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.console import group as renderable_group
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from nnsolve.derivation import board, printing
from nnsolve.derivation import layout as L
from nnsolve.derivation import values as V
from nnsolve.derivation.core import Quantity
from nnsolve.render import common

#: the width of plain-text output written to a file
FILE_WIDTH = 100

ASKED_STYLE = "bold yellow"
GAPS = {"row": "⋯", "column": "⋮", "both": "⋱"}


def _markdown(text: str):
    """A statement as rich lays Markdown out; rich.markdown (with markdown-it and pygments)
    is imported only for a problem that has one."""
    from rich.markdown import Markdown

    return Markdown(text)


class TextValues(common.KindWriter):
    """Values as terminal text: matrices as aligned bracketed blocks, a tensor's channels as
    blocks side by side, everything else as its kind writes it on one line."""

    form = "text"

    def write(self, kind, value, exact: bool):
        if L.is_matrix(value) and common.plainly_written(kind, value, exact):
            def cell(v) -> str:
                return V.format_value(v, exact=exact)

            if L.is_tensor(value):
                return tensor_block(value, cell)
            return matrix_block(L.array_cells(value), cell)
        return super().write(kind, value, exact)


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


def tensor_block(value: tuple, write) -> Group:
    """A tensor's shape, then its slices as matrix blocks under their labels (channel 1, …),
    side by side as far as the width allows: 2×2×3 reads as two channels of 2×3."""
    items = []
    for piece in L.tensor_slices(value):
        if piece is None:
            items.append(Group(Text(""), Text(GAPS["row"])))
        else:
            items.append(Group(Text(piece[0], style="dim"),
                               matrix_block(L.array_cells(piece[1]), write)))
    return Group(Text(f"shape {L.shape_text(value)}", style="dim"), Columns(items, padding=(0, 3)))


def value_table(table) -> Table:
    """A table value as a table, each cell written by its kind."""
    out = Table(show_edge=False, header_style="bold")
    cells = common.value_table_cells(table)
    for name, numeric in zip(table.header, common.numeric_columns(cells)):
        out.add_column(name, justify="right" if numeric else "left")
    for row in cells:
        out.add_row(*(_cell(value, kind) for value, kind in row))
    return out


_VALUES = TextValues()


def quantity_equation(derivation, q: Quantity):
    """`y3 = σ(a3) = σ(1) = 1/(1 + exp(-1)) ≈ 0.7311`, one line or with matrix blocks."""
    sides = common.equation(derivation, q, printing.to_text(q.symbol),
                            board.formula(derivation, q.name),
                            board.substituted(derivation, q.name, elide=True, grouped=True),
                            _VALUES)
    items = []
    for relation, side in sides:
        items += [relation, side] if relation else [side]
    if common.tabulated(q.value, q.kind) is not None:
        items.append("=")  # the table follows
    return _line(items)


def quantity_value(forms: list):
    """A value's forms joined by ≈."""
    items = [forms[0]] if forms else []
    for form in forms[1:]:
        items += ["≈", form]
    return _line(items)


def _line(items: list):
    """Items on one line of text, or side by side in a grid when one is a block (a matrix,
    a tensor's channels); broken before a relation where they do not fit (`_Line`)."""
    return _Line(items)


class _Line:
    """`lhs = formula = numbers ≈ value`: where it does not fit the width, each further
    `= …` starts a line of its own under the first relation, as a long derivation is written
    on a blackboard, instead of a formula wrapped in the middle or squeezed beside a matrix."""

    def __init__(self, items: list):
        self.items = items or [""]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        def size(item) -> int:
            if isinstance(item, str):
                return cell_len(item)
            return Measurement.get(console, options, item).maximum

        head, rest = self.items[0], self.items[1:]
        indent = size(head) if size(head) <= options.max_width // 3 else 2
        row, used, rows = [head], size(head), []
        for step in (rest[i:i + 2] for i in range(0, len(rest), 2)):
            width = sum(size(item) + 1 for item in step)
            if len(row) > 1 and used + width > options.max_width:
                rows.append(row)
                row, used = [" " * indent], indent
            row += step
            used += width
        rows.append(row)
        for row in rows:
            yield _row(row)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        parts = [Measurement.get(console, options, Text(item) if isinstance(item, str) else item)
                 for item in self.items]
        return Measurement(max(p.minimum for p in parts),
                           sum(p.maximum for p in parts) + len(parts) - 1)


def _row(items: list):
    if all(isinstance(item, str) for item in items):
        return Text(" ".join(items))
    grid = Table.grid(padding=(0, 1))
    for _ in items:
        grid.add_column(vertical="middle")
    grid.add_row(*(Text(item) if isinstance(item, str) else item for item in items))
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
            yield _markdown(solved.part.statement)
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
            table = common.tabulated(q.value, q.kind)
            value = value_table(table) if table is not None else quantity_value(forms)
            grid.add_row(Text(printing.to_text(q.symbol)),
                         Text("=" if forms or table is not None else ""),
                         value, Text(common.given_label(q)))
        return grid

    def _quantity(self, d, q: Quantity, points):
        header = Text()
        if points is not None:
            header.append("★ ", style=ASKED_STYLE)
        header.append(q.label, style="bold")
        if points is not None:
            header.append(f"  ({common.asked_text(points)})", style=ASKED_STYLE)
        yield header
        table = common.tabulated(q.value, q.kind)
        if table is None:
            yield Padding(quantity_equation(d, q), (0, 0, 0, 4))
        else:
            yield Padding(quantity_equation(d, q), (0, 0, 0, 4))
            yield Padding(value_table(table), (0, 0, 0, 6))
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


@renderable_group()
def solution_view(solution, *, statements: bool = False):
    """A problem: its title and byline, its statement in answer keys, then its parts (one
    group of renderables, laid out as the console prints them)."""
    problem = solution.problem
    yield Text(common.problem_heading(problem), style="bold underline")
    yield Text(common.problem_byline(problem), style="dim")
    if statements and problem.statement:
        yield _markdown(problem.statement)
    for solved in solution.parts:
        yield PartView(problem, solved, statements=statements)


@renderable_group()
def set_view(problem_set, solutions, *, statements: bool = False):
    """A problem set: its title, then each problem."""
    if problem_set is not None:
        yield Rule(Text(common.document_title(solutions, problem_set), style="bold"))
    for i, solution in enumerate(solutions):
        if i:
            yield Text("")
        yield solution_view(solution, statements=statements)


def print_solutions(solutions, *, problem_set=None, statements: bool = False,
                    console: Console | None = None) -> None:
    """Show solutions on stdout (colour only on a terminal without NO_COLOR)."""
    console = console or Console(highlight=False)
    console.print(set_view(problem_set, solutions, statements=statements))


def render(solutions, *, problem_set=None, statements: bool = False) -> str:
    """The same view as plain text, no escape codes."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=FILE_WIDTH, force_terminal=False, color_system=None,
                      no_color=True, highlight=False, emoji=False, legacy_windows=False)
    print_solutions(solutions, problem_set=problem_set, statements=statements, console=console)
    return buffer.getvalue()
