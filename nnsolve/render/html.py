"""One standalone HTML page: MathML for the math, inline CSS, no script, nothing fetched.

Browsers render MathML natively, so the page needs no JavaScript and no fonts from the
network; a Content-Security-Policy meta tag makes that a promise. Every text from a problem
file or a solver is escaped; statements go through the safe Markdown subset of `statements`.
"""

from __future__ import annotations

from html import escape

from nnsolve.derivation import board
from nnsolve.derivation import layout as L
from nnsolve.derivation import values as V
from nnsolve.derivation.core import Quantity
from nnsolve.render import common, statements

#: a chain wider than this (in characters of its plain-text form) is set one step a line
LONG_EQUATION = 64

STYLE = """
:root { --ink: #1f2430; --muted: #5d6675; --rule: #dfe3ea; --paper: #ffffff;
        --page: #f4f5f8; --accent: #2f5d9e; --asked: #b7791f; --asked-bg: #fff8eb; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink);
       font: 16px/1.55 "Charter", "Bitstream Charter", "Source Serif Pro", "DejaVu Serif",
             Georgia, serif; }
main { max-width: 58rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1, h2, h3, h4 { font-family: "Inter", "Segoe UI", "Helvetica Neue", "DejaVu Sans", Arial,
                 sans-serif; line-height: 1.25; margin: 1.4em 0 .5em; }
h1 { font-size: 1.9rem; margin-top: .2em; }
.problem-title { font-size: 1.7rem; margin-bottom: .3em; }
.part-title { font-size: 1.35rem; border-bottom: 1px solid var(--rule); padding-bottom: .4rem; }
.sub { font-size: 1.1rem; border-bottom: 1px solid #eceff4; padding-bottom: .2rem; }
nav.toc h2 { font-size: 1.2rem; }
math { font-family: "STIX Two Math", "Latin Modern Math", "Cambria Math",
                    "DejaVu Math TeX Gyre", math; font-size: 1.08em; }
math[display="block"] { width: fit-content; max-width: calc(100% - 1.2em);
                        margin: .35em 0 .2em 1.2em; padding: .15em 0;
                        overflow-x: auto; overflow-y: hidden; }
.byline { color: var(--muted); font-style: italic; margin-top: -.3em; }
.statement { background: var(--paper); border-left: 4px solid var(--accent);
             padding: .6rem 1.2rem; border-radius: 0 8px 8px 0; margin: 1rem 0 1.5rem; }
.problem { margin-bottom: 3rem; }
.part { background: var(--paper); border: 1px solid var(--rule); border-radius: 12px;
        padding: .4rem 1.6rem 1.2rem; margin: 1.5rem 0; box-shadow: 0 1px 3px rgba(0,0,0,.05); }
.part-statement { color: var(--ink); }
.conventions { margin: .6rem 0; }
.chip { display: inline-block; font-size: .85rem; background: #eef2f8; color: #34476a;
        border-radius: 999px; padding: .05rem .7rem; margin: .1rem .2rem .1rem 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { padding: .3rem .8rem; border-bottom: 1px solid var(--rule); vertical-align: middle; }
th { text-align: left; font-family: "DejaVu Sans", Arial, sans-serif; font-size: .9rem;
     border-bottom: 2px solid #b9c0cc; }
td.number { text-align: right; }
table.given td:last-child { color: var(--muted); }
table caption { caption-side: top; text-align: left; font-weight: bold; padding: .3rem 0; }
.tabulated { display: flex; align-items: center; flex-wrap: wrap; gap: .2rem .8rem; }
.tabulated > math[display="block"] { margin-right: 0; }
table.value-table { margin: .3rem 0; background: var(--paper); }
table.value-table th, table.value-table td { padding: .15rem .7rem; }
.quantity { padding: .45rem .9rem .35rem; margin: .35rem 0; border-left: 3px solid var(--rule);
            border-radius: 0 6px 6px 0; }
.quantity.asked { border-left-color: var(--asked); background: var(--asked-bg); }
.quantity .label { font-weight: 600; }
.badge { display: inline-block; font-size: .78rem; font-family: "DejaVu Sans", Arial, sans-serif;
         color: #fff; background: var(--asked); border-radius: 4px; padding: .05rem .45rem;
         margin-left: .5rem; vertical-align: .1em; }
mtable.steps > mtr > mtd { text-align: left; padding: .25em 0; }
mtable.steps > mtr > mtd:first-child { text-align: right; padding-right: .3em; }
.note { color: var(--muted); font-style: italic; font-size: .92rem; margin: .1rem 0 0 1.2rem; }
.notes { border-top: 1px solid var(--rule); margin-top: 1rem; }
nav.toc { background: var(--paper); border: 1px solid var(--rule); border-radius: 12px;
          padding: .3rem 1.5rem .8rem; }
nav.toc ol { padding-left: 1.3rem; margin: .3rem 0; }
a { color: var(--accent); }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .9em; background: #eef1f5;
       padding: 0 .25em; border-radius: 3px; }
"""

HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<main>
"""
FOOT = "</main>\n</body>\n</html>\n"


def prose(text: str) -> str:
    """A note, escaped, with its subscripts set as subscripts."""
    return "".join(escape(plain) + (f"<sub>{escape(sub)}</sub>" if sub else "")
                   for plain, sub in common.subscripted(text))


def _math(inner: str, *, display: bool = False) -> str:
    attribute = ' display="block"' if display else ""
    return f"<math{attribute}><mrow>{inner}</mrow></math>"


def _mo(symbol: str) -> str:
    return f"<mo>{escape(symbol)}</mo>"


class HtmlValues(common.KindWriter):
    """Values in MathML, as their kinds write them: fractions as <mfrac>, vectors and matrices
    as elided tables."""

    form = "mathml"


_VALUES = HtmlValues()


def _width(d, q: Quantity) -> int:
    """A rough width of a quantity's chain, to decide whether it fits on one line."""
    value = q.value[0] if L.is_matrix(q.value) and not L.is_tensor(q.value) else q.value
    parts = [board.formula(d, q.name), board.substituted(d, q.name, elide=True),
             V.format_value(value, exact=True, elide=True)]
    return sum(len(p) for p in parts if p)


def equation(d, q: Quantity) -> str:
    sides = common.equation(d, q, board.symbol(d, q.name, "mathml"),
                            board.formula(d, q.name, "mathml"),
                            board.substituted(d, q.name, "mathml", elide=True), _VALUES)
    if common.tabulated(q.value, q.kind) is not None:
        sides.append(("=", ""))  # the table follows
    if _width(d, q) <= LONG_EQUATION or len(sides) < 3:
        inner = "".join((_mo(rel) if rel else "") + side for rel, side in sides)
        return _math(inner, display=True)
    rows = [f"<mtr><mtd>{sides[0][1]}</mtd><mtd>{_mo(sides[1][0])}{sides[1][1]}</mtd></mtr>"]
    rows += [f"<mtr><mtd></mtd><mtd>{_mo(rel)}{side}</mtd></mtr>" for rel, side in sides[2:]]
    table = f'<mtable class="steps" displaystyle="true">{"".join(rows)}</mtable>'
    return _math(table, display=True)


def _anchor(problem, part=None) -> str:
    return common.anchor("problem", problem.id, *([part.id] if part is not None else []))


def part_html(problem, solved, level: int) -> list[str]:
    d = solved.derivation
    h, sub = f"h{level}", f"h{min(level + 1, 6)}"
    out = [f'<section class="part" id="{_anchor(problem, solved.part)}">',
           f'<{h} class="part-title">{escape(common.part_heading(problem, solved.part))}</{h}>']
    if solved.part.statement:
        out.append(f'<div class="part-statement">{statements.to_html(solved.part.statement)}</div>')
    conventions = common.conventions_text(solved)
    if conventions:
        chips = "".join(f'<span class="chip"><code>{escape(c)}</code></span>' for c in conventions)
        out.append(f'<p class="conventions">{chips}</p>')
    givens = common.given_quantities(d)
    if givens:
        out += [f'<{sub} class="sub">Given</{sub}>', '<table class="given">']
        for q in givens:
            forms = common.given_forms(q, _VALUES)
            value = _math(_mo("=") + _mo("≈").join(forms)) if forms else ""
            table = common.tabulated(q.value, q.kind)
            if table is not None:
                value = _math(_mo("=")) + "\n".join(value_table(table))
            elif isinstance(q.value, str):   # words (an option's text) are set as text
                value = _math(_mo("=")) + " " + escape(q.value)
            out.append(f"<tr><td>{_math(board.symbol(d, q.name, 'mathml'))}</td><td>{value}</td>"
                       f"<td>{escape(common.given_label(q))}</td></tr>")
        out.append("</table>")
    asked = common.asked_points(solved)
    for group in common.derived_groups(d):
        if group.title:
            out.append(f'<{sub} class="sub">{escape(group.title)}</{sub}>')
        for q in group.quantities:
            out += _quantity_html(d, q, asked.get(q.name))
    for table in d.tables:
        out += _table_html(d, table)
    if d.notes:
        out += ['<div class="notes">', f'<{sub} class="sub">Notes</{sub}>', "<ul>"]
        out += [f"<li>{prose(note)}</li>" for note in d.notes]
        out += ["</ul>", "</div>"]
    out.append("</section>")
    return out


