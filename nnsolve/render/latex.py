"""A standalone LaTeX document (article, amsmath, booktabs) that pdflatex compiles as it is.

Every piece of text from a problem file or a solver (titles, labels, notes, table cells) goes
through `escape`, which also spells the usual Unicode symbols (σ, →, ×, ≈) as LaTeX, since
pdflatex's UTF-8 support stops at accented Latin letters.
"""

from __future__ import annotations

import re
from typing import Any

from nnsolve.derivation import printing
from nnsolve.derivation import values as V
from nnsolve.derivation.core import Quantity
from nnsolve.render import common, statements

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{lmodern}
\usepackage{amsmath,amssymb}
\usepackage{booktabs}
\usepackage[margin=2.2cm]{geometry}
\setcounter{MaxMatrixCols}{20}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5\baselineskip}
\allowdisplaybreaks
"""

#: a chain of equalities longer than this (LaTeX source characters) is set one step a line
LONG_EQUATION = 90

_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
            "|": r"\textbar{}"}
_MATH_CHARACTERS = {
    "→": r"\rightarrow", "←": r"\leftarrow", "↔": r"\leftrightarrow", "⇒": r"\Rightarrow",
    "×": r"\times", "·": r"\cdot", "≈": r"\approx", "≤": r"\leq", "≥": r"\geq",
    "≠": r"\neq", "±": r"\pm", "−": "-", "∞": r"\infty", "∂": r"\partial", "∇": r"\nabla",
    "∑": r"\sum",
    "…": r"\ldots", "⋯": r"\cdots", "⋮": r"\vdots", "⋱": r"\ddots", "⊙": r"\odot",
    "⊗": r"\otimes", "★": r"\bigstar", "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil",
    "⌉": r"\rceil", "∈": r"\in", "√": r"\surd", "²": "^{2}", "³": "^{3}", "¹": "^{1}",
    "⁰": "^{0}", "⁻": "^{-}", "₀": "_{0}", "₁": "_{1}", "₂": "_{2}", "₃": "_{3}",
    "ℓ": r"\ell",
    "⟨": r"\langle", "⟩": r"\rangle", "‖": r"\|", "∘": r"\circ", "⊤": r"\top",
}
_MATH_CHARACTERS.update({char: "\\" + name for name, char in statements.GREEK.items()})
_TEXT_CHARACTERS = {"“": "``", "”": "''", "‘": "`", "’": "'", "–": "--", "—": "---",
                    "\u00a0": "~", "\u202f": r"\,"}


def escape(text: str) -> str:
    """Text as LaTeX typesets it literally."""
    out = []
    for char in str(text):
        if char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif char in _MATH_CHARACTERS:
            out.append(r"\ensuremath{" + _MATH_CHARACTERS[char] + "}")
        elif char in _TEXT_CHARACTERS:
            out.append(_TEXT_CHARACTERS[char])
        else:
            out.append(_raised_or_lowered(char))
    return "".join(out)


def _raised_or_lowered(char: str) -> str:
    """A superscript or subscript letter (the ᵀ of QKᵀ) as \\textsuperscript{T}: pdflatex has
    no glyph for the Unicode forms."""
    import unicodedata

    if char.isascii():
        return char
    kind, _, code = unicodedata.decomposition(char).partition(" ")
    if kind in ("<super>", "<sub>") and code:
        base = escape(chr(int(code, 16)))
        return (r"\textsuperscript{" if kind == "<super>" else r"\textsubscript{") + base + "}"
    return char


class LatexValues:
    """Values in LaTeX math: matrices as pmatrix, elided with \\cdots and \\vdots."""

    def scalar(self, value: Any, exact: bool) -> str:
        if exact or (hasattr(value, "free_symbols") and value.free_symbols):
            return printing.latex_value(value)
        return printing.latex_number(V.format_number(value))

    def array(self, value: tuple, exact: bool) -> str:
        return printing.latex_value(value, exact=exact, elide=True)

    def shape(self, dims: list) -> str:
        return r" \times ".join(dims)

    def grouped(self, written: str) -> str:
        return r"\left(" + written + r"\right)"

    def count(self, grouped: str) -> str:
        return grouped.replace(",", "{,}")

    def other(self, value: Any) -> str:
        if isinstance(value, frozenset):
            return r"\{" + ", ".join(sorted(self.other(v) if isinstance(v, str)
                                            else self.scalar(v, True) for v in value)) + r"\}"
        return r"\text{" + escape(value) + "}"


_VALUES = LatexValues()
_RELATIONS = {"": "", "=": "=", "≈": r"\approx"}


def equation_sides(d, q: Quantity) -> list[tuple[str, str]]:
    sides = common.equation(d, q, d.symbol_latex(q.name), d.formula_latex(q.name),
                            d.substituted_latex(q.name, elide=True), _VALUES)
    return [(_RELATIONS[relation], side) for relation, side in sides]


def display_equation(sides: list[tuple[str, str]]) -> str:
    """One displayed line, or `align*` one step a line when the chain is long."""
    if sum(len(side) for _, side in sides) <= LONG_EQUATION or len(sides) < 3:
        return r"\[" + " ".join(f"{rel} {side}".strip() for rel, side in sides) + r"\]"
    first = f"{sides[0][1]} &{sides[1][0]} {sides[1][1]}"
    rest = [f"&{rel} {side}" for rel, side in sides[2:]]
    return "\\begin{align*}\n" + " \\\\\n".join([first] + rest) + "\n\\end{align*}"


def _tabular(columns: str, header: list[str] | None, rows: list[list[str]]) -> str:
    lines = [rf"\begin{{tabular}}{{{columns}}}", r"\toprule"]
    if header is not None:
        lines += [" & ".join(header) + r" \\", r"\midrule"]
    lines += [" & ".join(row) + r" \\" for row in rows]
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines)


def part_latex(problem, solved) -> list[str]:
    d = solved.derivation
    out = [rf"\subsection*{{{escape(common.part_heading(problem, solved.part))}}}"]
    if solved.part.statement:
        out.append(statements.to_latex(solved.part.statement, escape))
    conventions = common.conventions_text(solved)
    if conventions:
        out.append(r"\textbf{Conventions:} " + escape("; ".join(conventions)) + "\n")
    givens = common.given_quantities(d)
    if givens:
        rows = [[f"${d.symbol_latex(q.name)}$", _given_value(q), escape(common.given_label(q))]
                for q in givens]
        out += [r"\textbf{Given}", "", r"\begin{center}",
                _tabular(r"l l p{0.5\linewidth}", None, rows), r"\end{center}", ""]
    asked = common.asked_points(solved)
    for group in common.derived_groups(d):
        if group.title:
            out.append(rf"\subsubsection*{{{escape(group.title)}}}")
        for q in group.quantities:
            header = r"\textbf{" + escape(q.label) + "}"
            if q.name in asked:
                header = (r"$\bigstar$ " + header + r" \hfill \textit{"
                          + escape(common.asked_text(asked[q.name])) + "}")
            out += [r"\par\noindent " + header, display_equation(equation_sides(d, q))]
            if q.note:
                out.append(r"{\small\itshape " + escape(q.note) + "}\n")
            out.append("")
    for table in d.tables:
        rows = [[_table_cell(value, kind) for value, kind in row]
                for row in common.table_cells(d, table)]
        columns = "l" + "r" * (len(table.header) - 1)
        out += [r"\textbf{" + escape(table.title) + "}", "", r"\begin{center}",
                _tabular(columns, [escape(h) for h in table.header], rows), r"\end{center}", ""]
    if d.notes:
        out += [r"\textbf{Notes}", r"\begin{itemize}"]
        out += [r"\item " + escape(note) for note in d.notes]
        out += [r"\end{itemize}", ""]
    return out


def _given_value(q: Quantity) -> str:
    forms = common.given_forms(q, _VALUES)
    return "$= " + r" \approx ".join(forms) + "$" if forms else ""


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


def render(solutions, *, problem_set=None, statements: bool = False) -> str:
    if problem_set is not None:
        title = problem_set.title or problem_set.id
    else:
        title = common.problem_heading(solutions[0].problem)
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
