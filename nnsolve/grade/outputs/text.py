"""The terminal report: one compact block per submission, then the item-analysis table.

On a terminal both are rich renderables (colour and width are the console's business). When
stdout is a file or a pipe they are plain text: the same lines without styles, each block
written by `plain_block` (in the grading workers, so that the parent process only writes), and
the table by `plain_table`.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from nnsolve.grade.outputs.items import ItemAnalysis
from nnsolve.grade.outputs.wording import SYMBOLS, points, record_detail, wrong_answer
from nnsolve.grade.report import STATUSES, GradeResult
from nnsolve.terminal import StdoutOutput, printable

STYLES = {"correct": "green", "ecf": "cyan", "partial": "yellow", "incorrect": "red", "missing": "yellow",
          "invalid": "magenta"}


if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.table import Table


def _lines(result: GradeResult):
    """A submission's lines as (pieces of (text, style)), styled for a terminal."""
    r = result
    head = [(printable(r.student or "?"), "bold")]
    if r.name:
        head.append((printable(f"  {r.name}"), ""))
    if r.problem:
        head.append((printable(f"  {r.problem}"), "dim"))
    if r.error is not None:
        head += [("  invalid", "bold magenta"), (printable(f"  ({r.file})"), "dim")]
        yield head
        yield [(printable(f"  {r.error}"), "magenta")]
        return
    head += [(f"  {points(r.score)}/{points(r.max_score)}", "bold"),
             (printable(f"  ({r.file})"), "dim")]
    yield head
    several = len({record.problem for record in r.records}) > 1   # a problem set
    names = [(f"{record.problem} " if several else "") + f"{record.part}.{record.name}"
             for record in r.records]
    scores = [f"{points(record.awarded)}/{points(record.points)}" for record in r.records]
    name_width = max(map(len, names), default=0)
    score_width = max(map(len, scores), default=0)
    for record, name, score in zip(r.records, names, scores):
        style = STYLES.get(record.status, "")
        yield [("  ", ""), (SYMBOLS.get(record.status, "?"), style),
               (printable(f" {name:<{name_width}}  {score:>{score_width}}  "), ""),
               (printable(record_detail(record)), "" if record.status == "correct" else style)]


def plain_block(result: GradeResult) -> str:
    """A submission as plain lines, for a file or a pipe (no styles, no wrapping)."""
    return "".join("".join(text for text, _ in line).rstrip() + "\n" for line in _lines(result))


class ResultView:
    """One submission as a few lines: who, score, then one line per asked quantity."""

    def __init__(self, result: GradeResult):
        self.result = result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        for pieces in _lines(self.result):
            line = Text()
            for text, style in pieces:
                line.append(text, style=style)
            yield line


def stdout_console() -> Console:
    """The console for results: a terminal's own width; otherwise (a file, a pipe) wide enough
    that the item-analysis table is not squeezed into 80 columns, unless COLUMNS says."""
    from rich.console import Console

    class ResultsConsole(Console):
        """rich ends the whole process when stdout's reader leaves; the batch goes on instead
        (its files are still to be written), and `StdoutOutput` stops printing."""

        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    console = ResultsConsole()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 160
    return console


#: short headers, so that the table and its most useful column fit an 80-column terminal
HEADERS = {"correct": "right", "ecf": "ecf", "partial": "part.", "incorrect": "wrong",
           "missing": "miss.", "invalid": "inv."}


def _item_rows(items: ItemAnalysis, top: int = 3) -> tuple[list[str], list[list[str]]]:
    """The statuses that occur, and per asked quantity: its name, how many answered, the
    share of each status and the common wrong answers."""
    several = len(items.problems) > 1
    statuses = [s for s in STATUSES if any(item.share(s) for item in items)] or ["correct"]
    rows = []
    for item in items:
        wrong = "; ".join(wrong_answer(w) for w in item.common_wrong(top))
        name = f"{item.part}.{item.name}"
        row = [f"{item.problem} {name}" if several else name, str(item.n)]
        row += [f"{item.share(s):.0%}" for s in statuses]
        row.append(wrong or "—")
        rows.append([printable(cell) for cell in row])
    return statuses, rows


def plain_table(items: ItemAnalysis, top: int = 3) -> str:
    """The item analysis as aligned plain columns (a file or a pipe)."""
    statuses, rows = _item_rows(items, top)
    header = ["item", "n", *(HEADERS[s] for s in statuses), "most common wrong answers"]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        middle = [c.rjust(w) for c, w in zip(cells[1:-1], widths[1:])]
        return "  ".join([first, *middle, cells[-1]]).rstrip()

    return "\n".join(["Item analysis", line(header), *(line(row) for row in rows)]) + "\n"


def item_table(items: ItemAnalysis, top: int = 3) -> Table:
    """Per asked quantity: how many answered, the share of each status that occurs, and the
    common wrong answers (folded, never cut: a number cut short misleads)."""
    from rich.table import Table
    from rich.text import Text

    statuses, rows = _item_rows(items, top)
    table = Table(title="Item analysis", title_justify="left", show_lines=False)
    table.add_column("item", overflow="fold", ratio=1, min_width=10)
    table.add_column("n", justify="right", no_wrap=True)
    for status in statuses:
        table.add_column(HEADERS[status], justify="right", style=STYLES[status], no_wrap=True)
    table.add_column("most common wrong answers", overflow="fold", ratio=2, min_width=16)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def stdout_is_terminal() -> bool:
    """Whether results go to a terminal (rich, colour) rather than a file or a pipe (plain);
    FORCE_COLOR and TTY_COMPATIBLE ask for the terminal's form anyway, as they ask rich."""
    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE") == "1":
        return True
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


class TextOutput(StdoutOutput):
    """Writes each block to stdout as soon as it is graded; the table at the end. On a
    terminal through rich; to a file or a pipe as plain text, each block rendered where the
    result was graded (`render`) and only written here."""

    def __init__(self, console: Console | None = None):
        self.plain = console is None and not stdout_is_terminal()
        self.console = None if self.plain else console or stdout_console()
        #: what a grading worker renders for `add` (picklable), None to render here
        self.render = plain_block if self.plain else None

    def add(self, result: GradeResult, rendered: str | None = None) -> None:
        if self.plain:
            self._write(rendered if rendered is not None else plain_block(result))
        else:
            self._emit(self.console.file, self.console.print, ResultView(result))

    def _write(self, text: str) -> None:
        stream = sys.stdout
        self._emit(stream, stream.write, text)

    def finish(self, summary) -> None:
        """The item analysis speaks of a class: a student checking one file is not shown it."""
        if not (len(summary.items) and summary.submissions > 1):
            return
        if self.plain:
            self._write("\n" + plain_table(summary.items))
            self._emit(sys.stdout, sys.stdout.flush)
            return
        self._emit(self.console.file, self.console.print)
        self._emit(self.console.file, self.console.print, item_table(summary.items))

    def discard(self) -> None:
        """Lines already printed are on the terminal; nothing is staged."""