def _quantity_html(d, q: Quantity, points) -> list[str]:
    classes = "quantity asked" if points is not None else "quantity"
    badge = f'<span class="badge">★ {escape(common.asked_text(points))}</span>' \
        if points is not None else ""
    out = [f'<div class="{classes}">',
           f'<div><span class="label">{prose(q.label)}</span>{badge}</div>',
           equation(d, q)]
    table = common.tabulated(q.value, q.kind)
    if table is not None:  # the chain, then its table beside it
        out[-1:] = ['<div class="tabulated">', out[-1], *value_table(table), "</div>"]
    if q.note:
        out.append(f'<p class="note">{prose(q.note)}</p>')
    out.append("</div>")
    return out


def _table_html(d, table) -> list[str]:
    return _html_table(table.header, common.table_cells(d, table), caption=table.title)


def value_table(table) -> list[str]:
    """A table value as an HTML table, each cell written by its kind."""
    return _html_table(table.header, common.value_table_cells(table), classes="value-table")


def _html_table(header, rows, *, caption: str | None = None, classes: str = "") -> list[str]:
    opening = f'<table class="{classes}">' if classes else "<table>"
    out = [opening] + ([f"<caption>{escape(caption)}</caption>"] if caption else [])
    out += ["<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr></thead>",
            "<tbody>"]
    for row in rows:
        cells = []
        for value, kind in row:
            if isinstance(value, str):
                cells.append(f"<td>{escape(value)}</td>")
            else:
                form = common.cell_form(value, kind, _VALUES)
                cells.append(f'<td class="number">{_math(form)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def solution_html(solution, *, statements_shown: bool, level: int,
                  contents: bool = False) -> list[str]:
    problem = solution.problem
    h = f"h{level}"
    out = [f'<article class="problem" id="{_anchor(problem)}">',
           f'<header><{h} class="problem-title">{escape(common.problem_heading(problem))}</{h}>',
           f'<p class="byline">{escape(common.problem_byline(problem))}</p></header>']
    if statements_shown and problem.statement:
        out.append(f'<div class="statement">{statements.to_html(problem.statement)}</div>')
    if contents:
        out += _contents([solution], show_problems=False)
    for solved in solution.parts:
        out += part_html(problem, solved, level + 1)
    out.append("</article>")
    return out


def _contents(solutions, show_problems: bool) -> list[str]:
    out = ['<nav class="toc">', "<h2>Contents</h2>", "<ol>"]
    for solution in solutions:
        problem = solution.problem
        parts = "".join(
            f'<li><a href="#{_anchor(problem, s.part)}">'
            f"{escape(common.part_heading(problem, s.part))}</a></li>" for s in solution.parts)
        if show_problems:
            out.append(f'<li><a href="#{_anchor(problem)}">'
                       f"{escape(common.problem_heading(problem))}</a><ol>{parts}</ol></li>")
        else:
            out.append(parts)
    out += ["</ol>", "</nav>"]
    return out


def render(solutions, *, problem_set=None, statements: bool = False) -> str:
    title = common.document_title(solutions, problem_set)
    out = [HEAD.format(title=escape(title), style=STYLE)]
    level = 1
    if problem_set is not None:
        level = 2
        out.append(f"<header><h1>{escape(title)}</h1></header>")
        out += _contents(solutions, show_problems=True)
    for solution in solutions:
        contents = problem_set is None and statements and len(solution.parts) > 1
        out += solution_html(solution, statements_shown=statements, level=level,
                             contents=contents)
    out.append(FOOT)
    return "\n".join(out)
