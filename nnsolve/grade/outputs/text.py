"""The terminal report: one compact block per submission, then the item-analysis table.

Both are rich renderables, so colour, width and plain-text fallback (a pipe, NO_COLOR) are
the console's business, not ours.
"""

from __future__ import annotations

import os

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from nnsolve.grade.outputs.items import ItemAnalysis
from nnsolve.grade.outputs.wording import SYMBOLS, points, record_detail, wrong_answer
from nnsolve.grade.report import STATUSES, GradeResult
from nnsolve.terminal import StdoutOutput, printable

STYLES = {"correct": "green", "ecf": "cyan", "partial": "yellow", "incorrect": "red", "missing": "yellow",
          "invalid": "magenta"}


class ResultView:
    """One submission as a few lines: who, score, then one line per asked quantity."""

    def __init__(self, result: GradeResult):
        self.result = result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        r = self.result
        head = Text()
        head.append(printable(r.student or "?"), style="bold")
        if r.name:
            head.append(printable(f"  {r.name}"))
        if r.problem:
            head.append(printable(f"  {r.problem}"), style="dim")
        if r.error is not None:
            head.append("  invalid", style="bold magenta")
            head.append(printable(f"  ({r.file})"), style="dim")
            yield head
            yield Text(printable(f"  {r.error}"), style="magenta")
            return
        head.append(f"  {points(r.score)}/{points(r.max_score)}", style="bold")
        head.append(printable(f"  ({r.file})"), style="dim")
        yield head
        several = len({record.problem for record in r.records}) > 1   # a problem set
        names = [(f"{record.problem} " if several else "") + f"{record.part}.{record.name}"
                 for record in r.records]
        scores = [f"{points(record.awarded)}/{points(record.points)}" for record in r.records]
        name_width = max(map(len, names), default=0)
        score_width = max(map(len, scores), default=0)
        for record, name, score in zip(r.records, names, scores):
            style = STYLES.get(record.status, "")
            line = Text("  ")
            line.append(SYMBOLS.get(record.status, "?"), style=style)
            line.append(printable(f" {name:<{name_width}}  {score:>{score_width}}  "))
            line.append(printable(record_detail(record)),
                        style="" if record.status == "correct" else style)
            yield line


class _ResultsConsole(Console):
    """rich ends the whole process when stdout's reader leaves; the batch goes on instead
    (its files are still to be written), and `StdoutOutput` stops printing."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def stdout_console() -> Console:
    """The console for results: a terminal's own width; otherwise (a file, a pipe) wide enough
    that the item-analysis table is not squeezed into 80 columns, unless COLUMNS says."""
    console = _ResultsConsole()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 160
    return console


#: short headers, so that the table and its most useful column fit an 80-column terminal
HEADERS = {"correct": "right", "ecf": "ecf", "partial": "part.", "incorrect": "wrong",
           "missing": "miss.", "invalid": "inv."}


def item_table(items: ItemAnalysis, top: int = 3) -> Table:
    """Per asked quantity: how many answered, the share of each status that occurs, and the
    common wrong answers (folded, never cut: a number cut short misleads)."""
    several = len(items.problems) > 1
    statuses = [s for s in STATUSES if any(item.share(s) for item in items)] or ["correct"]
    table = Table(title="Item analysis", title_justify="left", show_lines=False)
    table.add_column("item", overflow="fold", ratio=1, min_width=10)
    table.add_column("n", justify="right", no_wrap=True)
    for status in statuses:
        table.add_column(HEADERS[status], justify="right", style=STYLES[status], no_wrap=True)
    table.add_column("most common wrong answers", overflow="fold", ratio=2, min_width=16)
    for item in items:
        wrong = "; ".join(wrong_answer(w) for w in item.common_wrong(top))
        name = f"{item.part}.{item.name}"
        row = [f"{item.problem} {name}" if several else name, str(item.n)]
        row += [f"{item.share(s):.0%}" for s in statuses]
        row.append(wrong or "—")
        table.add_row(*(Text(printable(cell)) for cell in row))
    return table


class TextOutput(StdoutOutput):
    """Writes each block to stdout as soon as it is graded; the table at the end."""

    def __init__(self, console: Console | None = None):
        self.console = console or stdout_console()

    def add(self, result: GradeResult) -> None:
        self._emit(self.console.file, self.console.print, ResultView(result))

    def finish(self, summary) -> None:
        """The item analysis speaks of a class: a student checking one file is not shown it."""
        if len(summary.items) and summary.submissions > 1:
            self._emit(self.console.file, self.console.print)
            self._emit(self.console.file, self.console.print, item_table(summary.items))

    def discard(self) -> None:
        """Lines already printed are on the terminal; nothing is staged."""
