"""A standalone LaTeX document (article, amsmath, booktabs) that pdflatex compiles as it is.

Every piece of text from a problem file or a solver (titles, labels, notes, table cells) goes
through `escape`, which also spells the usual Unicode symbols (σ, →, ×, ≈) as LaTeX, since
pdflatex's UTF-8 support stops at accented Latin letters.
"""

from __future__ import annotations

import re
from typing import Any

from nnsolve.derivation import board
from nnsolve.derivation.core import Quantity
from nnsolve.derivation.texescape import escape
from nnsolve.render import common, statements

__all__ = ["escape", "render"]

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{lmodern}
\usepackage{amsmath,amssymb}
\usepackage{booktabs,array,longtable}
\usepackage[margin=2.2cm]{geometry}
\setcounter{MaxMatrixCols}{20}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5\baselineskip}
\allowdisplaybreaks
"""

#: rows of a table value beyond which it is set below its equation, free to run over pages
LONG_TABLE = 30
#: a chain of equalities longer than this (LaTeX source characters) is set one step a line
LONG_EQUATION = 90


class LatexValues(common.KindWriter):
    """Values in LaTeX math, as their kinds write them (matrices as pmatrix, elided with
    \\cdots and \\vdots)."""

    form = "latex"


_VALUES = LatexValues()
_RELATIONS = {"": "", "=": "=", "≈": r"\approx"}


def equation_sides(d, q: Quantity) -> list[tuple[str, str]]:
    """The sides of a quantity's chain; one that ends in `=` is followed by its table."""
    sides = common.equation(d, q, board.symbol(d, q.name, "latex"),
                            board.formula(d, q.name, "latex"),
                            board.substituted(d, q.name, "latex", elide=True), _VALUES)
    out = [(_RELATIONS[relation], side) for relation, side in sides]
    if common.tabulated(q.value, q.kind) is not None:
        out.append(("=", ""))
    return out


#: characters of a line of a displayed equation as set (a command counts as one), beyond
#: which a sum goes on on the next line instead of running into the margin
LINE_CHARACTERS = 64
_COMMAND = re.compile(r"\\[A-Za-z]+|[{}]")
_TERM = re.compile(r" [+-] ")


def display_equation(sides: list[tuple[str, str]]) -> str:
    """One displayed line, or `align*` one step a line when the chain is long, a long sum
    continued on further lines."""
    long_side = any(_set_width(side) > LINE_CHARACTERS for _, side in sides[1:])
    if not long_side and (sum(len(side) for _, side in sides) <= LONG_EQUATION
                          or len(sides) < 3):
        return r"\[" + " ".join(f"{rel} {side}".strip() for rel, side in sides) + r"\]"
    first = f"{sides[0][1]} &{sides[1][0]} {_continued(sides[1][1])}"
    rest = [f"&{rel} {_continued(side)}" for rel, side in sides[2:]]
    return "\\begin{align*}\n" + " \\\\\n".join([first] + rest) + "\n\\end{align*}"


def _set_width(latex: str) -> int:
    return len(_COMMAND.sub("", latex))


def _continued(side: str) -> str:
    """A side broken before a `+` or `-` between top-level terms when it is too long."""
    if _set_width(side) <= LINE_CHARACTERS:
        return side
    pieces, depth, start = [], 0, 0
    for i, char in enumerate(side):
        depth += (char == "{") - (char == "}")
        depth += side.startswith(r"\left", i) - side.startswith(r"\right", i)
        if depth == 0 and i > start and _TERM.match(side, i):
            pieces.append(side[start:i])
            start = i + 1
    pieces.append(side[start:])
    lines, line = [], ""
    for piece in pieces:
        if line and _set_width(line + piece) > LINE_CHARACTERS:
            lines.append(line)
            line = ""
        line += (" " if line else "") + piece
    lines.append(line)
    return " \\\\\n&\\quad ".join(lines)


def _tabular(columns: str, header: list[str] | None, rows: list[list[str]],
             position: str = "") -> str:
    placed = f"[{position}]" if position else ""
    lines = [rf"\begin{{tabular}}{placed}{{{columns}}}", r"\toprule"]
    if header is not None:
        lines += [" & ".join(header) + r" \\", r"\midrule"]
    # a row opening with "[" would be read as the optional argument of the \\ before it
    lines += [("{}" if row and row[0].startswith("[") else "") + " & ".join(row) + r" \\"
              for row in rows]
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines)


def _longtable(columns: str, header: list[str] | None, rows: list[list[str]]) -> str:
    """A table that may run over pages (a ResNet's summary has a hundred rows), its header
    repeated on each."""
    head = [" & ".join(header) + r" \\", r"\midrule"] if header is not None else []
    lines = [rf"\begin{{longtable}}{{{columns}}}", r"\toprule", *head, r"\endhead",
             r"\bottomrule", r"\endlastfoot"]
    lines += [" & ".join(row) + r" \\" for row in rows]
    return "\n".join(lines + [r"\end{longtable}"])


