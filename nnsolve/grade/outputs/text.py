"""The terminal report: one compact block per submission, then the item-analysis table.

Both are rich renderables, so colour, width and plain-text fallback (a pipe, NO_COLOR) are
the console's business, not ours.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from nnsolve.grade.outputs.items import ItemAnalysis
from nnsolve.grade.outputs.wording import SYMBOLS, points, record_detail, wrong_answer
from nnsolve.grade.report import STATUSES, GradeResult

STYLES = {"correct": "green", "ecf": "cyan", "incorrect": "red", "missing": "yellow",
          "invalid": "magenta"}


class ResultView:
    """One submission as a few lines: who, score, then one line per asked quantity."""

    def __init__(self, result: GradeResult):
        self.result = result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        r = self.result
        head = Text()
        head.append(r.student or "?", style="bold")
        if r.name:
            head.append(f"  {r.name}")
        if r.problem:
            head.append(f"  {r.problem}", style="dim")
        if r.error is not None:
            head.append("  invalid", style="bold magenta")
            head.append(f"  ({r.file})", style="dim")
            yield head
            yield Text(f"  {r.error}", style="magenta")
            return
        head.append(f"  {points(r.score)}/{points(r.max_score)}", style="bold")
        head.append(f"  ({r.file})", style="dim")
        yield head
        table = Table.grid(padding=(0, 1))
        table.add_column(width=1)
        table.add_column()
        table.add_column(justify="right")
        table.add_column(overflow="fold")
        for record in r.records:
            symbol, style = SYMBOLS.get(record.status, "?"), STYLES.get(record.status, "")
            table.add_row(Text(symbol, style=style), Text(f"{record.part}.{record.name}"),
                          Text(f"{points(record.awarded)}/{points(record.points)}"),
                          Text(record_detail(record), style="" if record.status == "correct" else style))
        yield Padding(table, (0, 0, 0, 2))


def item_table(items: ItemAnalysis, top: int = 3) -> Table:
    """Per asked quantity: how many answered, the share of each status, common wrong answers."""
    several = len(items.problems) > 1
    table = Table(title="Item analysis", title_justify="left", show_lines=False)
    if several:
        table.add_column("problem")
    table.add_column("part")
    table.add_column("quantity")
    table.add_column("n", justify="right")
    for status in STATUSES:
        table.add_column(status, justify="right", style=STYLES[status])
    table.add_column("most common wrong answers", overflow="fold")
    for item in items:
        wrong = "; ".join(wrong_answer(w) for w in item.common_wrong(top))
        row = [item.problem] if several else []
        row += [item.part, item.name, str(item.n)]
        row += [f"{item.share(s):.0%}" for s in STATUSES]
        row.append(wrong or "—")
        table.add_row(*(Text(cell) for cell in row))
    return table


class TextOutput:
    """Writes each block to stdout as soon as it is graded; the table at the end."""

    def __init__(self, console: Console):
        self.console = console

    def add(self, result: GradeResult) -> None:
        self.console.print(ResultView(result))

    def finish(self, summary) -> None:
        if len(summary.items):
            self.console.print()
            self.console.print(item_table(summary.items))

    def discard(self) -> None:
        """Lines already printed are on the terminal; nothing is staged."""