def part_latex(problem, solved) -> list[str]:
    d = solved.derivation
    out = [rf"\subsection*{{{escape(common.part_heading(problem, solved.part))}}}"]
    if solved.part.statement:
        out.append(statements.to_latex(solved.part.statement, escape))
    conventions = common.conventions_text(solved)
    if conventions:
        out.append(r"{\raggedright\textbf{Conventions:} "
                   + "; ".join(rf"\texttt{{{escape(c)}}}" for c in conventions) + r"\par}" + "\n")
    givens = common.given_quantities(d)
    if givens:
        rows = [[f"${board.symbol(d, q.name, 'latex')}$", _given_value(q),
                 escape(common.given_label(q))] for q in givens]
        out += [r"\textbf{Given}", "", _longtable(GIVEN_COLUMNS, None, rows), ""]
    asked = common.asked_points(solved)
    for group in common.derived_groups(d):
        if group.title:
            out.append(rf"\subsubsection*{{{escape(group.title)}}}")
        for q in group.quantities:
            header = r"\textbf{" + prose(q.label) + "}"
            if q.name in asked:
                header = (r"$\bigstar$ " + header + r" \hfill \textit{"
                          + escape(common.asked_text(asked[q.name])) + "}")
            out.append(r"\par\noindent " + header)
            table = common.tabulated(q.value, q.kind)
            if table is None:
                out.append(display_equation(equation_sides(d, q)))
            else:  # the chain, then its table on the same line (below it when it is long)
                chain = " ".join(f"{rel} {side}".strip() for rel, side in equation_sides(d, q))
                if len(table.rows) > LONG_TABLE:
                    out += [rf"\[{chain}\]", value_tabular(table, "long")]
                else:
                    out += [r"\begin{center}", f"${chain}$\\quad", value_tabular(table, "c"),
                            r"\end{center}"]
            if q.note:
                out.append(r"{\small\itshape " + prose(q.note) + "}\n")
            out.append("")
    for table in d.tables:
        rows = [[_table_cell(value, kind) for value, kind in row]
                for row in common.table_cells(d, table)]
        columns = "l" + "r" * (len(table.header) - 1)
        out += [r"\textbf{" + escape(table.title) + "}", "",
                _longtable(columns, [escape(h) for h in table.header], rows), ""]
    if d.notes:
        out += [r"\textbf{Notes}", r"\begin{itemize}"]
        out += [r"\item " + prose(note) for note in d.notes]
        out += [r"\end{itemize}", ""]
    return out


#: symbol, value, words: the two text columns wrap inside the margin (an option's text is long)
GIVEN_COLUMNS = (r"l >{\raggedright\arraybackslash}p{0.42\linewidth} "
                 r">{\raggedright\arraybackslash}p{0.34\linewidth}")


def _given_value(q: Quantity) -> str:
    table = common.tabulated(q.value, q.kind)
    if table is not None:
        return "$=$ " + value_tabular(table, "t")
    if isinstance(q.value, str):       # words (an option's text) are set as text, which wraps
        return "$=$ " + escape(q.value)
    forms = common.given_forms(q, _VALUES)
    return "$= " + r" \approx ".join(forms) + "$" if forms else ""


def value_tabular(table, position: str = "") -> str:
    """A table value as a booktabs tabular, each cell written by its kind; `position` "c"
    centres it on the line, beside the quantity's symbol."""
    cells = common.value_table_cells(table)
    rows = [[_table_cell(value, kind) for value, kind in row] for row in cells]
    columns = "".join("r" if numeric else "l" for numeric in common.numeric_columns(cells))
    columns, header = columns or "l" * len(table.header), [escape(h) for h in table.header]
    if position == "long":
        return _longtable(columns, header, rows)
    return _tabular(columns, header, rows, position)


def _table_cell(value: Any, kind: str) -> str:
    if isinstance(value, str):
        return escape(value)
    return "$" + common.cell_form(value, kind, _VALUES) + "$"


def solution_latex(solution, *, statements_shown: bool, numbered: bool) -> list[str]:
    problem = solution.problem
    star = "" if numbered else "*"
    out = [rf"\section{star}{{{escape(common.problem_heading(problem))}}}",
           r"{\small\itshape " + escape(common.problem_byline(problem)) + "}", ""]
    if statements_shown and problem.statement:
        out += [statements.to_latex(problem.statement, escape), ""]
    for solved in solution.parts:
        out += part_latex(problem, solved)
    return out


def prose(text: str) -> str:
    """A note, escaped, with its subscripts set as subscripts."""
    return "".join(escape(plain) + (rf"\textsubscript{{{escape(sub)}}}" if sub else "")
                   for plain, sub in common.subscripted(text))


def render(solutions, *, problem_set=None, statements: bool = False) -> str:
    title = common.document_title(solutions, problem_set)
    out = [PREAMBLE, r"\begin{document}"]
    if problem_set is not None:
        out += [r"\begin{center}{\LARGE\bfseries " + escape(title) + r"}\end{center}",
                r"\tableofcontents", r"\bigskip", ""]
    for solution in solutions:
        out += solution_latex(solution, statements_shown=statements,
                              numbered=problem_set is not None)
    out.append(r"\end{document}")
    text = "\n".join(out) + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)
